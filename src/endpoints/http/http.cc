#include "endpoints/http/http.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>

#include "common/files.h"
#include "common/json_bounded.h"
#include "common/utf8.h"
#include "endpoints/http/encoding.h"
#include "endpoints/http/http_auth.h"
#include "endpoints/http/http_pool.h"

namespace chainlab::endpoints {
namespace {

// httplib's server with its listening socket in reach: Debian's build listens with a backlog of
// 5, which drops connections under bursts; start() raises it.
class Server final : public httplib::Server {
 public:
  int listening_fd() const { return static_cast<int>(svr_sock_); }
};

// A request without Content-Length or Transfer-Encoding has no body (RFC 9112 6.3). httplib would
// read one until the connection closes (a keep-alive client: until the read timeout) and then
// answer an empty 400 itself; saying "Content-Length: 0" routes it with an empty body instead, so
// the handler answers in its API's shape. The request is httplib's own, mutable object: only the
// pre-routing hook's signature is const.
void mark_bodyless(const httplib::Request& req) {
  bool has_body_method = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
  if (has_body_method && !req.has_header("Content-Length") &&
      !req.has_header("Transfer-Encoding")) {
    const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");
  }
}

// httplib compresses answers with brotli at quality 11 when the client offers it (browsers do):
// ~3 s of CPU per MB, so the dashboard's 650 KB script took 2 s and a large JSON answer hundreds of
// ms. Offering gzip only (httplib's level 6: ~15 ms for the script) keeps compression and drops
// that cost. The request is httplib's own, mutable object (as in mark_bodyless).
void refuse_brotli(const httplib::Request& req) {
  auto it = req.headers.find("Accept-Encoding");
  if (it == req.headers.end() || !lists_coding(it->second, "br")) {
    return;
  }
  std::string kept;
  for (std::string_view element : split(it->second, ',')) {
    if (coding_name(element) != "br" && !trim(element).empty()) {
      kept += (kept.empty() ? "" : ", ") + std::string(trim(element));
    }
  }
  const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
  const_cast<httplib::Request&>(req).headers.emplace("Accept-Encoding", kept);
}

// Runs before the body is read: bodies are bounded by size here and by depth wherever they are
// parsed (common/json_bounded.h).
Server::HandlerResponse admit(const Endpoint& endpoint, const Authenticator* auth,
                              const httplib::Request& req, httplib::Response& res) {
  mark_bodyless(req);
  refuse_brotli(req);
  if (req.method == "OPTIONS") {
    return Server::HandlerResponse::Unhandled;  // CORS preflight: no credentials, no effect
  }
  if (auth != nullptr && endpoint.uses_run_token() && !endpoint.is_public(req) &&
      !auth->allows(req)) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"chainlab\"");
    endpoint.write_error(res, make_error(ErrorCode::kUnauthenticated,
                                         "this API needs the run's token (Authorization: Bearer "
                                         "TOKEN; see docs/security.md)"));
    return Server::HandlerResponse::Handled;
  }
  if (auto s = check_text(req); !s.ok()) {
    endpoint.write_error(res, s.error());
    return Server::HandlerResponse::Handled;
  }
  return Server::HandlerResponse::Unhandled;
}

// Exceptions escaping a handler: a JSON type or range error is the client's wrong input (400);
// anything else is our bug (500), reported without the library's text.
Error error_from_exception(std::exception_ptr ep, const httplib::Request& req) {
  try {
    std::rethrow_exception(ep);
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::kInvalidArgument, "invalid request: {}", json_error_text(e));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s %s: unexpected exception: %s\n", req.method.c_str(),
                 req.path.c_str(), e.what());
  } catch (...) {
    std::fprintf(stderr, "error: %s %s: unexpected exception\n", req.method.c_str(),
                 req.path.c_str());
  }
  return make_error(ErrorCode::kInternal, "internal error");
}

