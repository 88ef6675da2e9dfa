#include "frontends/escape/mdo/node_adapter.h"

#include <set>
#include <utility>

#include <fmt/format.h>

#include "common/field_reader.h"
#include "common/files.h"
#include "common/json_at.h"
#include "common/json_bounded.h"
#include "frontends/escape/mdo/bisbis_view.h"
#include "frontends/escape/mdo/settings_fields.h"

namespace chainlab::escape {
namespace {

using json = nlohmann::json;

Result<NodeSapLink> read_sap(const json& j, const std::string& path) {
  CL_RETURN_IF_ERROR(only_keys(j, path, {"interface", "gre", "border", "delay"}));
  FieldReader r(j, path);
  NodeSapLink s;
  CL_ASSIGN_OR_RETURN(s.delay, read_ms(j, path));
  CL_ASSIGN_OR_RETURN(auto border, r.opt_bool("border"));
  s.border = border.value_or(false);
  CL_ASSIGN_OR_RETURN(auto ifname, r.opt_string("interface"));
  s.if_name = ifname.value_or("");
  if (j.contains("gre")) {
    CL_RETURN_IF_ERROR(only_keys(j["gre"], path + ".gre", {"local-ip", "remote-ip", "key"}));
    FieldReader g(j["gre"], path + ".gre");
    CL_ASSIGN_OR_RETURN(s.local_ip, g.string("local-ip"));
    CL_ASSIGN_OR_RETURN(s.remote_ip, g.string("remote-ip"));
    CL_ASSIGN_OR_RETURN(auto key, g.opt_int("key", 0, 0xFFFFFFFFLL));
    s.key = std::to_string(key.value_or(1));
  }
  if (s.if_name.empty() == s.local_ip.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: give one of interface or gre", path);
  }
  return s;
}

Result<std::optional<Resources>> read_resources(const FieldReader& r, const json& j) {
  if (!j.contains("resources")) {
    return std::optional<Resources>();
  }
  std::string path = r.path("resources");
  CL_RETURN_IF_ERROR(only_keys(j["resources"], path, {"cpu", "mem", "storage"}));
  Resources out;
  for (const char* key : {"cpu", "mem", "storage"}) {
    const json& v = j["resources"].value(key, json());
    if (!v.is_null() && (!v.is_number() || v.get<double>() < 0)) {
      return make_error(ErrorCode::kInvalidArgument, "{}.{}: expected a number >= 0", path, key);
    }
    std::optional<double> x = v.is_null() ? std::nullopt : std::optional(v.get<double>());
    (std::string(key) == "cpu" ? out.cpu : std::string(key) == "mem" ? out.mem : out.storage) = x;
  }
  return std::optional(out);
}

// The description's functional capabilities and total cores / memory.
struct Offer {
  std::vector<std::string> capabilities;
  std::optional<double> cores;
  std::optional<double> memory_mb;
};

// Whatever shape the node's answer has (json_at never throws).
Offer offer_of(const json& description) {
  Offer o;
  const json& info = json_at(description, {"netgroup-domain:informations"});
  const json& caps =
      json_at(info, {"capabilities", "functional-capabilities", "functional-capability"});
  for (const auto& c : caps.is_array() ? caps : json::array()) {
    if (const json& name = json_at(c, {"name"}); name.is_string()) {
      o.capabilities.push_back(name.get<std::string>());
    }
  }
  const json& cpu = json_at(info, {"netgroup-domain:resources", "cpu", "total-cores"});
  const json& mem = json_at(info, {"netgroup-domain:resources", "memory", "total-mb"});
  if (cpu.is_number() && cpu.get<double>() >= 0) {
    o.cores = cpu.get<double>();
  }
  if (mem.is_number() && mem.get<double>() >= 0) {
    o.memory_mb = mem.get<double>();
  }
  return o;
}

}  // namespace

Result<NodeSettings> read_node_settings(const AdapterSpec& spec) {
  std::string path = "domains." + spec.name;
  CL_RETURN_IF_ERROR(only_keys(
      spec.settings, path,
      {"url", "user", "password", "password_file", "bus", "infra", "delay", "resources", "saps"}));
  FieldReader r(spec.settings, path);
  NodeSettings s;
  CL_ASSIGN_OR_RETURN(s.url, r.string("url"));
  CL_ASSIGN_OR_RETURN(auto user, r.opt_string("user"));
  s.user = user.value_or(s.user);
  CL_ASSIGN_OR_RETURN(s.password, read_password(r, spec));
  CL_ASSIGN_OR_RETURN(auto bus, r.opt_string("bus"));
  s.bus = bus.value_or("");
  CL_ASSIGN_OR_RETURN(auto infra, r.opt_string("infra"));
  s.infra = infra.value_or(spec.name);
  CL_ASSIGN_OR_RETURN(s.delay, read_ms(spec.settings, path));
  CL_ASSIGN_OR_RETURN(s.resources, read_resources(r, spec.settings));
  const json& saps = spec.settings.value("saps", json::object());
  if (!saps.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "{}.saps: not a mapping", path);
  }
  for (const auto& [id, sap] : saps.items()) {
    CL_ASSIGN_OR_RETURN(s.saps[id], read_sap(sap, path + ".saps." + id));
  }
  return s;
}

