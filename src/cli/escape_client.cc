#include "cli/escape_client.h"

#include <httplib.h>

#include <fmt/format.h>

#include "cli/rest_client.h"
#include "common/json_at.h"
#include "common/json_bounded.h"
#include "endpoints/http/status.h"

namespace chainlab::cli {
namespace {

// The API's error: its text body (ESCAPE's errors are text), else the status.
Error escape_error(const httplib::Result& r, const std::string& what) {
  if (!r) {
    return make_error(ErrorCode::kUnavailable, "{}: {} (is `chainlab mdo` running?)", what,
                      httplib::to_string(r.error()));
  }
  std::string text = r->body.substr(0, 1000);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return Error{
      endpoints::error_code_for_status(r->status),
      fmt::format("{}: {}", what, text.empty() ? fmt::format("HTTP {}", r->status) : text)};
}

}  // namespace

EscapeClient::EscapeClient(std::string endpoint, std::unique_ptr<httplib::Client> client)
    : endpoint_(std::move(endpoint)), client_(std::move(client)) {}
EscapeClient::EscapeClient(EscapeClient&&) noexcept = default;
EscapeClient& EscapeClient::operator=(EscapeClient&&) noexcept = default;
EscapeClient::~EscapeClient() = default;

Result<EscapeClient> EscapeClient::connect(const std::string& endpoint, const app::Environment& env,
                                           const std::string& prefix) {
  if (prefix.empty() ||
      prefix.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, "--prefix: letters, digits, - and _ only");
  }
  CL_ASSIGN_OR_RETURN(std::string url, check_endpoint_url(endpoint));
  auto client = std::make_unique<httplib::Client>(url);
  if (!client->is_valid()) {
    return make_error(ErrorCode::kInvalidArgument, "endpoint '{}' is not a valid URL", endpoint);
  }
  client->set_read_timeout(60, 0);
  if (std::string token = app::client_token(env, url); !token.empty()) {
    client->set_default_headers({{"Authorization", "Bearer " + token}});
  }
  EscapeClient c(url, std::move(client));
  c.prefix_ = "/" + prefix;
  return c;
}

Result<std::string> EscapeClient::send(const std::string& nffg_text, bool remove) {
  std::string path = prefix_ + "/service/sg";
  auto r = remove ? client_->Put(path, nffg_text, "application/json")
                  : client_->Post(path, nffg_text, "application/json");
  if (!r || r->status != 202) {
    return escape_error(r, remove ? "deleting the service" : "adding the service");
  }
  return r->get_header_value("message-id");
}

Result<RequestStatus> EscapeClient::status(const std::string& message_id) {
  auto r = client_->Get(with_query(prefix_ + "/service/status", {{"message-id", message_id}}),
                        {{"Accept", "application/json"}});
  if (!r || (r->status != 200 && r->status != 202 && r->status != 500)) {
    return escape_error(r, "asking for request " + message_id);
  }
  RequestStatus s{r->status, ""};
  nlohmann::json body = parse_json(r->body, "status").value_or(nlohmann::json());
  const nlohmann::json& message = json_at(body, {"message"});
  s.message = message.is_string() ? message.get<std::string>() : "";
  return s;
}

Result<nlohmann::json> EscapeClient::get(const std::string& path) {
  auto r = client_->Get(prefix_ + path);
  if (!r || r->status != 200) {
    return escape_error(r, "GET " + prefix_ + path);
  }
  return parse_json(r->body, "answer");
}

}  // namespace chainlab::cli
