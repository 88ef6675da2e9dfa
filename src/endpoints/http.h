// HTTP plumbing shared by every endpoint: one listener per endpoint (cpp-httplib, its own
// thread pool), the one place where error codes become HTTP statuses, JSON helpers.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace chainlab::endpoints {

// 400 invalid argument, 404 not found, 409 exists / wrong state, 503 exhausted / unavailable,
// 500 otherwise.
int http_status(ErrorCode code);
void send_json(httplib::Response& res, const nlohmann::json& body, int status = 200);
void send_error(httplib::Response& res, const Error& error);
// The request's JSON body merged over its query parameters (body wins); an empty body is {}.
// InvalidArgument for a body that is not a JSON object.
Result<nlohmann::json> request_params(const httplib::Request& req);

// An endpoint declares its routes on the server it is given (MeDICINE's flexible endpoints).
class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual std::string name() const = 0;
  virtual void register_routes(httplib::Server& server) = 0;
};

class HttpListener {
 public:
  // Binds host:port (port 0: any free port) and serves `endpoint` on a background thread.
  static Result<std::unique_ptr<HttpListener>> start(const std::string& host, int port,
                                                     Endpoint& endpoint);
  ~HttpListener();
  int port() const { return port_; }
  void stop();

 private:
  HttpListener() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace chainlab::endpoints
