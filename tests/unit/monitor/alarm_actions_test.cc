// Alarm rules' actions (monitor/alarms.h) and the notification they post
// (endpoints/emulator/alarm_notifier.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
       {json("http://x/"), json::array({"https://x/"}), json::array({"x"}), json::array({3}),
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

}  // namespace
}  // namespace chainlab::monitor
