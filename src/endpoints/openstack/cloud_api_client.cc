#include "endpoints/openstack/cloud_api_client.h"

#include <httplib.h>

#include <fmt/format.h>

#include "common/http_url.h"
#include "common/json_at.h"
#include "common/json_bounded.h"
#include "endpoints/http/status.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

// The service's error: OpenStack's {"<kind>": {"message"}} / {"error": {"message"}} /
// {"title", "explanation"}, else the status.
Error cloud_error(int status, const std::string& body, const std::string& what) {
  std::string message = fmt::format("HTTP {}", status);
  if (auto j = parse_json(body, "answer"); j.ok() && j->is_object() && !j->empty()) {
    if (const json& m = json_at(j->begin().value(), {"message"}); m.is_string()) {
      message = m.get<std::string>();
    } else if (const json& e = json_at(*j, {"explanation"}); e.is_string()) {
      message = e.get<std::string>();
    }
  }
  return Error{error_code_for_status(status), fmt::format("{}: {}", what, message)};
}

json password_auth(const escape::CloudSettings& s) {
  return {{"auth",
           {{"identity",
             {{"methods", {"password"}},
              {"password",
               {{"user",
                 {{"name", s.user}, {"domain", {{"id", "default"}}}, {"password", s.password}}}}}}},
            {"scope", {{"project", {{"name", s.project}, {"domain", {{"id", "default"}}}}}}}}}};
}

// The public URL of each service type in a token's catalog.
std::map<std::string, std::string> catalog_urls(const json& answer) {
  std::map<std::string, std::string> out;
  const json& catalog = json_at(answer, {"token", "catalog"});
  for (const auto& service : catalog.is_array() ? catalog : json::array()) {
    const json& type = json_at(service, {"type"});
    const json& endpoints = json_at(service, {"endpoints"});
    for (const auto& e : endpoints.is_array() ? endpoints : json::array()) {
      const json& url = json_at(e, {"url"});
      if (type.is_string() && url.is_string() && json_at(e, {"interface"}) == "public") {
        out[type.get<std::string>()] = url.get<std::string>();
      }
    }
  }
  return out;
}

}  // namespace

CloudApiClient::~CloudApiClient() = default;

Result<std::unique_ptr<CloudApiClient>> CloudApiClient::create(
    const escape::CloudSettings& settings) {
  if (auto url = parse_http_url(settings.auth_url); !url.ok()) {
    return std::move(url).error().context("auth_url");
  }
  std::unique_ptr<CloudApiClient> c(new CloudApiClient());
  c->settings_ = settings;
  return c;
}

Result<CloudApiClient::Answer> CloudApiClient::send(const std::string& url,
                                                    const std::string& method,
                                                    const std::string& body) {
  CL_ASSIGN_OR_RETURN(HttpUrl u, parse_http_url(url));
  httplib::Client client(u.base);
  client.set_connection_timeout(30);
  client.set_read_timeout(300);
  httplib::Headers h = {{"X-Auth-Token", token_}, {"Accept", "application/json"}};
  std::string path = u.path.empty() ? "/" : u.path;
  httplib::Result r = method == "GET"    ? client.Get(path, h)
                      : method == "POST" ? client.Post(path, h, body, "application/json")
                      : method == "PUT"  ? client.Put(path, h, body, "application/json")
                                         : client.Delete(path, h);
  if (!r) {
    return make_error(ErrorCode::kUnavailable, "{} {}: {}", method, url,
                      httplib::to_string(r.error()));
  }
  return Answer{r->status, r->body};
}

Status CloudApiClient::login() {
  CL_ASSIGN_OR_RETURN(HttpUrl u, parse_http_url(settings_.auth_url));
  httplib::Client client(u.base);
  client.set_connection_timeout(30);
  auto r =
      client.Post(u.path + "/auth/tokens", password_auth(settings_).dump(), "application/json");
  std::string what = fmt::format("logging in to {} as {}", settings_.auth_url, settings_.user);
  if (!r) {
    return make_error(ErrorCode::kUnavailable, "{}: {}", what, httplib::to_string(r.error()));
  }
  if (r->status != 201 && r->status != 200) {
    return cloud_error(r->status, r->body, what);
  }
  CL_ASSIGN_OR_RETURN(json body, parse_json(r->body, "token"));
  token_ = r->get_header_value("X-Subject-Token");
  urls_ = catalog_urls(body);
  return ok_status();
}

