// One Universal Node on one PoP: the NF-FG service behind the REST API (endpoints/unode). It owns
// the node's graphs (each deployed by GraphDeployer onto a graph-LSI of the PoP), its users
// (UserStore: who may read, update, delete which graph), its template repository and its live
// domain description, which it publishes on the bus (when one is set) at start and after every
// change.
//
// Thread-safe. Graph changes (create, update, delete) run one at a time; reads (GET, status, the
// description) are answered meanwhile, so a client sees a deployment's real progress.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/ids.h"
#include "common/result.h"
#include "emulator/control.h"
#include "frontends/unode/description_bus.h"
#include "frontends/unode/domain_description.h"
#include "frontends/unode/graph_deployer.h"
#include "frontends/unode/nffg.h"
#include "frontends/unode/templates.h"
#include "frontends/unode/users.h"

namespace chainlab::unode {

struct NodeOptions {
  std::string pop;
  std::string templates_dir;       // "" = no templates
  std::string db_path;             // the users' SQLite file
  std::string admin_password;      // first start only; "" = generate one
  std::string management_address;  // "host:port" of the NF-FG API (the description shows it)
  std::string node_id = "00000001";
  const IdSource* ids = &RandomIds::instance();
  NffgLimits limits;
  UserStoreOptions users;
};

struct GraphStatus {
  std::string status;  // "in progress", "complete", "error"
  int percentage = 0;
  std::string message;  // what failed
};

class Node {
 public:
  // Loads the templates (a file that does not parse is a warning), opens the user store and
  // creates the admin on first start: `generated_password` then holds the password to print when
  // none was given.
  static Result<std::unique_ptr<Node>> open(emulator::Control& control, NodeOptions options,
                                            std::vector<std::string>* warnings,
                                            std::optional<std::string>* generated_password);
  ~Node();  // removes every graph it deployed
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  Result<std::string> login(const std::string& user, const std::string& password);
  Result<UserInfo> authenticate(const std::string& token);
  UserStore& users() { return *users_; }
  const TemplateRepository& templates() const { return templates_; }

  // InvalidArgument naming the field for a graph that does not parse or cannot be steered;
  // FailedPrecondition for one this node cannot run (no template, no such interface).
  // `id` "" = a new uuid; a given one (the config's initial graphs) must be free.
  Result<std::string> create_graph(const UserInfo& user, const nlohmann::json& body,
                                   const std::string& id = "");
  Status update_graph(const UserInfo& user, const std::string& id, const nlohmann::json& body);
  Status delete_graph(const UserInfo& user, const std::string& id);
  // NotFound for a graph the node does not have.
  Result<nlohmann::json> graph_json(const UserInfo& user, const std::string& id);
  Result<nlohmann::json> graphs_json(const UserInfo& user);
  Result<GraphStatus> status(const UserInfo& user, const std::string& id);
  bool has_graph(const std::string& id);
  const std::string& pop() const { return options_.pop; }

  nlohmann::json description();
  // Publishes the description now and after every change (null: stop publishing).
  void set_bus(DescriptionBus* bus);

 private:
  struct Entry {
    std::optional<DeployedGraph> deployed;
    Nffg graph;  // as asked (what GET answers)
    GraphStatus status;
  };
  Node(emulator::Control& control, NodeOptions options, TemplateRepository templates,
       std::unique_ptr<UserStore> users);
  Result<Nffg> parse(const nlohmann::json& body) const;
  // A graph's LSI: "<pop>-g<n>", unique in an emulation whose PoPs may each be a node.
  std::string graph_lsi_name(uint64_t handle) const {
    return options_.pop + "-g" + std::to_string(handle);
  }
  Status check_vlans_locked(const std::string& id, const Nffg& graph) const;
  void set_status(const std::string& id, GraphStatus status);
  // With mu_ held.
  void publish_locked();
  NodeDescription live_state_locked();

  emulator::Control& control_;
  NodeOptions options_;
  TemplateRepository templates_;
  std::unique_ptr<UserStore> users_;
  InternalGroups internal_;
  GraphDeployer deployer_;
  std::mutex change_mu_;  // one graph change at a time
  std::mutex mu_;         // graphs_, bus_
  std::map<std::string, Entry> graphs_;
  DescriptionBus* bus_ = nullptr;
  uint64_t next_handle_ = 1;
};

}  // namespace chainlab::unode
