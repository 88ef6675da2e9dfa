// --pushgateway: the URL forms son-emu users give, and what the run refuses before it starts.
#include <gtest/gtest.h>

#include "endpoints/emulator/pushgateway.h"

namespace chainlab::endpoints {
namespace {

TEST(PushgatewayUrlTest, HttpUrlsAndSonemusHostPortForm) {
  auto plain = parse_pushgateway_url("http://127.0.0.1:9091");
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->scheme_host_port, "http://127.0.0.1:9091");
  EXPECT_EQ(plain->job_path, "/metrics/job/sonemu-SDNcontroller");
  auto bare = parse_pushgateway_url("localhost:9091");  // son-emu's PUSHGATEWAY_ADDR
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->scheme_host_port, "http://localhost:9091");
  auto prefixed = parse_pushgateway_url("http://gw:9091/push/");
  ASSERT_TRUE(prefixed.ok());
  EXPECT_EQ(prefixed->job_path, "/push/metrics/job/sonemu-SDNcontroller");
}

TEST(PushgatewayUrlTest, RefusesWhatItCannotPushTo) {
  for (const char* bad : {"", "https://gw:9091", "ftp://gw:21", "gw", "http://gw", "gw:0",
                          "gw:65536", "gw:-1", "gw:port", ":9091", "http://user@gw:9091",
                          "gw:9091?x=1", "http://gw:9091#frag", "g w:9091"}) {
    auto r = parse_pushgateway_url(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "'";
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
      EXPECT_NE(r.error().message.find("--pushgateway"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace chainlab::endpoints
