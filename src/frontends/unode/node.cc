#include "frontends/unode/node.h"

#include <sys/sysinfo.h>

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "frontends/unode/lowering.h"

namespace chainlab::unode {

namespace {

// Graph rules carry a cookie of their own per graph, apart from the emulator's chains (10...).
constexpr uint64_t kCookieBase = 0x554e000000000000ull;  // "UN"

uint64_t total_memory_mb() {
  struct sysinfo si {};
  return ::sysinfo(&si) == 0 ? static_cast<uint64_t>(si.totalram) * si.mem_unit >> 20 : 0;
}

// Unpacked .tgz bundles live beside the users' database: "<db>.bundles".
std::string bundle_cache(const NodeOptions& o) {
  return o.db_path.empty() ? "" : o.db_path + ".bundles";
}

}  // namespace

Result<std::unique_ptr<Node>> Node::open(emulator::Control& control, NodeOptions options,
                                         std::vector<std::string>* warnings,
                                         std::optional<std::string>* generated_password) {
  CL_RETURN_IF_ERROR(control.pop_status(options.pop));
  TemplateRepository templates;
  if (!options.templates_dir.empty()) {
    CL_ASSIGN_OR_RETURN(templates, TemplateRepository::load(options.templates_dir, warnings));
  }
  CL_ASSIGN_OR_RETURN(auto users, UserStore::open(options.db_path, options.users));
  CL_ASSIGN_OR_RETURN(auto generated, users->ensure_admin(options.admin_password));
  if (generated_password != nullptr) {
    *generated_password = std::move(generated);
  }
  return std::unique_ptr<Node>(
      new Node(control, std::move(options), std::move(templates), std::move(users)));
}

Node::Node(emulator::Control& control, NodeOptions options, TemplateRepository templates,
           std::unique_ptr<UserStore> users)
    : control_(control),
      options_(std::move(options)),
      templates_(std::move(templates)),
      users_(std::move(users)),
      internal_(control_, options_.pop),
      deployer_(control_, templates_,
                {options_.pop, options_.templates_dir, &internal_, bundle_cache(options_)}) {}

Node::~Node() {
  std::lock_guard change(change_mu_);
  std::lock_guard lock(mu_);
  for (auto& [id, entry] : graphs_) {
    if (entry.deployed) {
      (void)deployer_.remove(*entry.deployed);
    }
  }
}

Result<std::string> Node::login(const std::string& user, const std::string& password) {
  return users_->login(user, password);
}

Result<UserInfo> Node::authenticate(const std::string& token) {
  return users_->authenticate(token);
}

Result<Nffg> Node::parse(const nlohmann::json& body) const {
  CL_ASSIGN_OR_RETURN(Nffg graph, parse_nffg(body, options_.limits));
  CL_RETURN_IF_ERROR(check_lowerable(graph));
  return graph;
}

void Node::set_status(const std::string& id, GraphStatus status) {
  std::lock_guard lock(mu_);
  if (auto it = graphs_.find(id); it != graphs_.end()) {
    it->second.status = std::move(status);
  }
}

// A vlan end-point's (interface, VLAN id) belongs to one graph (the reference never checked).
Status Node::check_vlans_locked(const std::string& id, const Nffg& graph) const {
  auto same = [](const Endpoint& a, const Endpoint& b) {
    return a.type == EndpointType::kVlan && b.type == EndpointType::kVlan &&
           a.if_name == b.if_name && a.vlan_id == b.vlan_id;
  };
  for (const auto& [other_id, other] : graphs_) {
    for (const Endpoint& e : graph.endpoints) {
      auto clash = std::find_if(other.graph.endpoints.begin(), other.graph.endpoints.end(),
                                [&](const Endpoint& o) { return same(e, o); });
      if (other_id != id && clash != other.graph.endpoints.end()) {
        return make_error(ErrorCode::kFailedPrecondition,
                          "end-point {}: VLAN {} on '{}' is graph {}'s", e.id, e.vlan_id, e.if_name,
                          other_id);
      }
    }
  }
  return ok_status();
}

bool Node::has_graph(const std::string& id) {
  std::lock_guard lock(mu_);
  return graphs_.count(id) != 0;
}

Result<std::string> Node::create_graph(const UserInfo& user, const nlohmann::json& body,
                                       const std::string& given_id) {
  CL_RETURN_IF_ERROR(users_->check_create_graph(user));
  CL_ASSIGN_OR_RETURN(Nffg graph, parse(body));
  std::lock_guard change(change_mu_);
  std::string id = given_id.empty() ? options_.ids->uuid() : given_id;
  uint64_t handle = 0;
  {
    std::lock_guard lock(mu_);
    if (!given_id.empty() && graphs_.count(id) != 0) {
      return make_error(ErrorCode::kAlreadyExists, "graph '{}' already exists", id);
    }
    CL_RETURN_IF_ERROR(check_vlans_locked(id, graph));
    while (graphs_.count(id) != 0) {
      id = options_.ids->uuid();
    }
    graphs_[id] = Entry{std::nullopt, graph, {"in progress", 0, ""}};
    handle = next_handle_++;
  }
  if (auto owned = users_->own_graph(user, id); !owned.ok()) {
    std::lock_guard lock(mu_);
    graphs_.erase(id);
    return std::move(owned).error();
  }
  auto progress = [this, id](int percent) { set_status(id, {"in progress", percent, ""}); };
  auto deployed = deployer_.deploy(graph, graph_lsi_name(handle), kCookieBase + handle, progress);
  std::lock_guard lock(mu_);
  if (!deployed.ok()) {
    graphs_.erase(id);
    (void)users_->forget_graph(id);
    return std::move(deployed).error();
  }
  graphs_[id].deployed = std::move(deployed).value();
  graphs_[id].status = {"complete", 100, ""};
  publish_locked();
  return id;
}

Status Node::update_graph(const UserInfo& user, const std::string& id, const nlohmann::json& body) {
  CL_RETURN_IF_ERROR(users_->check(user, id, GraphOp::kUpdate));
  CL_ASSIGN_OR_RETURN(Nffg graph, parse(body));
  std::lock_guard change(change_mu_);
  DeployedGraph deployed;
  {
    std::lock_guard lock(mu_);
    auto it = graphs_.find(id);
    if (it == graphs_.end() || !it->second.deployed) {
      return make_error(ErrorCode::kNotFound, "no graph '{}'", id);
    }
    CL_RETURN_IF_ERROR(check_vlans_locked(id, graph));
    deployed = *it->second.deployed;
    it->second.status = {"in progress", 0, ""};
  }
  auto progress = [this, id](int percent) { set_status(id, {"in progress", percent, ""}); };
  Status updated = deployer_.update(deployed, graph, progress);
  std::lock_guard lock(mu_);
  Entry& entry = graphs_.at(id);
  entry.deployed = std::move(deployed);  // the old graph when the update failed
  entry.status = updated.ok() ? GraphStatus{"complete", 100, ""}
                              : GraphStatus{"error", 100, updated.error().message};
  if (updated.ok()) {
    entry.graph = std::move(graph);
  }
  publish_locked();
  return updated;
}

Status Node::delete_graph(const UserInfo& user, const std::string& id) {
  CL_RETURN_IF_ERROR(users_->check(user, id, GraphOp::kDelete));
  std::lock_guard change(change_mu_);
  std::optional<DeployedGraph> deployed;
  {
    std::lock_guard lock(mu_);
    auto it = graphs_.find(id);
    if (it == graphs_.end()) {
      return make_error(ErrorCode::kNotFound, "no graph '{}'", id);
    }
    deployed = std::move(it->second.deployed);
    graphs_.erase(it);
  }
  Status removed = deployed ? deployer_.remove(*deployed) : ok_status();
  keep_first_error(removed, users_->forget_graph(id));
  std::lock_guard lock(mu_);
  publish_locked();
  return removed;
}

Result<nlohmann::json> Node::graph_json(const UserInfo& user, const std::string& id) {
  CL_RETURN_IF_ERROR(users_->check(user, id, GraphOp::kRead));
  std::lock_guard lock(mu_);
  auto it = graphs_.find(id);
  if (it == graphs_.end()) {
    return make_error(ErrorCode::kNotFound, "no graph '{}'", id);
  }
  return to_json(it->second.graph);
}

Result<nlohmann::json> Node::graphs_json(const UserInfo& user) {
  CL_ASSIGN_OR_RETURN(auto readable, users_->readable_graphs(user));
  nlohmann::json list = nlohmann::json::array();
  std::lock_guard lock(mu_);
  for (const std::string& id : readable) {
    if (auto it = graphs_.find(id); it != graphs_.end()) {
      nlohmann::json g = to_json(it->second.graph);
      g["nffg-uuid"] = id;
      list.push_back(std::move(g));
    }
  }
  return nlohmann::json{{"NF-FG", std::move(list)}};
}

Result<GraphStatus> Node::status(const UserInfo& user, const std::string& id) {
  CL_RETURN_IF_ERROR(users_->check(user, id, GraphOp::kRead));
  std::lock_guard lock(mu_);
  auto it = graphs_.find(id);
  if (it == graphs_.end()) {
    return make_error(ErrorCode::kNotFound, "no graph '{}'", id);
  }
  return it->second.status;
}

// The node as it is now: the PoP's interfaces, the templates' capabilities, and the cores and
// memory the deployed VNFs' templates have not taken.
NodeDescription Node::live_state_locked() {
  NodeDescription d;
  d.id = options_.node_id;
  d.name = "chainlab-" + options_.pop;
  d.management_address = options_.management_address;
  if (auto ifs = control_.pop_interfaces(options_.pop); ifs.ok()) {
    for (const auto& [name, port] : *ifs) {
      // gre-tunnel end-points (VXLAN here) can start from any of them.
      d.interfaces.push_back(NodeInterface{name, {}, true, {}, true});
    }
  }
  for (NodeInterface& i : d.interfaces) {
    for (const auto& [id, entry] : graphs_) {
      for (const Endpoint& e : entry.graph.endpoints) {
        if (e.type == EndpointType::kVlan && e.if_name == i.name) {
          i.used_vlans.insert(e.vlan_id);
        }
      }
    }
  }
  int64_t cores = 0;
  uint64_t memory = 0;
  for (const auto& [id, entry] : graphs_) {
    if (!entry.deployed) {
      continue;
    }
    for (const auto& [vnf, deployed] : entry.deployed->vnfs) {
      if (const NfTemplate* t = templates_.find(deployed.template_id)) {
        cores += t->cores;
        memory += t->memory_mb;
      }
    }
  }
  d.total_cores = static_cast<int64_t>(std::thread::hardware_concurrency());
  d.free_cores = std::max<int64_t>(0, *d.total_cores - cores);
  d.total_memory_mb = total_memory_mb();
  d.free_memory_mb = *d.total_memory_mb > memory ? *d.total_memory_mb - memory : 0;
  return d;
}

nlohmann::json Node::description() {
  std::lock_guard lock(mu_);
  return domain_description(live_state_locked(), templates_);
}

void Node::publish_locked() {
  if (bus_ != nullptr) {
    bus_->publish(domain_description(live_state_locked(), templates_));
  }
}

void Node::set_bus(DescriptionBus* bus) {
  std::lock_guard lock(mu_);
  bus_ = bus;
  publish_locked();
}

}  // namespace chainlab::unode
