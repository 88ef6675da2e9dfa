#include "common/field_reader.h"

#include "common/field_path.h"

#include <gtest/gtest.h>

namespace chainlab {
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

TEST(FieldPath, JoinsKeysAndItemsAndWordsErrorsOnce) {
  EXPECT_EQ(field_join("", "a"), "a");
  EXPECT_EQ(field_join("a", "b"), "a.b");
  EXPECT_EQ(field_join(field_item("a.b", 2), "c"), "a.b[2].c");
  Error e = field_error("t.yaml", "links[3].delay", "expected a duration");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message, "t.yaml: links[3].delay: expected a duration");
  EXPECT_EQ(field_error("t.yaml", "", "empty document").message, "t.yaml: empty document");
  EXPECT_EQ(field_error("", "a.b", "is required").message, "a.b: is required");
  EXPECT_EQ(field_error("", "", "x").message, "x");
}

TEST(FieldReader, ObjectsNestAndNameTheirPath) {
  json body = {{"a", {{"b", {{"c", 5}}}}}, {"s", "x"}};
  auto b = FieldReader(body).object("a");
  ASSERT_TRUE(b.ok());
  auto c = b->object("b");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->path("c"), "a.b.c");
  EXPECT_EQ(c->opt_string("c").error().message, "a.b.c: expected a string");
  EXPECT_EQ(FieldReader(body).object("s").error().message, "s: expected an object");
  EXPECT_EQ(FieldReader(body, "", FieldStyle::kOpenStack).object("s").error().message,
            "Invalid input for s: '\"x\"' is not an object");
  json not_an_object = json::array({1});
  EXPECT_FALSE(FieldReader(not_an_object).opt_string("a")->has_value());
}

}  // namespace
}  // namespace chainlab
