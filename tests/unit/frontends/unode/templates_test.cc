// NF templates (../shared/fixtures/un-templates, the frog4 datastore's samples) and the resolver.
#include "frontends/unode/templates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "common/files.h"
#include "frontends/unode/vnf_launch.h"

namespace chainlab::unode {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kTemplateFixtures = CHAINLAB_SOURCE_DIR "/../shared/fixtures/un-templates";

json native_template(const std::string& capability, const std::string& ports = "0-1",
                     const std::string& type = "native") {
  return {{"name", capability},
          {"functional-capability", capability},
          {"vnf-type", type},
          {"uri-image", capability + ".tgz"},
          {"uri-image-type", "local-file"},
          {"expandable", false},
          {"memory-size", 64},
          {"CPUrequirements", {{"platformType", "x86"}, {"socket", {{{"coreNumbers", 1}}}}}},
          {"ports", {{{"position", ports}, {"label", "inout"}}}}};
}

Vnf vnf(const std::string& name, size_t ports, const std::string& capability = "",
        const std::string& template_id = "") {
  Vnf v;
  v.id = "1";
  v.name = name;
  v.capability = capability;
  v.template_id = template_id;
  for (size_t i = 0; i < ports; ++i) {
    v.ports.push_back({"inout:" + std::to_string(i), "", "", "", false});
  }
  return v;
}

TEST(TemplatesTest, TheDatastoresSamplesLoadInBothSpellings) {
  if (!std::filesystem::exists(kTemplateFixtures)) {
    GTEST_SKIP() << "../shared/fixtures/un-templates not present next to the source tree";
  }
  std::vector<std::string> warnings;
  auto repo = TemplateRepository::load(kTemplateFixtures, &warnings);
  ASSERT_TRUE(repo.ok()) << repo.error().message;
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  EXPECT_EQ(repo->size(), 5u);
  EXPECT_EQ(repo->capabilities(),
            (std::vector<std::string>{"cirros", "dhcp", "firewall", "nat", "switch"}));
  const NfTemplate* fw = repo->find("firewall");
  ASSERT_NE(fw, nullptr);
  EXPECT_EQ(fw->type, VnfType::kVm);
  EXPECT_EQ(fw->memory_mb, 2048u) << "\"2048\" as a string";
  EXPECT_EQ(fw->cores, 1);
  EXPECT_FALSE(fw->expandable) << "\"false\" as a string";
  EXPECT_EQ(fw->port_capacity(), 2);
  EXPECT_EQ(repo->find("switch")->port_capacity(), std::nullopt) << "0-N";
  EXPECT_EQ(repo->template_json("nat")->at("functional-capability"), "nat");
  auto listed = repo->capability_json("dhcp");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*listed)["list"][0]["id"], "dhcp");
  EXPECT_EQ((*listed)["list"][0]["template"]["vnf-type"], "virtual-machine-kvm");
  EXPECT_EQ(repo->capability_json("teleporter").error().code, ErrorCode::kNotFound);
}

TEST(TemplatesTest, UnusableTemplatesNameTheirField) {
  json t = native_template("nat");
  t["vnf-type"] = "unikernel";
  EXPECT_THAT(parse_template(t, "x").error().message, HasSubstr("unknown vnf-type 'unikernel'"));
  t = native_template("nat");
  t.erase("functional-capability");
  EXPECT_THAT(parse_template(t, "x").error().message, HasSubstr("functional-capability"));
  t = native_template("nat", "one-two");
  EXPECT_THAT(parse_template(t, "x").error().message, HasSubstr("ports[0].position"));
  t = native_template("nat");
  t.erase("uri-image");
  EXPECT_THAT(parse_template(t, "x").error().message, HasSubstr("uri"));
  t = native_template("nat");
  t["ports"] = json::array();
  EXPECT_THAT(parse_template(t, "x").error().message, HasSubstr("ports"));
}

TEST(TemplatesTest, ABadFileIsSkippedWithAWarningNamingIt) {
  char tmpl[] = "/tmp/chainlab-templates-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  ASSERT_TRUE(write_file(dir + "/nat.json", native_template("nat").dump(), true).ok());
  ASSERT_TRUE(write_file(dir + "/broken.json", "{\"vnf-type\": ", true).ok());
  ASSERT_TRUE(write_file(dir + "/README", "not a template", true).ok());
  std::vector<std::string> warnings;
  auto repo = TemplateRepository::load(dir, &warnings);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(repo.ok());
  EXPECT_EQ(repo->size(), 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("broken.json"));
}

