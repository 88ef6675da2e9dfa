#include "endpoints/openstack/heat.h"
#include "common/json_bounded.h"

#include <httplib.h>

#include "common/files.h"
#include "common/units.h"
#include "endpoints/openstack/common.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using openstack::StackEngine;
using openstack::StackInfo;

const char* type_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "StackValidationFailed";
    case ErrorCode::kNotFound:
      return "EntityNotFound";
    case ErrorCode::kAlreadyExists:
      return "StackExists";
    case ErrorCode::kFailedPrecondition:
      return "ActionInProgress";
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kUnavailable:
      return "ResourceFailure";
    case ErrorCode::kUnauthenticated:
      return "NotAuthenticated";
    case ErrorCode::kTooLarge:
      return "RequestLimitExceeded";
    case ErrorCode::kInternal:
      return "InternalError";
  }
  return "InternalError";
}

void send_heat_error(httplib::Response& res, int status, const std::string& type,
                     const std::string& message) {
  send_json(res,
            {{"explanation", message},
             {"code", status},
             {"error", {{"message", message}, {"traceback", nullptr}, {"type", type}}},
             {"title", http_title(status)}},
            status);
}

void fail(httplib::Response& res, const Error& e) {
  send_heat_error(res, http_status(e.code), type_of(e.code), e.message);
}

json nullable(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

// "/v1/<t>/stacks/<name>/<id>" on this service.
std::string stack_href(const httplib::Request& req, int port, const std::string& tenant,
                       const StackInfo& s) {
  return service_url(req, port, "/v1/" + tenant + "/stacks/" + s.name + "/" + s.id);
}

json stack_summary(const httplib::Request& req, int port, const std::string& tenant,
                   const StackInfo& s, const std::string& project) {
  return {{"id", s.id},
          {"stack_name", s.name},
          {"description", s.description},
          {"creation_time", s.creation_time},
          {"updated_time", nullable(s.updated_time)},
          {"deletion_time", nullptr},
          {"stack_status", s.status},
          {"stack_status_reason", s.status_reason},
          {"stack_owner", nullptr},
          {"parent", nullptr},
          {"stack_user_project_id", project},
          {"project", project},
          {"tags", nullptr},
          {"links", {{{"href", stack_href(req, port, tenant, s)}, {"rel", "self"}}}}};
}

// A path after /stacks/: "<stack>[/<id>][/<what>[/<item>[/<more>]]]".
struct StackPath {
  std::string stack;  // name or id
  std::string id;     // may be empty
  std::vector<std::string> rest;
};

StackPath parse_stack_path(const std::string& text) {
  static const std::set<std::string> kKeywords = {"template",    "resources", "outputs", "events",
                                                  "actions",     "snapshots", "abandon", "preview",
                                                  "environment", "files"};
  StackPath p;
  std::vector<std::string> segs;
  for (std::string_view s : split(text, '/')) {
    if (!s.empty()) {
      segs.emplace_back(s);
    }
  }
  if (segs.empty()) {
    return p;
  }
  p.stack = segs[0];
  size_t i = 1;
  if (segs.size() > 1 && kKeywords.count(segs[1]) == 0) {
    p.id = segs[1];
    i = 2;
  }
  p.rest.assign(segs.begin() + static_cast<std::ptrdiff_t>(std::min(i, segs.size())), segs.end());
  return p;
}

// The request's parameters: environment.parameter_defaults (declared only) < environment
// .parameters < parameters.
Result<json> merged_parameters(const json& body, const openstack::Template* tmpl) {
  json out = json::object();
  if (body.contains("environment") && !body["environment"].is_null()) {
    json env = body["environment"];
    if (env.is_string()) {
      auto tree = openstack::yaml_to_json(env.get<std::string>(), "environment");
      if (!tree.ok()) {
        return std::move(tree).error();
      }
      env = *tree;
    }
    if (!env.is_object() && !env.is_null()) {
      return make_error(ErrorCode::kInvalidArgument, "environment: expected a mapping");
    }
    if (env.is_object()) {
      if (env.contains("resource_registry") && env["resource_registry"].is_object() &&
          !env["resource_registry"].empty()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "environment: resource_registry is not supported");
      }
      if (env.contains("parameter_defaults") && env["parameter_defaults"].is_object() && tmpl) {
        for (const auto& [k, v] : env["parameter_defaults"].items()) {
          if (tmpl->find_parameter(k) != nullptr) {
            out[k] = v;
          }
        }
      }
      if (env.contains("parameters") && env["parameters"].is_object()) {
        out.update(env["parameters"]);
      }
    }
  }
  if (body.contains("parameters") && !body["parameters"].is_null()) {
    if (!body["parameters"].is_object()) {
      return make_error(ErrorCode::kInvalidArgument, "parameters: expected a mapping");
    }
    out.update(body["parameters"]);
  }
  return out;
}

