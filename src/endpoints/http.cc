#include "endpoints/http.h"

#include <httplib.h>

namespace chainlab::endpoints {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

void send_json(httplib::Response& res, const nlohmann::json& body, int status) {
  res.status = status;
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, const Error& error) {
  send_json(res, {{"error", error.message}}, http_status(error.code));
}

Result<nlohmann::json> request_params(const httplib::Request& req) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [key, value] : req.params) {
    params[key] = value;
  }
  if (!req.body.empty()) {
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      return make_error(ErrorCode::kInvalidArgument, "request body is not valid JSON");
    }
    if (body.is_string()) {
      // son-emu clients sometimes send a JSON-encoded JSON string.
      body = nlohmann::json::parse(body.get<std::string>(), nullptr, false);
    }
    if (!body.is_object()) {
      return make_error(ErrorCode::kInvalidArgument, "request body must be a JSON object");
    }
    for (auto& [key, value] : body.items()) {
      params[key] = value;
    }
  }
  return params;
}

Result<std::unique_ptr<HttpListener>> HttpListener::start(const std::string& host, int port,
                                                          Endpoint& endpoint) {
  auto listener = std::unique_ptr<HttpListener>(new HttpListener());
  listener->server_ = std::make_unique<httplib::Server>();
  auto& server = *listener->server_;
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unexpected error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        send_error(res, make_error(ErrorCode::kInternal, "{}", what));
      });
  server.Options(R"(.*)", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Access-Control-Allow-Origin", "*");
    res.set_header("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type, X-Auth-Token");
    res.status = 204;
  });
  endpoint.register_routes(server);
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) {
      send_error(res, make_error(ErrorCode::kNotFound, "no route {} {}", req.method, req.path));
    }
  });
  int bound = port == 0 ? server.bind_to_any_port(host.c_str())
                        : (server.bind_to_port(host.c_str(), port) ? port : -1);
  if (bound < 0) {
    return make_error(ErrorCode::kUnavailable, "{} endpoint: cannot listen on {}:{}",
                      endpoint.name(), host, port);
  }
  listener->port_ = bound;
  listener->thread_ = std::thread([&server] { server.listen_after_bind(); });
  return listener;
}

void HttpListener::stop() {
  if (server_) {
    server_->stop();
  }
  if (thread_.joinable()) {
    thread_.join();
  }
}

HttpListener::~HttpListener() {
  stop();
}

}  // namespace chainlab::endpoints
