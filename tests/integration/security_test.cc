// Issue 10's reproductions against `chainlab run` with the default topology, each now getting the
// safe answer: loopback listeners, the run token for non-root clients, root's token-less tools,
// hostile bodies and queries, start-up refusals.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "chainlab_process.h"
#include "common/fd.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Ports of the default topology (examples/topologies/two-pops.yaml).
constexpr int kRest = 5001;
constexpr int kGatekeeper = 5000;
constexpr int kKeystone = 6001;
constexpr int kNeutron = 6001 + 4696;
constexpr int kHeat = 6001 + 3004;

std::string url(int port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

// curl's status code (and body in `output` after the code's line) as user `uid`.
CommandResult curl_as(int uid, const std::string& args) {
  std::string prefix =
      uid == 0 ? "" : "setpriv --reuid=" + std::to_string(uid) + " --regid=65534 --clear-groups ";
  return run_command(prefix + "curl -s -w '\\n%{http_code}' " + args);
}

int code_of(const CommandResult& r) {
  auto nl = r.output.rfind('\n');
  return std::atoi(r.output.c_str() + (nl == std::string::npos ? 0 : nl + 1));
}

std::string body_of(const CommandResult& r) {
  auto nl = r.output.rfind('\n');
  return nl == std::string::npos ? "" : r.output.substr(0, nl);
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    ASSERT_TRUE(run_.start({"--duration", "300"})) << run_.log();
  }
  void TearDown() override { run_.stop(); }

  std::string token() {
    std::string dir = "/run/chainlab/runs";
    for (const auto& run : list_dir(dir).value_or({})) {
      auto text = read_file(dir + "/" + run + "/api.json");
      if (text.ok() && text->find("\"pid\": " + std::to_string(run_.pid())) != std::string::npos) {
        return nlohmann::json::parse(*text)["token"];
      }
    }
    return "";
  }
  bool alive() { return ::kill(run_.pid(), 0) == 0; }
  // A Keystone token of dc1 (admin/admin).
  std::string keystone_token() {
    auto r = run_command(
        "curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d '{\"auth\": "
        "{\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": "
        "\"admin\", \"domain\": {\"name\": \"Default\"}, \"password\": \"admin\"}}}}}' " +
        url(kKeystone, "/v3/auth/tokens") +
        " | grep -i '^X-Subject-Token' | cut -d' ' -f2 | tr -d '\\r\\n'");
    return r.output;
  }

  ChainlabProcess run_;
};

TEST_F(SecurityTest, EveryListenerIsOnLoopback) {
  auto r = run_command("ss -Hltnp");
  std::string needle = "pid=" + std::to_string(run_.pid()) + ",";
  int mine = 0;
  for (std::string_view line : split(r.output, '\n')) {
    if (line.find(needle) == std::string_view::npos) {
      continue;
    }
    ++mine;
    EXPECT_NE(line.find(" 127.0.0.1:"), std::string_view::npos) << line;
  }
  EXPECT_EQ(mine, 16);  // REST, gatekeeper, 2 x 5 OpenStack services, 2 x (NF-FG + its bus)
  EXPECT_THAT(run_.log(), HasSubstr("http://127.0.0.1:5001"));
}

TEST_F(SecurityTest, NonRootNeedsTheTokenRootDoesNot) {
  // The reproduction: any user starting a root process through the son-emu API.
  std::string marker = "/tmp/chainlab-sec-" + std::to_string(::getpid());
  std::string body = R"('{"docker_command":"sh -c \"id > )" + marker + R"(\""}')";
  std::string put = "-X PUT -H 'Content-Type: application/json' -d " + body + " " +
                    url(kRest, "/restapi/compute/dc1/p1");
  auto denied = curl_as(65534, put);
  EXPECT_EQ(code_of(denied), 401) << denied.output;
  EXPECT_EQ(code_of(curl_as(65534, url(kGatekeeper, "/packages"))), 401);
  EXPECT_NE(::access(marker.c_str(), F_OK), 0);

  std::string t = token();
  ASSERT_EQ(t.size(), 64u);
  EXPECT_EQ(code_of(curl_as(
                65534, "-H 'Authorization: Bearer " + t + "' " + url(kRest, "/restapi/compute"))),
            200);
  EXPECT_EQ(
      code_of(curl_as(65534, "-H 'X-Auth-Token: " + t + "' " + url(kGatekeeper, "/packages"))),
      200);
  // son-emu's tools run as root and send no token.
  EXPECT_EQ(code_of(curl_as(0, url(kRest, "/restapi/datacenter"))), 200);
  // ... unless a web page sends the request.
  EXPECT_EQ(
      code_of(curl_as(0, "-H 'Origin: http://evil.example' " + url(kRest, "/restapi/datacenter"))),
      401);
  // The chainlab CLI as root, unchanged.
  auto cli = run_command(std::string(CHAINLAB_BINARY) + " datacenter list");
  EXPECT_EQ(cli.status, 0) << cli.output;
  // The CLI as another user with the token in the environment.
  auto other = run_command("CHAINLAB_TOKEN=" + t +
                           " setpriv --reuid=65534 --regid=65534 "
                           "--clear-groups " +
                           CHAINLAB_BINARY + " datacenter list");
  EXPECT_EQ(other.status, 0) << other.output;
  // The token file is root's alone.
  EXPECT_THAT(run_command("find /run/chainlab/runs -name api.json -perm 0600").output,
              HasSubstr("api.json"));
}

