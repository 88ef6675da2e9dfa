#include "endpoints/openstack/nova.h"

#include <httplib.h>

#include "common/safe_regex.h"

#include "common/units.h"
#include "endpoints/openstack/nova_internal.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using openstack::Cloud;
using openstack::Flavor;
using openstack::Server;

using namespace nova;  // this endpoint's views and prefix

// The last path segment of a reference that may be a URL ("http://.../flavors/1" -> "1").
std::string ref_id(const std::string& ref) {
  auto slash = ref.rfind('/');
  return slash == std::string::npos ? ref : ref.substr(slash + 1);
}

}  // namespace

Result<std::optional<std::string>> nova::auto_network(Cloud& cloud) {
  std::vector<std::string> candidates;
  for (const auto& n : cloud.list_networks()) {
    if (!n.external) {
      candidates.push_back(n.id);
    }
  }
  if (candidates.size() > 1) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "Multiple possible networks found, use a Network ID to be more specific.");
  }
  return candidates.empty() ? std::nullopt : std::optional<std::string>(candidates.front());
}

// "security_groups": [{"name": "web"}, ...] (a name or an id).
Status read_security_groups(const json& s, std::vector<std::string>& out) {
  auto it = s.find("security_groups");
  if (it == s.end() || it->is_null()) {
    return ok_status();
  }
  if (!it->is_array()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for field/attribute security_groups");
  }
  for (const auto& g : *it) {
    if (!g.is_object() || !g.value("name", json()).is_string()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Invalid input for field/attribute security_groups: each needs a name");
    }
    out.push_back(g["name"].get<std::string>());
  }
  return ok_status();
}

Result<ServerCreateRequest> parse_server_create(const json& body) {
  CL_ASSIGN_OR_RETURN(json s, resource_body(body, "server"));
  ServerCreateRequest request;
  openstack::ServerCreate& r = request.server;
  CL_ASSIGN_OR_RETURN(auto name, opt_string(s, "name"));
  if (!name || name->empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for field/attribute server. Value: 'name' is a required "
                      "property");
  }
  r.name = *name;
  CL_ASSIGN_OR_RETURN(auto flavor, opt_string(s, "flavorRef"));
  if (!flavor) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for field/attribute server. Value: 'flavorRef' is a "
                      "required property");
  }
  r.flavor = ref_id(*flavor);
  CL_ASSIGN_OR_RETURN(auto image, opt_string(s, "imageRef"));
  r.image = image ? ref_id(*image) : "";
  CL_RETURN_IF_ERROR(set_if(r.key_name, opt_string(s, "key_name")));
  CL_RETURN_IF_ERROR(set_if(r.user_data, opt_string(s, "user_data")));
  CL_RETURN_IF_ERROR(set_if(r.availability_zone, opt_string(s, "availability_zone")));
  if (s.contains("metadata") && !s["metadata"].is_null()) {
    if (!s["metadata"].is_object()) {
      return make_error(ErrorCode::kInvalidArgument, "Invalid input for field/attribute metadata");
    }
    for (const auto& [k, v] : s["metadata"].items()) {
      r.metadata[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  CL_RETURN_IF_ERROR(read_security_groups(s, r.security_groups));
  json networks = s.value("networks", json("auto"));
  if (networks.is_string()) {
    std::string mode = networks.get<std::string>();
    if (mode != "auto" && mode != "none") {
      return make_error(ErrorCode::kInvalidArgument,
                        "Invalid input for field/attribute networks: '{}'", mode);
    }
    request.auto_network = mode == "auto";
  } else if (networks.is_array()) {
    for (const auto& n : networks) {
      if (!n.is_object()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "Invalid input for field/attribute networks");
      }
      openstack::ServerNic nic;
      CL_RETURN_IF_ERROR(set_if(nic.port_id, opt_string(n, "port")));
      CL_RETURN_IF_ERROR(set_if(nic.network_id, opt_string(n, "uuid")));
      CL_RETURN_IF_ERROR(set_if(nic.fixed_ip, opt_string(n, "fixed_ip")));
      if (nic.port_id.empty() && nic.network_id.empty()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "Bad networks format: a network needs a uuid or a port");
      }
      r.nics.push_back(nic);
    }
  } else {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for field/attribute networks");
  }
  return request;
}

Result<openstack::FlavorCreate> parse_flavor_create(const json& body) {
  CL_ASSIGN_OR_RETURN(json f, resource_body(body, "flavor"));
  openstack::FlavorCreate fc;
  CL_ASSIGN_OR_RETURN(auto name, opt_string(f, "name"));
  using openstack::kMaxFlavorValue;
  CL_ASSIGN_OR_RETURN(auto ram, opt_int(f, "ram", 1, kMaxFlavorValue));
  CL_ASSIGN_OR_RETURN(auto vcpus, opt_int(f, "vcpus", 1, kMaxFlavorValue));
  CL_ASSIGN_OR_RETURN(auto disk, opt_int(f, "disk", 0, kMaxFlavorValue));
  CL_ASSIGN_OR_RETURN(auto eph, opt_int(f, "OS-FLV-EXT-DATA:ephemeral", 0, kMaxFlavorValue));
  std::optional<int64_t> swap;
  if (f.value("swap", json()) != json("")) {  // Nova spells "no swap" ""
    CL_ASSIGN_OR_RETURN(swap, opt_int(f, "swap", 0, kMaxFlavorValue));
  }
  CL_ASSIGN_OR_RETURN(auto is_public, opt_bool(f, "os-flavor-access:is_public"));
  CL_ASSIGN_OR_RETURN(auto desc, opt_string(f, "description"));
  if (!name || !ram || !vcpus) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for field/attribute flavor: name, ram and vcpus are required");
  }
  fc.name = *name;
  fc.ram_mb = *ram;
  fc.vcpus = static_cast<int>(*vcpus);
  fc.disk_gb = disk.value_or(0);
  fc.ephemeral_gb = eph.value_or(0);
  fc.is_public = is_public.value_or(true);
  fc.description = desc.value_or("");
  if (f.contains("id") && !f["id"].is_null()) {
    fc.id = f["id"].is_string() ? f["id"].get<std::string>() : f["id"].dump();
  }
  if (swap) {
    fc.swap_mb = *swap;
  }
  if (auto rx = f.find("rxtx_factor"); rx != f.end() && !rx->is_null()) {
    CL_ASSIGN_OR_RETURN(fc.rxtx_factor, json_number(*rx, "rxtx_factor", 0, 1e6));
  }
  return fc;
}

Result<openstack::ServerNic> parse_interface_attachment(const json& body) {
  CL_ASSIGN_OR_RETURN(json a, resource_body(body, "interfaceAttachment"));
  openstack::ServerNic nic;
  CL_RETURN_IF_ERROR(set_if(nic.port_id, opt_string(a, "port_id")));
  CL_RETURN_IF_ERROR(set_if(nic.network_id, opt_string(a, "net_id")));
  if (a.contains("fixed_ips") && a["fixed_ips"].is_array() && !a["fixed_ips"].empty()) {
    const json& ip = a["fixed_ips"][0];
    if (!ip.is_object()) {
      return make_error(ErrorCode::kInvalidArgument, "Invalid input for fixed_ips: not an object");
    }
    CL_RETURN_IF_ERROR(set_if(nic.fixed_ip, opt_string(ip, "ip_address")));
  }
  return nic;
}

}  // namespace chainlab::endpoints
