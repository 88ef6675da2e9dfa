#include "endpoints/unode/nffg_api_client.h"

#include <httplib.h>

#include <fmt/format.h>

#include "common/http_url.h"
#include "common/json_at.h"
#include "common/json_bounded.h"
#include "endpoints/http/status.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

// The node's {"module","message"} as an Error of the status's code.
Error node_error(int status, const std::string& body, const std::string& what) {
  json j = parse_json(body, "answer").value_or(json());
  const json& module = json_at(j, {"module"});
  const json& text = json_at(j, {"message"});
  std::string message =
      text.is_string()
          ? fmt::format("{}: {}", module.is_string() ? module.get<std::string>() : "node",
                        text.get<std::string>())
          : fmt::format("HTTP {}", status);
  ErrorCode code = status == 405 ? ErrorCode::kNotFound : error_code_for_status(status);
  return Error{code, fmt::format("{}: {}", what, message)};
}

bool valid_url(const std::string& url) {
  auto u = parse_http_url(url);
  return u.ok() && u->path.empty();
}

}  // namespace

NffgApiClient::~NffgApiClient() = default;

Result<std::unique_ptr<NffgApiClient>> NffgApiClient::create(const std::string& url,
                                                             std::string user,
                                                             std::string password) {
  if (!valid_url(url)) {
    return make_error(ErrorCode::kInvalidArgument, "url: expected http(s)://HOST[:PORT], not '{}'",
                      url.substr(0, 200));
  }
  std::unique_ptr<NffgApiClient> c(new NffgApiClient());
  c->url_ = url;
  c->user_ = std::move(user);
  c->password_ = std::move(password);
  c->client_ = std::make_unique<httplib::Client>(url);
  c->client_->set_connection_timeout(30);
  c->client_->set_read_timeout(600);
  return c;
}

Result<NffgApiClient::Answer> NffgApiClient::send(const std::string& method,
                                                  const std::string& path,
                                                  const std::string& body) {
  httplib::Headers h = {{"X-Auth-Token", token_}};
  httplib::Result r = method == "GET"    ? client_->Get(path, h)
                      : method == "POST" ? client_->Post(path, h, body, "application/json")
                      : method == "PUT"  ? client_->Put(path, h, body, "application/json")
                                         : client_->Delete(path, h);
  if (!r) {
    return make_error(ErrorCode::kUnavailable, "{} {}{}: {}", method, url_, path,
                      httplib::to_string(r.error()));
  }
  return Answer{r->status, r->body};
}

Status NffgApiClient::login() {
  auto r = client_->Post("/login", json{{"username", user_}, {"password", password_}}.dump(),
                         "application/json");
  if (!r) {
    return make_error(ErrorCode::kUnavailable, "logging in to {}: {}", url_,
                      httplib::to_string(r.error()));
  }
  if (r->status != 200) {
    return node_error(r->status, r->body, fmt::format("logging in to {} as {}", url_, user_));
  }
  token_ = r->body;
  return ok_status();
}

Result<NffgApiClient::Answer> NffgApiClient::call(const std::string& method,
                                                  const std::string& path,
                                                  const std::string& body) {
  std::lock_guard lock(mu_);
  if (token_.empty()) {
    CL_RETURN_IF_ERROR(login());
  }
  CL_ASSIGN_OR_RETURN(Answer a, send(method, path, body));
  if (a.status == 401) {  // the token expired: once more with a new one
    CL_RETURN_IF_ERROR(login());
    CL_ASSIGN_OR_RETURN(a, send(method, path, body));
  }
  return a;
}

Result<std::string> NffgApiClient::create_graph(const json& nffg) {
  CL_ASSIGN_OR_RETURN(Answer a, call("POST", "/NF-FG/", nffg.dump()));
  if (a.status != 201) {
    return node_error(a.status, a.body, "creating the graph on " + url_);
  }
  json j = parse_json(a.body, "answer").value_or(json());
  const json& id = json_at(j, {"nffg-uuid"});
  if (!id.is_string()) {
    return make_error(ErrorCode::kInternal, "{} answered a create without nffg-uuid", url_);
  }
  return id.get<std::string>();
}

Status NffgApiClient::update_graph(const std::string& id, const json& nffg) {
  CL_ASSIGN_OR_RETURN(Answer a, call("PUT", "/NF-FG/" + id, nffg.dump()));
  if (a.status / 100 != 2) {
    return node_error(a.status, a.body, "updating graph " + id + " on " + url_);
  }
  return ok_status();
}

Status NffgApiClient::delete_graph(const std::string& id) {
  CL_ASSIGN_OR_RETURN(Answer a, call("DELETE", "/NF-FG/" + id));
  if (a.status / 100 != 2) {
    return node_error(a.status, a.body, "deleting graph " + id + " on " + url_);
  }
  return ok_status();
}

Result<std::optional<std::string>> NffgApiClient::graph_named(const std::string& name) {
  CL_ASSIGN_OR_RETURN(Answer a, call("GET", "/NF-FG"));
  if (a.status != 200) {
    return node_error(a.status, a.body, "listing the graphs of " + url_);
  }
  json j = parse_json(a.body, "graphs").value_or(json());
  const json& graphs = json_at(j, {"NF-FG"});
  for (const auto& g : graphs.is_array() ? graphs : json::array()) {
    const json& id = json_at(g, {"nffg-uuid"});
    if (json_at(g, {"forwarding-graph", "name"}) == name && id.is_string()) {
      return std::optional(id.get<std::string>());
    }
  }
  return std::optional<std::string>();
}

Result<json> NffgApiClient::description() {
  CL_ASSIGN_OR_RETURN(Answer a, call("GET", "/domain-description"));
  if (a.status != 200) {
    return node_error(a.status, a.body, "reading the domain description of " + url_);
  }
  return parse_json(a.body, "domain description");
}

}  // namespace chainlab::endpoints
