#include <gtest/gtest.h>

#include "frontends/sonata/package.h"
#include "zip_writer.h"

namespace chainlab::sonata {
namespace {

using testing::Files;
using testing::make_zip;
using testing::nsd_yaml;
using testing::sonata_files;
using testing::tango_files;
using testing::vnfd_yaml;
using testing::zip_entries;

void expect_error(const Result<Package>& r, ErrorCode code, std::string_view substring) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(substring), std::string::npos) << r.error().message;
}

PackageLimits lenient_md5() {
  PackageLimits limits;
  limits.verify_md5 = false;
  return limits;
}

#define LOAD_FIXTURE(var, rel)                                              \
  auto var = testing::read_fixture(rel);                                    \
  if (!var) {                                                               \
    GTEST_SKIP() << "fixture " << testing::fixture_path(rel) << " missing"; \
  }

TEST(PackageFixtures, SonataDemoService) {
  LOAD_FIXTURE(bytes, "sonata/sonata-demo-service.son");
  // Its md5 sums predate the licence headers added to the descriptors later.
  expect_error(parse_package(*bytes), ErrorCode::kInvalidArgument,
               "service_descriptors/nsd.yml: md5 is c254a201d6c781c07619cef3f9aa1431 but "
               "META-INF/MANIFEST.MF package_content[0] says a11211b3113c42d8ed95693c9934023b");
  auto p = parse_package(*bytes, lenient_md5());
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->format, PackageFormat::kSonata);
  EXPECT_EQ(p->vendor, "eu.sonata-nfv.package");
  EXPECT_EQ(p->name, "sonata-empty-service");
  EXPECT_EQ(p->version, "0.3");
  EXPECT_EQ(p->size, 6345u);
  EXPECT_EQ(p->sha1, "3a7a3a8f77b6618b0b85e94c666e0fc1502961ad");
  const Nsd& nsd = p->nsd;
  EXPECT_EQ(nsd.source, "service_descriptors/nsd.yml");
  EXPECT_EQ(nsd.vendor, "eu.sonata-nfv");
  EXPECT_EQ(nsd.name, "sonata-empty-service");
  EXPECT_EQ(nsd.version, "0.1");
  EXPECT_EQ(nsd.description, "Example service with three chained empty VNFs");
  ASSERT_EQ(nsd.network_functions.size(), 3u);
  EXPECT_EQ(nsd.network_functions[0].vnf_id, "empty_vnf1");
  EXPECT_EQ(nsd.network_functions[2].vnf_name, "empty-vnf3");
  ASSERT_EQ(nsd.connection_points.size(), 3u);
  EXPECT_EQ(nsd.connection_points[1].id, "ns:input");
  EXPECT_EQ(nsd.connection_points[1].type, "external");
  ASSERT_EQ(nsd.virtual_links.size(), 5u);
  EXPECT_EQ(nsd.virtual_links[0].id, "mgmt");
  EXPECT_EQ(nsd.virtual_links[0].connectivity_type, "E-LAN");
  EXPECT_EQ(nsd.virtual_links[0].connection_points.size(), 4u);
  EXPECT_EQ(nsd.virtual_links[1].connection_points,
            (std::vector<std::string>{"ns:input", "empty_vnf1:input"}));
  ASSERT_EQ(nsd.forwarding_graphs.size(), 1u);
  EXPECT_EQ(nsd.forwarding_graphs[0].id, "ns:fg01");
  ASSERT_EQ(nsd.forwarding_graphs[0].paths.size(), 1u);
  EXPECT_EQ(nsd.forwarding_graphs[0].paths[0].id, "ns:fg01:fp01");
  EXPECT_EQ(nsd.forwarding_graphs[0].paths[0].connection_points.size(), 8u);
  EXPECT_EQ(nsd.forwarding_graphs[0].paths[0].connection_points.back(), "ns:output");

  ASSERT_EQ(p->vnfds.size(), 3u);
  for (const NetworkFunctionRef& nf : nsd.network_functions) {
    const Vnfd* v = p->vnfd_for(nf);
    ASSERT_NE(v, nullptr) << nf.vnf_id;
    EXPECT_EQ(v->name, nf.vnf_name);
    EXPECT_EQ(v->vendor, "eu.sonata-nfv");
    EXPECT_EQ(v->connection_points.size(), 3u);
    ASSERT_EQ(v->vdus.size(), 1u);
    EXPECT_EQ(v->vdus[0].id, "1");
    EXPECT_EQ(v->vdus[0].image, "sonatanfv/sonata-empty-vnf");
    EXPECT_EQ(v->vdus[0].image_format, "docker");
    EXPECT_EQ(v->vdus[0].resources.vcpus, 1);
    EXPECT_FALSE(v->vdus[0].resources.cpu_bw.has_value());
    EXPECT_EQ(v->vdus[0].resources.memory_mb, 2048);
    EXPECT_EQ(v->vdus[0].resources.storage_gb, 10);
    EXPECT_EQ(v->vdus[0].connection_points.at(0).id, "vdu01:cp01");
    ASSERT_EQ(v->virtual_links.size(), 3u);
  }
  const Vnfd* vnf1 = p->vnfd_for(nsd.network_functions[0]);
  EXPECT_EQ(vnf1->source, "function_descriptors/empty-vnf1-vnfd.yml");
  // The fixture writes 'output   '; references are trimmed.
  EXPECT_EQ(vnf1->virtual_links[2].connection_points,
            (std::vector<std::string>{"vdu01:cp03", "output"}));
}

