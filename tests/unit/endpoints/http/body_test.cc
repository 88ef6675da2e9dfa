#include "endpoints/http/body.h"

#include <httplib.h>

#include <gtest/gtest.h>

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

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
