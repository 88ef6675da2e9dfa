// Nova's JSON views, routing prefix and project check (openstack_nova_internal.h).
#include <httplib.h>

#include <regex>

#include "common/units.h"
#include "endpoints/http/http.h"
#include "endpoints/openstack/common.h"
#include "endpoints/openstack/neutron.h"
#include "endpoints/openstack/nova_internal.h"

namespace chainlab::endpoints::nova {
namespace {

using nlohmann::json;
using openstack::Cloud;
using openstack::Flavor;
using openstack::Server;
using openstack::ServerView;

// What may follow /v2.1 directly without being a project id.
constexpr const char* kResources = "servers|flavors|images|limits|extensions|os-[^/]*";

const std::regex& project_pattern() {
  static const std::regex pattern(std::string(R"(/v2\.1/(?!(?:)") + kResources +
                                  R"()(?:/|$))([^/]+)(?:/.*)?)");
  return pattern;
}

// "[/<project>]/<kind>/<id>": the project only when the request's path had one.
std::string resource_path(const httplib::Request& req, const std::string& kind,
                          const std::string& id) {
  std::string project = path_project(req.path);
  return (project.empty() ? "" : "/" + project) + "/" + kind + "/" + id;
}

// A server's flavor and image carry the bookmark link only.
json bookmark_link(const httplib::Request& req, int port, const std::string& kind,
                   const std::string& id) {
  return {{{"rel", "bookmark"}, {"href", service_url(req, port, resource_path(req, kind, id))}}};
}

}  // namespace

const std::string kPrefix = std::string(R"(/v2\.1(?:/(?!(?:)") + kResources + R"()(?:/|$))[^/]+)?)";

std::string path_project(const std::string& path) {
  std::smatch m;
  if (!std::regex_match(path, m, project_pattern())) {
    return "";
  }
  return m[1];
}

Status check_project(const std::string& path, const std::string& token_project) {
  std::string project = path_project(path);
  if (project.empty() || project == token_project) {
    return ok_status();
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "Malformed request URL: URL's project_id '{}' doesn't match Context's "
                    "project_id '{}'",
                    project, token_project);
}

// The microversion asked for ("2.x"), clamped to what we serve; 2.1 by default.
int requested_minor(const httplib::Request& req) {
  std::string v = req.get_header_value("X-OpenStack-Nova-API-Version");
  std::string modern = req.get_header_value("OpenStack-API-Version");
  if (modern.starts_with("compute ")) {
    v = modern.substr(8);
  }
  if (v == "latest") {
    return kMaxMinor;
  }
  if (v.starts_with("2.")) {
    // Checked (atoi is undefined beyond int); anything unreadable or out of range clamps.
    auto minor = parse_int(v.substr(2), "", 1, kMaxMinor);
    if (!minor.ok()) {
      return v.size() > 2 && v[2] != '-' &&
                     v.find_first_not_of("0123456789", 2) == std::string::npos
                 ? kMaxMinor
                 : 1;
    }
    return static_cast<int>(*minor);
  }
  return 1;
}

void set_version_headers(const httplib::Request& req, httplib::Response& res) {
  std::string v = fmt::format("2.{}", requested_minor(req));
  res.set_header("OpenStack-API-Version", "compute " + v);
  res.set_header("X-OpenStack-Nova-API-Version", v);
  res.set_header("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
}

json version_doc(const httplib::Request& req, int port) {
  return {{"id", "v2.1"},
          {"status", "CURRENT"},
          {"version", fmt::format("2.{}", kMaxMinor)},
          {"min_version", "2.1"},
          {"updated", "2013-07-23T11:33:21Z"},
          {"links", {{{"rel", "self"}, {"href", service_url(req, port, "/v2.1/")}}}},
          {"media-types",
           {{{"base", "application/json"},
             {"type", "application/vnd.openstack.compute+json;version=2.1"}}}}};
}

json links(const httplib::Request& req, int port, const std::string& kind, const std::string& id) {
  return {
      {{"rel", "self"}, {"href", service_url(req, port, "/v2.1" + resource_path(req, kind, id))}},
      {{"rel", "bookmark"}, {"href", service_url(req, port, resource_path(req, kind, id))}}};
}

json flavor_json(const httplib::Request& req, int port, const Flavor& f, bool detail) {
  json out = {{"id", f.id}, {"name", f.name}, {"links", links(req, port, "flavors", f.id)}};
  if (!detail) {
    return out;
  }
  out["ram"] = f.ram_mb;
  out["vcpus"] = f.vcpus;
  out["disk"] = f.disk_gb;
  out["OS-FLV-EXT-DATA:ephemeral"] = f.ephemeral_gb;
  out["swap"] = f.swap_mb == 0 ? json("") : json(f.swap_mb);
  out["rxtx_factor"] = f.rxtx_factor;
  out["os-flavor-access:is_public"] = f.is_public;
  out["OS-FLV-DISABLED:disabled"] = false;
  if (requested_minor(req) >= 55) {
    out["description"] = f.description.empty() ? json(nullptr) : json(f.description);
  }
  if (requested_minor(req) >= 61) {
    out["extra_specs"] = f.extra_specs;
  }
  return out;
}

json image_json(const httplib::Request& req, int port, const openstack::Image& im, bool detail) {
  json out = {{"id", im.id}, {"name", im.name}, {"links", links(req, port, "images", im.id)}};
  if (!detail) {
    return out;
  }
  out["status"] = im.status == "active" ? "ACTIVE" : im.status == "queued" ? "SAVING" : "UNKNOWN";
  out["minDisk"] = im.min_disk;
  out["minRam"] = im.min_ram;
  out["progress"] = im.status == "active" ? 100 : 0;
  out["created"] = im.created_at;
  out["updated"] = im.updated_at;
  out["metadata"] = im.properties;
  if (im.size >= 0) {
    out["OS-EXT-IMG-SIZE:size"] = im.size;
  }
  return out;
}

json security_group_json(const openstack::SecurityGroup& g) {
  json rules = json::array();
  for (const auto& r : g.rules) {
    if (r.direction != "ingress") {
      continue;  // nova-network's groups had ingress rules only
    }
    json range = r.remote_ip_prefix.empty() ? json::object() : json{{"cidr", r.remote_ip_prefix}};
    rules.push_back({{"id", r.id},
                     {"parent_group_id", g.id},
                     {"ip_protocol", r.protocol.empty() ? json(nullptr) : json(r.protocol)},
                     {"from_port", r.port_range_min ? json(*r.port_range_min) : json(nullptr)},
                     {"to_port", r.port_range_max ? json(*r.port_range_max) : json(nullptr)},
                     {"ip_range", range},
                     {"group", json::object()}});
  }
  return {{"id", g.id},
          {"name", g.name},
          {"description", g.description},
          {"tenant_id", g.project_id},
          {"rules", rules}};
}

json interface_json(const openstack::Port& p) {
  json ips = json::array();
  for (const auto& ip : p.fixed_ips) {
    ips.push_back({{"subnet_id", ip.subnet_id}, {"ip_address", ip.ip_address}});
  }
  return {{"port_id", p.id},
          {"net_id", p.network_id},
          {"mac_addr", p.mac_address},
          {"port_state", p.status},
          {"fixed_ips", ips}};
}

namespace {

// Nova's vm_state of a server in one of the states the Cloud gives it.
const char* nova_vm_state(const openstack::Server& s) {
  if (s.status == "ACTIVE") {
    return "active";
  }
  return s.status == "BUILD" ? "building" : s.status == "ERROR" ? "error" : "stopped";
}

// [{"name": ...}] of a server's security groups.
json security_group_names_json(const std::vector<std::string>& names) {
  json out = json::array();
  for (const auto& n : names) {
    out.push_back({{"name", n}});
  }
  return out;
}

// Addresses by network name (the id when the network has none or is gone), each fixed one
// followed by its floating IP, as Nova lists them.
json addresses_json(const ServerView& v) {
  json addresses = json::object();
  for (const auto& p : v.ports) {
    auto name = v.network_names.find(p.network_id);
    std::string net_name =
        name != v.network_names.end() && !name->second.empty() ? name->second : p.network_id;
    if (!addresses.contains(net_name)) {
      addresses[net_name] = json::array();
    }
    for (const auto& ip : p.fixed_ips) {
      addresses[net_name].push_back({{"version", 4},
                                     {"addr", ip.ip_address},
                                     {"OS-EXT-IPS:type", "fixed"},
                                     {"OS-EXT-IPS-MAC:mac_addr", p.mac_address}});
      if (auto f = v.floating.find(ip.ip_address); f != v.floating.end()) {
        addresses[net_name].push_back({{"version", 4},
                                       {"addr", f->second},
                                       {"OS-EXT-IPS:type", "floating"},
                                       {"OS-EXT-IPS-MAC:mac_addr", p.mac_address}});
      }
    }
  }
  return addresses;
}

}  // namespace

json server_json(const httplib::Request& req, int port, const std::string& pop, const ServerView& v,
                 bool detail) {
  const Server& s = v.server;
  json out = {{"id", s.id}, {"name", s.name}, {"links", links(req, port, "servers", s.id)}};
  if (!detail) {
    return out;
  }
  json addresses = addresses_json(v);
  json flavor = {{"id", s.flavor_id}, {"links", bookmark_link(req, port, "flavors", s.flavor_id)}};
  if (requested_minor(req) >= 47) {
    const auto& f = v.flavor;
    flavor = json::object();
    if (f) {
      flavor = {{"vcpus", f->vcpus},
                {"ram", f->ram_mb},
                {"disk", f->disk_gb},
                {"ephemeral", f->ephemeral_gb},
                {"swap", f->swap_mb},
                {"original_name", f->name},
                {"extra_specs", f->extra_specs}};
    }
  }
  json image = s.image_id.empty() ? json("")
                                  : json{{"id", s.image_id},
                                         {"links", bookmark_link(req, port, "images", s.image_id)}};
  bool active = s.status == "ACTIVE";
  bool launched = !s.instance.empty() || active;
  out.update({{"status", s.status},
              {"tenant_id", s.project_id},
              {"user_id", s.user_id},
              {"metadata", s.metadata},
              {"hostId", fmt::format("{:056x}", std::hash<std::string>{}(pop))},
              {"image", image},
              {"flavor", flavor},
              {"created", s.created},
              {"updated", s.updated},
              {"addresses", addresses},
              {"accessIPv4", ""},
              {"accessIPv6", ""},
              {"OS-DCF:diskConfig", "MANUAL"},
              {"progress", active ? 100 : 0},
              {"OS-EXT-STS:power_state", active     ? 1
                                         : launched ? 4
                                                    : 0},
              {"OS-EXT-STS:task_state", s.task_state.empty() ? json(nullptr) : json(s.task_state)},
              {"OS-EXT-STS:vm_state", nova_vm_state(s)},
              {"OS-EXT-SRV-ATTR:host", pop},
              {"OS-EXT-SRV-ATTR:hypervisor_hostname", pop},
              {"OS-EXT-SRV-ATTR:instance_name", s.instance},
              {"OS-EXT-AZ:availability_zone", s.availability_zone},
              {"OS-SRV-USG:launched_at", launched ? json(s.created) : json(nullptr)},
              {"OS-SRV-USG:terminated_at", nullptr},
              {"key_name", s.key_name.empty() ? json(nullptr) : json(s.key_name)},
              {"config_drive", ""},
              {"security_groups", security_group_names_json(v.security_groups)},
              {"os-extended-volumes:volumes_attached", json::array()}});
  if (s.fault) {
    out["fault"] = {
        {"code", s.fault->code}, {"message", s.fault->message}, {"created", s.fault->created}};
  }
  return out;
}

namespace {

// A port of son-emu's servers/andPorts: the core fields of the Neutron port view and the
// instance's interface name.
json and_ports_port(const openstack::Port& p) {
  const json neutron = neutron_port_json(p);
  json out = {{"intf_name", p.binding ? p.binding->interface : ""}};
  for (const char* key : {"admin_state_up", "device_id", "device_owner", "fixed_ips", "id",
                          "mac_address", "name", "network_id", "status", "tenant_id"}) {
    out[key] = neutron.at(key);
  }
  return out;
}

}  // namespace

json server_with_ports_json(const httplib::Request& req, int port, const std::string& pop,
                            const ServerView& v) {
  json out = server_json(req, port, pop, v, true);
  out["full_name"] = v.server.instance;
  out["template_name"] = v.server.name;
  json ports = json::array();
  for (const auto& p : v.ports) {
    ports.push_back(and_ports_port(p));
  }
  out["ports"] = ports;
  return out;
}

}  // namespace chainlab::endpoints::nova
