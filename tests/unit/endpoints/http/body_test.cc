#include "endpoints/http/body.h"

#include <httplib.h>

#include <gtest/gtest.h>

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

TEST(FieldReader, ErrorsNameTheFieldsPath) {
  json body = {{"server", {{"name", "vm"}, {"flavorRef", 1}, {"count", "x"}}}};
  FieldReader top(body);
  auto server = top.object("server");
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(*server->string("name"), "vm");
  auto flavor = server->opt_string("flavorRef");
  ASSERT_FALSE(flavor.ok());
  EXPECT_EQ(flavor.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(flavor.error().message, "server.flavorRef: expected a string");
  auto count = server->opt_int("count", 1, 10);
  ASSERT_FALSE(count.ok());
  EXPECT_NE(count.error().message.find("server.count"), std::string::npos);
  EXPECT_EQ(server->string("image").error().message, "server.image: is required");
  EXPECT_EQ(top.object("network").error().message, "network: is required");
}

TEST(FieldReader, AbsentAndNullAreNulloptAndValuesAreTyped) {
  json body = {{"a", nullptr}, {"up", "TRUE"}, {"n", 7.0}, {"s", "x"}};
  FieldReader r(body);
  EXPECT_FALSE(r.opt_string("a")->has_value());
  EXPECT_FALSE(r.opt_bool("missing")->has_value());
  EXPECT_EQ(**r.opt_bool("up"), true);
  EXPECT_EQ(**r.opt_int("n", 0, 10), 7);
  EXPECT_FALSE(r.opt_int("n", 0, 5).ok());
  EXPECT_FALSE(r.opt_bool("s").ok());
}

TEST(FieldReader, OpenStackStyleSaysItAsTheServicesDo) {
  json body = {{"name", 5}, {"mtu", "abc"}};
  FieldReader r(body, "", FieldStyle::kOpenStack);
  EXPECT_EQ(r.opt_string("name").error().message, "Invalid input for name: '5' is not a string");
  EXPECT_EQ(r.opt_int("mtu").error().message.rfind("Invalid input for mtu: ", 0), 0u);
}

TEST(FieldReader, NetworkingSfcStyleEndsItsSentences) {
  json body = {{"name", 5}, {"weight", "x"}, {"symmetric", "maybe"}};
  FieldReader r(body, "", FieldStyle::kNetworkingSfc);
  EXPECT_EQ(r.opt_string("name").error().message, "Invalid input for name: '5' is not a string.");
  EXPECT_EQ(r.opt_bool("symmetric").error().message,
            "Invalid input for symmetric: '\"maybe\"' is not a boolean.");
  const std::string weight = r.opt_int("weight").error().message;
  EXPECT_EQ(weight.rfind("Invalid input for weight: ", 0), 0u);
  EXPECT_EQ(weight.back(), '.');
}

TEST(FieldReader, StringListsNameTheWrongItem) {
  json body = {{"ids", {"a", "b"}}, {"one", "a"}, {"mixed", {"a", 5}}, {"none", nullptr}};
  FieldReader r(body, "", FieldStyle::kNetworkingSfc);
  EXPECT_EQ(**r.opt_string_list("ids"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(r.opt_string_list("none")->has_value());
  EXPECT_FALSE(r.opt_string_list("absent")->has_value());
  EXPECT_EQ(r.opt_string_list("one").error().message,
            "Invalid input for one: '\"a\"' is not a list.");
  EXPECT_EQ(r.opt_string_list("mixed", "an id").error().message,
            "Invalid input for mixed: '5' is not an id.");
  EXPECT_EQ(FieldReader(body).opt_string_list("mixed").error().message, "mixed: expected a string");
}

TEST(RequestParams, TheBodyIsMergedOverTheQuery) {
  httplib::Request req;
  req.params.emplace("a", "query");
  req.params.emplace("b", "query");
  req.body = R"({"b": "body", "c": 1})";
  auto p = request_params(req);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(*p, (json{{"a", "query"}, {"b", "body"}, {"c", 1}}));
  req.body = "[1]";
  EXPECT_EQ(request_params(req).error().message, "request body must be a JSON object");
}

}  // namespace
}  // namespace chainlab::endpoints