// Answers httplib produced itself (no route, body too large, unparseable request): an empty
// body gets the endpoint's error shape.
void fill_empty_error(const Endpoint& endpoint, const httplib::Request& req,
                      httplib::Response& res) {
  if (!res.body.empty()) {
    return;
  }
  switch (res.status) {
    case 404:
      endpoint.write_error(res, endpoint.no_route_error(req.method, req.path));
      break;
    case 413:
      endpoint.write_error(
          res, make_error(ErrorCode::kTooLarge, "the request body is larger than {} bytes",
                          endpoint.max_body_bytes()));
      break;
    case 400:
      endpoint.write_error(res, make_error(ErrorCode::kInvalidArgument, "malformed HTTP request"));
      break;
    default:
      break;
  }
}

void configure(Server& server, const ListenOptions& options, Endpoint& endpoint) {
  size_t workers = options.max_workers;
  server.new_task_queue = [workers] { return make_elastic_pool({.max_threads = workers}); };
  // SO_REUSEADDR only: without SO_REUSEPORT a second bind of a taken port fails.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server.set_payload_max_length(endpoint.max_body_bytes());
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_timeout(5);
  server.set_keep_alive_max_count(100);
  const Authenticator* auth = options.auth;
  server.set_pre_routing_handler(
      [&endpoint, auth](const httplib::Request& req, httplib::Response& res) {
        return admit(endpoint, auth, req, res);
      });
  server.set_exception_handler(
      [&endpoint](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        endpoint.write_error(res, error_from_exception(ep, req));
      });
  server.set_error_handler([&endpoint](const httplib::Request& req, httplib::Response& res) {
    fill_empty_error(endpoint, req, res);
  });
  server.Options(R"(.*)", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Access-Control-Allow-Origin", "*");
    res.set_header("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type, X-Auth-Token, Authorization");
    res.status = 204;
  });
}

}  // namespace

Status check_text(const httplib::Request& req) {
  if (!valid_utf8(req.path)) {
    return make_error(ErrorCode::kInvalidArgument, "the request path is not valid UTF-8");
  }
  for (const auto& [key, value] : req.params) {
    if (!valid_utf8(key) || !valid_utf8(value)) {
      return make_error(ErrorCode::kInvalidArgument, "query parameter '{}' is not valid UTF-8",
                        valid_utf8(key) ? key : std::string("?"));
    }
  }
  return ok_status();
}

void send_json(httplib::Response& res, const nlohmann::json& body, int status) {
  res.status = status;
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void send_error(httplib::Response& res, const Error& error) {
  send_json(res, {{"error", error.message}}, http_status(error.code));
}

void Endpoint::write_error(httplib::Response& res, const Error& error) const {
  send_error(res, error);
}

Error Endpoint::no_route_error(const std::string& method, const std::string& path) const {
  return make_error(ErrorCode::kNotFound, "no route {} {}", method, path);
}

Result<std::unique_ptr<HttpListener>> HttpListener::start(const ListenOptions& options,
                                                          Endpoint& endpoint) {
  auto listener = std::unique_ptr<HttpListener>(new HttpListener());
  auto owned = std::make_unique<Server>();
  Server& server = *owned;
  listener->server_ = std::move(owned);
  configure(server, options, endpoint);
  endpoint.register_routes(server);
  int bound = options.port == 0
                  ? server.bind_to_any_port(options.host.c_str())
                  : (server.bind_to_port(options.host.c_str(), options.port) ? options.port : -1);
  if (bound < 0) {
    return make_error(ErrorCode::kUnavailable,
                      "{} endpoint: cannot listen on {}:{} (address not local, or port in use)",
                      endpoint.name(), options.host, options.port);
  }
  ::listen(server.listening_fd(), SOMAXCONN);
  listener->host_ = options.host;
  listener->port_ = bound;
  listener->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // Server::stop() before the thread marks the server running would be lost (the thread would
  // then accept forever): return only once it runs.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
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