TEST(TemplatesTest, TheResolverPrefersNativeThenContainerThenVm) {
  TemplateRepository repo;
  auto add = [&](const std::string& id, json t) {
    ASSERT_TRUE(repo.add(*parse_template(t, id)).ok());
  };
  add("nat-vm", native_template("nat", "0-1", "virtual-machine-kvm"));
  add("nat-docker", native_template("nat", "0-1", "docker"));
  add("nat-native", native_template("nat", "0-0", "native"));
  NodeOffer all;
  // The native one has one port: a two-port NAT gets the container.
  auto two = resolve(repo, vnf("nat", 2), all);
  ASSERT_TRUE(two.ok()) << two.error().message;
  EXPECT_EQ((*two)->id, "nat-docker");
  auto one = resolve(repo, vnf("nat", 1), all);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)->id, "nat-native");
  // No container runtime here and no KVM: nothing fits, and the error says why for each.
  NodeOffer bare;
  bare.unsupported = [](const NfTemplate& t) -> std::optional<std::string> {
    if (t.type == VnfType::kNative) {
      return std::nullopt;
    }
    return std::string(vnf_type_name(t.type)) + " is not available";
  };
  auto none = resolve(repo, vnf("nat", 2), bare);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(none.error().message, HasSubstr("nat-native (native): 1 ports, the VNF has 2"));
  EXPECT_THAT(none.error().message, HasSubstr("nat-vm (virtual-machine-kvm): virtual-machine-kvm "
                                              "is not available"));
  NodeOffer small;
  small.free_memory_mb = 32;
  EXPECT_THAT(resolve(repo, vnf("nat", 1), small).error().message, HasSubstr("needs 64 MB"));
}

// COMPOSER §6.1: a native function declares the programs it needs; the resolver passes over one
// whose dependencies this node lacks and says which.
TEST(TemplatesTest, ANativeTemplateWithAMissingDependencyIsPassedOver) {
  json with = native_template("nat");
  with["dependencies"] = {"sh", "/bin/sh"};
  json without = native_template("nat");
  without["dependencies"] = {"chainlab-no-such-program"};
  TemplateRepository repo;
  ASSERT_TRUE(repo.add(*parse_template(without, "nat-missing")).ok());
  NodeOffer offer;
  offer.unsupported = cannot_run;
  auto none = resolve(repo, vnf("nat", 1), offer);
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.error().message,
              HasSubstr("needs 'chainlab-no-such-program', which this node does not have"));
  ASSERT_TRUE(repo.add(*parse_template(with, "nat-with")).ok());
  auto found = resolve(repo, vnf("nat", 1), offer);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ((*found)->id, "nat-with");
  for (json bad : {json("../bin/sh"), json("bin/sh"), json("a b"), json(""), json(7)}) {
    json t = native_template("nat");
    t["dependencies"] = json::array({bad});
    auto parsed = parse_template(t, "x");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(parsed.error().message, HasSubstr("dependencies[0]")) << bad;
  }
}

TEST(TemplatesTest, TemplateIdThenCapabilityThenName) {
  TemplateRepository repo;
  ASSERT_TRUE(repo.add(*parse_template(native_template("firewall"), "fw-1")).ok());
  ASSERT_TRUE(repo.add(*parse_template(native_template("nat"), "nat-1")).ok());
  EXPECT_EQ((*resolve(repo, vnf("anything", 1, "firewall", "nat-1"), {}))->id, "nat-1")
      << "vnf_template wins";
  EXPECT_EQ((*resolve(repo, vnf("nat", 1, "firewall"), {}))->id, "fw-1")
      << "then functional-capability";
  EXPECT_EQ((*resolve(repo, vnf("nat", 1), {}))->id, "nat-1") << "then the name, as the reference";
  auto missing = resolve(repo, vnf("x", 1, "", "nope"), {});
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("no template 'nope'"));
  EXPECT_EQ(repo.add(*parse_template(native_template("nat"), "nat-1")).error().code,
            ErrorCode::kAlreadyExists);
}

}  // namespace
}  // namespace chainlab::unode