Result<openstack::StackRequest> stack_request(const json& body, bool need_template) {
  openstack::StackRequest r;
  if (body.contains("stack_name")) {
    if (!body["stack_name"].is_string()) {
      return make_error(ErrorCode::kInvalidArgument, "stack_name: expected a string");
    }
    r.name = body["stack_name"].get<std::string>();
  }
  if (body.contains("template_url") && !body["template_url"].is_null() &&
      !body.contains("template")) {
    return make_error(ErrorCode::kInvalidArgument,
                      "template_url is not supported: send the template itself");
  }
  if (body.contains("template") && !body["template"].is_null()) {
    const json& t = body["template"];
    if (t.is_string()) {
      r.template_text = t.get<std::string>();
    } else if (t.is_object()) {
      r.template_tree = t;
    } else {
      return make_error(ErrorCode::kInvalidArgument, "template: expected a mapping or a string");
    }
  } else if (need_template) {
    return make_error(ErrorCode::kInvalidArgument, "template: required");
  }
  // Parameters are checked against the template by the engine; defaults from the environment
  // need the declared names, so parse the template once here when there is one.
  std::optional<openstack::Template> tmpl;
  if (!r.template_tree.is_null() || !r.template_text.empty()) {
    auto t = r.template_tree.is_null() ? openstack::parse_template(r.template_text)
                                       : openstack::parse_template(r.template_tree);
    if (!t.ok()) {
      return std::move(t).error();
    }
    tmpl = std::move(t).value();
  }
  CL_ASSIGN_OR_RETURN(r.parameters, merged_parameters(body, tmpl ? &*tmpl : nullptr));
  if (auto t = body.find("timeout_mins"); t != body.end() && !t->is_null()) {
    CL_ASSIGN_OR_RETURN(int64_t mins, json_int(*t, "timeout_mins", 1, 525'600));  // a year
    r.timeout_mins = static_cast<int>(mins);
  }
  return r;
}

Result<json> body_of(const httplib::Request& req) {
  if (req.body.empty()) {
    return json::object();
  }
  json body = parse_json(req.body, "The request body").value_or(json());
  if (!body.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "The request body must be a JSON object");
  }
  return body;
}

// The stack request in a POST/PUT/PATCH body.
Result<openstack::StackRequest> stack_request(const httplib::Request& req, bool need_template) {
  CL_ASSIGN_OR_RETURN(json body, body_of(req));
  return stack_request(body, need_template);
}

json event_json(const httplib::Request& req, int port, const std::string& tenant,
                const StackInfo& s, const openstack::StackEvent& e) {
  std::string stack = stack_href(req, port, tenant, s);
  return {
      {"id", e.id},
      {"resource_name", e.resource_name},
      {"logical_resource_id", e.resource_name},
      {"physical_resource_id", e.physical_id},
      {"resource_status", e.status},
      {"resource_status_reason", e.status_reason},
      {"resource_type", e.type},
      {"event_time", e.time},
      {"links",
       {{{"href", stack + "/resources/" + e.resource_name + "/events/" + e.id}, {"rel", "self"}},
        {{"href", stack + "/resources/" + e.resource_name}, {"rel", "resource"}},
        {{"href", stack}, {"rel", "stack"}}}}};
}

}  // namespace

