// A subscriber of a chainlab node's description bus (frontends/unode/description_bus.h: ZeroMQ,
// topic frog:domain-description): every description the node publishes is parsed (bounded JSON)
// and handed to `on_description` on the feed's own thread. The node's XPUB sends the current
// description to a subscriber that joins later, so the first one arrives right after connect.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace zmq {
class context_t;
}  // namespace zmq

namespace chainlab::escape {

class DescriptionFeed {
 public:
  using OnDescription = std::function<void(nlohmann::json)>;
  // Connects to `endpoint` (tcp://HOST:PORT); InvalidArgument for one ZeroMQ refuses.
  static Result<std::unique_ptr<DescriptionFeed>> connect(const std::string& endpoint,
                                                          OnDescription on_description);
  ~DescriptionFeed();
  DescriptionFeed(const DescriptionFeed&) = delete;
  DescriptionFeed& operator=(const DescriptionFeed&) = delete;
  uint64_t received() const { return received_; }

 private:
  DescriptionFeed() = default;
  void run(void* socket);

  std::unique_ptr<zmq::context_t> context_;
  OnDescription on_description_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> received_{0};
  std::thread thread_;
};

}  // namespace chainlab::escape