// The dashboard's files are public (they hold no data); nothing else on their paths is.
TEST_F(SecurityTest, TheDashboardsFilesNeedNoTokenTheApiStillDoes) {
  if (run_.log().find("dashboard: ") == std::string::npos) {
    GTEST_SKIP() << "built with -DCHAINLAB_DASHBOARD=OFF";
  }
  auto page = curl_as(65534, "-D - " + url(kRest, "/dashboard/"));
  EXPECT_EQ(code_of(page), 200);
  EXPECT_THAT(page.output, HasSubstr("Content-Security-Policy: default-src 'self'"));
  EXPECT_THAT(page.output, HasSubstr("<script src=\"app.js\">"));
  EXPECT_EQ(code_of(curl_as(65534, url(kRest, "/dashboard/app.js"))), 200);
  // The script comes gzipped once (built so), to a browser that takes gzip; the same bytes.
  auto gz = run_command("curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip, br' " +
                        url(kRest, "/dashboard/app.js") + " | grep -ci '^content-encoding: gzip'");
  EXPECT_EQ(trim(gz.output), "1");
  auto same = run_command("bash -c 'cmp <(curl -s --compressed " + url(kRest, "/dashboard/app.js") +
                          ") <(curl -s " + url(kRest, "/dashboard/app.js") + ")'");
  EXPECT_EQ(same.status, 0) << same.output;
  EXPECT_EQ(code_of(curl_as(65534, url(kRest, "/dashboard"))), 301);
  // No way from a public path to anything else: dot segments, encoded ones, other methods.
  for (const char* path : {"/dashboard/../restapi/compute", "/dashboard/%2e%2e/restapi/compute",
                           "/dashboard/..%2frestapi%2fcompute", "/dashboard/.hidden",
                           "/dashboard/no-such-file.js", "/dashboard/app.js/x"}) {
    auto r = curl_as(65534, std::string("--path-as-is ") + url(kRest, path));
    EXPECT_EQ(code_of(r), 404) << path << ": " << r.output;
    EXPECT_THAT(body_of(r), Not(HasSubstr("\"datacenter\""))) << path;
  }
  EXPECT_EQ(code_of(curl_as(65534, "-X PUT " + url(kRest, "/dashboard/"))), 401);
  // What the page reads besides: the run's listeners and OpenStack PoPs, behind the token; the
  // listeners' list names the gatekeeper (the CSP's connect-src) and never the token.
  for (const char* path : {"/emulator/endpoints", "/restapi/openstack", "/restapi/elan"}) {
    EXPECT_EQ(code_of(curl_as(65534, url(kRest, path))), 401) << path;
  }
  auto listeners = curl_as(0, url(kRest, "/emulator/endpoints"));
  EXPECT_EQ(code_of(listeners), 200);
  EXPECT_THAT(body_of(listeners), HasSubstr("\"url\":\"http://127.0.0.1:5000\""));
  EXPECT_THAT(body_of(listeners), Not(HasSubstr(token())));
  EXPECT_THAT(page.output, HasSubstr("connect-src 'self' http://127.0.0.1:5000;"));
  auto clouds = nlohmann::json::parse(body_of(curl_as(0, url(kRest, "/restapi/openstack"))));
  ASSERT_EQ(clouds.size(), 2u);  // dc1 and dc2 of the default topology
  EXPECT_EQ(clouds[0]["pop"], "dc1");
  EXPECT_TRUE(clouds[0]["servers"].is_array());
  EXPECT_EQ(code_of(curl_as(65534, url(kRest, "/restapi/compute"))), 401);
  // The URL printed at start carries the token in its fragment (never sent to a server).
  EXPECT_THAT(run_.log(),
              HasSubstr("dashboard: http://127.0.0.1:5001/dashboard/#token=" + token()));
}

