#include "cli/rest_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "fake_server.h"

namespace chainlab::cli {
namespace {

using testing::FakeServer;

void reply(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

class RestClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& s = fake_.server();
    s.Get("/ok", [](const httplib::Request& req, httplib::Response& res) {
      reply(res, 200, nlohmann::json{{"q", req.get_param_value("q")}}.dump());
    });
    s.Put("/echo", [](const httplib::Request& req, httplib::Response& res) {
      nlohmann::json j = {{"method", req.method},
                          {"body", nlohmann::json::parse(req.body)},
                          {"type", req.get_header_value("Content-Type")},
                          {"delay", req.get_param_value("delay")}};
      reply(res, 200, j.dump());
    });
    s.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      reply(res, 200, nlohmann::json{{"method", req.method}, {"body", req.body}}.dump());
    });
    s.Delete("/echo", [](const httplib::Request& req, httplib::Response& res) {
      reply(res, 200, nlohmann::json{{"method", req.method}, {"body", req.body}}.dump());
    });
    s.Get("/empty", [](const httplib::Request&, httplib::Response& res) { res.status = 200; });
    s.Get("/notjson", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<html>", "text/html");
    });
    s.Get(R"(/status/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      int status = std::atoi(req.matches[1].str().c_str());
      reply(res, status, nlohmann::json{{"error", "canned " + req.matches[1].str()}}.dump());
    });
    s.Get("/plain500", [](const httplib::Request&, httplib::Response& res) {
      res.status = 500;
      res.set_content("boom\n", "text/plain");
    });
    s.Get("/bare502", [](const httplib::Request&, httplib::Response& res) { res.status = 502; });
    fake_.start();
  }

  RestClient client() {
    auto c = RestClient::create(fake_.url());
    EXPECT_TRUE(c.ok());
    return std::move(c).value();
  }

  FakeServer fake_;
};

TEST_F(RestClientTest, GetWithQuery) {
  auto c = client();
  auto r = c.get("/ok", {{"q", "a b&c"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["q"], "a b&c");
}

TEST_F(RestClientTest, PutPostDeleteSendJson) {
  auto c = client();
  auto put = c.put("/echo", {{"image", "x"}}, {{"delay", "30ms"}});
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ((*put)["method"], "PUT");
  EXPECT_EQ((*put)["body"]["image"], "x");
  EXPECT_EQ((*put)["type"], "application/json");
  EXPECT_EQ((*put)["delay"], "30ms");
  auto post = c.post("/echo", {{"cmd", {"ls"}}});
  ASSERT_TRUE(post.ok());
  EXPECT_EQ((*post)["body"], R"({"cmd":["ls"]})");
  auto del = c.del("/echo");
  ASSERT_TRUE(del.ok());
  EXPECT_EQ((*del)["method"], "DELETE");
  EXPECT_EQ((*del)["body"], "");
}

TEST_F(RestClientTest, EmptyBodyIsNullAndNonJsonIsError) {
  auto c = client();
  auto empty = c.get("/empty");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->is_null());
  auto html = c.get("/notjson");
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.error().code, ErrorCode::kInternal);
  EXPECT_NE(html.error().message.find("not JSON"), std::string::npos);
}

TEST_F(RestClientTest, MapsStatusToErrorCodeWithServerMessage) {
  auto c = client();
  struct Case {
    int status;
    ErrorCode code;
  };
  for (Case k : {Case{400, ErrorCode::kInvalidArgument}, Case{404, ErrorCode::kNotFound},
                 Case{409, ErrorCode::kAlreadyExists}, Case{503, ErrorCode::kResourceExhausted},
                 Case{500, ErrorCode::kInternal}, Case{418, ErrorCode::kInternal}}) {
    auto r = c.get("/status/" + std::to_string(k.status));
    ASSERT_FALSE(r.ok()) << k.status;
    EXPECT_EQ(r.error().code, k.code) << k.status;
    EXPECT_EQ(r.error().message, "canned " + std::to_string(k.status));
  }
  auto plain = c.get("/plain500");
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().message, "HTTP 500: boom");
  auto bare = c.get("/bare502");
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.error().message, "HTTP 502");
  auto unknown = c.get("/no/such/route");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

// A port that does not fit is refused before cpp-httplib's std::stoi throws on it.
TEST(RestClient, EndpointsAreCheckedBeforeUse) {
  EXPECT_FALSE(check_endpoint_url("http://127.0.0.1:99999999999").ok());
  EXPECT_FALSE(check_endpoint_url("http://127.0.0.1:5001/x").ok());
  EXPECT_FALSE(check_endpoint_url("ftp://127.0.0.1").ok());
  EXPECT_EQ(*check_endpoint_url("http://127.0.0.1:5001/"), "http://127.0.0.1:5001");
}

TEST(RestClient, ConnectionRefusedNamesTheEndpoint) {
  // A port that was just free: bind, read the port, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto c = RestClient::create(url);
  ASSERT_TRUE(c.ok());
  auto r = c->get("/restapi/compute");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message, "cannot connect: is `chainlab run` running? (endpoint " + url + ")");
}

TEST(RestClient, RejectsBadEndpoints) {
  EXPECT_FALSE(RestClient::create("127.0.0.1:5001").ok());
  EXPECT_FALSE(RestClient::create("ftp://x").ok());
  EXPECT_FALSE(RestClient::create("http://").ok());
  EXPECT_FALSE(RestClient::create("http://h:1/api").ok());
  auto c = RestClient::create("http://127.0.0.1:5001/");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->endpoint(), "http://127.0.0.1:5001");
}

TEST(RestClient, ResolvesEndpointFlagThenEnvThenDefault) {
  EXPECT_EQ(resolve_endpoint("", ""), kDefaultEndpoint);
  EXPECT_EQ(resolve_endpoint("", "http://10.0.0.1:5001"), "http://10.0.0.1:5001");
  EXPECT_EQ(resolve_endpoint("http://h:1", "http://10.0.0.1:5001"), "http://h:1");
}

TEST(RestClient, EncodesPathsAndQueries) {
  EXPECT_EQ(url_encode("a b/c:d~e"), "a%20b%2Fc%3Ad~e");
  EXPECT_EQ(with_query("/p", {}), "/p");
  EXPECT_EQ(with_query("/p", {{"delay", "30ms"}, {"m", "a=b"}}), "/p?delay=30ms&m=a%3Db");
  EXPECT_EQ(error_from_response(404, R"("no such thing")").message, "no such thing");
}

}  // namespace
}  // namespace chainlab::cli
