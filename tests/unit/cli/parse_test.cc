#include "cli/parse.h"

#include <gtest/gtest.h>

namespace chainlab::cli {
namespace {

TEST(CliParse, VnfInterface) {
  auto a = parse_vnf_interface("vnf1:input");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->vnf, "vnf1");
  EXPECT_EQ(a->intf, "input");
  auto b = parse_vnf_interface("vnf2");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->vnf, "vnf2");
  EXPECT_EQ(b->intf, "");
  EXPECT_FALSE(parse_vnf_interface("").ok());
  EXPECT_FALSE(parse_vnf_interface(":x").ok());
  EXPECT_FALSE(parse_vnf_interface("vnf1:").ok());
  auto bad = parse_vnf_interface("vnf 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("VNF[:INTERFACE]"), std::string::npos);
}

TEST(NetSpec, AcceptsSonEmuSyntax) {
  auto r = parse_net_spec("(id=input,ip=10.0.10.3/24),(id=output,ip=10.0.10.4/24)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, "input");
  EXPECT_EQ((*r)[0].ip, "10.0.10.3/24");
  EXPECT_EQ((*r)[1].id, "output");
  EXPECT_EQ(net_spec_json(*r).dump(),
            R"([{"id":"input","ip":"10.0.10.3/24"},{"id":"output","ip":"10.0.10.4/24"}])");
}

TEST(NetSpec, AcceptsIdOnlyMacAndBlanks) {
  auto r = parse_net_spec(" (id=in, ip=10.0.0.1/24) , (id=out,mac=02:00:00:00:00:aa)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].ip, "10.0.0.1/24");
  EXPECT_EQ((*r)[1].ip, "");
  EXPECT_EQ((*r)[1].mac, "02:00:00:00:00:aa");
  EXPECT_EQ(net_spec_json(*r)[1].dump(), R"({"id":"out","mac":"02:00:00:00:00:aa"})");
}

std::string net_error(std::string_view text) {
  auto r = parse_net_spec(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

TEST(NetSpec, RejectsGarbageWithPreciseMessage) {
  EXPECT_EQ(net_error(""), "--net: empty; expected e.g. \"(id=input,ip=10.0.0.1/24),(id=output)\"");
  EXPECT_NE(net_error("id=input").find("expected '(' at offset 0"), std::string::npos);
  EXPECT_NE(net_error("(id=input").find("missing ')'"), std::string::npos);
  EXPECT_EQ(net_error("(id=a,ip=10.0.0.300/24)"),
            "--net: interface 1: ip '10.0.0.300/24' is not an IPv4 address like 10.0.0.1/24");
  EXPECT_EQ(net_error("(id=a),(ip=10.0.0.1/24)"), "--net: interface 2: id=... is required");
  EXPECT_EQ(net_error("(id=a,color=red)"),
            "--net: interface 1: unknown key 'color' (keys: id, ip, mac)");
  EXPECT_EQ(net_error("(id=a,ip)"),
            "--net: interface 1: 'ip' is not key=value (keys: id, ip, mac)");
  EXPECT_EQ(net_error("(id=a),(id=a)"), "--net: interface id 'a' given twice");
  EXPECT_NE(net_error("(id=a)(id=b)").find("expected ','"), std::string::npos);
  EXPECT_NE(net_error("(id=a),").find("trailing ','"), std::string::npos);
  EXPECT_NE(net_error("(id=a,ip=10.0.0.1/33)").find("not an IPv4"), std::string::npos);
  EXPECT_NE(net_error("(id=a,mac=02:00)").find("mac '02:00'"), std::string::npos);
  EXPECT_NE(net_error("(id=a b)").find("id 'a b'"), std::string::npos);
  // Only spaces and tabs are blanks: a line break inside a value is an error, not trimmed away.
  EXPECT_NE(net_error("(id=a\n)").find("id 'a\n'"), std::string::npos);
  EXPECT_NE(net_error(" \n").find("expected '(' at offset 0"), std::string::npos);
}

TEST(CliParse, EnvPair) {
  auto r = parse_env_pair("MODE=a=b");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first, "MODE");
  EXPECT_EQ(r->second, "a=b");
  EXPECT_TRUE(parse_env_pair("EMPTY=").ok());
  EXPECT_FALSE(parse_env_pair("NOVALUE").ok());
  EXPECT_FALSE(parse_env_pair("=x").ok());
}

TEST(CliParse, RewritesLegacySrcDst) {
  std::vector<std::string> in = {"chainlab", "network", "add", "-src", "vnf1:out", "-dst=vnf2",
                                 "-b",       "-c",      "10",  "--",   "-src"};
  std::vector<std::string> want = {"chainlab", "network", "add", "--src", "vnf1:out", "--dst=vnf2",
                                   "-b",       "-c",      "10",  "--",    "-src"};
  EXPECT_EQ(rewrite_legacy_args(in), want);
  std::vector<std::string> untouched = {"x", "--src", "a", "-srcx", "-s", "-dstination"};
  EXPECT_EQ(rewrite_legacy_args(untouched), untouched);
}

TEST(CliParse, RewritesLegacyVnf) {
  std::vector<std::string> in = {"chainlab", "monitor",  "setup_metric", "-vnf", "vnf1:in",
                                 "-m",       "rx_bytes", "--",           "-vnf"};
  std::vector<std::string> want = {"chainlab", "monitor",  "setup_metric", "--vnf", "vnf1:in",
                                   "-m",       "rx_bytes", "--",           "-vnf"};
  EXPECT_EQ(rewrite_legacy_args(in), want);
  std::vector<std::string> eq = {"-vnf=vnf1"};
  EXPECT_EQ(rewrite_legacy_args(eq), std::vector<std::string>{"--vnf=vnf1"});
  std::vector<std::string> untouched = {"--vnf", "-vnfx", "-v", "--vnf_name"};
  EXPECT_EQ(rewrite_legacy_args(untouched), untouched);
}

TEST(CliParse, Durations) {
  EXPECT_EQ(*parse_duration_ns("30ms"), 30'000'000u);
  EXPECT_EQ(*parse_duration_ns("30"), 30'000'000u);
  EXPECT_EQ(*parse_duration_ns("1.5s"), 1'500'000'000u);
  EXPECT_EQ(*parse_duration_ns("250us"), 250'000u);
  EXPECT_EQ(*parse_duration_ns("7ns"), 7u);
  EXPECT_EQ(*parse_duration_ns("0"), 0u);
  EXPECT_EQ(parse_duration_ns("30 parsecs").error().message,
            "duration: '30 parsecs' is not a duration (unknown unit; use ns, us, ms or s)");
  EXPECT_EQ(parse_duration_ns("4000s").error().message,
            "duration: '4000s' is too long (at most 3600s)");
  EXPECT_FALSE(parse_duration_ns("ms").ok());
  EXPECT_FALSE(parse_duration_ns("-5ms").ok());
  EXPECT_FALSE(parse_duration_ns("2h").ok());
  EXPECT_FALSE(parse_duration_ns("4000s").ok());
  EXPECT_EQ(format_duration(30'000'000), "30ms");
  EXPECT_EQ(format_duration(2'000'000'000), "2s");
  EXPECT_EQ(format_duration(1'500'000), "1500us");
  EXPECT_EQ(format_duration(7), "7ns");
  EXPECT_EQ(format_duration(0), "0ms");
}

TEST(CliParse, PercentAndNumbers) {
  EXPECT_DOUBLE_EQ(*parse_percent("1"), 1.0);
  EXPECT_DOUBLE_EQ(*parse_percent("0.5%"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_percent("100"), 100.0);
  EXPECT_EQ(parse_percent("101").error().message, "loss: 101 is out of range 0..100");
  EXPECT_EQ(parse_percent("-1").error().message, "loss: -1 is out of range 0..100");
  EXPECT_EQ(parse_percent("lots").error().message, "loss: 'lots' is not a number");
  EXPECT_FALSE(parse_percent("nan").ok());
  EXPECT_FALSE(parse_percent("inf%").ok());
  EXPECT_FALSE(parse_percent("5\n").ok()) << "a line break is no blank";
  EXPECT_DOUBLE_EQ(*parse_percent(" 5\t"), 5.0);
}

TEST(ShellWords, SplitsQuotesAndEscapes) {
  auto r = split_words(R"(vnf1  sh -c 'echo a  b' "x\"y" c\ d)");
  ASSERT_TRUE(r.ok());
  std::vector<std::string> want = {"vnf1", "sh", "-c", "echo a  b", "x\"y", "c d"};
  EXPECT_EQ(*r, want);
  EXPECT_TRUE(split_words("   ")->empty());
  EXPECT_EQ(*split_words("''"), std::vector<std::string>{""});
  EXPECT_EQ(split_words("echo 'oops").error().message, "unterminated ' quote");
}

}  // namespace
}  // namespace chainlab::cli
