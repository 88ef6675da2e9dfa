#include <gtest/gtest.h>

#include "frontends/sonata/package.h"
#include "zip_writer.h"

namespace chainlab::sonata {
namespace {

template <typename T>
void expect_invalid(const Result<T>& r, std::string_view substring) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
  EXPECT_NE(r.error().message.find(substring), std::string::npos) << r.error().message;
}

TEST(PackageDescriptors, VnfdWithResourcesAndLinks) {
  auto v = parse_vnfd(testing::vnfd_yaml("vnf-a"), "f/a.yml");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->source, "f/a.yml");
  EXPECT_EQ(v->vendor, "eu.chainlab");
  EXPECT_EQ(v->name, "vnf-a");
  EXPECT_EQ(v->version, "1.0");
  ASSERT_EQ(v->vdus.size(), 1u);
  const Vdu& vdu = v->vdus[0];
  EXPECT_EQ(vdu.id, "vdu01");
  EXPECT_EQ(vdu.image, "chainlab/vnf-a");
  EXPECT_EQ(vdu.image_format, "docker");
  EXPECT_EQ(vdu.resources.vcpus, 1);
  EXPECT_EQ(vdu.resources.cpu_bw, 0.5);
  EXPECT_EQ(vdu.resources.memory_mb, 512);
  EXPECT_EQ(vdu.connection_points.size(), 3u);
  ASSERT_EQ(v->virtual_links.size(), 3u);
  EXPECT_EQ(v->virtual_links[1].connectivity_type, "E-Line");
  EXPECT_EQ(v->virtual_links[1].connection_points,
            (std::vector<std::string>{"vdu01:input", "input"}));
}

TEST(PackageDescriptors, TangoKeysAndCloudNativeUnits) {
  auto v = parse_vnfd(R"(
vendor: eu.5gtango
name: cn
version: 2
monitoring_parameters: [{name: x}]
cloudnative_deployment_units:
  - id: cdu01
    image: nginx:latest
    vm_cmd_start: /start.sh
    vm_cmd_stop: /stop.sh
    resource_requirements:
      cpu: {vcpus: 2, cpu_bw: 1.5, cpuset: "0,1"}
      memory: {size: 1, size_unit: GiB}
      storage: {size: 512, size_unit: MB}
    parameters:
      env: {MODE: fast, LEVEL: 3}
    environment: {EXTRA: "yes"}
    connection_points:
      - {id: eth0, address: 10.0.0.5/24, port: 80, ports: [443, 8080]}
connection_points:
  - id: mgmt
virtual_links:
  - {id: l, connectivity_type: E-LAN, connection_points_reference: ['cdu01:eth0', ' mgmt  ']}
)",
                      "cn.yml");
  ASSERT_TRUE(v.ok()) << v.error().message;
  const Vdu& cdu = v->vdus.at(0);
  EXPECT_EQ(v->version, "2");
  EXPECT_EQ(cdu.image, "nginx:latest");
  EXPECT_EQ(cdu.image_format, "docker");
  EXPECT_EQ(cdu.cmd_start, "/start.sh");
  EXPECT_EQ(cdu.cmd_stop, "/stop.sh");
  EXPECT_EQ(cdu.resources.vcpus, 2);
  EXPECT_EQ(cdu.resources.cpu_bw, 1.5);
  EXPECT_EQ(cdu.resources.cpuset, "0,1");
  EXPECT_EQ(cdu.resources.memory_mb, 1024);
  EXPECT_EQ(cdu.resources.storage_gb, 0.5);
  EXPECT_EQ(cdu.env, (std::map<std::string, std::string>{
                         {"EXTRA", "yes"}, {"LEVEL", "3"}, {"MODE", "fast"}}));
  EXPECT_EQ(cdu.connection_points.at(0).address, "10.0.0.5/24");
  EXPECT_EQ(cdu.connection_points.at(0).ports, (std::vector<int>{80, 443, 8080}));
  EXPECT_EQ(v->virtual_links.at(0).connection_points.at(1), "mgmt");
}

TEST(PackageDescriptors, MemoryUnits) {
  for (auto [unit, mb] : std::vector<std::pair<std::string, double>>{
           {"", 3}, {"MB", 3}, {"MiB", 3}, {"GB", 3072}, {"GiB", 3072}, {"KB", 3.0 / 1024}}) {
    std::string unit_line = unit.empty() ? "" : ", size_unit: " + unit;
    auto v = parse_vnfd(fmt::format(R"(
vendor: v
name: n
version: 1
virtual_deployment_units:
  - id: u
    vm_image: img
    resource_requirements: {{memory: {{size: 3{}}}}}
)",
                                    unit_line),
                        "m.yml");
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_DOUBLE_EQ(v->vdus[0].resources.memory_mb, mb) << unit;
  }
}

