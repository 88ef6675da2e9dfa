#include <gtest/gtest.h>

#include "emulator/match_parse.h"
#include "frontends/openstack/sfc.h"

namespace chainlab::openstack {
namespace {

FlowClassifier normalised(FlowClassifierCreate fc) {
  auto r = normalise_classifier(fc);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : FlowClassifier{};
}

ErrorCode refused(FlowClassifierCreate fc) {
  auto r = normalise_classifier(fc);
  EXPECT_FALSE(r.ok());
  return r.ok() ? ErrorCode::kInternal : r.error().code;
}

TEST(SfcClassifier, DefaultsToIpv4AndMatchesEveryIpPacket) {
  auto fc = normalised({});
  EXPECT_EQ(fc.ethertype, "IPv4");
  EXPECT_EQ(classifier_match(fc), "dl_type=0x0800");
}

TEST(SfcClassifier, ProtocolPrefixesAndSinglePorts) {
  FlowClassifierCreate req;
  req.protocol = "TCP";
  req.source_ip_prefix = "10.0.0.5/24";
  req.destination_ip_prefix = "10.0.1.7";
  req.destination_port_range_min = 80;
  req.destination_port_range_max = 80;
  auto fc = normalised(req);
  EXPECT_EQ(fc.protocol, "tcp");
  EXPECT_EQ(fc.source_ip_prefix, "10.0.0.0/24") << "stored in network form";
  EXPECT_EQ(fc.destination_ip_prefix, "10.0.1.7/32");
  std::string m = classifier_match(fc);
  EXPECT_EQ(m, "dl_type=0x0800,nw_proto=6,nw_src=10.0.0.0/24,nw_dst=10.0.1.7/32,tp_dst=80");
  EXPECT_TRUE(emulator::parse_match(m).ok()) << "the emulator accepts it";
  EXPECT_EQ(classifier_match(fc, true),
            "dl_type=0x0800,nw_proto=6,nw_src=10.0.1.7/32,nw_dst=10.0.0.0/24,tp_src=80");
}

TEST(SfcClassifier, ProtocolNamesAndNumbers) {
  FlowClassifierCreate req;
  req.protocol = "icmp";
  EXPECT_EQ(classifier_match(normalised(req)), "dl_type=0x0800,nw_proto=1");
  req.protocol = "47";
  EXPECT_EQ(classifier_match(normalised(req)), "dl_type=0x0800,nw_proto=47");
  req.protocol = "256";
  EXPECT_EQ(refused(req), ErrorCode::kInvalidArgument);
  req.protocol = "bogus";
  EXPECT_EQ(refused(req), ErrorCode::kInvalidArgument);
}

TEST(SfcClassifier, WholeRangeMatchesEveryPort) {
  FlowClassifierCreate req;
  req.protocol = "udp";
  req.source_port_range_min = 1;
  req.source_port_range_max = 65535;
  EXPECT_EQ(classifier_match(normalised(req)), "dl_type=0x0800,nw_proto=17");
}

TEST(SfcClassifier, RefusesWhatTheMatchCannotExpress) {
  FlowClassifierCreate req;
  req.protocol = "tcp";
  req.destination_port_range_min = 80;
  req.destination_port_range_max = 90;
  EXPECT_EQ(refused(req), ErrorCode::kInvalidArgument) << "a range wider than one port";

  req.destination_port_range_min = 90;
  req.destination_port_range_max = 80;
  EXPECT_EQ(refused(req), ErrorCode::kInvalidArgument) << "min > max";

  req.destination_port_range_min = 70000;
  req.destination_port_range_max = 70000;
  EXPECT_EQ(refused(req), ErrorCode::kInvalidArgument) << "out of range";

  FlowClassifierCreate icmp_ports;
  icmp_ports.protocol = "icmp";
  icmp_ports.destination_port_range_min = 80;
  icmp_ports.destination_port_range_max = 80;
  EXPECT_EQ(refused(icmp_ports), ErrorCode::kInvalidArgument) << "ports need tcp/udp/sctp";

  FlowClassifierCreate bad_prefix;
  bad_prefix.source_ip_prefix = "10.0.0.300/24";
  EXPECT_EQ(refused(bad_prefix), ErrorCode::kInvalidArgument);

  FlowClassifierCreate v6_prefix;
  v6_prefix.source_ip_prefix = "fd00::/64";
  EXPECT_EQ(refused(v6_prefix), ErrorCode::kInvalidArgument) << "IPv6 prefix, IPv4 classifier";

  FlowClassifierCreate ethertype;
  ethertype.ethertype = "IPX";
  EXPECT_EQ(refused(ethertype), ErrorCode::kInvalidArgument);

  FlowClassifierCreate l7;
  l7.l7_parameters["url"] = "/";
  EXPECT_EQ(refused(l7), ErrorCode::kInvalidArgument);

  FlowClassifierCreate same;
  same.logical_source_port = same.logical_destination_port = "p";
  EXPECT_EQ(refused(same), ErrorCode::kInvalidArgument);
}

TEST(SfcClassifier, Ipv6MatchesEthertypeAndProtocol) {
  FlowClassifierCreate req;
  req.ethertype = "IPv6";
  req.protocol = "icmpv6";
  std::string m = classifier_match(normalised(req));
  EXPECT_EQ(m, "dl_type=0x86dd,nw_proto=58");
  EXPECT_TRUE(emulator::parse_match(m).ok());
}

}  // namespace
}  // namespace chainlab::openstack
