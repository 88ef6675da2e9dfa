// Accept-Encoding read as a list of codings (the brotli refusal and the dashboard's gzip use it).
#include "endpoints/http/encoding.h"

#include <gtest/gtest.h>

namespace chainlab::endpoints {
namespace {

TEST(Encoding, CodingsAreListElementsNotSubstrings) {
  EXPECT_TRUE(lists_coding("gzip;q=1.0, br", "br"));
  EXPECT_TRUE(lists_coding(" gzip ", "gzip"));
  EXPECT_FALSE(lists_coding("brotli, x-gzip", "br"));
  EXPECT_FALSE(lists_coding("brotli, x-gzip", "gzip"));
  EXPECT_FALSE(lists_coding("", "gzip"));
  EXPECT_EQ(coding_name(" br ;q=0.5"), "br");
}

}  // namespace
}  // namespace chainlab::endpoints
