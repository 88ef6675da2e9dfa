#include "endpoints/openstack/heat.h"

#include <httplib.h>

#include "common/json_bounded.h"
#include "endpoints/http/router.h"

#include "common/files.h"
#include "common/units.h"
#include "endpoints/openstack/common.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using openstack::StackEngine;
using openstack::StackInfo;

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
          {"updated_time", null_if_empty(s.updated_time)},
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

// The request's environment as a mapping (heatclient sends one; a YAML text is read too); null
// when there is none.
Result<json> environment_of(const json& body) {
  if (!body.contains("environment") || body["environment"].is_null()) {
    return json();
  }
  json env = body["environment"];
  if (env.is_string()) {
    CL_ASSIGN_OR_RETURN(env, openstack::yaml_to_json(env.get<std::string>(), "environment"));
  }
  if (!env.is_object() && !env.is_null()) {
    return make_error(ErrorCode::kInvalidArgument, "environment: expected a mapping");
  }
  return env;
}

// A mapping of names to strings (the request's files, the registry's types).
Result<std::map<std::string, std::string>> string_map(const json& node, std::string_view what) {
  std::map<std::string, std::string> out;
  if (node.is_null()) {
    return out;
  }
  if (!node.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: expected a mapping", what);
  }
  for (const auto& [k, v] : node.items()) {
    if (!v.is_string()) {
      return make_error(ErrorCode::kInvalidArgument, "{}.{}: expected a string", what, k);
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

// heatclient's `files` and the environment's resource_registry (its per-resource "resources"
// section is not supported).
Result<openstack::TemplateFiles> template_files(const json& body, const json& env) {
  openstack::TemplateFiles f;
  CL_ASSIGN_OR_RETURN(f.files, string_map(body.value("files", json()), "files"));
  if (env.is_object() && env.contains("resource_registry")) {
    json registry = env["resource_registry"];
    if (registry.is_object() && registry.contains("resources")) {
      return make_error(ErrorCode::kInvalidArgument,
                        "environment: resource_registry.resources is not supported");
    }
    CL_ASSIGN_OR_RETURN(f.registry, string_map(registry, "environment.resource_registry"));
  }
  return f;
}

// The request's parameters: environment.parameter_defaults (declared only) < environment
// .parameters < parameters.
Result<json> merged_parameters(const json& body, const json& env, const openstack::Template* tmpl) {
  json out = json::object();
  if (env.is_object()) {
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
  CL_ASSIGN_OR_RETURN(json env, environment_of(body));
  CL_ASSIGN_OR_RETURN(r.files, template_files(body, env));
  std::optional<openstack::Template> tmpl;
  if (!r.template_tree.is_null() || !r.template_text.empty()) {
    auto t = r.template_tree.is_null() ? openstack::parse_template(r.template_text, r.files)
                                       : openstack::parse_template(r.template_tree, r.files);
    if (!t.ok()) {
      return std::move(t).error();
    }
    tmpl = std::move(t).value();
  }
  CL_ASSIGN_OR_RETURN(r.parameters, merged_parameters(body, env, tmpl ? &*tmpl : nullptr));
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

// What an event and a resource both say of the resource (T: StackEvent or StackResourceInfo).
template <typename T>
json resource_fields(const std::string& name, const T& r) {
  return {{"resource_name", name},
          {"logical_resource_id", name},
          {"physical_resource_id", r.physical_id},
          {"resource_type", r.type},
          {"resource_status", r.status},
          {"resource_status_reason", r.status_reason}};
}

json event_json(const httplib::Request& req, int port, const std::string& tenant,
                const StackInfo& s, const openstack::StackEvent& e) {
  std::string stack = stack_href(req, port, tenant, s);
  json event = resource_fields(e.resource_name, e);
  event.update(
      {{"id", e.id},
       {"event_time", e.time},
       {"links",
        {{{"href", stack + "/resources/" + e.resource_name + "/events/" + e.id}, {"rel", "self"}},
         {{"href", stack + "/resources/" + e.resource_name}, {"rel", "resource"}},
         {{"href", stack}, {"rel", "stack"}}}}});
  return event;
}

}  // namespace

Result<openstack::StackRequest> parse_stack_request(const json& body, bool need_template) {
  return stack_request(body, need_template);
}

namespace {

using Ctx = HeatContext;

Error no_resource() {
  return make_error(ErrorCode::kNotFound, "The resource could not be found.");
}

json versions_json(Ctx& c, const httplib::Request& req) {
  return json{{"versions",
               {{{"id", "v1.0"},
                 {"status", "CURRENT"},
                 {"links", {{{"rel", "self"}, {"href", service_url(req, c.port, "/v1/")}}}}}}}};
}

Result<Reply> root(Ctx& c, const httplib::Request& req) {
  return Reply(versions_json(c, req), 300);
}

Result<json> versions(Ctx& c, const httplib::Request& req) {
  return versions_json(c, req);
}

Result<json> build_info(Ctx&, const httplib::Request&) {
  return json{{"api", {{"revision", "chainlab"}}}, {"engine", {{"revision", "chainlab"}}}};
}

Result<json> resource_types(Ctx&, const httplib::Request&) {
  using openstack::ResourceType;
  json types = json::array();
  for (auto t :
       {ResourceType::kServer, ResourceType::kNet, ResourceType::kSubnet, ResourceType::kPort,
        ResourceType::kRouter, ResourceType::kRouterInterface, ResourceType::kFloatingIp,
        ResourceType::kResourceGroup, ResourceType::kAutoScalingGroup, ResourceType::kScalingPolicy,
        ResourceType::kSecurityGroup}) {
    types.push_back({{"resource_type", openstack::resource_type_name(t)}});
  }
  return json{{"resource_types", types}};
}

Result<json> list_stacks(Ctx& c, const httplib::Request& req) {
  std::string tenant = req.matches[1];
  std::string name_filter = req.get_param_value("stack_name");
  json out = json::array();
  for (const auto& s : c.engine.list()) {
    if (name_filter.empty() || s.name == name_filter) {
      out.push_back(stack_summary(req, c.port, tenant, s, c.cloud.project_id()));
    }
  }
  return json{{"stacks", out}};
}

Result<Reply> create_stack(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(openstack::StackRequest request, stack_request(req, true));
  CL_ASSIGN_OR_RETURN(StackInfo s, c.engine.create(request));
  std::string href = stack_href(req, c.port, req.matches[1], s);
  return Reply(json{{"stack", {{"id", s.id}, {"links", {{{"href", href}, {"rel", "self"}}}}}}}, 201)
      .header("Location", href);
}

Result<json> validate_template(Ctx& c, const httplib::Request& req) {
  static const char* kTypes[] = {"String", "Number", "Json", "CommaDelimitedList", "Boolean"};
  CL_ASSIGN_OR_RETURN(openstack::StackRequest request, stack_request(req, true));
  CL_ASSIGN_OR_RETURN(auto t, c.engine.validate(request));
  json params = json::object();
  for (const auto& p : t.parameters) {
    json def = {{"Type", kTypes[static_cast<int>(p.type)]},
                {"Description", p.description},
                {"Label", p.name},
                {"NoEcho", p.hidden ? "true" : "false"}};
    if (p.default_value) {
      def["Default"] = *p.default_value;
    }
    params[p.name] = def;
  }
  return json{
      {"Description", t.description}, {"Parameters", params}, {"ParameterGroups", json::array()}};
}

Result<StackInfo> lookup(Ctx& c, const StackPath& p) {
  return c.engine.get(p.id.empty() ? p.stack : p.id);
}

// The outputs of a stack as Heat lists them.
Result<json> outputs_json(Ctx& c, const StackInfo& s) {
  CL_ASSIGN_OR_RETURN(auto all, c.engine.outputs(s.id));
  json outputs = json::array();
  for (const auto& o : all) {
    json out = {{"output_key", o.key}, {"output_value", o.value}, {"description", o.description}};
    if (!o.error.empty()) {
      out["output_error"] = o.error;
    }
    outputs.push_back(std::move(out));
  }
  return outputs;
}

Result<json> show_stack(Ctx& c, const httplib::Request& req, const StackInfo& s) {
  json body = stack_summary(req, c.port, req.matches[1], s, c.cloud.project_id());
  body["template_description"] = s.description;
  body["disable_rollback"] = true;
  body["timeout_mins"] = s.timeout_mins > 0 ? json(s.timeout_mins) : json(nullptr);
  body["notification_topics"] = json::array();
  body["capabilities"] = json::array();
  body["parameters"] = s.parameters;
  std::string resolve = req.get_param_value("resolve_outputs");
  if (resolve != "False" && resolve != "false") {
    CL_ASSIGN_OR_RETURN(body["outputs"], outputs_json(c, s));
  }
  return json{{"stack", body}};
}

// GET .../outputs and .../outputs/<key>.
Result<json> stack_outputs(Ctx& c, const StackPath& p, const StackInfo& s) {
  CL_ASSIGN_OR_RETURN(json outputs, outputs_json(c, s));
  if (p.rest.size() != 2) {
    return json{{"outputs", outputs}};
  }
  for (const auto& out : outputs) {
    if (out["output_key"] == p.rest[1]) {
      return json{{"output", out}};
    }
  }
  return make_error(ErrorCode::kNotFound, "Specified output key {} not found.", p.rest[1]);
}

// GET .../events and .../resources/<name>/events: marker, sort_dir, limit.
Result<json> stack_events(Ctx& c, const httplib::Request& req, const StackPath& p,
                          const StackInfo& s) {
  std::string only = p.rest[0] == "resources" ? p.rest[1] : "";
  std::string marker = req.get_param_value("marker");
  CL_ASSIGN_OR_RETURN(auto events, c.engine.events(s.id));
  json out = json::array();
  bool after_marker = marker.empty();
  for (const auto& e : events) {
    if (!after_marker) {
      after_marker = e.id == marker;
      continue;
    }
    if (only.empty() || e.resource_name == only) {
      out.push_back(event_json(req, c.port, req.matches[1], s, e));
    }
  }
  if (req.get_param_value("sort_dir") == "desc") {
    std::reverse(out.begin(), out.end());
  }
  std::string limit = req.get_param_value("limit");
  if (!limit.empty() && std::all_of(limit.begin(), limit.end(), ::isdigit)) {
    size_t n = std::stoul(limit);
    if (out.size() > n) {
      out.erase(out.begin() + static_cast<std::ptrdiff_t>(n), out.end());
    }
  }
  return json{{"events", out}};
}

json resource_json(const openstack::StackResourceInfo& r, const std::string& href,
                   const std::vector<std::string>& required_by) {
  json item = resource_fields(r.name, r);
  item.update({{"creation_time", r.updated_time},
               {"updated_time", r.updated_time},
               {"required_by", required_by},
               {"links",
                {{{"href", href + "/resources/" + r.name}, {"rel", "self"}},
                 {{"href", href}, {"rel", "stack"}}}}});
  if (!r.group.empty()) {
    item["parent_resource"] = r.group;
  }
  return item;
}

// GET .../resources and .../resources/<name>.
Result<json> stack_resources(Ctx& c, const httplib::Request& req, const StackPath& p,
                             const StackInfo& s) {
  CL_ASSIGN_OR_RETURN(auto all, c.engine.resources(s.id));
  std::map<std::string, std::vector<std::string>> required_by;
  for (const auto& r : all) {
    for (const auto& n : r.needs) {
      required_by[n].push_back(r.name);
    }
  }
  std::string href = stack_href(req, c.port, req.matches[1], s);
  json out = json::array();
  for (const auto& r : all) {
    json item = resource_json(r, href, required_by[r.name]);
    if (p.rest.size() == 2 && p.rest[1] == r.name) {
      item["attributes"] = json::object();
      item["description"] = "";
      return json{{"resource", item}};
    }
    out.push_back(std::move(item));
  }
  if (p.rest.size() == 2) {
    return make_error(ErrorCode::kNotFound, "The Resource ({}) could not be found.", p.rest[1]);
  }
  return json{{"resources", out}};
}

// Everything under GET /stacks/<stack>[/<id>]/...: lookup (302), show, template, outputs,
// events, resources.
Result<Reply> get_stack_path(Ctx& c, const httplib::Request& req) {
  StackPath p = parse_stack_path(req.matches[2]);
  CL_ASSIGN_OR_RETURN(StackInfo s, lookup(c, p));
  if (p.id.empty() && p.rest.empty()) {  // stacks:lookup
    return Reply(json{{"stack", {{"id", s.id}, {"stack_name", s.name}}}}, 302)
        .header("Location", stack_href(req, c.port, req.matches[1], s));
  }
  Result<json> answer = no_resource();
  const std::string what = p.rest.empty() ? "" : p.rest[0];
  if (p.rest.empty()) {
    answer = show_stack(c, req, s);
  } else if (what == "template" && p.rest.size() == 1) {
    answer = c.engine.template_of(s.id);
  } else if (what == "outputs") {
    answer = stack_outputs(c, p, s);
  } else if (what == "events" ||
             (what == "resources" && p.rest.size() == 3 && p.rest[2] == "events")) {
    answer = stack_events(c, req, p, s);
  } else if (what == "resources" && p.rest.size() <= 2) {
    answer = stack_resources(c, req, p, s);
  }
  CL_ASSIGN_OR_RETURN(json body, std::move(answer));
  return Reply(std::move(body));
}

// PUT replaces the stack's template; PATCH updates the existing one.
Result<Reply> update_stack(Ctx& c, const httplib::Request& req, bool existing) {
  StackPath p = parse_stack_path(req.matches[2]);
  if (!p.rest.empty()) {
    return no_resource();
  }
  CL_ASSIGN_OR_RETURN(StackInfo s, lookup(c, p));
  CL_ASSIGN_OR_RETURN(openstack::StackRequest request, stack_request(req, !existing));
  request.existing = existing;
  CL_RETURN_IF_ERROR(c.engine.update(s.id, request));
  return Reply(json::object(), 202);
}

Result<Reply> put_stack(Ctx& c, const httplib::Request& req) {
  return update_stack(c, req, false);
}

Result<Reply> patch_stack(Ctx& c, const httplib::Request& req) {
  return update_stack(c, req, true);
}

Result<Reply> delete_stack(Ctx& c, const httplib::Request& req) {
  StackPath p = parse_stack_path(req.matches[2]);
  if (!p.rest.empty()) {
    return no_resource();
  }
  CL_ASSIGN_OR_RETURN(StackInfo s, lookup(c, p));
  CL_RETURN_IF_ERROR(c.engine.remove(s.id));
  return Reply::empty(204);
}

// A policy's alarm_url carries its own secret instead of a token (Heat's pre-signed URL); the
// engine checks it. An empty signature is none: such a request needs the token.
bool signed_signal(const httplib::Request& req) {
  return req.method == "POST" && !req.get_param_value("signature").empty() &&
         req.path.ends_with("/signal");
}

// POST .../resources/<name>/signal: Heat answers 200 with a null body.
Result<Reply> signal_resource(Ctx& c, const httplib::Request& req) {
  StackPath p = parse_stack_path(req.matches[2]);
  if (p.rest.size() != 3 || p.rest[0] != "resources" || p.rest[2] != "signal") {
    return no_resource();
  }
  const std::string signature = req.get_param_value("signature");
  auto s = lookup(c, p);
  Result<openstack::SignalOutcome> done = s.ok() ? c.engine.signal(s->id, p.rest[1], signature)
                                                 : Result<openstack::SignalOutcome>(s.error());
  if (done.ok()) {
    return Reply(json(nullptr), 200);
  }
  if (!signature.empty() && done.error().code == ErrorCode::kNotFound) {
    // without a token, a wrong URL says no more than a wrong signature
    return make_error(ErrorCode::kUnauthenticated, "The signature does not match.");
  }
  return std::move(done).error();
}

const PathRoutes<Ctx> kOpenRoutes[] = {
    {R"(/?)", {{Method::kGet, &root}}},
    {R"(/versions/?)", {{Method::kGet, &versions}}},
};

// Behind the token (Heat's 401: type HTTPUnauthorized, common.cc).
const PathRoutes<Ctx> kRoutes[] = {
    {R"(/v1/([^/]+)/build_info/?)", {{Method::kGet, &build_info}}},
    {R"(/v1/([^/]+)/resource_types/?)", {{Method::kGet, &resource_types}}},
    {R"(/v1/([^/]+)/stacks/?)", {{Method::kGet, &list_stacks}, {Method::kPost, &create_stack}}},
    {R"(/v1/([^/]+)/validate/?)", {{Method::kPost, &validate_template}}},
    {R"(/v1/([^/]+)/stacks/(.+))",
     {{Method::kGet, &get_stack_path},
      {Method::kPut, &put_stack},
      {Method::kPatch, &patch_stack},
      {Method::kDelete, &delete_stack},
      {Method::kPost, &signal_resource}}},
};

}  // namespace

HeatEndpoint::HeatEndpoint(openstack::Cloud& cloud, openstack::StackEngine& engine,
                           OpenStackPorts ports)
    : OpenStackServiceEndpoint("heat", ErrorStyle::kHeat, cloud, ports),
      heat_{cloud, engine, ports.heat} {}

void HeatEndpoint::register_routes(httplib::Server& server) {
  Router(server, *this).add<Ctx>(heat_, kOpenRoutes);
  // No WWW-Authenticate here: Heat's 401 is its error body alone.
  auto guard = [&cloud = heat_.cloud](const httplib::Request& req, httplib::Response&) -> Status {
    std::string token = req.get_header_value("X-Auth-Token");
    if (signed_signal(req)) {
      return ok_status();
    }
    if (token.empty() || !cloud.validate_token(token).ok()) {
      return make_error(ErrorCode::kUnauthenticated,
                        "The request you have made requires authentication.");
    }
    return ok_status();
  };
  Router(server, *this, guard).add<Ctx>(heat_, kRoutes);
}

}  // namespace chainlab::endpoints
