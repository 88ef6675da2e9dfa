// parse_http_url (common/http_url.h): URLs from outside checked before cpp-httplib sees them.
#include "common/http_url.h"

#include <gtest/gtest.h>

namespace chainlab {
namespace {

TEST(HttpUrlTest, SplitsGoodUrls) {
  auto u = parse_http_url("http://127.0.0.1:8080/cb?x=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->base, "http://127.0.0.1:8080");
  EXPECT_EQ(u->path, "/cb?x=1");
  EXPECT_EQ(parse_http_url("https://cloud.example")->path, "");
  EXPECT_EQ(parse_http_url("http://[::1]:5000/v3")->base, "http://[::1]:5000");
  EXPECT_TRUE(parse_http_url("http://[::1]/v3").ok());
}

TEST(HttpUrlTest, RefusesWhatCouldCrashOrMislead) {
  for (const char* bad : {"ftp://h/", "file:///etc/passwd", "http://", "http:///x",
                          "http://h:99999999999/", "http://h:0/", "http://h:x/", "http://h:/",
                          "http://u:p@h/", "http://h /", "http://h\n/", "h:80", "http://:80/"}) {
    EXPECT_FALSE(parse_http_url(bad).ok()) << bad;
  }
  EXPECT_FALSE(parse_http_url("http://h/" + std::string(3000, 'a')).ok());
}

}  // namespace
}  // namespace chainlab
