// Nova's routing prefix, project check, microversion and JSON views (nova_views.cc),
// shared by the route handlers in nova.cc and nova_routes.cc. Private to the Nova endpoint.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "endpoints/http/httplib_fwd.h"
#include "frontends/openstack/cloud.h"

namespace chainlab::endpoints::nova {

inline constexpr int kMaxMinor = 79;

// "/v2.1" or "/v2.1/<project id>" in front of every resource path. Any segment is a project id
// (Nova's project ids need not be hex) unless it names a resource: a negative lookahead keeps
// "/v2.1/servers/..." from reading "servers" as a project.
extern const std::string kPrefix;

// The project id in the path ("/v2.1/<project>/..."), "" when the path has none.
std::string path_project(const std::string& path);
// Real Nova's 400 when the path's project is not the token's project; OK without a project in
// the path.
Status check_project(const std::string& path, const std::string& token_project);

// The microversion asked for ("2.x"), clamped to what we serve; 2.1 by default.
int requested_minor(const httplib::Request& req);
void set_version_headers(const httplib::Request& req, httplib::Response& res);
nlohmann::json version_doc(const httplib::Request& req, int port);

// {"rel": "self"} and {"rel": "bookmark"} links of a resource; the project id appears in them
// only when the request's path carried one (as Nova does).
nlohmann::json links(const httplib::Request& req, int port, const std::string& kind,
                     const std::string& id);
nlohmann::json flavor_json(const httplib::Request& req, int port, const openstack::Flavor& f,
                           bool detail);
nlohmann::json image_json(const httplib::Request& req, int port, const openstack::Image& im,
                          bool detail);
nlohmann::json interface_json(const openstack::Port& p);
// os-security-groups' view of a group (its ingress rules in nova-network's shape).
nlohmann::json security_group_json(const openstack::SecurityGroup& g);
// A server as Nova shows it; `pop` names the host (one per PoP).
nlohmann::json server_json(const httplib::Request& req, int port, const std::string& pop,
                           const openstack::ServerView& v, bool detail);
// son-emu's GET .../servers/andPorts item: the detailed server plus son-emu's full_name,
// template_name and "ports" (son-emu's port dict with the interface name, intf_name).
// Nova's auto-allocation, simplified: the only non-external network if there is exactly one
// (none: no NIC; more, the PoP's network "default" counted: 409 as Nova's NetworkAmbiguous).
Result<std::optional<std::string>> auto_network(openstack::Cloud& cloud);

nlohmann::json server_with_ports_json(const httplib::Request& req, int port, const std::string& pop,
                                      const openstack::ServerView& v);

}  // namespace chainlab::endpoints::nova