TEST(PackageDescriptors, VnfdErrorsNameFileAndField) {
  std::string head = "vendor: v\nname: n\nversion: 1\n";
  expect_invalid(parse_vnfd(head, "a.yml"),
                 "a.yml: needs virtual_deployment_units or cloudnative_deployment_units");
  expect_invalid(parse_vnfd("vendor: v\nname: n\n", "a.yml"), "a.yml: missing key 'version'");
  expect_invalid(parse_vnfd(head + "virtual_deployment_units:\n  - id: u\n", "a.yml"),
                 "a.yml: virtual_deployment_units[0]: missing key 'vm_image'");
  expect_invalid(parse_vnfd(head + R"(virtual_deployment_units:
  - id: u
    vm_image: i
    resource_requirements: {memory: {size: lots}}
)",
                            "a.yml"),
                 "a.yml: virtual_deployment_units[0].resource_requirements.memory.size: 'lots' "
                 "is not a number");
  expect_invalid(parse_vnfd(head + R"(virtual_deployment_units:
  - id: u
    vm_image: i
    resource_requirements: {memory: {size: 1, size_unit: parsecs}}
)",
                            "a.yml"),
                 "memory.size_unit: unknown unit 'parsecs'");
  expect_invalid(parse_vnfd(head + R"(virtual_deployment_units:
  - id: u
    vm_image: i
    resource_requirements: {cpu: {vcpus: 1, cpu_bw: 2}}
)",
                            "a.yml"),
                 "resource_requirements.cpu.cpu_bw: 2 is not a CPU fraction");
  expect_invalid(parse_vnfd(head + R"(virtual_deployment_units:
  - id: u
    vm_image: i
    connection_points: [{id: eth0, address: 10.0.0.300/24}]
)",
                            "a.yml"),
                 "a.yml: virtual_deployment_units[0].connection_points[0].address: "
                 "'10.0.0.300/24' is not an address");
  expect_invalid(parse_vnfd(head + R"(virtual_deployment_units:
  - id: u
    vm_image: i
    connection_points: [{id: eth0, port: 70000}]
)",
                            "a.yml"),
                 "connection_points[0].port: port 70000 is out of range");
  expect_invalid(parse_vnfd("vendor: [unclosed\n", "a.yml"), "a.yml: not valid YAML: line");
  expect_invalid(parse_vnfd("- a list\n", "a.yml"), "a.yml: expected a mapping");
}

TEST(PackageDescriptors, VnfdLinkReferencesAreChecked) {
  std::string base = R"(vendor: v
name: n
version: 1
virtual_deployment_units:
  - id: vdu01
    vm_image: i
    connection_points: [{id: 'vdu01:cp01'}, {id: eth1}]
connection_points: [{id: input}]
virtual_links:
)";
  // The SONATA form (cp id 'vdu01:cp01') and the 5GTANGO form (vdu id + cp id) both resolve.
  EXPECT_TRUE(parse_vnfd(base + R"(  - {id: a, connectivity_type: E-Line,
       connection_points_reference: ['vdu01:cp01', input]}
  - {id: b, connectivity_type: E-LAN, connection_points_reference: ['vdu01:eth1', input]}
)",
                         "v.yml")
                  .ok());
  expect_invalid(parse_vnfd(base + R"(  - {id: a, connectivity_type: E-Line,
       connection_points_reference: ['vdu01:cp09', input]}
)",
                            "v.yml"),
                 "v.yml: virtual_links[0].connection_points_reference[0]: 'vdu01:cp09' is not a "
                 "connection point of a deployment unit");
  expect_invalid(parse_vnfd(base + R"(  - {id: a, connectivity_type: E-Line,
       connection_points_reference: ['vdu01:eth1', output]}
)",
                            "v.yml"),
                 "connection_points_reference[1]: 'output' is not a connection point of the VNFD");
  expect_invalid(parse_vnfd(base + R"(  - {id: a, connectivity_type: E-Line,
       connection_points_reference: ['vdu01:eth1', input, input]}
)",
                            "v.yml"),
                 "an E-Line connects exactly 2 connection points, not 3");
  expect_invalid(parse_vnfd(base + R"(  - {id: a, connectivity_type: E-Star,
       connection_points_reference: ['vdu01:eth1', input]}
)",
                            "v.yml"),
                 "virtual_links[0].connectivity_type: 'E-Star' is not one of");
}

