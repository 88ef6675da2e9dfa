#include "endpoints/gatekeeper/gatekeeper_endpoint.h"

#include <httplib.h>

#include <cstdlib>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "endpoints/http/router.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using sonata::ServiceSummary;

constexpr const char* kPackagePaths[] = {"/packages", "/api/v2/packages", "/api/v3/packages"};
constexpr const char* kServicePaths[] = {"/services", "/api/v2/services", "/api/v3/services"};
constexpr const char* kInstancePaths[] = {"/instantiations", "/api/v2/instantiations",
                                          "/api/v2/requests", "/api/v3/requests",
                                          "/api/v3/records/services"};

// A static placement's mapping: `placement_map` as an object or as YAML text. A path on this
// server (the reference's `placement_file`) is refused: requests never name server files.
Result<std::string> placement_map(const json& params) {
  if (params.contains("placement_file")) {
    return make_error(ErrorCode::kInvalidArgument,
                      "placement_file names a file on the server, which requests may not do; "
                      "send the mapping itself as placement_map ({{\"vnf\": \"pop\"}})");
  }
  auto it = params.find("placement_map");
  if (it == params.end() || it->is_null()) {
    return std::string();
  }
  if (it->is_object()) {
    return it->dump();
  }
  if (it->is_string()) {
    return it->get<std::string>();
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "placement_map: expected an object {{vnf: pop}} or YAML text");
}

// The package bytes of an upload: multipart field `package`, else the raw body.
Result<std::string> upload_body(const httplib::Request& req) {
  if (req.is_multipart_form_data()) {
    if (!req.has_file("package")) {
      return make_error(ErrorCode::kInvalidArgument,
                        "multipart upload has no field 'package' (the package archive)");
    }
    return req.get_file_value("package").content;
  }
  if (req.body.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "empty upload: send the package as multipart field 'package' or as the body");
  }
  return req.body;
}

// `deploy_sap` of an instantiation request: unset, or a boolean (JSON or "true"/"false").
Result<std::optional<bool>> deploy_sap(const json& params) {
  auto it = params.find("deploy_sap");
  if (it == params.end() || it->is_null()) {
    return std::optional<bool>();
  }
  if (it->is_boolean()) {
    return std::optional<bool>(it->get<bool>());
  }
  if (it->is_string() && (*it == "true" || *it == "false")) {
    return std::optional<bool>(*it == "true");
  }
  return make_error(ErrorCode::kInvalidArgument, "deploy_sap: expected true or false, not {}",
                    it->dump());
}

// The paths the SONATA dummy gatekeeper serves (its dict answers in sonata mode).
bool dummy_path(std::string_view path) {
  return path == "/packages" || path == "/api/v2/packages" || path == "/instantiations" ||
         path == "/api/v2/instantiations" || path == "/api/v2/requests";
}

json upload_error(const Error& e) {
  return {{"service_uuid", nullptr}, {"size", 0}, {"sha1", nullptr}, {"error", e.message}};
}

json service_json(const ServiceSummary& s, const char* descriptor_key, bool package) {
  json d = {{"name", package ? s.package_name : s.name},
            {"vendor", s.vendor},
            {"version", package ? s.package_version : s.version}};
  if (package) {
    d["service_name"] = s.name;
  }
  return {{"uuid", s.uuid}, {descriptor_key, d}, {"created_at", s.created_at},
          {"sha1", s.sha1}, {"size", s.size},    {"status", "active"}};
}