TEST(PackageFixtures, TangoExampleService) {
  LOAD_FIXTURE(bytes, "tango/eu.5gtango.emulator-example-service.0.1.tgo");
  auto p = parse_package(*bytes);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->format, PackageFormat::kTango);
  EXPECT_EQ(p->vendor, "eu.5gtango");
  EXPECT_EQ(p->name, "emulator-example-service");
  EXPECT_EQ(p->version, "0.1");
  EXPECT_EQ(p->size, 4876u);
  EXPECT_EQ(p->sha1, "b4fb70458cf70d378c134cef6df0f7915bf3db3e");
  const Nsd& nsd = p->nsd;
  EXPECT_EQ(nsd.source, "Definitions/tango_emulator_example.yml");
  EXPECT_EQ(nsd.name, "emulator_example");
  EXPECT_EQ(nsd.version, "0.9");
  ASSERT_EQ(nsd.network_functions.size(), 2u);
  EXPECT_EQ(nsd.network_functions[1].vnf_id, "vnf1");
  EXPECT_EQ(nsd.connection_points.size(), 3u);
  ASSERT_EQ(nsd.virtual_links.size(), 4u);
  EXPECT_EQ(nsd.virtual_links[1].connection_points,
            (std::vector<std::string>{"input", "vnf0:input"}));
  ASSERT_EQ(nsd.forwarding_graphs.size(), 1u);
  EXPECT_EQ(nsd.forwarding_graphs[0].paths.at(0).connection_points,
            (std::vector<std::string>{"input", "vnf0:input", "vnf0:output", "vnf1:input",
                                      "vnf1:output", "output"}));
  ASSERT_EQ(p->vnfds.size(), 2u);
  const Vnfd* vnf0 = p->vnfd_for(nsd.network_functions[0]);
  ASSERT_NE(vnf0, nullptr);
  EXPECT_EQ(vnf0->name, "default-vnf0");
  EXPECT_EQ(vnf0->source, "Definitions/tango_default-vnf0.yml");
  EXPECT_EQ(vnf0->description, "A VNF based on ubuntu:trusty");
  ASSERT_EQ(vnf0->vdus.size(), 1u);
  EXPECT_EQ(vnf0->vdus[0].id, "vdu01");
  EXPECT_EQ(vnf0->vdus[0].image, "ubuntu:trusty");
  EXPECT_EQ(vnf0->vdus[0].resources.memory_mb, 1024);
  EXPECT_EQ(vnf0->vdus[0].connection_points.size(), 3u);
  EXPECT_NE(p->vnfd_for(nsd.network_functions[1]), nullptr);
}

