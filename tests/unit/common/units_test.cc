#include "common/units.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace chainlab {
namespace {

using nlohmann::json;

template <typename T>
std::string message(const Result<T>& r) {
  return r.ok() ? "(ok)" : r.error().message;
}

TEST(UnitsInt, ParsesWithinRange) {
  EXPECT_EQ(*parse_int("42", "x"), 42);
  EXPECT_EQ(*parse_int(" -7 ", "x"), -7);
  EXPECT_EQ(*parse_int("+7", "x"), 7);
  EXPECT_EQ(*parse_int("9223372036854775807", "x"), kInt64Max);
  EXPECT_EQ(*parse_int("-9223372036854775808", "x"), kInt64Min);
  EXPECT_EQ(*parse_int("0", "x", 0, 0), 0);
  EXPECT_EQ(*parse_uint("18446744073709551615", "x"), kUint64Max);
}

TEST(UnitsInt, RejectsOverflowJunkAndRange) {
  for (const char* bad :
       {"", " ", "-", "+", "1.5", "1e3", "0x10", "12a", "a12", "--1", "+-1", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999999", "inf", "nan", "1 2"}) {
    EXPECT_FALSE(parse_int(bad, "x").ok()) << bad;
  }
  EXPECT_EQ(message(parse_int("70000", "priority", 0, 65535)),
            "priority: 70000 is out of range 0..65535");
  EXPECT_EQ(message(parse_int("abc", "cookie")), "cookie: 'abc' is not an integer");
  EXPECT_EQ(message(parse_uint("-1", "queue")), "queue: '-1' is negative");
  EXPECT_FALSE(parse_uint("18446744073709551616", "x").ok());
  EXPECT_FALSE(parse_uint("11", "x", 10).ok());
  EXPECT_EQ(parse_int("5", "x", 6, 9).error().code, ErrorCode::kInvalidArgument);
}

TEST(UnitsNumber, FiniteOnly) {
  EXPECT_DOUBLE_EQ(*parse_number("0.5", "x"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_number(".5", "x"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_number("-2", "x"), -2);
  EXPECT_DOUBLE_EQ(*parse_number("+1e3", "x"), 1000);
  EXPECT_DOUBLE_EQ(*parse_number("100", "loss", 0, 100), 100);
  for (const char* bad : {"", "inf", "-inf", "infinity", "nan", "NaN", "+inf", "1e400", "-1e400",
                          "0x1p3", "1,5", "1.2.3", "5%", "abc", "."}) {
    EXPECT_FALSE(parse_number(bad, "x").ok()) << bad;
  }
  EXPECT_EQ(message(parse_number("100.5", "loss", 0, 100)), "loss: 100.5 is out of range 0..100");
  EXPECT_EQ(message(parse_number("inf", "bw")), "bw: 'inf' is not a number");
  EXPECT_FALSE(check_number(std::numeric_limits<double>::quiet_NaN(), "x").ok());
  EXPECT_FALSE(check_number(std::numeric_limits<double>::infinity(), "x").ok());
}

TEST(UnitsNumber, ToIntHasNoUndefinedCasts) {
  EXPECT_EQ(*to_int(3.0, "x"), 3);
  EXPECT_EQ(*to_int(-9223372036854775808.0, "x"), kInt64Min);
  EXPECT_FALSE(to_int(9223372036854775808.0, "x").ok());  // 2^63 does not fit
  EXPECT_FALSE(to_int(1e300, "x").ok());
  EXPECT_FALSE(to_int(-1e300, "x").ok());
  EXPECT_FALSE(to_int(2.5, "x").ok());
  EXPECT_FALSE(to_int(std::numeric_limits<double>::quiet_NaN(), "x").ok());
  EXPECT_FALSE(to_int(std::numeric_limits<double>::infinity(), "x").ok());
  EXPECT_EQ(message(to_int(4097, "vcpus", 1, 4096)), "vcpus: 4097 is out of range 1..4096");
}

TEST(UnitsSize, UnitsAndFractions) {
  EXPECT_EQ(*parse_size("65536", "m"), 65536u);
  EXPECT_EQ(*parse_size("512m", "m"), 512ull << 20);
  EXPECT_EQ(*parse_size("512M", "m"), 512ull << 20);
  EXPECT_EQ(*parse_size("512MiB", "m"), 512ull << 20);
  EXPECT_EQ(*parse_size("512 mb", "m"), 512ull << 20);
  EXPECT_EQ(*parse_size("1g", "m"), 1ull << 30);
  EXPECT_EQ(*parse_size("1.5g", "m"), 3ull << 29);
  EXPECT_EQ(*parse_size("2t", "m"), 2ull << 40);
  EXPECT_EQ(*parse_size("3k", "m"), 3072u);
  EXPECT_EQ(*parse_size("10b", "m"), 10u);
  EXPECT_EQ(*parse_size("0.1k", "m"), 102u);                  // rounded down to whole bytes
  EXPECT_EQ(*parse_size("64", "ram", 1 << 20), 64ull << 20);  // bare number in MiB
  EXPECT_EQ(*parse_size("8191p", "m"), 8191ull << 50);
}

TEST(UnitsSize, OverflowAndJunk) {
  // 17179869185g = 2^64 + 1 GiB: used to wrap to 1 GiB.
  EXPECT_EQ(message(parse_size("17179869185g", "mem_limit")),
            "mem_limit: '17179869185g' is too large (at most 8.0 EiB)");
  EXPECT_FALSE(parse_size("8192p", "m").ok());  // 2^63 > int64 max
  EXPECT_FALSE(parse_size("18446744073709551616", "m").ok());
  EXPECT_FALSE(parse_size("99999999999999999999999k", "m").ok());
  EXPECT_EQ(message(parse_size("2g", "m", 1, 1ull << 30)), "m: '2g' is too large (at most 1 GiB)");
  for (const char* bad : {"", "-1", "-1g", "g", "1x", "1.5", "1.5b", "1e3", "inf", "nan", "0x10",
                          "1 2g", "1..5g", ".g", "1.0000000000000000001g"}) {
    EXPECT_FALSE(parse_size(bad, "m").ok()) << bad;
  }
  EXPECT_EQ(message(parse_size("5q", "mem_limit")),
            "mem_limit: '5q': unknown size unit 'q' (use b, k, m, g or t)");
  EXPECT_EQ(format_size(1ull << 30), "1 GiB");
  EXPECT_EQ(format_size(1000), "1000 bytes");
  EXPECT_EQ(format_size(1536), "1.5 KiB");
}

TEST(UnitsDuration, Parses) {
  EXPECT_EQ(*parse_duration("10ms", "d"), 10'000'000u);
  EXPECT_EQ(*parse_duration("500us", "d"), 500'000u);
  EXPECT_EQ(*parse_duration("1.5s", "d"), 1'500'000'000u);
  EXPECT_EQ(*parse_duration("0", "d"), 0u);
  EXPECT_EQ(*parse_duration("0.0", "d"), 0u);
  EXPECT_EQ(*parse_duration(".5ms", "d"), 500'000u);
  EXPECT_EQ(*parse_duration("10 ms", "d"), 10'000'000u);
  EXPECT_EQ(*parse_duration("1.000000001s", "d"), 1'000'000'001u);
  EXPECT_EQ(*parse_duration("18446744073709551615ns", "d"), kUint64Max);
  EXPECT_EQ(*parse_duration("30", "d", kUint64Max, 1'000'000), 30'000'000u);  // bare: ms
  EXPECT_EQ(*parse_duration("1.5", "d", kUint64Max, 1'000'000), 1'500'000u);
}

TEST(UnitsDuration, RejectsGarbageAndOverflow) {
  for (const char* bad :
       {"", "ms", "-1ms", "10", "10 parsecs", "1.5ns", "1.0000000001s", "1e3ms", "10msx", "abc",
        "1..2ms", "99999999999999999999s", "18446744073709551616ns", "inf", "nan", "infs"}) {
    EXPECT_FALSE(parse_duration(bad, "d").ok()) << bad;
  }
  EXPECT_EQ(message(parse_duration("10 parsecs", "delay")),
            "delay: '10 parsecs' is not a duration (unknown unit; use ns, us, ms or s)");
  EXPECT_EQ(message(parse_duration("61s", "delay", 60'000'000'000)),
            "delay: '61s' is too long (at most 60s)");
  EXPECT_EQ(message(parse_duration("18446744073709551616ns", "d")),
            "d: '18446744073709551616ns' is not a duration (too large)");
}

TEST(UnitsDuration, FormatsAndRoundTrips) {
  EXPECT_EQ(format_duration(0), "0");
  EXPECT_EQ(format_duration(1'500'000), "1.5ms");
  for (uint64_t ns :
       std::initializer_list<uint64_t>{1, 999, 1001, 123456789, 60000000000, kUint64Max}) {
    auto back = parse_duration(format_duration(ns), "d");
    ASSERT_TRUE(back.ok()) << format_duration(ns);
    EXPECT_EQ(*back, ns);
  }
}

TEST(UnitsRate, UnitsAndLimits) {
  EXPECT_DOUBLE_EQ(*parse_rate_mbps("100", "bw"), 100);
  EXPECT_DOUBLE_EQ(*parse_rate_mbps("1gbit", "bw"), 1000);
  EXPECT_DOUBLE_EQ(*parse_rate_mbps("500kbit", "bw"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_rate_mbps("2.5 Mbps", "bw"), 2.5);
  for (const char* bad : {"inf", "nan", "-1", "-inf", "1e400", "", "fast", "10 furlongs"}) {
    EXPECT_FALSE(parse_rate_mbps(bad, "bw").ok()) << bad;
  }
  EXPECT_EQ(message(parse_rate_mbps("inf", "bw")), "bw: 'inf' is not a number");
  EXPECT_EQ(message(parse_rate_mbps("500gbit", "bw", 0, 400'000)),
            "bw: '500gbit' is out of range 0..400000 Mbit/s");
}

TEST(UnitsJson, IntegersFromAnyJsonShape) {
  EXPECT_EQ(*json_int(json(5), "ram"), 5);
  EXPECT_EQ(*json_int(json(5.0), "ram"), 5);
  EXPECT_EQ(*json_int(json("5"), "ram"), 5);
  EXPECT_EQ(*json_int(json(-5), "x", -10, 10), -5);
  EXPECT_EQ(message(json_int(json(18446744073709551615ull), "ram", 1, 1 << 20)),
            "ram: 18446744073709551615 is out of range 1..1048576");
  EXPECT_EQ(message(json_int(json(1e300), "ram")),
            "ram: 1e+300 is out of range -9223372036854775808..9223372036854775807");
  EXPECT_FALSE(json_int(json(5.5), "ram").ok());
  EXPECT_FALSE(json_int(json(true), "ram").ok());
  EXPECT_FALSE(json_int(json::array(), "ram").ok());
  EXPECT_FALSE(json_int(json(nullptr), "ram").ok());
  EXPECT_EQ(message(json_int(json::object(), "ram")), "ram: expected an integer, not object");
  EXPECT_DOUBLE_EQ(*json_number(json(0.5), "loss", 0, 100), 0.5);
  EXPECT_DOUBLE_EQ(*json_number(json("0.5"), "loss", 0, 100), 0.5);
  EXPECT_FALSE(json_number(json("inf"), "loss").ok());
  EXPECT_FALSE(json_number(json(1e300), "loss", 0, 100).ok());
  EXPECT_FALSE(json_number(json("x"), "loss").ok());
}

}  // namespace
}  // namespace chainlab
