// Alarm rules' actions (monitor/alarms.h) and the notification they post
// (endpoints/emulator/alarm_notifier.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "endpoints/emulator/alarm_notifier.h"
#include "monitor/alarms.h"

namespace chainlab::monitor {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json alarm_rule_with(json actions) {
  return {{"name", "busy"}, {"value", 0.5}, {"actions", std::move(actions)}};
}

TEST(AlarmActions, ActionsAreHttpUrlsAndRoundTrip) {
  auto r =
      parse_alarm_rule(alarm_rule_with({"http://127.0.0.1:8004/v1/p/stacks/s/i/resources/out/"
                                        "signal?signature=abc"}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->actions.size(), 1u);
  auto again = parse_alarm_rule(alarm_rule_json(*r));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *r);
  EXPECT_FALSE(
      alarm_rule_json(*parse_alarm_rule(json{{"name", "x"}, {"value", 1}})).contains("actions"))
      << "a rule without actions shows none";

  for (const json& bad :
       {json("http://x/"), json::array({"ftp://x/"}), json::array({"x"}), json::array({3}),
        json::array({"http://a b/"}), json::array({"http://x/\n"}),
        json::array({"http://x/" + std::string(3000, 'a')})}) {
    auto refused = parse_alarm_rule(alarm_rule_with(bad));
    EXPECT_FALSE(refused.ok()) << bad.dump().substr(0, 80);
  }
  json many = json::array();
  for (int i = 0; i < 9; ++i) {
    many.push_back("http://x/");
  }
  auto refused = parse_alarm_rule(alarm_rule_with(many));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("at most 8"));
}

TEST(AlarmActions, TheNotificationIsAodhs) {
  json n = endpoints::aodh_notification({{"alarm", "busy"},
                                         {"series", "instance/web/cpu"},
                                         {"value", 0.93},
                                         {"reason", "threshold"}});
  EXPECT_EQ(n["alarm_name"], "busy");
  EXPECT_EQ(n["current"], "alarm");
  EXPECT_EQ(n["previous"], "ok");
  EXPECT_EQ(n["reason_data"]["series"], "instance/web/cpu");
  EXPECT_THAT(n["reason"].get<std::string>(), HasSubstr("instance/web/cpu"));
}

TEST(AlarmActions, APostToNowhereIsAnError) {
  // Port 1 on loopback: nothing listens (connection refused at once).
  auto r = endpoints::post_json("http://127.0.0.1:1/x", json::object());
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(endpoints::post_json("ftp://127.0.0.1/x", json::object()).ok());
}

// A rule firing for two series posts once (Aodh's alarm is one state); once every series has
// resolved, the next firing posts again.
TEST(AlarmActions, ARulePostsWhenItStartsFiringNotPerSeries) {
  httplib::Server server;
  std::atomic<int> posts{0};
  server.Post("/hook", [&](const httplib::Request&, httplib::Response& res) {
    ++posts;
    res.set_content("null", "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { server.listen_after_bind(); });
  EventLog events;
  {
    endpoints::AlarmNotifier notifier(events, [](const std::string&) {});
    json rule = {
        {"name", "busy"},
        {"actions", json::array({fmt::format("http://127.0.0.1:{}/hook?signature=s", port)})}};
    auto fire = [&](const char* type, const char* series) {
      events.publish(type, {{"alarm", "busy"}, {"series", series}, {"value", 1.0}, {"rule", rule}});
    };
    fire("alarm.fired", "instance/a/cpu");
    fire("alarm.fired", "instance/b/cpu");
    fire("alarm.resolved", "instance/a/cpu");
    fire("alarm.resolved", "instance/b/cpu");
    fire("alarm.fired", "instance/b/cpu");
    uint64_t seen = 0;
    int actions = 0;
    for (int i = 0; i < 100 && actions < 2; ++i) {  // the notifier records each post
      for (const auto& e : events.after(seen, 64, std::chrono::milliseconds(100))) {
        seen = e.id;
        if (e.type == "alarm.action") {
          ++actions;
          EXPECT_EQ(e.data["status"], 200);
          EXPECT_EQ(e.data["url"].get<std::string>().find('?'), std::string::npos)
              << "the secret is not in the event";
        }
      }
    }
    EXPECT_EQ(actions, 2);
    events.close();
  }
  server.stop();
  serving.join();
  EXPECT_EQ(posts.load(), 2);
}

}  // namespace
}  // namespace chainlab::monitor
