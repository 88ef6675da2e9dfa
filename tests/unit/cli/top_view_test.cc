#include "cli/top_view.h"

#include <gtest/gtest.h>

#include <limits>

namespace chainlab::cli {
namespace {

using nlohmann::json;

// The shapes of GET /restapi/monitor/instances and /interfaces (monitor_views.cc).
const char* kInstances = R"({"time_ms": 1795930764850, "instances": [
  {"pop": "dc2", "instance": "web", "state": "running", "cpu_cores": 0.2049,
   "cpu_seconds": 3.5, "cpu_limit_cores": 0.25, "memory_bytes": 3145728,
   "memory_limit_bytes": 268435456, "processes": 3},
  {"pop": "dc1", "instance": "fw", "state": "running", "cpu_cores": 0.0,
   "cpu_seconds": 0.01, "cpu_limit_cores": 0.0, "memory_bytes": 524288,
   "memory_limit_bytes": 0, "processes": 1},
  {"pop": "dc1", "instance": "idle", "state": "exited", "cpu_cores": 0.0,
   "cpu_limit_cores": 0.0, "memory_bytes": 0, "memory_limit_bytes": 0, "processes": 0}
]})";

const char* kInterfaces = R"({"time_ms": 1795930764850, "interfaces": [
  {"pop": "dc1", "instance": "fw", "interface": "in",
   "rx": {"packets": 10, "bytes": 980, "packets_per_s": 5.0, "bytes_per_s": 490.0,
          "dropped": 0, "dropped_per_s": 0.0},
   "tx": {"packets": 0, "bytes": 0, "packets_per_s": 0.0, "bytes_per_s": 0.0,
          "dropped": 0, "dropped_per_s": 0.0}},
  {"pop": "dc2", "instance": "web", "interface": "eth0",
   "rx": {"packets": 1, "bytes": 2, "packets_per_s": 812.4, "bytes_per_s": 1234567.0},
   "tx": {"packets": 1, "bytes": 2, "packets_per_s": 4.94, "bytes_per_s": 12500.0}},
  {"pop": "dc1", "instance": "fw", "interface": "out",
   "rx": {"packets_per_s": 0.0, "bytes_per_s": 0.0},
   "tx": {"packets_per_s": 5.0, "bytes_per_s": 490.0}},
  {"pop": "dc9", "instance": "fw", "interface": "elsewhere", "rx": {}, "tx": {}}
]})";

TEST(CliTopView, MergesInterfacesIntoTheirInstanceSortedByPopAndName) {
  json merged = merge_top(json::parse(kInstances), json::parse(kInterfaces), "");
  EXPECT_EQ(merged["time_ms"], 1795930764850);
  ASSERT_EQ(merged["instances"].size(), 3u);
  const json& fw = merged["instances"][0];
  EXPECT_EQ(fw["instance"], "fw");
  EXPECT_EQ(fw["pop"], "dc1");
  EXPECT_EQ(fw["cpu_seconds"], 0.01);
  ASSERT_EQ(fw["interfaces"].size(), 2u);  // not dc9's "fw"
  EXPECT_EQ(fw["interfaces"][0], json::parse(R"({"interface": "in",
              "rx": {"packets": 10, "bytes": 980, "packets_per_s": 5.0, "bytes_per_s": 490.0,
                     "dropped": 0, "dropped_per_s": 0.0},
              "tx": {"packets": 0, "bytes": 0, "packets_per_s": 0.0, "bytes_per_s": 0.0,
                     "dropped": 0, "dropped_per_s": 0.0}})"));
  EXPECT_EQ(fw["interfaces"][1]["interface"], "out");
  EXPECT_EQ(merged["instances"][1]["instance"], "idle");
  EXPECT_EQ(merged["instances"][1]["interfaces"], json::array());
  EXPECT_EQ(merged["instances"][2]["instance"], "web");
}

TEST(CliTopView, FiltersByPop) {
  json merged = merge_top(json::parse(kInstances), json::parse(kInterfaces), "dc2");
  ASSERT_EQ(merged["instances"].size(), 1u);
  EXPECT_EQ(merged["instances"][0]["instance"], "web");
  EXPECT_EQ(merge_top(json::parse(kInstances), json::parse(kInterfaces), "dc7")["instances"],
            json::array());
}

TEST(CliTopView, Table) {
  json merged = merge_top(json::parse(kInstances), json::parse(kInterfaces), "");
  // The instance columns, then the interface columns.
  EXPECT_EQ(top_table(merged).render(),
            "INSTANCE  POP  STATE    CPU %  CPU LIMIT  MEM     MEM LIMIT  PIDS  "
            "INTERFACE  RX       RX PKT/S  TX        TX PKT/S\n"
            "fw        dc1  running  0.0    -          512KiB  -          1     "
            "in         490B/s   5         0B/s      0\n"
            "                                                                   "
            "out        0B/s     0         490B/s    5\n"
            "idle      dc1  exited   0.0    -          0B      -          0     "
            "-          -        -         -         -\n"
            "web       dc2  running  20.5   0.25       3MiB    256MiB     3     "
            "eth0       1.2MB/s  812       12.5kB/s  4.9\n");
}

TEST(CliTopView, MalformedViewsGiveAnEmptyTable) {
  EXPECT_TRUE(top_table(merge_top(json(), json(), "")).empty());
  EXPECT_TRUE(top_table(merge_top(json::parse(R"({"instances": 7})"), json(), "")).empty());
  json odd = merge_top(json::parse(R"({"instances": [{"instance": "x", "cpu_cores": "lots"}]})"),
                       json::parse(R"({"interfaces": [{"pop": null, "instance": "x"}]})"), "");
  EXPECT_EQ(top_table(odd).render(),
            "INSTANCE  POP  STATE  CPU %  CPU LIMIT  MEM  MEM LIMIT  PIDS  INTERFACE  RX    RX "
            "PKT/S  TX    TX PKT/S\n"
            "x         -    -      0.0    -          0B   -          0     -          0B/s  0     "
            "    0B/s  0\n");
}

TEST(CliTopView, HumanUnits) {
  EXPECT_EQ(human_bytes(0), "0B");
  EXPECT_EQ(human_bytes(1023), "1023B");
  EXPECT_EQ(human_bytes(1536), "1.5KiB");
  EXPECT_EQ(human_bytes(3.0 * (1 << 30)), "3GiB");
  EXPECT_EQ(human_bytes(500.0 * (1 << 20)), "500MiB");
  EXPECT_EQ(human_bytes(-5), "0B");
  EXPECT_EQ(human_rate(0), "0B/s");
  EXPECT_EQ(human_rate(999), "999B/s");
  EXPECT_EQ(human_rate(12500), "12.5kB/s");
  EXPECT_EQ(human_rate(1.3e9), "1.3GB/s");
  EXPECT_EQ(human_rate(std::numeric_limits<double>::quiet_NaN()), "0B/s");
  EXPECT_EQ(human_count(0), "0");
  EXPECT_EQ(human_count(4.94), "4.9");
  EXPECT_EQ(human_count(5.0), "5");
  EXPECT_EQ(human_count(1250.4), "1250");
}

}  // namespace
}  // namespace chainlab::cli
