// Router over real loopback HTTP (no root): a route table's JSON and Reply answers, errors in the
// endpoint's shape with the table's status, the guard, prefixes, stream routes and tables grouped
// by path.
#include "endpoints/http/router.h"

#include <httplib.h>

#include <gtest/gtest.h>

#include "endpoints/http/http.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

struct Counter {
  int calls = 0;
};

Result<json> hello(Counter& c, const httplib::Request& req) {
  ++c.calls;
  return json{{"hello", std::string(req.matches[1])}};
}

Result<json> missing(Counter&, const httplib::Request&) {
  return make_error(ErrorCode::kNotFound, "no such thing");
}

Result<Reply> created(Counter&, const httplib::Request&) {
  return Reply(json{{"id", "x"}}, 201).header("Location", "/things/x");
}

Result<Reply> gone(Counter&, const httplib::Request&) {
  return Reply::empty(204);
}

Result<Reply> text(Counter&, const httplib::Request&) {
  return Reply::text("plain", "text/plain");
}

void stream(Counter&, const httplib::Request&, httplib::Response& res) {
  res.set_content("streamed", "text/plain");
}

const Route<Counter> kOpen[] = {
    {Method::kGet, R"(/hello/([^/]+))", &hello},
    {Method::kGet, "/missing", &missing},
    {Method::kPost, "/things", &created},
    {Method::kDelete, "/things/x", &gone},
    {Method::kGet, "/text", &text},
    {Method::kGet, "/stream", &stream},
};
const Route<Counter> kGuarded[] = {{Method::kGet, R"(/hello/([^/]+))", &hello}};

Result<json> detail(Counter&, const httplib::Request&) {
  return json{{"detail", true}};
}

Result<json> method_name(Counter&, const httplib::Request& req) {
  return json{{"method", req.method}, {"item", std::string(req.matches[1])}};
}

// The methods of a path together; "/items/detail" comes first, so GET tries it before the item
// pattern that matches it too.
const PathRoutes<Counter> kPaths[] = {
    {"/items/detail", {{Method::kGet, &detail}}},
    {R"(/items/([^/]+))",
     {{Method::kGet, &method_name},
      {Method::kPost, &method_name},
      {Method::kPut, &method_name},
      {Method::kPatch, &method_name},
      {Method::kDelete, &method_name}}},
};

class RouterEndpoint final : public Endpoint {
 public:
  std::string name() const override { return "router-test"; }
  void register_routes(httplib::Server& server) override {
    Router(server, *this).add<Counter>(counter, kOpen);
    auto guard = [](const httplib::Request& req, httplib::Response& res) -> Status {
      res.set_header("X-Guarded", "yes");
      if (req.get_header_value("X-Key") != "secret") {
        return make_error(ErrorCode::kUnauthenticated, "key needed");
      }
      return ok_status();
    };
    Router(server, *this, guard).add<Counter>(counter, kGuarded, "/v1");
    Router(server, *this).add<Counter>(counter, kPaths, "/p");
  }
  void write_error(httplib::Response& res, const Error& error) const override {
    send_json(res, {{"fault", error.message}}, http_status(error.code));
  }
  Counter counter;
};

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = HttpListener::start(ListenOptions{}, endpoint_);
    ASSERT_TRUE(l.ok()) << l.error().message;
    listener_ = std::move(l).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", listener_->port());
  }
  RouterEndpoint endpoint_;
  std::unique_ptr<HttpListener> listener_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(RouterTest, AJsonRouteAnswers200WithItsBody) {
  auto r = client_->Get("/hello/world");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body), (json{{"hello", "world"}}));
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(endpoint_.counter.calls, 1);
}

TEST_F(RouterTest, AnErrorIsTheEndpointsShapeWithTheTablesStatus) {
  auto r = client_->Get("/missing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(json::parse(r->body), (json{{"fault", "no such thing"}}));
}

TEST_F(RouterTest, RepliesCarryTheirStatusHeadersAndBodies) {
  auto post = client_->Post("/things", "", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 201);
  EXPECT_EQ(post->get_header_value("Location"), "/things/x");
  auto del = client_->Delete("/things/x");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
  EXPECT_TRUE(del->body.empty());
  auto txt = client_->Get("/text");
  ASSERT_TRUE(txt);
  EXPECT_EQ(txt->body, "plain");
  EXPECT_EQ(txt->get_header_value("Content-Type"), "text/plain");
  auto s = client_->Get("/stream");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->body, "streamed");
}

TEST_F(RouterTest, TheGuardRunsFirstAndItsErrorStopsTheRoute) {
  auto refused = client_->Get("/v1/hello/x");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(json::parse(refused->body), (json{{"fault", "key needed"}}));
  EXPECT_EQ(refused->get_header_value("X-Guarded"), "yes");
  EXPECT_EQ(endpoint_.counter.calls, 0);
  auto let_in = client_->Get("/v1/hello/x", {{"X-Key", "secret"}});
  ASSERT_TRUE(let_in);
  EXPECT_EQ(let_in->status, 200);
  EXPECT_EQ(endpoint_.counter.calls, 1);
}

TEST_F(RouterTest, PathRoutesRegisterEveryMethodOfAPathInTableOrder) {
  auto d = client_->Get("/p/items/detail");
  ASSERT_TRUE(d);
  EXPECT_EQ(json::parse(d->body), (json{{"detail", true}}));
  auto get = client_->Get("/p/items/a");
  ASSERT_TRUE(get);
  EXPECT_EQ(json::parse(get->body), (json{{"method", "GET"}, {"item", "a"}}));
  auto post = client_->Post("/p/items/b", "", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(json::parse(post->body), (json{{"method", "POST"}, {"item", "b"}}));
  auto put = client_->Put("/p/items/c", "", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(json::parse(put->body), (json{{"method", "PUT"}, {"item", "c"}}));
  auto patch = client_->Patch("/p/items/d", "", "application/json");
  ASSERT_TRUE(patch);
  EXPECT_EQ(json::parse(patch->body), (json{{"method", "PATCH"}, {"item", "d"}}));
  auto del = client_->Delete("/p/items/e");
  ASSERT_TRUE(del);
  EXPECT_EQ(json::parse(del->body), (json{{"method", "DELETE"}, {"item", "e"}}));
}

}  // namespace
}  // namespace chainlab::endpoints
