#include "cli/monitor_request.h"

#include <gtest/gtest.h>

namespace chainlab::cli {
namespace {

using nlohmann::json;

TEST(CliMonitorRequest, InterfaceStartIsPutWithSonemuQuery) {
  auto r = watch_request({"vnf1:input", "rx_bytes", ""}, MonitorVerb::kStart, /*flow=*/false);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->del);
  EXPECT_EQ(r->path, "/restapi/monitor/interface");
  EXPECT_EQ(r->query,
            (Query{{"vnf_name", "vnf1"}, {"vnf_interface", "input"}, {"metric", "rx_bytes"}}));
  EXPECT_TRUE(r->body.is_null());
  EXPECT_EQ(with_query(r->path, r->query),
            "/restapi/monitor/interface?vnf_name=vnf1&vnf_interface=input&metric=rx_bytes");
}

TEST(CliMonitorRequest, StopIsDeleteNotSonemusPut) {
  auto r = watch_request({"vnf1:input", "rx_bytes", ""}, MonitorVerb::kStop, false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->del);
  EXPECT_EQ(r->path, "/restapi/monitor/interface");
}

TEST(CliMonitorRequest, OmitsWhatIsNotGiven) {
  auto r = watch_request({"vnf1", "", "5"}, MonitorVerb::kStart, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->query, (Query{{"vnf_name", "vnf1"}}));  // no cookie on an interface
}

TEST(CliMonitorRequest, FlowCarriesTheCookie) {
  auto r = watch_request({"vnf1:output", "tx_packets", "0042"}, MonitorVerb::kStop, true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->del);
  EXPECT_EQ(r->path, "/restapi/monitor/flow");
  EXPECT_EQ(r->query, (Query{{"vnf_name", "vnf1"},
                             {"vnf_interface", "output"},
                             {"metric", "tx_packets"},
                             {"cookie", "42"}}));
}

TEST(CliMonitorRequest, RefusesBadInputBeforeSending) {
  EXPECT_EQ(watch_request({"vnf1", "rx_bits", ""}, MonitorVerb::kStart, false).error().message,
            "--metric: 'rx_bits' is not tx_packets, rx_packets, tx_bytes or rx_bytes");
  EXPECT_EQ(watch_request({"vnf1", "", "-1"}, MonitorVerb::kStart, true).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(watch_request({"vnf1", "", "1e3"}, MonitorVerb::kStart, true).ok());
  EXPECT_FALSE(watch_request({"vnf1", "", "18446744073709551616"}, MonitorVerb::kStart, true).ok());
  EXPECT_FALSE(watch_request({"", "", ""}, MonitorVerb::kStart, false).ok());
  EXPECT_FALSE(watch_request({":eth0", "", ""}, MonitorVerb::kStart, false).ok());
}

TEST(CliMonitorRequest, LinkIsAChainBodyWithMetricAndPlacement) {
  LinkWatchArgs args;
  args.chain.src = "vnf1:output";
  args.chain.dst = "vnf2:input";
  args.chain.cookie = 33;
  args.chain.bidirectional = true;
  args.metric = "rx_packets";
  args.placement = "rx";
  auto r = link_request(args, MonitorVerb::kStart);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->del);
  EXPECT_EQ(r->path, "/restapi/monitor/link");
  EXPECT_TRUE(r->query.empty());
  EXPECT_EQ(r->body, json::parse(R"({"vnf_src_name": "vnf1", "vnf_src_interface": "output",
    "vnf_dst_name": "vnf2", "vnf_dst_interface": "input", "bidirectional": true, "cookie": 33,
    "metric": "rx_packets", "monitor_placement": "rx"})"));
  auto stop = link_request(args, MonitorVerb::kStop);
  ASSERT_TRUE(stop.ok());
  EXPECT_TRUE(stop->del);
  EXPECT_EQ(stop->body, r->body);
}

TEST(CliMonitorRequest, LinkDefaultsAndErrors) {
  LinkWatchArgs args;
  args.chain.src = "a";
  args.chain.dst = "b";
  auto r = link_request(args, MonitorVerb::kStart);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, json::parse(R"({"vnf_src_name": "a", "vnf_dst_name": "b",
                                     "monitor_placement": "tx"})"));
  args.placement = "both";
  EXPECT_EQ(link_request(args, MonitorVerb::kStart).error().message,
            "--placement: 'both' is not tx or rx");
  args.placement = "tx";
  args.metric = "packets";
  EXPECT_FALSE(link_request(args, MonitorVerb::kStart).ok());
  args.metric = "";
  args.chain.weight = "latency";
  EXPECT_FALSE(link_request(args, MonitorVerb::kStart).ok());
}

}  // namespace
}  // namespace chainlab::cli
