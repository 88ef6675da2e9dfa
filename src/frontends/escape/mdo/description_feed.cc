#include "frontends/escape/mdo/description_feed.h"

#include <zmq.hpp>

#include "common/json_bounded.h"
#include "frontends/unode/description_bus.h"

namespace chainlab::escape {

namespace {
constexpr size_t kMaxDescriptionBytes = size_t{1} << 20;
}  // namespace

Result<std::unique_ptr<DescriptionFeed>> DescriptionFeed::connect(const std::string& endpoint,
                                                                  OnDescription on_description) {
  std::unique_ptr<DescriptionFeed> feed(new DescriptionFeed());
  feed->on_description_ = std::move(on_description);
  feed->context_ = std::make_unique<zmq::context_t>(1);
  auto socket = std::make_unique<zmq::socket_t>(*feed->context_, zmq::socket_type::sub);
  try {
    socket->set(zmq::sockopt::linger, 0);
    socket->set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kMaxDescriptionBytes));
    socket->set(zmq::sockopt::subscribe, unode::kDescriptionTopic);
    socket->connect(endpoint);
  } catch (const zmq::error_t& e) {
    return make_error(ErrorCode::kInvalidArgument, "connecting to the description bus {}: {}",
                      endpoint, e.what());
  }
  feed->thread_ = std::thread([f = feed.get(), s = socket.release()] { f->run(s); });
  return feed;
}

DescriptionFeed::~DescriptionFeed() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

void DescriptionFeed::run(void* raw) {
  std::unique_ptr<zmq::socket_t> socket(static_cast<zmq::socket_t*>(raw));
  while (!stopping_) {
    zmq::pollitem_t items[] = {{socket->handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 1, std::chrono::milliseconds(50));
    if ((items[0].revents & ZMQ_POLLIN) == 0) {
      continue;
    }
    zmq::message_t topic, body;
    if (!socket->recv(topic, zmq::recv_flags::dontwait) || !topic.more() ||
        !socket->recv(body, zmq::recv_flags::dontwait)) {
      continue;
    }
    auto doc = parse_json(body.to_string_view(), "description");
    if (doc.ok() && doc->is_object()) {
      ++received_;
      on_description_(std::move(*doc));
    }
  }
}

}  // namespace chainlab::escape
