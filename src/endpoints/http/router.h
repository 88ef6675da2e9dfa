// Router: an endpoint's routes as a table over cpp-httplib. A route is a method, a path pattern
// (httplib's regex; the groups are req.matches[1..]) and a function of the request that returns
// Result<nlohmann::json> (200 with the JSON) or Result<Reply> (another status, headers, text, no
// body). An Error becomes the endpoint's own error shape (Endpoint::write_error) with the status
// of endpoints/http/status.h. A guard (optional) runs before every route of the router: the token
// check of the OpenStack APIs; its Error is answered the same way. Routes that must write the
// response themselves (chunked streams) are `Route::stream`.
//
//   const Route<Ctx> kRoutes[] = {
//       {Method::kGet, "/v2/images/?", &list_images},
//       {Method::kDelete, R"(/v2/images/([^/]+)/?)", &delete_image},
//   };
//   Router(server, *this).add(ctx, kRoutes);
//
// or, a path's methods together (PathRoutes):
//
//   const PathRoutes<Ctx> kPaths[] = {
//       {"/v2/images/?", {{Method::kGet, &list_images}, {Method::kPost, &create_image}}},
//   };
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "endpoints/http/httplib_fwd.h"

namespace chainlab::endpoints {

class Endpoint;

// A successful answer that is not plain 200 JSON.
class Reply {
 public:
  // JSON with `status` (send_json: UTF-8 replaced, Access-Control-Allow-Origin).
  explicit Reply(nlohmann::json body, int status = 200) : status_(status), json_(std::move(body)) {}
  // Only a status: no body, no headers (204, 202).
  static Reply empty(int status);
  // A body as it is, with its content type.
  static Reply text(std::string body, std::string content_type, int status = 200);
  Reply&& header(std::string name, std::string value) &&;

  void write(httplib::Response& res) const;

 private:
  Reply() = default;
  int status_ = 200;
  std::optional<nlohmann::json> json_;
  std::optional<std::pair<std::string, std::string>> text_;  // body, content type
  std::vector<std::pair<std::string, std::string>> headers_;
};

// HEAD is answered by the GET route (httplib).
enum class Method { kGet, kPost, kPut, kPatch, kDelete };

// One method's handler of a route over a context `Ctx` (what the handlers need: the Cloud, the
// port, ...).
template <typename Ctx>
struct MethodRoute {
  using JsonFn = Result<nlohmann::json> (*)(Ctx&, const httplib::Request&);
  using ReplyFn = Result<Reply> (*)(Ctx&, const httplib::Request&);
  using StreamFn = void (*)(Ctx&, const httplib::Request&, httplib::Response&);

  MethodRoute(Method m, JsonFn fn) : method(m), json(fn) {}
  MethodRoute(Method m, ReplyFn fn) : method(m), reply(fn) {}
  MethodRoute(Method m, StreamFn fn) : method(m), stream(fn) {}

  Method method;
  JsonFn json = nullptr;
  ReplyFn reply = nullptr;
  StreamFn stream = nullptr;  // writes the response itself
};

// A route of a table: a method, a path pattern and its function.
template <typename Ctx>
struct Route : MethodRoute<Ctx> {
  template <typename Fn>
  Route(Method m, std::string p, Fn fn) : MethodRoute<Ctx>(m, fn), pattern(std::move(p)) {}

  std::string pattern;
};

// The routes of one path pattern, grouped: the pattern is written once for all its methods.
//   {R"(/v2/images/([^/]+)/?)", {{Method::kGet, &show}, {Method::kDelete, &remove}}}
// httplib tries a method's routes in the order they are added: within each method, a table of
// these keeps the order of its rows.
template <typename Ctx>
struct PathRoutes {
  std::string pattern;
  std::vector<MethodRoute<Ctx>> methods;
};

class Router {
 public:
  using Handler = std::function<Result<Reply>(const httplib::Request&)>;
  using RawHandler = std::function<void(const httplib::Request&, httplib::Response&)>;
  // Runs before every route; may set headers. An Error is answered instead of the route.
  using Guard = std::function<Status(const httplib::Request&, httplib::Response&)>;

  // Routes go to `server`; errors are written by `endpoint`, which must outlive the server's use.
  // The router itself may go once the routes are added.
  Router(httplib::Server& server, const Endpoint& endpoint, Guard guard = nullptr)
      : server_(server), endpoint_(endpoint), guard_(std::move(guard)) {}

  // `prefix` goes in front of every pattern of `routes`; `ctx` must outlive the server.
  template <typename Ctx>
  void add(Ctx& ctx, std::span<const Route<Ctx>> routes, const std::string& prefix = "") {
    for (const Route<Ctx>& r : routes) {
      add_route(ctx, r, prefix + r.pattern);
    }
  }
  template <typename Ctx>
  void add(Ctx& ctx, std::span<const PathRoutes<Ctx>> paths, const std::string& prefix = "") {
    for (const PathRoutes<Ctx>& path : paths) {
      for (const MethodRoute<Ctx>& r : path.methods) {
        add_route(ctx, r, prefix + path.pattern);
      }
    }
  }
  void add(Method method, const std::string& pattern, Handler handler);
  void add_raw(Method method, const std::string& pattern, RawHandler handler);

 private:
  template <typename Ctx>
  void add_route(Ctx& ctx, const MethodRoute<Ctx>& r, const std::string& pattern) {
    if (r.stream != nullptr) {
      add_raw(r.method, pattern,
              [&ctx, fn = r.stream](const httplib::Request& req, httplib::Response& res) {
                fn(ctx, req, res);
              });
    } else {
      add(r.method, pattern, bind(ctx, r));
    }
  }
  template <typename Ctx>
  static Handler bind(Ctx& ctx, const MethodRoute<Ctx>& r) {
    if (r.reply != nullptr) {
      return [&ctx, fn = r.reply](const httplib::Request& req) { return fn(ctx, req); };
    }
    return [&ctx, fn = r.json](const httplib::Request& req) -> Result<Reply> {
      CL_ASSIGN_OR_RETURN(nlohmann::json body, fn(ctx, req));
      return Reply(std::move(body));
    };
  }
  void on(Method method, const std::string& pattern, RawHandler handler);

  httplib::Server& server_;
  const Endpoint& endpoint_;
  Guard guard_;
};

}  // namespace chainlab::endpoints