json units_json(const sonata::ServiceInstance& inst, bool saps) {
  json out = json::array();
  for (const auto& u : inst.units) {
    if (u.sap.empty() == saps) {
      continue;
    }
    json ifs = json::array();
    for (const auto& [name, ip] : u.interfaces) {
      ifs.push_back({{"name", name}, {"ip", ip}});
    }
    json j = {{"name", u.name}, {"pop", u.pop}, {"interfaces", ifs}};
    if (saps) {
      j["cp"] = u.sap;
    } else {
      j["vnf_id"] = u.vnf_id;
      j["vdu_id"] = u.vdu_id;
      j["image"] = u.image;
      j["runtime"] = u.container ? "container" : "native";
    }
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

Result<sonata::InstantiateRequest> parse_instantiate_request(const json& params) {
  sonata::InstantiateRequest r;
  r.service_uuid = param_text(params, "service_uuid");
  r.service_name = param_text(params, "service_name");
  if (r.service_uuid.empty() && r.service_name.empty() && param_text(params, "latest") == "true") {
    r.service_uuid = "latest";
  }
  r.placement = param_text(params, "placement");
  CL_ASSIGN_OR_RETURN(r.placement_argument, placement_map(params));
  CL_ASSIGN_OR_RETURN(r.deploy_sap, deploy_sap(params));
  return r;
}

json service_instance_json(const sonata::ServiceInstance& inst, emulator::GatekeeperApi api) {
  json elines = json::array();
  for (const auto& c : inst.elines) {
    elines.push_back({{"id", c.link_id},
                      {"src", c.src},
                      {"src_intf", c.src_intf},
                      {"dst", c.dst},
                      {"dst_intf", c.dst_intf}});
  }
  json elans = json::array();
  for (const auto& e : inst.elans) {
    json members = json::array();
    for (const auto& [name, intf] : e.members) {
      members.push_back(name + ":" + intf);
    }
    elans.push_back({{"id", e.link_id}, {"name", e.name}, {"members", members}});
  }
  json out = {{"uuid", inst.uuid},
              {"service_instance_uuid", inst.uuid},
              {"service_uuid", inst.service_uuid},
              {"service_name", inst.service_name},
              {"created_at", inst.created_at},
              {"placement", inst.placement},
              {"status", "normal operation"},
              {"vnfs", units_json(inst, false)},
              {"saps", units_json(inst, true)},
              {"elines", elines},
              {"elans", elans}};
  if (api == emulator::GatekeeperApi::kTango) {
    out["instance_name"] = fmt::format("{}.{}.{}-inst.{}", inst.service_vendor, inst.service_name,
                                       inst.service_version, inst.ssiid);
    out["status"] = "running";
  }
  return out;
}

Result<Reply> GatekeeperEndpoint::upload(const httplib::Request& req) {
  auto added = upload_body(req);
  Result<sonata::ServiceSummary> summary =
      added.ok() ? gatekeeper_.onboard(*added) : Result<sonata::ServiceSummary>(added.error());
  if (!summary.ok()) {
    return Reply(upload_error(summary.error()), http_status(summary.error().code));
  }
  return Reply(json{{"service_uuid", summary->uuid},
                    {"size", summary->size},
                    {"sha1", summary->sha1},
                    {"name", summary->name},
                    {"error", nullptr}},
               201);
}

// The LLCM answers its GETs with Access-Control-Allow-Origin: * (send_json sets it on every
// answer) and these methods.
Reply GatekeeperEndpoint::answer(json body) const {
  Reply r(std::move(body));
  return tango() ? std::move(r).header("Access-Control-Allow-Methods", "GET,OPTIONS") : r;
}

// tango: [{uuid, pd: {name, version, ...}, created_at, ...}] on every path; sonata: the dummy's
// {service_uuid_list} (plus our `packages`) on its paths, the list elsewhere.
Result<Reply> GatekeeperEndpoint::list_packages(bool dummy) {
  json list = json::array();
  json uuids = json::array();
  for (const auto& s : gatekeeper_.services()) {
    uuids.push_back(s.uuid);
    list.push_back(service_json(s, "pd", true));
  }
  if (tango() || !dummy) {
    return answer(list);
  }
  return Reply(json{{"service_uuid_list", uuids}, {"packages", list}});
}

Result<Reply> GatekeeperEndpoint::list_services() {
  json list = json::array();
  for (const auto& s : gatekeeper_.services()) {
    list.push_back(service_json(s, "nsd", false));
  }
  return answer(list);
}

Result<Reply> GatekeeperEndpoint::instantiate(const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json params, request_params(req));
  CL_ASSIGN_OR_RETURN(sonata::InstantiateRequest r, parse_instantiate_request(params));
  r.uuid_may_be_name = tango();
  CL_ASSIGN_OR_RETURN(sonata::ServiceInstance inst, gatekeeper_.instantiate(r));
  json body = service_instance_json(inst, api_);
  body["id"] = inst.uuid;
  return Reply(std::move(body), 201);
}

// tango: the records (with the LLCM's uuid, instance_name, status, created_at) on every path;
// sonata: the dummy's {service_instantiations_list} (plus our `instances`) on its paths.
Result<Reply> GatekeeperEndpoint::list_instances(bool dummy) {
  json records = json::array();
  std::map<std::string, json> per_service;
  for (const auto& s : gatekeeper_.services()) {
    per_service[s.uuid] = json::array();
  }
  for (const auto& i : gatekeeper_.instances()) {
    records.push_back(service_instance_json(i, api_));
    per_service[i.service_uuid].push_back(i.uuid);
  }
  if (tango() || !dummy) {
    return answer(records);
  }
  json lists = json::array();
  for (auto& [uuid, list] : per_service) {
    lists.push_back(list);
  }
  return Reply(json{{"service_instantiations_list", lists}, {"instances", records}});
}

// The instances a DELETE names: {service_instance_uuid} (or instance_uuid) of service_uuid when
// given; else all of {service_uuid}; else all.
Result<std::vector<std::string>> GatekeeperEndpoint::stop(const json& params) {
  std::string service = param_text(params, "service_uuid");
  std::string instance = param_text(params, "service_instance_uuid");
  if (instance.empty()) {
    instance = param_text(params, "instance_uuid");
  }
  if (instance.empty()) {
    return gatekeeper_.terminate_service(service);
  }
  CL_RETURN_IF_ERROR(gatekeeper_.terminate(instance, service));
  return std::vector<std::string>{instance};
}

// 404 for an unknown instance (or one not of service_uuid). The reference's wording as a JSON
// string.
Result<Reply> GatekeeperEndpoint::terminate(const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json params, request_params(req));
  if (tango() && gatekeeper_.services().empty()) {
    return Error{ErrorCode::kNotFound, "no service is onboarded"};
  }
  CL_ASSIGN_OR_RETURN(std::vector<std::string> stopped, stop(params));
  if (tango()) {
    return Reply(json("Service(s) stopped."));
  }
  if (stopped.empty()) {
    return Error{ErrorCode::kNotFound, "no service instance is running"};
  }
  std::vector<std::string> lines;
  for (const auto& uuid : stopped) {
    lines.push_back(fmt::format("service instance with uuid '{}' stopped.", uuid));
  }
  return Reply(json(fmt::format("{}", fmt::join(lines, " "))));
}

Result<Reply> GatekeeperEndpoint::exit_emulation() {
  if (on_exit_) {
    on_exit_();  // stops the run after this answer is written
  }
  return Reply(json("OK"));
}

// Each operation on each of its paths (the two API generations' aliases), in this order.
void GatekeeperEndpoint::register_routes(httplib::Server& server) {
  using Req = const httplib::Request&;
  Router router(server, *this);
  for (const char* path : kPackagePaths) {
    bool dummy = dummy_path(path);
    router.add(Method::kPost, path, [this](Req req) { return upload(req); });
    router.add(Method::kGet, path, [this, dummy](Req) { return list_packages(dummy); });
  }
  for (const char* path : kServicePaths) {
    router.add(Method::kGet, path, [this](Req) { return list_services(); });
  }
  for (const char* path : kInstancePaths) {
    bool dummy = dummy_path(path);
    router.add(Method::kPost, path, [this](Req req) { return instantiate(req); });
    router.add(Method::kGet, path, [this, dummy](Req) { return list_instances(dummy); });
    router.add(Method::kDelete, path, [this](Req req) { return terminate(req); });
  }
  router.add(Method::kPut, "/emulator/exit", [this](Req) { return exit_emulation(); });
}

}  // namespace chainlab::endpoints