Result<Nffg> node_view(const json& description, const NodeSettings& settings) {
  Offer o = offer_of(description);
  BisbisSpec b{settings.infra, settings.resources.value_or(Resources{}), o.capabilities, {}};
  b.resources.cpu = b.resources.cpu ? b.resources.cpu : o.cores;
  b.resources.mem = b.resources.mem ? b.resources.mem : o.memory_mb;
  b.resources.delay = settings.delay;
  for (const auto& [sap, link] : settings.saps) {
    b.saps[sap] = link.delay;
  }
  return bisbis_view(b);
}

NodeAdapter::NodeAdapter(std::string name, NodeSettings settings, std::unique_ptr<NodeApi> api)
    : name_(std::move(name)), settings_(std::move(settings)), api_(std::move(api)) {}

NodeAdapter::~NodeAdapter() {
  feed_.reset();  // no description arrives any more
}

void NodeAdapter::set_change_listener(std::function<void()> changed) {
  std::lock_guard lock(listener_mu_);
  changed_ = std::move(changed);
}

void NodeAdapter::set_description(json description) {
  {
    std::lock_guard lock(mu_);
    if (description_ == description) {
      return;
    }
    description_ = std::move(description);
  }
  std::lock_guard lock(listener_mu_);
  if (changed_) {
    changed_();
  }
}

Result<Nffg> NodeAdapter::view() {
  std::optional<json> d;
  {
    std::lock_guard lock(mu_);
    d = description_;
  }
  if (!d) {
    CL_ASSIGN_OR_RETURN(json fresh, api_->description());
    std::lock_guard lock(mu_);
    description_ = fresh;
    d = std::move(fresh);
  }
  return node_view(*d, settings_);
}

Status NodeAdapter::deploy(const std::string& service_id, const Nffg& part) {
  std::string name = "mdo-" + service_id;
  CL_ASSIGN_OR_RETURN(json nffg, part_to_nffg(part, name, settings_.saps));
  std::lock_guard lock(mu_);
  if (auto it = graphs_.find(service_id); it != graphs_.end()) {
    return api_->update_graph(it->second, nffg);
  }
  auto id = api_->create_graph(nffg);
  if (!id.ok() && id.error().code == ErrorCode::kUnavailable) {
    // The answer was lost, maybe not the graph: find it by its name and take it away.
    if (auto made = api_->graph_named(name); made.ok() && *made) {
      (void)api_->delete_graph(**made);
    }
  }
  if (!id.ok()) {
    return std::move(id).error();
  }
  graphs_[service_id] = *id;
  return ok_status();
}

Status NodeAdapter::remove(const std::string& service_id) {
  std::lock_guard lock(mu_);
  auto it = graphs_.find(service_id);
  if (it == graphs_.end()) {
    return ok_status();
  }
  Status s = api_->delete_graph(it->second);
  if (!s.ok() && s.error().code != ErrorCode::kNotFound) {
    return s;
  }
  graphs_.erase(it);
  return ok_status();
}

}  // namespace chainlab::escape
