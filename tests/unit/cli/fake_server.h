// A canned-answer HTTP server on 127.0.0.1, port 0, for the REST client and shell tests.
#pragma once

#include <httplib.h>

#include <string>
#include <thread>

namespace chainlab::cli::testing {

class FakeServer {
 public:
  FakeServer() = default;
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;
  ~FakeServer() {
    server_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  httplib::Server& server() { return server_; }

  // Binds and serves; routes must be registered before.
  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
};

}  // namespace chainlab::cli::testing
