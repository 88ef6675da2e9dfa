#include "frontends/unode/description_bus.h"

#include <zmq.hpp>

namespace chainlab::unode {
namespace {

void send_description(zmq::socket_t& socket, const std::string& text) {
  (void)socket.send(zmq::buffer(std::string_view(kDescriptionTopic)), zmq::send_flags::sndmore);
  (void)socket.send(zmq::buffer(text), zmq::send_flags::none);
}

// A subscription message of an XPUB socket: 1, then the topic.
bool is_subscription(const zmq::message_t& m) {
  return m.size() >= 1 && static_cast<const char*>(m.data())[0] == 1;
}

}  // namespace

Result<std::unique_ptr<DescriptionBus>> DescriptionBus::bind(const std::string& endpoint) {
  std::unique_ptr<DescriptionBus> bus(new DescriptionBus());
  bus->context_ = std::make_unique<zmq::context_t>(1);
  auto socket = std::make_unique<zmq::socket_t>(*bus->context_, zmq::socket_type::xpub);
  try {
    socket->set(zmq::sockopt::xpub_verbose, 1);  // every subscription, not only a topic's first
    socket->set(zmq::sockopt::linger, 0);
    socket->bind(endpoint);
    bus->endpoint_ = socket->get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return make_error(ErrorCode::kInvalidArgument, "binding the description bus on {}: {}",
                      endpoint, e.what());
  }
  // The thread owns the socket from here on (handed over with the thread's start).
  bus->thread_ = std::thread([b = bus.get(), s = socket.release()] { b->run(s); });
  return bus;
}

DescriptionBus::~DescriptionBus() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) {
    thread_.join();
  }
}

bool DescriptionBus::publish(const nlohmann::json& description) {
  std::string text = description.dump();
  std::lock_guard lock(mu_);
  if (text == current_) {
    return false;
  }
  current_ = text;
  pending_ = std::move(text);
  ++published_;
  return true;
}

uint64_t DescriptionBus::published() const {
  std::lock_guard lock(mu_);
  return published_;
}

void DescriptionBus::run(void* raw) {
  std::unique_ptr<zmq::socket_t> socket(static_cast<zmq::socket_t*>(raw));
  while (true) {
    std::optional<std::string> send;
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        return;
      }
      send.swap(pending_);
    }
    if (send) {
      send_description(*socket, *send);
    }
    // The socket's own event loop: subscriptions arrive here; a publish waits at most 50 ms.
    zmq::pollitem_t items[] = {{socket->handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 1, std::chrono::milliseconds(50));
    zmq::message_t m;
    while ((items[0].revents & ZMQ_POLLIN) != 0 && socket->recv(m, zmq::recv_flags::dontwait)) {
      if (!is_subscription(m)) {
        continue;
      }
      std::string current;
      {
        std::lock_guard lock(mu_);
        current = current_;
      }
      if (!current.empty()) {
        send_description(*socket, current);  // a late subscriber gets the current one
      }
    }
  }
}

}  // namespace chainlab::unode