Result<openstack::StackRequest> parse_stack_request(const json& body, bool need_template) {
  return stack_request(body, need_template);
}

HeatEndpoint::HeatEndpoint(std::shared_ptr<openstack::Cloud> cloud, OpenStackPorts ports)
    : cloud_(std::move(cloud)), engine_(std::make_shared<StackEngine>(*cloud_)), ports_(ports) {}

void HeatEndpoint::register_routes(httplib::Server& server) {
  auto cloud = cloud_;
  auto engine = engine_;
  int port = ports_.heat;
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  auto guarded = [cloud](Handler h) {
    return [cloud, h](const httplib::Request& req, httplib::Response& res) {
      std::string token = req.get_header_value("X-Auth-Token");
      if (token.empty() || !cloud->validate_token(token).ok()) {
        send_heat_error(res, 401, "HTTPUnauthorized",
                        "The request you have made requires authentication.");
        return;
      }
      h(req, res);
    };
  };
  auto versions = [port](const httplib::Request& req) {
    return json{{"versions",
                 {{{"id", "v1.0"},
                   {"status", "CURRENT"},
                   {"links", {{{"rel", "self"}, {"href", service_url(req, port, "/v1/")}}}}}}}};
  };
  server.Get(R"(/?)", [versions](const httplib::Request& req, httplib::Response& res) {
    send_json(res, versions(req), 300);
  });
  server.Get(R"(/versions/?)", [versions](const httplib::Request& req, httplib::Response& res) {
    send_json(res, versions(req));
  });
  server.Get(
      R"(/v1/([^/]+)/build_info/?)", guarded([](const httplib::Request&, httplib::Response& res) {
        send_json(res,
                  {{"api", {{"revision", "chainlab"}}}, {"engine", {{"revision", "chainlab"}}}});
      }));
  server.Get(
      R"(/v1/([^/]+)/resource_types/?)",
      guarded([](const httplib::Request&, httplib::Response& res) {
        json types = json::array();
        for (auto t :
             {openstack::ResourceType::kServer, openstack::ResourceType::kNet,
              openstack::ResourceType::kSubnet, openstack::ResourceType::kPort,
              openstack::ResourceType::kRouter, openstack::ResourceType::kRouterInterface,
              openstack::ResourceType::kFloatingIp, openstack::ResourceType::kResourceGroup}) {
          types.push_back({{"resource_type", openstack::resource_type_name(t)}});
        }
        send_json(res, {{"resource_types", types}});
      }));
  server.Get(R"(/v1/([^/]+)/stacks/?)",
             guarded([engine, cloud, port](const httplib::Request& req, httplib::Response& res) {
               std::string tenant = req.matches[1];
               std::string name_filter = req.get_param_value("stack_name");
               json out = json::array();
               for (const auto& s : engine->list()) {
                 if (name_filter.empty() || s.name == name_filter) {
                   out.push_back(stack_summary(req, port, tenant, s, cloud->project_id()));
                 }
               }
               send_json(res, {{"stacks", out}});
             }));
  server.Post(
      R"(/v1/([^/]+)/stacks/?)",
      guarded([engine, port](const httplib::Request& req, httplib::Response& res) {
        auto request = stack_request(req, true);
        if (!request.ok()) {
          return fail(res, request.error());
        }
        auto s = engine->create(*request);
        if (!s.ok()) {
          return fail(res, s.error());
        }
        std::string href = stack_href(req, port, req.matches[1], *s);
        res.set_header("Location", href);
        send_json(res, {{"stack", {{"id", s->id}, {"links", {{{"href", href}, {"rel", "self"}}}}}}},
                  201);
      }));
  server.Post(R"(/v1/([^/]+)/validate/?)",
              guarded([engine](const httplib::Request& req, httplib::Response& res) {
                auto request = stack_request(req, true);
                if (!request.ok()) {
                  return fail(res, request.error());
                }
                auto t = engine->validate(*request);
                if (!t.ok()) {
                  return fail(res, t.error());
                }
                json params = json::object();
                for (const auto& p : t->parameters) {
                  static const char* kTypes[] = {"String", "Number", "Json", "CommaDelimitedList",
                                                 "Boolean"};
                  json def = {{"Type", kTypes[static_cast<int>(p.type)]},
                              {"Description", p.description},
                              {"Label", p.name},
                              {"NoEcho", p.hidden ? "true" : "false"}};
                  if (p.default_value) {
                    def["Default"] = *p.default_value;
                  }
                  params[p.name] = def;
                }
                send_json(res, {{"Description", t->description},
                                {"Parameters", params},
                                {"ParameterGroups", json::array()}});
              }));

  // Everything under /stacks/<stack>[/<id>]/...
  auto lookup = [engine](const StackPath& p) -> Result<StackInfo> {
    return engine->get(p.id.empty() ? p.stack : p.id);
  };
  server.Get(
      R"(/v1/([^/]+)/stacks/(.+))",
      guarded([engine, cloud, port, lookup](const httplib::Request& req, httplib::Response& res) {
        std::string tenant = req.matches[1];
        StackPath p = parse_stack_path(req.matches[2]);
        auto s = lookup(p);
        if (!s.ok()) {
          return fail(res, s.error());
        }
        if (p.id.empty() && p.rest.empty()) {  // stacks:lookup
          res.set_header("Location", stack_href(req, port, tenant, *s));
          send_json(res, {{"stack", {{"id", s->id}, {"stack_name", s->name}}}}, 302);
          return;
        }
        if (p.rest.empty()) {  // show
          json body = stack_summary(req, port, tenant, *s, cloud->project_id());
          body["template_description"] = s->description;
          body["disable_rollback"] = true;
          body["timeout_mins"] = s->timeout_mins > 0 ? json(s->timeout_mins) : json(nullptr);
          body["notification_topics"] = json::array();
          body["capabilities"] = json::array();
          body["parameters"] = s->parameters;
          if (req.get_param_value("resolve_outputs") != "False" &&
              req.get_param_value("resolve_outputs") != "false") {
            json outputs = json::array();
            auto all = engine->outputs(s->id);
            if (!all.ok()) {
              return fail(res, all.error());
            }
            for (const auto& o : all.value()) {
              json out = {
                  {"output_key", o.key}, {"output_value", o.value}, {"description", o.description}};
              if (!o.error.empty()) {
                out["output_error"] = o.error;
              }
              outputs.push_back(std::move(out));
            }
            body["outputs"] = outputs;
          }
          send_json(res, {{"stack", body}});
          return;
        }
        const std::string& what = p.rest[0];
        if (what == "template" && p.rest.size() == 1) {
          auto t = engine->template_of(s->id);
          if (!t.ok()) {
            return fail(res, t.error());
          }
          send_json(res, t.value());
          return;
        }
        if (what == "outputs") {
          json outputs = json::array();
          auto all = engine->outputs(s->id);
          if (!all.ok()) {
            return fail(res, all.error());
          }
          for (const auto& o : all.value()) {
            json out = {
                {"output_key", o.key}, {"output_value", o.value}, {"description", o.description}};
            if (!o.error.empty()) {
              out["output_error"] = o.error;
            }
            if (p.rest.size() == 2 && p.rest[1] == o.key) {
              send_json(res, {{"output", out}});
              return;
            }
            outputs.push_back(std::move(out));
          }
          if (p.rest.size() == 2) {
            return fail(res, make_error(ErrorCode::kNotFound, "Specified output key {} not found.",
                                        p.rest[1]));
          }
          send_json(res, {{"outputs", outputs}});
          return;
        }
        if (what == "events" ||
            (what == "resources" && p.rest.size() == 3 && p.rest[2] == "events")) {
          std::string only = what == "resources" ? p.rest[1] : "";
          std::string marker = req.get_param_value("marker");
          bool desc = req.get_param_value("sort_dir") == "desc";
          auto found = engine->events(s->id);
          if (!found.ok()) {
            return fail(res, found.error());
          }
          const auto& events = found.value();
          json out = json::array();
          bool after_marker = marker.empty();
          for (const auto& e : events) {
            if (!after_marker) {
              after_marker = e.id == marker;
              continue;
            }
            if (only.empty() || e.resource_name == only) {
              out.push_back(event_json(req, port, tenant, *s, e));
            }
          }
          if (desc) {
            std::reverse(out.begin(), out.end());
          }
          std::string limit = req.get_param_value("limit");
          if (!limit.empty() && std::all_of(limit.begin(), limit.end(), ::isdigit)) {
            size_t n = std::stoul(limit);
            if (out.size() > n) {
              out.erase(out.begin() + static_cast<std::ptrdiff_t>(n), out.end());
            }
          }
          send_json(res, {{"events", out}});
          return;
        }
        if (what == "resources" && p.rest.size() <= 2) {
          auto found = engine->resources(s->id);
          if (!found.ok()) {
            return fail(res, found.error());
          }
          const auto& all = found.value();
          std::map<std::string, std::vector<std::string>> required_by;
          for (const auto& r : all) {
            for (const auto& n : r.needs) {
              required_by[n].push_back(r.name);
            }
          }
          std::string href = stack_href(req, port, tenant, *s);
          json out = json::array();
          for (const auto& r : all) {
            json item = {{"resource_name", r.name},
                         {"logical_resource_id", r.name},
                         {"physical_resource_id", r.physical_id},
                         {"resource_type", r.type},
                         {"resource_status", r.status},
                         {"resource_status_reason", r.status_reason},
                         {"creation_time", r.updated_time},
                         {"updated_time", r.updated_time},
                         {"required_by", required_by[r.name]},
                         {"links",
                          {{{"href", href + "/resources/" + r.name}, {"rel", "self"}},
                           {{"href", href}, {"rel", "stack"}}}}};
            if (!r.group.empty()) {
              item["parent_resource"] = r.group;
            }
            if (p.rest.size() == 2 && p.rest[1] == r.name) {
              item["attributes"] = json::object();
              item["description"] = "";
              send_json(res, {{"resource", item}});
              return;
            }
            out.push_back(std::move(item));
          }
          if (p.rest.size() == 2) {
            return fail(res, make_error(ErrorCode::kNotFound,
                                        "The Resource ({}) could not be found.", p.rest[1]));
          }
          send_json(res, {{"resources", out}});
          return;
        }
        fail(res, make_error(ErrorCode::kNotFound, "The resource could not be found."));
      }));

  auto update = [engine, lookup](bool existing) {
    return [engine, lookup, existing](const httplib::Request& req, httplib::Response& res) {
      StackPath p = parse_stack_path(req.matches[2]);
      if (!p.rest.empty()) {
        return fail(res, make_error(ErrorCode::kNotFound, "The resource could not be found."));
      }
      auto s = lookup(p);
      if (!s.ok()) {
        return fail(res, s.error());
      }
      auto request = stack_request(req, !existing);
      if (!request.ok()) {
        return fail(res, request.error());
      }
      request->existing = existing;
      auto u = engine->update(s->id, *request);
      if (!u.ok()) {
        return fail(res, u.error());
      }
      send_json(res, json::object(), 202);
    };
  };
  server.Put(R"(/v1/([^/]+)/stacks/(.+))", guarded(update(false)));
  server.Patch(R"(/v1/([^/]+)/stacks/(.+))", guarded(update(true)));
  server.Delete(R"(/v1/([^/]+)/stacks/(.+))",
                guarded([engine, lookup](const httplib::Request& req, httplib::Response& res) {
                  StackPath p = parse_stack_path(req.matches[2]);
                  if (!p.rest.empty()) {
                    return fail(
                        res, make_error(ErrorCode::kNotFound, "The resource could not be found."));
                  }
                  auto s = lookup(p);
                  if (!s.ok()) {
                    return fail(res, s.error());
                  }
                  if (auto d = engine->remove(s->id); !d.ok()) {
                    return fail(res, d.error());
                  }
                  res.status = 204;
                }));
}

void HeatEndpoint::write_error(httplib::Response& res, const Error& error) const {
  fail(res, error);
}

}  // namespace chainlab::endpoints