TEST(PackageDescriptors, NsdValuesAndForwardingPathOrder) {
  auto n = parse_nsd(testing::nsd_yaml() + R"(forwarding_graphs:
  - fg_id: fg01
    constituent_vnfs: [vnf_a, vnf_b]
    constituent_virtual_links: [link-input, link-ab, link-output]
    network_forwarding_paths:
      - fp_id: fg01:fp01
        connection_points:
          - {connection_point_ref: 'vnf_a:input', position: 2}
          - {connection_point_ref: 'ns:input', position: 1}
          - {connection_point_ref: 'ns:output', position: 3}
)",
                     "nsd.yml");
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n->name, "test-service");
  ASSERT_EQ(n->network_functions.size(), 2u);
  EXPECT_EQ(n->network_functions[1].vnf_id, "vnf_b");
  EXPECT_EQ(n->network_functions[1].vnf_name, "vnf-b");
  EXPECT_EQ(n->connection_points.size(), 2u);
  EXPECT_EQ(n->virtual_links.size(), 3u);
  ASSERT_EQ(n->forwarding_graphs.size(), 1u);
  EXPECT_EQ(n->forwarding_graphs[0].vnfs, (std::vector<std::string>{"vnf_a", "vnf_b"}));
  EXPECT_EQ(n->forwarding_graphs[0].paths.at(0).connection_points,
            (std::vector<std::string>{"ns:input", "vnf_a:input", "ns:output"}));
}

TEST(PackageDescriptors, NsdErrors) {
  expect_invalid(parse_nsd("vendor: v\nname: n\nversion: 1\n", "nsd.yml"),
                 "nsd.yml: network_functions: is missing or empty");
  expect_invalid(parse_nsd(R"(vendor: v
name: n
version: 1
network_functions:
  - {vnf_id: a, vnf_vendor: v, vnf_name: x, vnf_version: 1}
  - {vnf_id: a, vnf_vendor: v, vnf_name: y, vnf_version: 1}
)",
                           "nsd.yml"),
                 "nsd.yml: network_functions[1].vnf_id: duplicate vnf_id 'a'");
  expect_invalid(parse_nsd(R"(vendor: v
name: n
version: 1
network_functions:
  - {vnf_id: a, vnf_vendor: v, vnf_name: x}
)",
                           "nsd.yml"),
                 "nsd.yml: network_functions[0]: missing key 'vnf_version'");
  expect_invalid(parse_nsd(testing::nsd_yaml("s", "vnf_c:output"), "nsd.yml"),
                 "nsd.yml: virtual_links[2].connection_points_reference[0]: 'vnf_c:output': "
                 "'vnf_c' is not a vnf_id of network_functions");
  expect_invalid(parse_nsd(testing::nsd_yaml("s", "ns:elsewhere"), "nsd.yml"),
                 "'ns:elsewhere' is not a connection point of the service");
  // Bare references name the service's connection points too ("input" for "ns:input").
  EXPECT_TRUE(parse_nsd(testing::nsd_yaml("s", "input"), "nsd.yml").ok());
}

TEST(PackageDescriptors, AliasExpansionIsBounded) {
  // 200 graphs x 200 paths x 1000 points through aliases: 4e7 items from a small file.
  std::string yaml = testing::nsd_yaml() + "p: &p {fp_id: x, connection_points: [";
  for (int i = 0; i < 1000; ++i) {
    yaml += "{connection_point_ref: 'ns:input'},";
  }
  yaml += "]}\ng: &g {fg_id: g, network_forwarding_paths: [";
  for (int i = 0; i < 200; ++i) {
    yaml += "*p,";
  }
  yaml += "]}\nforwarding_graphs: [";
  for (int i = 0; i < 200; ++i) {
    yaml += "*g,";
  }
  yaml += "]\n";
  // Refused while loading (common/yaml_load.h), before any list is walked.
  auto n = parse_nsd(yaml, "nsd.yml");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, ErrorCode::kInvalidArgument) << n.error().message;
  EXPECT_EQ(n.error().message, "nsd.yml: expands to more than 100000 nodes (aliases?)");
}

}  // namespace
}  // namespace chainlab::sonata
