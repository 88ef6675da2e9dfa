#include "cli/nffg_client.h"

#include <httplib.h>

#include <fmt/format.h>

#include "cli/rest_client.h"
#include "common/json_bounded.h"
#include "endpoints/http/status.h"

namespace chainlab::cli {
namespace {

using nlohmann::json;

// The API's error as an Error: its {"module","message"} when it sent one.
Error node_api_error(const httplib::Result& r, const std::string& what) {
  if (!r) {
    return make_error(ErrorCode::kUnavailable, "{}: {}", what, httplib::to_string(r.error()));
  }
  if (r->status == 405) {
    return make_error(ErrorCode::kNotFound, "{}: no such graph", what);
  }
  auto body = parse_json(r->body, "answer");
  std::string message =
      body.ok() && body->is_object() && body->contains("message")
          ? fmt::format("{}: {}", body->value("module", "node"), body->value("message", ""))
          : fmt::format("HTTP {}", r->status);
  return Error{endpoints::error_code_for_status(r->status), fmt::format("{}: {}", what, message)};
}

}  // namespace

NffgClient::NffgClient(std::string endpoint, std::unique_ptr<httplib::Client> client)
    : endpoint_(std::move(endpoint)), client_(std::move(client)) {}
NffgClient::NffgClient(NffgClient&&) noexcept = default;
NffgClient& NffgClient::operator=(NffgClient&&) noexcept = default;
NffgClient::~NffgClient() = default;

Result<NffgClient> NffgClient::login(const std::string& endpoint, const std::string& user,
                                     const std::string& password) {
  CL_ASSIGN_OR_RETURN(std::string url, check_endpoint_url(endpoint));
  NffgClient c(url, std::make_unique<httplib::Client>(url));
  if (!c.client_->is_valid()) {
    return make_error(ErrorCode::kInvalidArgument, "endpoint '{}' is not a valid URL", endpoint);
  }
  c.client_->set_read_timeout(600, 0);
  auto r = c.client_->Post("/login", json{{"username", user}, {"password", password}}.dump(),
                           "application/json");
  if (!r || r->status != 200) {
    return node_api_error(r, fmt::format("logging in to {} as {}", endpoint, user));
  }
  c.token_ = r->body;
  return c;
}

Result<std::string> NffgClient::create(const json& graph) {
  auto r = client_->Post("/NF-FG/", {{"X-Auth-Token", token_}}, graph.dump(), "application/json");
  if (!r || r->status != 201) {
    return node_api_error(r, "creating the graph");
  }
  CL_ASSIGN_OR_RETURN(json body, parse_json(r->body, "answer"));
  return body.value("nffg-uuid", "");
}

Status NffgClient::update(const std::string& id, const json& graph) {
  auto r =
      client_->Put("/NF-FG/" + id, {{"X-Auth-Token", token_}}, graph.dump(), "application/json");
  if (!r || r->status != 202) {
    return node_api_error(r, "updating graph " + id);
  }
  return ok_status();
}

Result<json> NffgClient::get(const std::string& path) {
  auto r = client_->Get(path, {{"X-Auth-Token", token_}});
  if (!r || r->status != 200) {
    return node_api_error(r, "GET " + path);
  }
  return parse_json(r->body, "answer");
}

Status NffgClient::remove(const std::string& id) {
  auto r = client_->Delete("/NF-FG/" + id, {{"X-Auth-Token", token_}});
  if (!r || r->status != 204) {
    return node_api_error(r, "deleting graph " + id);
  }
  return ok_status();
}

}  // namespace chainlab::cli