Result<CloudApiClient::Answer> CloudApiClient::call(const std::string& service,
                                                    const std::string& method,
                                                    const std::string& path,
                                                    const std::string& body) {
  std::lock_guard lock(mu_);
  if (token_.empty()) {
    CL_RETURN_IF_ERROR(login());
  }
  auto base = urls_.find(service);
  if (base == urls_.end()) {
    return make_error(ErrorCode::kUnavailable, "the cloud's catalog has no {} service", service);
  }
  CL_ASSIGN_OR_RETURN(Answer a, send(base->second + path, method, body));
  if (a.status == 401) {
    CL_RETURN_IF_ERROR(login());
    CL_ASSIGN_OR_RETURN(a, send(urls_[service] + path, method, body));
  }
  return a;
}

Result<json> CloudApiClient::limits() {
  CL_ASSIGN_OR_RETURN(Answer a, call("compute", "GET", "/limits"));
  if (a.status != 200) {
    return cloud_error(a.status, a.body, "reading Nova's limits");
  }
  return parse_json(a.body, "limits");
}

Result<std::vector<std::string>> CloudApiClient::images() {
  CL_ASSIGN_OR_RETURN(Answer a, call("compute", "GET", "/images"));
  if (a.status != 200) {
    return cloud_error(a.status, a.body, "listing images");
  }
  CL_ASSIGN_OR_RETURN(json j, parse_json(a.body, "images"));
  std::vector<std::string> out;
  const json& images = json_at(j, {"images"});
  for (const auto& image : images.is_array() ? images : json::array()) {
    if (const json& name = json_at(image, {"name"}); name.is_string()) {
      out.push_back(name.get<std::string>());
    }
  }
  return out;
}

Result<std::string> CloudApiClient::create_stack(const std::string& name, const json& tmpl) {
  json body = {{"stack_name", name}, {"template", tmpl}};
  CL_ASSIGN_OR_RETURN(Answer a, call("orchestration", "POST", "/stacks", body.dump()));
  if (a.status != 201) {
    return cloud_error(a.status, a.body, "creating stack " + name);
  }
  CL_ASSIGN_OR_RETURN(json j, parse_json(a.body, "stack"));
  const json& id = json_at(j, {"stack", "id"});
  if (!id.is_string()) {
    return make_error(ErrorCode::kInternal, "Heat answered a create without a stack id");
  }
  return id.get<std::string>();
}

Status CloudApiClient::update_stack(const std::string& name, const std::string& id,
                                    const json& tmpl) {
  CL_ASSIGN_OR_RETURN(Answer a, call("orchestration", "PUT", "/stacks/" + name + "/" + id,
                                     json{{"template", tmpl}}.dump()));
  if (a.status / 100 != 2) {
    return cloud_error(a.status, a.body, "updating stack " + name);
  }
  return ok_status();
}

Result<std::pair<std::string, std::string>> CloudApiClient::stack_status(const std::string& name,
                                                                         const std::string& id) {
  CL_ASSIGN_OR_RETURN(Answer a, call("orchestration", "GET", "/stacks/" + name + "/" + id));
  if (a.status != 200) {
    return cloud_error(a.status, a.body, "reading stack " + name);
  }
  CL_ASSIGN_OR_RETURN(json j, parse_json(a.body, "stack"));
  const json& status = json_at(j, {"stack", "stack_status"});
  const json& reason = json_at(j, {"stack", "stack_status_reason"});
  return std::pair{status.is_string() ? status.get<std::string>() : "",
                   reason.is_string() ? reason.get<std::string>() : ""};
}

Status CloudApiClient::delete_stack(const std::string& name, const std::string& id) {
  CL_ASSIGN_OR_RETURN(Answer a, call("orchestration", "DELETE", "/stacks/" + name + "/" + id));
  if (a.status / 100 != 2) {
    return cloud_error(a.status, a.body, "deleting stack " + name);
  }
  return ok_status();
}

}  // namespace chainlab::endpoints
