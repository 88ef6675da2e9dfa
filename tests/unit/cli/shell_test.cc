#include "cli/shell.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <gtest/gtest.h>

#include "fake_server.h"

namespace chainlab::cli {
namespace {

using testing::FakeServer;

// Captures what a FILE* receives.
class Capture {
 public:
  Capture() : file_(::open_memstream(&buf_, &size_)) {}
  ~Capture() {
    std::fclose(file_);
    std::free(buf_);
  }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_ = nullptr;
  size_t size_ = 0;
  std::FILE* file_;
};

class ShellTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& s = fake_.server();
    s.Get("/restapi/compute", [](const httplib::Request&, httplib::Response& res) {
      nlohmann::json list = nlohmann::json::array();
      list.push_back({"vnf1", {{"datacenter", "dc1"}, {"network", {{{"ip", "10.0.0.1/24"}}}}}});
      list.push_back({"vnf2", {{"datacenter", "dc1"}, {"network", {{{"ip", "10.0.0.2/24"}}}}}});
      list.push_back({"vnf3", {{"datacenter", "dc2"}, {"network", {{{"ip", "10.0.0.3/24"}}}}}});
      res.set_content(list.dump(), "application/json");
    });
    s.Post(R"(/restapi/compute/exec/([^/]+))", [this](const httplib::Request& req,
                                                      httplib::Response& res) {
      auto body = nlohmann::json::parse(req.body);
      std::string line = req.matches[1].str();
      for (const auto& a : body["cmd"]) {
        line += " " + a.get<std::string>();
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        calls_.push_back(line);
      }
      // vnf3 is cut off: nothing reaches it and it reaches nothing.
      bool reach =
          line.find("vnf3") == std::string::npos && line.find("10.0.0.3") == std::string::npos;
      nlohmann::json out = {
          {"exit_code", reach ? 0 : 1}, {"output", "ran: " + line + "\n"}, {"timed_out", false}};
      res.set_content(out.dump(), "application/json");
    });
    fake_.start();
  }

  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

  FakeServer fake_;
  std::mutex mu_;
  std::vector<std::string> calls_;
};

TEST(Shell, SubstitutesInstanceNamesAfterTheCommand) {
  std::map<std::string, std::string> ip_of = {{"vnf2", "10.0.0.2"}, {"ping", "10.9.9.9"}};
  std::vector<std::string> want = {"ping", "-c1", "10.0.0.2"};
  EXPECT_EQ(substitute_names({"ping", "-c1", "vnf2"}, ip_of), want);
}

TEST_F(ShellTest, RunsCommandInInstanceWithNamesReplaced) {
  auto client = RestClient::create(fake_.url());
  ASSERT_TRUE(client.ok());
  Capture out;
  Capture err;
  Shell shell(*client, out.file(), err.file());
  EXPECT_TRUE(shell.handle("vnf1 ping -c1 vnf2"));
  EXPECT_EQ(shell.last_status(), 0);
  EXPECT_EQ(out.text(), "ran: vnf1 ping -c1 10.0.0.2\n");
  EXPECT_TRUE(shell.handle("vnf1 ping -c1 vnf3"));
  EXPECT_EQ(shell.last_status(), 1);
  EXPECT_TRUE(shell.handle("nosuch ls"));
  EXPECT_NE(err.text().find("error: unknown command or instance 'nosuch'"), std::string::npos);
  EXPECT_FALSE(shell.handle("exit"));
}

TEST_F(ShellTest, PingallPrintsMatrixAndCount) {
  auto client = RestClient::create(fake_.url());
  ASSERT_TRUE(client.ok());
  Capture out;
  Capture err;
  Shell shell(*client, out.file(), err.file());
  EXPECT_TRUE(shell.handle("pingall"));
  EXPECT_EQ(out.text(),
            "FROM \\ TO  vnf1  vnf2  vnf3\n"
            "vnf1       -     ok    X\n"
            "vnf2       ok    -     X\n"
            "vnf3       X     X     -\n"
            "2/6 reachable\n");
  EXPECT_EQ(shell.last_status(), 1);
  EXPECT_EQ(calls().size(), 6u);
  EXPECT_EQ(calls()[0], "vnf1 ping -c1 -W1 10.0.0.2");
  EXPECT_NE(err.text().find("vnf1 -> vnf2 X\n"), std::string::npos) << err.text();
}

TEST_F(ShellTest, ErrorsDoNotEndTheShell) {
  auto client = RestClient::create(fake_.url());
  ASSERT_TRUE(client.ok());
  Capture out;
  Capture err;
  Shell shell(*client, out.file(), err.file());
  EXPECT_TRUE(shell.handle("links"));  // no d3jsgraph route: 404
  EXPECT_EQ(shell.last_status(), 1);
  EXPECT_TRUE(shell.handle("bogus"));
  EXPECT_TRUE(shell.handle("echo 'unterminated"));
  EXPECT_TRUE(shell.handle(""));
  EXPECT_TRUE(shell.handle("help"));
  EXPECT_NE(out.text().find("pingall"), std::string::npos);
  EXPECT_NE(err.text().find("error: unknown command 'bogus'"), std::string::npos);
  EXPECT_NE(err.text().find("error: unterminated ' quote"), std::string::npos);
}

}  // namespace
}  // namespace chainlab::cli
