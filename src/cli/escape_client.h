// A client of the multi-domain orchestrator's ESCAPE API (endpoints/escape/escape_endpoint.h) for
// `chainlab sg` and `chainlab view`: posts service requests (202 + message-id), asks their status
// (the code: 200 done, 202 in progress, 500 failed with the reason in JSON), reads the views and
// mappings. Sends the MdO's token (app::client_token: $CHAINLAB_TOKEN or the local MdO's).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "app/environment.h"
#include "common/result.h"

namespace httplib {
class Client;
}  // namespace httplib

namespace chainlab::cli {

inline constexpr const char* kDefaultMdoEndpoint = "http://127.0.0.1:8888";

struct RequestStatus {
  int code = 0;         // 200, 202 or 500
  std::string message;  // why it failed
};

class EscapeClient {
 public:
  // `prefix`: the API's path prefix (the MdO config's api.prefix).
  static Result<EscapeClient> connect(const std::string& endpoint, const app::Environment& env,
                                      const std::string& prefix = "escape");
  EscapeClient(EscapeClient&&) noexcept;
  EscapeClient& operator=(EscapeClient&&) noexcept;
  ~EscapeClient();

  // POST (add) or PUT (delete) /escape/service/sg: the message id.
  Result<std::string> send(const std::string& nffg_text, bool remove);
  Result<RequestStatus> status(const std::string& message_id);
  // GET of an API path under the prefix: the JSON answer.
  Result<nlohmann::json> get(const std::string& path);

 private:
  EscapeClient(std::string endpoint, std::unique_ptr<httplib::Client> client);
  std::string endpoint_;
  std::unique_ptr<httplib::Client> client_;
  std::string prefix_ = "/escape";
};

}  // namespace chainlab::cli
