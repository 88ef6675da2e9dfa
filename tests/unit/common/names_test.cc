#include "common/names.h"

#include <gtest/gtest.h>

namespace chainlab {
namespace {

TEST(SanitizeName, ReplacesWhatItDoesNotKeepAndCuts) {
  NameRule rule{.max_bytes = 8};
  EXPECT_EQ(sanitize_name("vnf/with space", rule), "vnf-with");
  EXPECT_EQ(sanitize_name("a_b.c:d-e", NameRule{}), "a_b.c:d-e");
  EXPECT_EQ(sanitize_name("", NameRule{}), "");
  NameRule plus{.replacement = '+'};
  EXPECT_EQ(sanitize_name("a b", plus), "a+b");
}

TEST(SanitizeName, OwnCharacterSets) {
  NameRule ifname{.keep = [](char c) { return is_ascii_alnum(c) || c == '-'; },
                  .max_bytes = 15,
                  .fallback = "emu0"};
  EXPECT_EQ(sanitize_name("ns:input", ifname), "ns-input");
  EXPECT_EQ(sanitize_name("a.very_long connection point", ifname), "a-very-long-con");
  EXPECT_EQ(sanitize_name("", ifname), "emu0");
  NameRule son_emu{.keep = [](char c) { return c != ':' && c != ' ' && c != '.' && c != '_'; }};
  EXPECT_EQ(sanitize_name("a:b c.d_e/f", son_emu), "a-b-c-d-e/f");
}

TEST(SanitizeName, DropsOrPrefixesALeadingNonAlphanumeric) {
  NameRule drop{.max_bytes = 48, .drop_leading = true, .fallback = "server"};
  EXPECT_EQ(sanitize_name("--x", drop), "x");
  EXPECT_EQ(sanitize_name("***", drop), "server");
  EXPECT_EQ(sanitize_name(std::string(100, 'a'), drop).size(), 48u);
  NameRule lead{.max_bytes = 64, .lead = 'x'};
  EXPECT_EQ(sanitize_name("-x", lead), "x-x");
  EXPECT_EQ(sanitize_name("ok", lead), "ok");
  // The lead counts against the limit: 'x' and the first 63 bytes.
  std::string long_name = "-" + std::string(100, 'b');
  EXPECT_EQ(sanitize_name(long_name, lead), "x-" + std::string(62, 'b'));
}

TEST(SanitizeName, Utf8CharactersBecomeOneReplacement) {
  NameRule rule{.max_bytes = 56, .lead = 'n', .utf8_as_one = true, .fallback = "node"};
  EXPECT_EQ(sanitize_name("Zürich", rule), "Z-rich");
  EXPECT_EQ(sanitize_name("日本", rule), "n--");
  EXPECT_EQ(sanitize_name("", rule), "node");
  NameRule bytes{.utf8_as_one = false};
  EXPECT_EQ(sanitize_name("Zürich", bytes), "Z--rich");
}

TEST(SanitizeName, ObjectNameCharacters) {
  for (char c : std::string("azAZ09_.:-")) {
    EXPECT_TRUE(is_object_name_char(c)) << c;
  }
  for (char c : std::string("/ @\x80\x7f")) {
    EXPECT_FALSE(is_object_name_char(c)) << static_cast<int>(c);
  }
}

}  // namespace
}  // namespace chainlab
