// The error bodies of the OpenStack endpoints (endpoints/openstack/common.h), as each client
// family expects them.
#include "endpoints/openstack/common.h"

#include <httplib.h>

#include <gtest/gtest.h>

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

json body_of(ErrorStyle style, ErrorCode code, const std::string& type = "") {
  httplib::Response res;
  openstack_error_reply(style, Error{code, "m"}, type).write(res);
  EXPECT_EQ(res.status, http_status(code));
  return json::parse(res.body);
}

TEST(OpenStackErrors, EachFamilyHasItsShape) {
  EXPECT_EQ(body_of(ErrorStyle::kKeystone, ErrorCode::kNotFound),
            (json{{"error", {{"code", 404}, {"title", "Not Found"}, {"message", "m"}}}}));
  EXPECT_EQ(body_of(ErrorStyle::kNova, ErrorCode::kAlreadyExists),
            (json{{"conflictingRequest", {{"code", 409}, {"message", "m"}}}}));
  EXPECT_EQ(body_of(ErrorStyle::kNeutron, ErrorCode::kResourceExhausted),
            (json{{"NeutronError",
                   {{"type", "IpAddressGenerationFailure"}, {"message", "m"}, {"detail", ""}}}}));
  EXPECT_EQ(body_of(ErrorStyle::kGlance, ErrorCode::kTooLarge),
            (json{{"code", 413}, {"title", "Request Entity Too Large"}, {"message", "m"}}));
  EXPECT_EQ(
      body_of(ErrorStyle::kHeat, ErrorCode::kFailedPrecondition),
      (json{{"explanation", "m"},
            {"code", 409},
            {"error", {{"message", "m"}, {"traceback", nullptr}, {"type", "ActionInProgress"}}},
            {"title", "Conflict"}}));
}

TEST(OpenStackErrors, NamesOfCodesAndStatusesWithoutOwnNames) {
  EXPECT_EQ(body_of(ErrorStyle::kNova, ErrorCode::kInternal)["computeFault"]["code"], 500);
  EXPECT_EQ(body_of(ErrorStyle::kNova, ErrorCode::kUnavailable)["computeFault"]["code"], 503);
  EXPECT_EQ(body_of(ErrorStyle::kNeutron, ErrorCode::kUnavailable)["NeutronError"]["type"],
            "NeutronException");
  EXPECT_EQ(body_of(ErrorStyle::kNeutron, ErrorCode::kNotFound,
                    "PortPairNotFound")["NeutronError"]["type"],
            "PortPairNotFound");
  EXPECT_EQ(body_of(ErrorStyle::kHeat, ErrorCode::kInternal)["error"]["type"], "InternalError");
  EXPECT_EQ(body_of(ErrorStyle::kHeat, ErrorCode::kUnavailable)["title"], "Service Unavailable");
  EXPECT_STREQ(http_title(418), "Internal Server Error");
}

}  // namespace
}  // namespace chainlab::endpoints
