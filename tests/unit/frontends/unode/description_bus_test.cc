// The description bus with a real ZeroMQ subscriber: the description at start, even for a
// subscriber that joins later, and again after a change; an unchanged one is not published.
#include "frontends/unode/description_bus.h"

#include <gtest/gtest.h>
#include <zmq.hpp>

#include <string>

namespace chainlab::unode {
namespace {

using nlohmann::json;

// The next [topic, body] on `sub` within `limit`, or none.
std::optional<std::pair<std::string, json>> next(zmq::socket_t& sub,
                                                 std::chrono::milliseconds limit) {
  sub.set(zmq::sockopt::rcvtimeo, static_cast<int>(limit.count()));
  zmq::message_t topic, body;
  if (!sub.recv(topic) || !sub.get(zmq::sockopt::rcvmore) || !sub.recv(body)) {
    return std::nullopt;
  }
  return std::pair{topic.to_string(), json::parse(body.to_string())};
}

TEST(DescriptionBusTest, ALateSubscriberGetsTheCurrentOneThenEveryChange) {
  auto bus = DescriptionBus::bind("tcp://127.0.0.1:*");
  ASSERT_TRUE(bus.ok()) << bus.error().message;
  json first = {{"netgroup-domain:informations", {{"id", "1"}, {"free", 4}}}};
  EXPECT_TRUE((*bus)->publish(first));  // at start, before anyone listens

  zmq::context_t ctx(1);
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.connect((*bus)->endpoint());
  sub.set(zmq::sockopt::subscribe, kDescriptionTopic);
  auto got = next(sub, std::chrono::seconds(5));
  ASSERT_TRUE(got.has_value()) << "the current description on subscribing";
  EXPECT_EQ(got->first, "frog:domain-description");
  EXPECT_EQ(got->second, first);

  EXPECT_FALSE((*bus)->publish(first)) << "unchanged: not sent again";
  json second = {{"netgroup-domain:informations", {{"id", "1"}, {"free", 3}}}};
  EXPECT_TRUE((*bus)->publish(second));
  // A subscription that met the first publish on its way may bring the first one twice (the
  // socket's welcome and the publish); nothing else comes before the change.
  do {
    got = next(sub, std::chrono::seconds(5));
    ASSERT_TRUE(got.has_value()) << "the changed description";
  } while (got->second == first);
  EXPECT_EQ(got->second, second);
  EXPECT_EQ((*bus)->published(), 2u);
}

TEST(DescriptionBusTest, ABadEndpointIsRefused) {
  auto bus = DescriptionBus::bind("bogus://x");
  ASSERT_FALSE(bus.ok());
  EXPECT_EQ(bus.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace chainlab::unode
