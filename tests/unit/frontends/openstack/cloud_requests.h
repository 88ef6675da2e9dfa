// Request builders for tests that drive an openstack::Cloud directly (unit tests against
// FakeControl and integration scenarios on a real emulation): a network with its subnet, a port,
// a server on ports or networks, a security group rule. Failures are reported with EXPECT and give
// "" / the error.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "frontends/openstack/cloud.h"

namespace chainlab::testing {

// A network with one subnet `<name>-subnet` over `cidr`; the network id ("" on failure).
inline std::string network_with_subnet(openstack::Cloud& cloud, const std::string& name,
                                       const std::string& cidr) {
  openstack::NetworkCreate nc;
  nc.name = name;
  auto n = cloud.create_network(nc);
  EXPECT_TRUE(n.ok()) << n.error().message;
  if (!n.ok()) {
    return "";
  }
  openstack::SubnetCreate sc;
  sc.network_id = n->id;
  sc.name = name + "-subnet";
  sc.cidr = cidr;
  auto s = cloud.create_subnet(sc);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return n->id;
}

// A port `name` on a network; its id ("" on failure).
inline std::string port_on(openstack::Cloud& cloud, const std::string& network_id,
                           const std::string& name) {
  openstack::PortCreate pc;
  pc.network_id = network_id;
  pc.name = name;
  auto p = cloud.create_port(pc);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return p.ok() ? p->id : "";
}

// An m1.tiny server with one NIC per existing port.
inline Result<openstack::Server> server_on_ports(openstack::Cloud& cloud, const std::string& name,
                                                 const std::vector<std::string>& ports) {
  openstack::ServerCreate sc;
  sc.name = name;
  sc.flavor = "m1.tiny";
  for (const auto& p : ports) {
    sc.nics.push_back(openstack::ServerNic{p, "", ""});
  }
  return cloud.create_server(sc);
}

// An m1.tiny server with one NIC (a new port) per network.
inline Result<openstack::Server> server_on_networks(openstack::Cloud& cloud,
                                                    const std::string& name,
                                                    const std::vector<std::string>& networks) {
  openstack::ServerCreate sc;
  sc.name = name;
  sc.flavor = "m1.tiny";
  for (const auto& n : networks) {
    sc.nics.push_back(openstack::ServerNic{"", n, ""});
  }
  return cloud.create_server(sc);
}

// An ingress rule of `group` for `protocol` (and one port, or an ICMP type).
inline Result<openstack::SecurityGroupRule> allow_ingress(openstack::Cloud& cloud,
                                                          const std::string& group,
                                                          const std::string& protocol,
                                                          std::optional<int> port = {}) {
  openstack::SecurityGroupRuleCreate r;
  r.security_group_id = group;
  r.direction = "ingress";
  r.protocol = protocol;
  r.port_range_min = r.port_range_max = port;
  return cloud.create_security_group_rule(r);
}

}  // namespace chainlab::testing