TEST_F(SecurityTest, HostileBodiesAndQueriesGet400AndChangeNothing) {
  std::string deep = "/tmp/chainlab-deep-" + std::to_string(::getpid()) + ".json";
  ASSERT_TRUE(write_file(deep, std::string(100000, '[') + std::string(100000, ']'), true).ok());
  std::string post = "-H 'Content-Type: application/json' --data-binary @" + deep + " ";
  EXPECT_EQ(code_of(curl_as(0, "-X PUT " + post + url(kRest, "/restapi/compute/dc1/deep"))), 400);
  EXPECT_EQ(code_of(curl_as(0, post + url(kGatekeeper, "/instantiations"))), 400);
  std::string os_token = keystone_token();
  ASSERT_EQ(os_token.size(), 32u);
  std::string with_token = "-H 'X-Auth-Token: " + os_token + "' " + post;
  auto neutron = curl_as(0, with_token + url(kNeutron, "/v2.0/networks"));
  EXPECT_EQ(code_of(neutron), 400) << neutron.output;
  EXPECT_THAT(body_of(neutron), HasSubstr("NeutronError"));
  EXPECT_EQ(code_of(curl_as(0, with_token + url(kHeat, "/v1/admin/stacks"))), 400);
  ::unlink(deep.c_str());
  ASSERT_TRUE(alive());

  // Invalid UTF-8 in a query: refused, nothing created, listings still work.
  auto utf = curl_as(0, "-X PUT -d '{}' -H 'Content-Type: application/json' '" +
                            url(kRest, "/restapi/compute/dc1/u1?image=%FF%FE") + "'");
  EXPECT_EQ(code_of(utf), 400);
  auto list = curl_as(0, url(kRest, "/restapi/compute"));
  EXPECT_EQ(code_of(list), 200);
  EXPECT_EQ(body_of(list), "[]");

  // Wrong-typed fields: the service's own 400, never the parser's text.
  auto typed = curl_as(0,
                       "-H 'Content-Type: application/json' -d "
                       "'{\"auth\": {\"tenantName\": 5, \"passwordCredentials\": "
                       "{\"username\": \"admin\", \"password\": \"admin\"}}}' " +
                           url(kKeystone, "/v2.0/tokens"));
  EXPECT_EQ(code_of(typed), 400) << typed.output;
  EXPECT_THAT(body_of(typed), Not(HasSubstr("json.exception")));
  EXPECT_THAT(body_of(typed), HasSubstr("\"error\""));

  // A body over the limit: 413 before it is read into memory.
  std::string big = "/tmp/chainlab-big-" + std::to_string(::getpid());
  ASSERT_TRUE(write_file(big, std::string(2 << 20, ' '), true).ok());
  auto large = curl_as(0, "-H 'Content-Type: application/json' --data-binary @" + big + " " +
                              url(kKeystone, "/v3/auth/tokens"));
  EXPECT_EQ(code_of(large), 413) << large.output;
  ::unlink(big.c_str());
  EXPECT_TRUE(alive());
}

// Start-up refusals: no run is left behind by any of them.
class SecurityStartupTest : public ::testing::Test {
 protected:
  void SetUp() override { CL_REQUIRE_ROOT(); }
  CommandResult run(const std::string& args) {
    return run_command(std::string(CHAINLAB_BINARY) + " run " + args + " --duration 0");
  }
  std::string topology(const std::string& text) {
    std::string path = "/tmp/chainlab-sec-topo-" + std::to_string(::getpid()) + ".yaml";
    EXPECT_TRUE(write_file(path, text, true).ok());
    return path;
  }
};

TEST_F(SecurityStartupTest, TwoEndpointsOnOnePortIsAnError) {
  auto r =
      run(topology("name: clash\nemulator: {rest_port: 17001, gatekeeper_port: 17001}\n"
                   "pops: [dc1]\n"));
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.output, HasSubstr("port 17001 is configured twice"));
}

TEST_F(SecurityStartupTest, APortInUseIsAnError) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd.get(), 1), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  auto r = run(topology("name: busy\npops: [dc1]\n") + " --port " +
               std::to_string(ntohs(addr.sin_port)));
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.output, HasSubstr("port in use"));
}

TEST_F(SecurityStartupTest, ExposingNeedsRealCredentials) {
  auto r = run("--listen 0.0.0.0 --no-auth");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.output, HasSubstr("--no-auth is only allowed on a loopback address"));
  r = run("--listen 0.0.0.0");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.output, HasSubstr("admin/admin is only allowed on loopback"));
}

TEST_F(SecurityStartupTest, NoAuthOpensTheApiToLocalUsers) {
  ChainlabProcess open;
  ASSERT_TRUE(open.start({topology("name: open\npops: [dc1]\nemulator: {rest_port: 17002}\n"),
                          "--no-auth", "--duration", "60"}))
      << open.log();
  EXPECT_THAT(open.log(), HasSubstr("warning: --no-auth"));
  EXPECT_EQ(code_of(curl_as(65534, url(17002, "/restapi/datacenter"))), 200);
  open.stop();
}

}  // namespace
}  // namespace chainlab::testing
