// The node's pub/sub bus for its domain description (COMPOSER §5.1.2; the reference used
// DoubleDecker over ZeroMQ with topic `frog:domain-description` and published a static file once,
// its issue 45 asks for re-publishing on change). A ZeroMQ XPUB socket: every publish() sends
// the two-part message [topic, JSON] when the description changed, and a subscriber that joins
// later gets the current one as soon as it subscribes (no "slow joiner" loss). One thread owns
// the socket; publish() only hands the text over.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace zmq {
class context_t;
}  // namespace zmq

namespace chainlab::unode {

inline constexpr const char* kDescriptionTopic = "frog:domain-description";

class DescriptionBus {
 public:
  // Binds `endpoint` (e.g. tcp://127.0.0.1:5560, or tcp://127.0.0.1:* for any free port).
  static Result<std::unique_ptr<DescriptionBus>> bind(const std::string& endpoint);
  ~DescriptionBus();
  DescriptionBus(const DescriptionBus&) = delete;
  DescriptionBus& operator=(const DescriptionBus&) = delete;

  const std::string& endpoint() const { return endpoint_; }  // the one bound ("tcp://...:5560")
  // Sends the description if it differs from the last one; false when it did not change.
  bool publish(const nlohmann::json& description);
  uint64_t published() const;  // how many distinct descriptions went out

 private:
  DescriptionBus() = default;
  void run(void* socket);

  std::unique_ptr<zmq::context_t> context_;
  std::string endpoint_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::string current_;                 // the latest description's text
  std::optional<std::string> pending_;  // to send
  uint64_t published_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chainlab::unode
