// A client of a node's NF-FG API (endpoints/unode/nffg_endpoint.h) for `chainlab nffg`: logs in
// with a user and password (POST /login, then X-Auth-Token), and maps the API's answers to
// Result: its {"module","message"} errors, 405 for an unknown graph as NotFound.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace httplib {
class Client;
}  // namespace httplib

namespace chainlab::cli {

inline constexpr const char* kDefaultNffgEndpoint = "http://127.0.0.1:8080";

class NffgClient {
 public:
  // Connects to `endpoint` (http://host:port) and logs in.
  static Result<NffgClient> login(const std::string& endpoint, const std::string& user,
                                  const std::string& password);
  NffgClient(NffgClient&&) noexcept;
  NffgClient& operator=(NffgClient&&) noexcept;
  ~NffgClient();

  Result<std::string> create(const nlohmann::json& graph);  // the new graph's id
  Status update(const std::string& id, const nlohmann::json& graph);
  Result<nlohmann::json> get(const std::string& path);  // "/NF-FG", "/NF-FG/status/<id>"...
  Status remove(const std::string& id);

 private:
  NffgClient(std::string endpoint, std::unique_ptr<httplib::Client> client);
  std::string endpoint_;
  std::unique_ptr<httplib::Client> client_;
  std::string token_;
};

}  // namespace chainlab::cli
