#include "endpoints/gatekeeper_endpoint.h"

#include <httplib.h>

#include <cstdlib>

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using orchestration::ServiceSummary;

constexpr const char* kPackagePaths[] = {"/packages", "/api/v2/packages", "/api/v3/packages"};
constexpr const char* kServicePaths[] = {"/services", "/api/v2/services", "/api/v3/services"};
constexpr const char* kInstancePaths[] = {"/instantiations", "/api/v2/instantiations",
                                          "/api/v2/requests", "/api/v3/requests",
                                          "/api/v3/records/services"};

std::string str(const json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end() || it->is_null()) {
    return "";
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

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

json units_json(const orchestration::ServiceInstance& inst, bool saps) {
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

Result<orchestration::InstantiateRequest> parse_instantiate_request(const json& params) {
  orchestration::InstantiateRequest r;
  r.service_uuid = str(params, "service_uuid");
  r.service_name = str(params, "service_name");
  if (r.service_uuid.empty() && r.service_name.empty() && str(params, "latest") == "true") {
    r.service_uuid = "latest";
  }
  r.placement = str(params, "placement");
  CL_ASSIGN_OR_RETURN(r.placement_argument, placement_map(params));
  return r;
}

json service_instance_json(const orchestration::ServiceInstance& inst) {
  json elines = json::array();
  for (const auto& c : inst.chains) {
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
  return {{"uuid", inst.uuid},
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
}

std::string catalogue_dir(const std::string& flag) {
  if (!flag.empty()) {
    return flag;
  }
  const char* env = std::getenv("CHAINLAB_CATALOGUE_DIR");
  if (env != nullptr && *env != '\0') {
    return env;
  }
  return "/var/lib/chainlab/catalogue";
}

Result<std::unique_ptr<GatekeeperEndpoint>> GatekeeperEndpoint::create(
    emulator::Emulation& emulation, const std::string& dir, std::function<void()> on_exit,
    orchestration::GatekeeperOptions options, std::vector<std::string>* warnings,
    orchestration::PackageLimits limits) {
  auto endpoint = std::unique_ptr<GatekeeperEndpoint>(new GatekeeperEndpoint());
  CL_ASSIGN_OR_RETURN(endpoint->catalogue_,
                      orchestration::Catalogue::open(dir, warnings, std::move(limits)));
  endpoint->gatekeeper_ = std::make_unique<orchestration::Gatekeeper>(
      emulation, *endpoint->catalogue_, std::move(options));
  endpoint->on_exit_ = std::move(on_exit);
  return endpoint;
}

void GatekeeperEndpoint::register_routes(httplib::Server& server) {
  for (const char* path : kPackagePaths) {
    server.Post(path, [this](const httplib::Request& req, httplib::Response& res) {
      auto body = upload_body(req);
      if (!body.ok()) {
        send_json(res, upload_error(body.error()), http_status(body.error().code));
        return;
      }
      auto added = gatekeeper_->onboard(*body);
      if (!added.ok()) {
        send_json(res, upload_error(added.error()), http_status(added.error().code));
        return;
      }
      send_json(res,
                {{"service_uuid", added->uuid},
                 {"size", added->size},
                 {"sha1", added->sha1},
                 {"name", added->name},
                 {"error", nullptr}},
                201);
    });
    bool dummy = std::string_view(path) == "/packages";
    server.Get(path, [this, dummy](const httplib::Request&, httplib::Response& res) {
      json list = json::array();
      json uuids = json::array();
      for (const auto& s : gatekeeper_->services()) {
        uuids.push_back(s.uuid);
        list.push_back(service_json(s, "pd", true));
      }
      send_json(res, dummy ? json{{"service_uuid_list", uuids}, {"packages", list}} : list);
    });
  }
  for (const char* path : kServicePaths) {
    server.Get(path, [this](const httplib::Request&, httplib::Response& res) {
      json list = json::array();
      for (const auto& s : gatekeeper_->services()) {
        list.push_back(service_json(s, "nsd", false));
      }
      send_json(res, list);
    });
  }
  for (const char* path : kInstancePaths) {
    server.Post(path, [this](const httplib::Request& req, httplib::Response& res) {
      auto params = request_params(req);
      if (!params.ok()) {
        send_error(res, params.error());
        return;
      }
      auto r = parse_instantiate_request(*params);
      if (!r.ok()) {
        send_error(res, r.error());
        return;
      }
      auto inst = gatekeeper_->instantiate(*r);
      if (!inst.ok()) {
        send_error(res, inst.error());
        return;
      }
      json body = service_instance_json(*inst);
      body["id"] = inst->uuid;
      send_json(res, body, 201);
    });
    bool dummy = std::string_view(path).ends_with("instantiations");
    server.Get(path, [this, dummy](const httplib::Request&, httplib::Response& res) {
      auto all = gatekeeper_->instances();
      json records = json::array();
      std::map<std::string, json> per_service;
      for (const auto& s : gatekeeper_->services()) {
        per_service[s.uuid] = json::array();
      }
      for (const auto& i : all) {
        records.push_back(service_instance_json(i));
        per_service[i.service_uuid].push_back(i.uuid);
      }
      if (!dummy) {
        send_json(res, records);
        return;
      }
      json lists = json::array();
      for (auto& [uuid, list] : per_service) {
        lists.push_back(list);
      }
      send_json(res, {{"service_instantiations_list", lists}, {"instances", records}});
    });
    server.Delete(path, [this](const httplib::Request& req, httplib::Response& res) {
      auto params = request_params(req);
      if (!params.ok()) {
        send_error(res, params.error());
        return;
      }
      std::string instance = str(*params, "service_instance_uuid");
      if (instance.empty()) {
        instance = str(*params, "instance_uuid");
      }
      if (!instance.empty()) {
        if (auto s = gatekeeper_->terminate(instance); !s.ok()) {
          send_error(res, s.error());
          return;
        }
        send_json(res, {{"terminated", json::array({instance})}});
        return;
      }
      auto stopped = gatekeeper_->terminate_service(str(*params, "service_uuid"));
      if (!stopped.ok()) {
        send_error(res, stopped.error());
        return;
      }
      send_json(res, {{"terminated", *stopped}});
    });
  }
  server.Put("/emulator/exit", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, "OK");
    if (on_exit_) {
      on_exit_();
    }
  });
}

}  // namespace chainlab::endpoints
