// The HTTP layer every endpoint sits behind, over real loopback HTTP (no root): limits, error
// shapes, the run token, exceptions, slow clients.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "common/fd.h"
#include "endpoints/http/http.h"
#include "endpoints/http/http_auth.h"

namespace chainlab::endpoints {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class TestEndpoint final : public Endpoint {
 public:
  std::string name() const override { return "test"; }
  void register_routes(httplib::Server& server) override {
    server.Post("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      auto params = request_params(req);
      if (!params.ok()) {
        write_error(res, params.error());
        return;
      }
      send_json(res, *params);
    });
    server.Get("/wrong-type", [](const httplib::Request&, httplib::Response& res) {
      nlohmann::json j = 5;
      send_json(res, j.get<std::string>());  // throws type_error
    });
    server.Get("/bug", [](const httplib::Request&, httplib::Response&) {
      throw std::runtime_error("secret internal detail");
    });
    server.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(64 * 1024, 'x'), "text/plain");
    });
  }
  void write_error(httplib::Response& res, const Error& error) const override {
    send_json(res, {{"fault", {{"message", error.message}}}}, http_status(error.code));
  }
  size_t max_body_bytes() const override { return 4096; }
};

class HttpTest : public ::testing::Test {
 protected:
  void start(const Authenticator* auth = nullptr) {
    ListenOptions options;
    options.auth = auth;
    auto l = HttpListener::start(options, endpoint_);
    ASSERT_TRUE(l.ok()) << l.error().message;
    listener_ = std::move(l).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", listener_->port());
  }
  nlohmann::json body(const httplib::Result& r) {
    return nlohmann::json::parse(r->body, nullptr, false);
  }

  TestEndpoint endpoint_;
  std::unique_ptr<HttpListener> listener_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpTest, ListensOnLoopbackByDefault) {
  start();
  EXPECT_EQ(listener_->host(), "127.0.0.1");
  EXPECT_GT(listener_->port(), 0);
}

TEST_F(HttpTest, APortInUseIsAnError) {
  start();
  ListenOptions again;
  again.port = listener_->port();
  TestEndpoint other;
  auto second = HttpListener::start(again, other);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.error().message, HasSubstr("port in use"));
}

TEST_F(HttpTest, DeepJsonIsRefusedInTheEndpointsShape) {
  start();
  std::string deep(2000, '[');  // within the 4096-byte body limit
  deep += std::string(2000, ']');
  auto r = client_->Post("/echo", deep, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(body(r)["fault"]["message"].get<std::string>(), HasSubstr("nested deeper"));
  std::string ok = R"({"a": [[[1]]]})";
  EXPECT_EQ(client_->Post("/echo", ok, "application/json")->status, 200);
}

TEST_F(HttpTest, ABodyOverTheLimitIs413) {
  start();
  auto r = client_->Post("/echo", std::string(8192, ' '), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_THAT(body(r)["fault"]["message"].get<std::string>(), HasSubstr("4096"));
}

TEST_F(HttpTest, InvalidUtf8InQueryOrBodyIs400) {
  start();
  auto r = client_->Post("/echo?image=%FF%FE", "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr("UTF-8"));
  r = client_->Post("/echo", "{\"a\": \"\xff\"}", "application/json");
  EXPECT_EQ(r->status, 400);
}

TEST_F(HttpTest, ExceptionsNeverLeakLibraryText) {
  start();
  auto r = client_->Get("/wrong-type");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, Not(HasSubstr("json.exception")));
  EXPECT_THAT(body(r)["fault"]["message"].get<std::string>(), HasSubstr("type must be string"));
  r = client_->Get("/bug");
  EXPECT_EQ(r->status, 500);
  EXPECT_THAT(r->body, Not(HasSubstr("secret")));
}

// httplib's brotli (quality 11) costs ~3 s of CPU per MB: browsers offer it and get gzip.
TEST_F(HttpTest, BrowsersGetGzipNeverBrotli) {
  start();
  auto r = client_->Get("/big", {{"Accept-Encoding", "gzip, deflate, br, zstd"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(r->body.size(), 64u * 1024);  // decompressed by the client
  r = client_->Get("/big", {{"Accept-Encoding", "br"}});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_header("Content-Encoding"));
  EXPECT_EQ(r->body.size(), 64u * 1024);
}

TEST_F(HttpTest, UnknownRouteInTheEndpointsShape) {
  start();
  auto r = client_->Get("/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_THAT(body(r)["fault"]["message"].get<std::string>(), HasSubstr("no route GET /nope"));
}

TEST_F(HttpTest, TheRunTokenIsRequiredWhenNotRoot) {
  Authenticator auth({.token = "t0ken", .root_on_loopback = false, .open = false});
  start(&auth);
  auto r = client_->Post("/echo", "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer realm=\"chainlab\"");
  EXPECT_EQ(
      client_->Post("/echo", {{"Authorization", "Bearer wrong"}}, "{}", "application/json")->status,
      401);
  EXPECT_EQ(
      client_->Post("/echo", {{"Authorization", "Bearer t0ken"}}, "{}", "application/json")->status,
      200);
  EXPECT_EQ(client_->Post("/echo", {{"X-Auth-Token", "t0ken"}}, "{}", "application/json")->status,
            200);
  EXPECT_EQ(client_->Options("/echo")->status, 204);  // CORS preflight carries no credentials
}

TEST_F(HttpTest, RootOnLoopbackNeedsNoTokenButAWebPageDoes) {
  Authenticator auth({.token = "t0ken", .root_on_loopback = true, .open = false});
  start(&auth);
  int expected = ::geteuid() == 0 ? 200 : 401;
  EXPECT_EQ(client_->Post("/echo", "{}", "application/json")->status, expected);
  // A browser page elsewhere (or a DNS-rebound name) never borrows root's trust.
  EXPECT_EQ(
      client_->Post("/echo", {{"Origin", "http://evil.example"}}, "{}", "application/json")->status,
      401);
  EXPECT_EQ(
      client_->Post("/echo", {{"Host", "evil.example:5001"}}, "{}", "application/json")->status,
      401);
}

TEST_F(HttpTest, AnOpenPolicyLetsEveryoneIn) {
  Authenticator auth({.token = "t0ken", .root_on_loopback = false, .open = true});
  start(&auth);
  EXPECT_EQ(client_->Post("/echo", "{}", "application/json")->status, 200);
}

// Connections that send one header line every so often hold a worker each; the API still
// answers others (the old fixed pool of 8 threads stopped answering at 8).
TEST_F(HttpTest, SlowClientsDoNotStarveOthers) {
  start();
  std::vector<UniqueFd> slow;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(listener_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < 32; ++i) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
    ASSERT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    std::string head = "POST /echo HTTP/1.1\r\nHost: x\r\n";
    ASSERT_EQ(::write(fd.get(), head.data(), head.size()), static_cast<ssize_t>(head.size()));
    slow.push_back(std::move(fd));
  }
  client_->set_read_timeout(std::chrono::seconds(4));
  auto r = client_->Post("/echo", "{\"x\": 1}", "application/json");
  ASSERT_TRUE(r) << "no answer while 32 connections dawdle";
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace chainlab::endpoints
