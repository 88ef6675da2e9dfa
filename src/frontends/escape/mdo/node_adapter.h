// The "chainlab-node" domain: a chainlab node (`chainlab node`, or any Universal Node) driven
// through its NF-FG API (docs/nffg.md). The node is one BiSBiS infra; its view comes from the
// node's domain description (the functional capabilities it can run, its cores and memory), read
// from the API at start and then kept current from the node's ZeroMQ bus when `bus` is set (topic
// frog:domain-description: live updates, not polling). A service's part becomes one NF-FG
// (node_translate.h) named "mdo-<service>", created on the first deploy and replaced by PUT
// afterwards; remove() deletes it. A create whose answer is lost (a timeout) looks the graph up
// by its name and deletes it, so that a failed deploy leaves nothing on the node.
//
// Settings (a config `domains:` entry; docs/mdo.md):
//   url: http://HOST:PORT        the node's NF-FG API (required)
//   user: admin                  who logs in (default admin)
//   password: PW                 or password_file: a file holding it (required, one of them)
//   bus: tcp://HOST:PORT         the node's description bus (optional)
//   infra: NAME                  the BiSBiS id (default the domain's name)
//   delay: MS                    the delay across the node (default 0)
//   resources: {cpu, mem, storage}   instead of the description's cores and memory
//   saps: {SAP: {interface: IF} | {gre: {local-ip, remote-ip, key}}, border: true|false,
//          delay: MS (the SAP's access link; domains sharing a SAP add theirs)}
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "frontends/escape/mdo/domain_adapter.h"
#include "frontends/escape/mdo/node_translate.h"

namespace chainlab::escape {

// What the adapter needs of a node: its NF-FG API (endpoints/unode/nffg_api_client.h speaks it
// over HTTP). Errors carry the node's message.
class NodeApi {
 public:
  virtual ~NodeApi() = default;
  virtual Result<std::string> create_graph(const nlohmann::json& nffg) = 0;  // its id
  virtual Status update_graph(const std::string& id, const nlohmann::json& nffg) = 0;
  virtual Status delete_graph(const std::string& id) = 0;  // NotFound when it is not there
  virtual Result<nlohmann::json> description() = 0;        // GET /domain-description
  // The id of the graph named `name` (GET /NF-FG), none when there is none.
  virtual Result<std::optional<std::string>> graph_named(const std::string& name) = 0;
};

struct NodeSettings {
  std::string url;
  std::string user = "admin";
  std::string password;
  std::string bus;
  std::string infra;
  double delay = 0;
  std::optional<Resources> resources;
  std::map<std::string, NodeSapLink> saps;
};

// The settings of `spec`; errors name the field ("domains.un1.saps.SAP1.interface: ...").
Result<NodeSettings> read_node_settings(const AdapterSpec& spec);

// The node's view from its description: one BiSBiS `infra` with the description's cores as cpu
// and memory (MB) as mem unless `resources` says, its functional capabilities as `supported`,
// one port per SAP of `saps` with that SAP linked to it.
Result<Nffg> node_view(const nlohmann::json& description, const NodeSettings& settings);

class NodeAdapter final : public DomainAdapter {
 public:
  NodeAdapter(std::string name, NodeSettings settings, std::unique_ptr<NodeApi> api);
  std::string name() const override { return name_; }
  std::string kind() const override { return "chainlab-node"; }
  Result<Nffg> view() override;
  Status deploy(const std::string& service_id, const Nffg& part) override;
  Status remove(const std::string& service_id) override;

  void set_change_listener(std::function<void()> changed) override;

  // A newer description (from the bus): the view changes, the listener is told.
  void set_description(nlohmann::json description);
  // The feed that calls set_description; the adapter owns it (stopped first when it goes).
  void keep_feed(std::shared_ptr<void> feed) { feed_ = std::move(feed); }
  ~NodeAdapter() override;

 private:
  std::string name_;
  NodeSettings settings_;
  std::unique_ptr<NodeApi> api_;
  std::mutex mu_;
  std::optional<nlohmann::json> description_;
  std::map<std::string, std::string> graphs_;  // service id -> the node's graph id
  std::mutex listener_mu_;                     // held while the listener runs
  std::function<void()> changed_;
  std::shared_ptr<void> feed_;
};

}  // namespace chainlab::escape