TEST(PackageFixtures, SonataDemoDockerIsRefusedWithAReason) {
  LOAD_FIXTURE(bytes, "sonata/sonata-demo-docker.son");
  // An older son-cli manifest (package_name...): its md5 sums are stale too, and its NSD asks
  // for version 0.1 of VNFs the package ships as 0.2, so it cannot be resolved.
  expect_error(parse_package(*bytes), ErrorCode::kInvalidArgument,
               "service_descriptors/sonata-demo.yml: md5 is");
  expect_error(parse_package(*bytes, lenient_md5()), ErrorCode::kInvalidArgument,
               "service_descriptors/sonata-demo.yml: network_functions[0]: no VNFD "
               "eu.sonata-nfv/firewall-vnf/0.1 in the package (it has: ");
}

TEST(Package, BuiltSonataAndTangoPackagesParse) {
  auto s = parse_package(make_zip(sonata_files()));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->format, PackageFormat::kSonata);
  EXPECT_EQ(s->name, "test-package");
  EXPECT_EQ(s->vnfds.size(), 2u);
  auto t = parse_package(make_zip(tango_files()));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->format, PackageFormat::kTango);
  EXPECT_EQ(t->nsd.name, "test-service");
}

TEST(Package, EntryServiceTemplateMayBeAFileUrl) {
  Files f = sonata_files();
  std::string& m = f["META-INF/MANIFEST.MF"];
  m.replace(m.find("/service_descriptors/nsd.yml"), 1, "file:///");
  auto p = parse_package(make_zip(f));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->nsd.source, "service_descriptors/nsd.yml");
}

TEST(PackageHostile, UnsafeArchivesAreRefusedBeforeParsing) {
  Files f = sonata_files();
  f["../evil"] = "x";
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument, "'../evil'");
  f = sonata_files();
  f["/etc/evil"] = "x";
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "'/etc/evil': absolute path");
  std::string zip = zip_entries({testing::zsymlink("service_descriptors/nsd.yml", "/etc/passwd")});
  expect_error(parse_package(zip), ErrorCode::kInvalidArgument, "symbolic link");
  std::string bomb = zip_entries({testing::zfile("META-INF/MANIFEST.MF", "name: x\n"),
                                  testing::zzeros("service_descriptors/nsd.yml", 50u << 20)});
  expect_error(parse_package(bomb), ErrorCode::kResourceExhausted, "nsd.yml");
  PackageLimits few;
  few.max_entries = 3;
  expect_error(parse_package(make_zip(sonata_files()), few), ErrorCode::kResourceExhausted,
               "more than 3 entries");
  std::string good = make_zip(sonata_files());
  expect_error(parse_package(std::string_view(good).substr(0, good.size() - 7)),
               ErrorCode::kInvalidArgument, "zip");
  expect_error(parse_package("PK\x03\x04 but not really"), ErrorCode::kInvalidArgument,
               "not a zip archive");
}

TEST(PackageHostile, NotAServicePackage) {
  expect_error(parse_package(make_zip(Files{{"readme.txt", "hi"}})), ErrorCode::kInvalidArgument,
               "not a service package");
  expect_error(parse_package(make_zip(Files{{"TOSCA-Metadata/TOSCA.meta", "x"}})),
               ErrorCode::kInvalidArgument, "TOSCA-Metadata/NAPD.yaml: missing");
}

TEST(PackageHostile, BadYamlInNsd) {
  expect_error(parse_package(make_zip(sonata_files("name: [broken\n"))),
               ErrorCode::kInvalidArgument, "service_descriptors/nsd.yml: not valid YAML: line");
  expect_error(parse_package(make_zip(tango_files("vendor: v\nname: n\n"))),
               ErrorCode::kInvalidArgument, "Definitions/nsd.yml: missing key 'version'");
}

