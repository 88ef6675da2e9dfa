#include "frontends/openstack/firewall_applier.h"

#include <fmt/format.h>

#include <utility>

namespace chainlab::openstack {

FirewallApplier::FirewallApplier(PortFirewall& firewall)
    : firewall_(firewall), thread_([this] { run(); }) {}

FirewallApplier::~FirewallApplier() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    pending_.clear();
  }
  work_.notify_all();
  done_.notify_all();
  thread_.join();
}

void FirewallApplier::submit(const std::string& instance, std::string ruleset) {
  {
    std::lock_guard lock(mu_);
    bool urgent = pending_.count(instance) != 0 && pending_[instance].urgent;
    pending_[instance] = Entry{std::move(ruleset), next_version_++, urgent};
  }
  work_.notify_one();
}

Status FirewallApplier::apply(const std::string& instance, std::string ruleset) {
  std::unique_lock lock(mu_);
  uint64_t version = next_version_++;
  pending_[instance] = Entry{std::move(ruleset), version, true};
  work_.notify_one();
  done_.wait(lock, [&] {
    auto it = loaded_.find(instance);
    return stop_ || (it != loaded_.end() && it->second.version >= version);
  });
  if (stop_) {
    return make_error(ErrorCode::kUnavailable, "the firewall of {} is shutting down", instance);
  }
  return loaded_[instance].status;
}

void FirewallApplier::forget(const std::string& instance) {
  std::unique_lock lock(mu_);
  pending_.erase(instance);
  done_.wait(lock, [&] { return stop_ || in_flight_ != instance; });
  loaded_.erase(instance);
  failed_.erase(instance);
}

std::set<std::string> FirewallApplier::take_failed() {
  std::lock_guard lock(mu_);
  return std::exchange(failed_, {});
}

void FirewallApplier::settle() {
  std::unique_lock lock(mu_);
  done_.wait(lock, [&] { return stop_ || (pending_.empty() && in_flight_.empty()); });
}

std::pair<std::string, FirewallApplier::Entry> FirewallApplier::take_locked() {
  auto it = pending_.begin();
  for (auto u = pending_.begin(); u != pending_.end(); ++u) {
    if (u->second.urgent) {
      it = u;
      break;
    }
  }
  std::pair<std::string, Entry> out{it->first, std::move(it->second)};
  pending_.erase(it);
  return out;
}

void FirewallApplier::run() {
  std::unique_lock lock(mu_);
  while (true) {
    work_.wait(lock, [&] { return stop_ || !pending_.empty(); });
    if (stop_) {
      return;
    }
    auto [instance, entry] = take_locked();
    in_flight_ = instance;
    lock.unlock();
    Status status = firewall_.apply(instance, entry.ruleset);
    bool gone = !status.ok() && status.error().code == ErrorCode::kNotFound;
    if (!status.ok() && !entry.urgent && !gone) {
      fmt::print(stderr, "warning: security groups of {}: {}\n", instance, status.error().message);
    }
    lock.lock();
    in_flight_.clear();
    if (!status.ok() && !entry.urgent && !gone) {
      failed_.insert(instance);
    }
    loaded_[instance] = Done{entry.version, std::move(status)};
    done_.notify_all();
  }
}

}  // namespace chainlab::openstack
