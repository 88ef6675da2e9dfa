// The domain description generated from the node's state, against the reference's static file
// (../shared/fixtures/nffg-un/un-resource-description.json): the same shape where they overlap.
#include "frontends/unode/domain_description.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/files.h"

namespace chainlab::unode {
namespace {

using nlohmann::json;

TemplateRepository nat_and_dhcp() {
  TemplateRepository repo;
  for (const char* cap : {"nat", "dhcp"}) {
    json t = {{"functional-capability", cap},
              {"vnf-type", "native"},
              {"uri-image", std::string(cap) + ".tgz"},
              {"ports", {{{"position", "0-1"}}}}};
    EXPECT_TRUE(repo.add(*parse_template(t, cap)).ok());
  }
  return repo;
}

NodeDescription like_the_reference() {
  NodeDescription node;
  node.management_address = "127.0.0.1:8080";
  NodeInterface eth1;
  eth1.name = "eth1";
  eth1.neighbors.push_back({"eth1", "isp", "access-network"});
  node.interfaces.push_back(eth1);
  return node;
}

TEST(DomainDescriptionTest, TheReferencesShapeFromLiveState) {
  json ours = domain_description(like_the_reference(), nat_and_dhcp());
  const json& info = ours["netgroup-domain:informations"];
  EXPECT_EQ(info["type"], "universal_node");
  EXPECT_EQ(info["management-address"], "127.0.0.1:8080");
  const json& eth1 = info["hardware-informations"]["interfaces"]["interface"][0];
  EXPECT_EQ(eth1["name"], "eth1");
  EXPECT_EQ(eth1["netgroup-neighbor:neighbors"]["netgroup-neighbor:neighbor"][0]["domain-name"],
            "isp");
  EXPECT_EQ(eth1["netgroup-vlan:free-vlans"], "1-4094");
  const json& caps = info["capabilities"]["functional-capabilities"]["functional-capability"];
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(caps[0]["name"], "dhcp");
  EXPECT_EQ(caps[1]["template"], "nat.json");

  auto text =
      read_file(CHAINLAB_SOURCE_DIR "/../shared/fixtures/nffg-un/un-resource-description.json");
  if (!text.ok()) {
    GTEST_SKIP() << "../shared/fixtures/nffg-un not present next to the source tree";
  }
  json reference = json::parse(*text);
  // Every key path of the reference's file exists in ours (ours adds free VLANs and resources).
  std::function<void(const json&, const json&, const std::string&)> covers =
      [&](const json& ref, const json& got, const std::string& path) {
        if (ref.is_object()) {
          for (const auto& [k, v] : ref.items()) {
            ASSERT_TRUE(got.is_object() && got.contains(k)) << path << "." << k;
            covers(v, got[k], path + "." + k);
          }
        } else if (ref.is_array() && !ref.empty()) {
          ASSERT_TRUE(got.is_array() && !got.empty()) << path;
          covers(ref[0], got[0], path + "[0]");
        } else if (ref.is_number()) {
          EXPECT_TRUE(got.is_number()) << path;
        } else {
          EXPECT_EQ(ref.type(), got.type()) << path;
        }
      };
  covers(reference, ours, "");
}

TEST(DomainDescriptionTest, FreeVlansAndResourcesFollowTheState) {
  EXPECT_EQ(free_vlan_ranges({}), "1-4094");
  EXPECT_EQ(free_vlan_ranges({25}), "1-24,26-4094");
  EXPECT_EQ(free_vlan_ranges({1, 2, 4094}), "3-4093");
  EXPECT_EQ(free_vlan_ranges({2}), "1,3-4094");
  NodeDescription node = like_the_reference();
  node.interfaces[0].used_vlans = {25};
  node.free_cores = 1;
  node.total_cores = 2;
  node.free_memory_mb = 512;
  node.total_memory_mb = 1024;
  json info = domain_description(node, nat_and_dhcp())["netgroup-domain:informations"];
  EXPECT_EQ(info["hardware-informations"]["interfaces"]["interface"][0]["netgroup-vlan:free-vlans"],
            "1-24,26-4094");
  EXPECT_EQ(info["netgroup-domain:resources"]["cpu"]["free-cores"], 1);
  EXPECT_EQ(info["netgroup-domain:resources"]["memory"]["total-mb"], 1024);
}

}  // namespace
}  // namespace chainlab::unode
