// HTTP plumbing shared by every endpoint: one listener per endpoint (cpp-httplib behind an elastic
// worker pool), errors in the endpoint's shape with the status of endpoints/http/status.h, what
// every request passes before a handler sees it (UTF-8 path and query, body size, JSON depth, the
// run's token), JSON helpers. Routes are declared through endpoints/http/router.h.
// docs/security.md describes the limits and the access rules.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "endpoints/http/body.h"
#include "endpoints/http/httplib_fwd.h"
#include "endpoints/http/status.h"

namespace chainlab::endpoints {

class Authenticator;

inline constexpr size_t kDefaultMaxBody = size_t{1} << 20;  // 1 MiB

// The body as JSON. Strings that are not UTF-8 are replaced, never a reason to fail.
void send_json(httplib::Response& res, const nlohmann::json& body, int status = 200);
// {"error": message} with the code's status.
void send_error(httplib::Response& res, const Error& error);
// Path and query parameters are UTF-8 (they become names and JSON strings); InvalidArgument
// otherwise. Every request passes it before routing; body readers call it again (fuzz targets).
Status check_text(const httplib::Request& req);

// An endpoint declares its routes on the server it is given (MeDICINE's flexible endpoints).
class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual std::string name() const = 0;
  virtual void register_routes(httplib::Server& server) = 0;
  // An error in this API's own shape (default: send_error's {"error": message}).
  virtual void write_error(httplib::Response& res, const Error& error) const;
  // What a request no route takes gets (written with write_error; default "no route M PATH").
  virtual Error no_route_error(const std::string& method, const std::string& path) const;
  // The largest request body accepted (413 beyond); uploads of packages and images raise it.
  virtual size_t max_body_bytes() const { return kDefaultMaxBody; }
  // Whether requests need the run's token (or root on loopback). APIs with credentials of their
  // own (OpenStack: Keystone tokens) say no.
  virtual bool uses_run_token() const { return true; }
  // A request that needs no token even so: static files that hold no data (the dashboard's).
  virtual bool is_public(const httplib::Request& /*req*/) const { return false; }
};

struct ListenOptions {
  std::string host = "127.0.0.1";
  int port = 0;                         // 0: any free port
  const Authenticator* auth = nullptr;  // null: no run token checked (tests)
  size_t max_workers = 256;             // concurrent connections being served
};

class HttpListener {
 public:
  // Binds host:port without SO_REUSEPORT (a port in use is an error) and serves `endpoint` on a
  // background thread. `endpoint` and `options.auth` must outlive the listener.
  static Result<std::unique_ptr<HttpListener>> start(const ListenOptions& options,
                                                     Endpoint& endpoint);
  ~HttpListener();
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  void stop();

 private:
  HttpListener() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
};

}  // namespace chainlab::endpoints
