// A small JSON-over-HTTP client for the emulator REST API (docs/api/emulator-rest.md), used by the
// remote commands (`compute`, `datacenter`, `network`, `elan`, `exec`, `link`, `shell`).
//
// Endpoint: the `-e/--endpoint` flag, else $CHAINLAB_ENDPOINT, else http://127.0.0.1:5001.
// Every call returns Result<json>: a 2xx answer's body (null when empty); a non-2xx answer becomes
// an Error carrying the server's {"error": ...} message, its code taken from the HTTP status
// (400 kInvalidArgument, 404 kNotFound, 409 kAlreadyExists, 503 kResourceExhausted, else
// kInternal); a refused or failed connection is kUnavailable with a hint to start `chainlab run`.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "endpoints/http/status.h"

namespace httplib {
class Client;
}  // namespace httplib

namespace chainlab::cli {

inline constexpr const char* kDefaultEndpoint = "http://127.0.0.1:5001";

// Query parameters, in order.
using Query = std::vector<std::pair<std::string, std::string>>;

// The flag value if set, else the environment's value (app/environment.h) if set, else
// `fallback`.
std::string first_set(const std::string& flag_value, const std::string& env_value,
                      const char* fallback);

// The flag value if set, else $CHAINLAB_ENDPOINT (`env_value`) if set, else kDefaultEndpoint.
std::string resolve_endpoint(const std::string& flag_value, const std::string& env_value);

// The error code a non-2xx HTTP status stands for: endpoints/http/status.h, the endpoints' own
// table read backwards.
using endpoints::error_code_for_status;

// The Error for a non-2xx answer: the body's "error" string if there is one, else the body text,
// else "HTTP <status>".
Error error_from_response(int status, const std::string& body);

// Percent-encodes everything but unreserved characters (RFC 3986), for path segments and queries.
std::string url_encode(const std::string& text);

// "path?k=v&k2=v2" with keys and values encoded; `path` alone when the query is empty.
std::string with_query(const std::string& path, const Query& query);

// `endpoint` without trailing slashes when it is http(s)://HOST[:PORT] (no path); InvalidArgument
// otherwise. Every client of chainlab's APIs checks its endpoint so.
Result<std::string> check_endpoint_url(const std::string& endpoint);

class RestClient {
 public:
  // Fails with kInvalidArgument when the endpoint is not an http(s)://host[:port] URL. No token
  // (set_token; cli/remote.h's connect sets the run's).
  static Result<RestClient> create(const std::string& endpoint);

  RestClient(RestClient&&) noexcept;
  RestClient& operator=(RestClient&&) noexcept;
  ~RestClient();

  // How long to wait for an answer (default 30 s; `exec` raises it above its command timeout).
  void set_read_timeout(std::chrono::seconds timeout);

  Result<nlohmann::json> get(const std::string& path, const Query& query = {});
  Result<nlohmann::json> put(const std::string& path, const nlohmann::json& body = nullptr,
                             const Query& query = {});
  Result<nlohmann::json> post(const std::string& path, const nlohmann::json& body = nullptr,
                              const Query& query = {});
  Result<nlohmann::json> del(const std::string& path, const nlohmann::json& body = nullptr,
                             const Query& query = {});
  // A GET whose (text, possibly endless) body is handed to `sink` chunk by chunk as it arrives;
  // `sink` returns false to stop reading. Errors as for the JSON calls.
  Status get_stream(const std::string& path, const Query& query,
                    const std::function<bool(std::string_view)>& sink);

  const std::string& endpoint() const { return endpoint_; }
  // Sent as `Authorization: Bearer` with every request (create() finds the run's token).
  void set_token(const std::string& token);

 private:
  enum class Method { kGet, kPut, kPost, kDelete };

  RestClient(std::string endpoint, std::unique_ptr<httplib::Client> client);
  Error transport_error(int error, const std::string& path) const;
  Result<nlohmann::json> call(Method method, const std::string& path, const nlohmann::json& body,
                              const Query& query);

  std::string endpoint_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace chainlab::cli
