// FirewallApplier: loads servers' security group filters on one thread of its own, so that a
// change that only moves a remote group's members (every create or delete of a server in
// "default" changes the filter of every other member) costs the request nothing and is coalesced:
// what is queued for a server is replaced by its newer filter before it is loaded. Changes a
// caller must see in place (a new server's own filter, a rule it added) are queued as urgent —
// loaded before the rest — and waited for. Like Neutron's agents, remote-group members converge
// shortly after the call that moved them.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/result.h"
#include "frontends/openstack/port_firewall.h"

namespace chainlab::openstack {

class FirewallApplier {
 public:
  // `firewall` must outlive the applier.
  explicit FirewallApplier(PortFirewall& firewall);
  // Joins the thread; what is still queued is dropped (its servers are going away).
  ~FirewallApplier();
  FirewallApplier(const FirewallApplier&) = delete;
  FirewallApplier& operator=(const FirewallApplier&) = delete;

  // Queues `ruleset` for `instance` (replacing what is queued for it) and returns.
  void submit(const std::string& instance, std::string ruleset);
  // Queues it ahead of the non-urgent work and waits until it is loaded: its result.
  Status apply(const std::string& instance, std::string ruleset);
  // Drops what is queued for `instance` and what is known of it (a deleted server), after a load
  // of it in progress has ended (its name may be given to a new server).
  void forget(const std::string& instance);
  // The instances whose queued (not waited for) load failed since the last call, other than for
  // a namespace already gone: the Cloud loads them again with its next change.
  std::set<std::string> take_failed();
  // Waits until nothing is queued or being loaded.
  void settle();

 private:
  struct Entry {
    std::string ruleset;
    uint64_t version = 0;
    bool urgent = false;
  };
  struct Done {
    uint64_t version = 0;
    Status status;
  };
  void run();
  // The next entry to load (an urgent one first); mu_ held, pending_ not empty.
  std::pair<std::string, Entry> take_locked();

  PortFirewall& firewall_;
  std::mutex mu_;
  std::condition_variable work_;  // pending_ or stop_ changed
  std::condition_variable done_;  // loaded_ or in_flight_ changed
  std::map<std::string, Entry> pending_;
  std::map<std::string, Done> loaded_;
  std::set<std::string> failed_;
  std::string in_flight_;  // being loaded, "" = none
  uint64_t next_version_ = 1;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest is ready
};

}  // namespace chainlab::openstack