TEST(PackageHostile, NsdMissing) {
  Files f = sonata_files();
  f.erase("service_descriptors/nsd.yml");
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "META-INF/MANIFEST.MF: package_content[");
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "'service_descriptors/nsd.yml' is not in the package");
  f = tango_files();
  std::string& napd = f["TOSCA-Metadata/NAPD.yaml"];
  napd.replace(napd.find("vnd.5gtango.nsd"), 15, "vnd.5gtango.doc");
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "TOSCA-Metadata/NAPD.yaml: package_content lists no application/vnd.5gtango.nsd");
}

TEST(PackageHostile, VnfdMissingForANetworkFunction) {
  Files f = sonata_files(nsd_yaml(), vnfd_yaml("vnf-a"), vnfd_yaml("vnf-c"));
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "service_descriptors/nsd.yml: network_functions[1]: no VNFD "
               "eu.chainlab/vnf-b/1.0 in the package (it has: eu.chainlab/vnf-a/1.0, "
               "eu.chainlab/vnf-c/1.0)");
}

TEST(PackageHostile, WrongMd5) {
  Files f = sonata_files();
  f["function_descriptors/vnf-b.yml"] += "# tampered\n";
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "function_descriptors/vnf-b.yml: md5 is");
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "but META-INF/MANIFEST.MF package_content[");
  EXPECT_TRUE(parse_package(make_zip(f), lenient_md5()).ok());
}

TEST(PackageHostile, WrongSha256) {
  Files f = tango_files();
  f["Definitions/vnf-a.yml"] += "# tampered\n";
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "Definitions/vnf-a.yml: SHA-256 is");
  expect_error(parse_package(make_zip(f), lenient_md5()), ErrorCode::kInvalidArgument,
               "Definitions/vnf-a.yml: SHA-256 is");
  f = tango_files();
  std::string& napd = f["TOSCA-Metadata/NAPD.yaml"];
  napd.replace(napd.find("hash: ") + 6, 4, "zzzz");
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "TOSCA-Metadata/NAPD.yaml: package_content[0].hash: 'zzzz");
}

TEST(PackageHostile, BadStaticAddress) {
  Files f = tango_files(nsd_yaml(), vnfd_yaml("vnf-a", "", "\n        address: 10.1.2.3/33"));
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "Definitions/vnf-a.yml: virtual_deployment_units[0].connection_points[2].address: "
               "'10.1.2.3/33' is not an address in CIDR form");
  f = tango_files(nsd_yaml(), vnfd_yaml("vnf-a", "", "\n        address: 10.1.2.3/24"));
  auto p = parse_package(make_zip(f));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->vnfds.at(0).vdus.at(0).connection_points.at(2).address, "10.1.2.3/24");
}

TEST(PackageHostile, UnknownConnectionPointReference) {
  Files f = sonata_files(nsd_yaml("s", "vnf_b:outptu"));
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "service_descriptors/nsd.yml: virtual_links[2].connection_points_reference[0]: "
               "'vnf_b:outptu': VNFD eu.chainlab/vnf-b/1.0 (function_descriptors/vnf-b.yml) has "
               "no connection point 'outptu'");
  f = sonata_files(nsd_yaml("s", "nobody:output"));
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "'nobody' is not a vnf_id of network_functions");
}

TEST(PackageHostile, DuplicateVnfd) {
  Files f = sonata_files(nsd_yaml(), vnfd_yaml("vnf-a"), vnfd_yaml("vnf-a"));
  expect_error(parse_package(make_zip(f)), ErrorCode::kInvalidArgument,
               "VNFD eu.chainlab/vnf-a/1.0 is also defined by function_descriptors/vnf-a.yml");
}

}  // namespace
}  // namespace chainlab::sonata
