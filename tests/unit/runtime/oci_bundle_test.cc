// config.json generation for the oci driver: process, namespaces, mounts, resources.
#include "runtime/oci_bundle.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace chainlab::runtime {
namespace {

using nlohmann::json;

OciBundleSpec base_spec() {
  OciBundleSpec s;
  s.image.entrypoint = {"/bin/vnf"};
  s.image.cmd = {"--mode", "fast"};
  s.image.env = {"PATH=/opt/bin:/bin", "MODE=image"};
  s.image.working_dir = "/srv";
  s.hostname = "vnf1";
  s.rootfs = "/run/chainlab/runs/cl0001/oci/cl0001n0/rootfs";
  s.netns_path = "/run/netns/cl0001n0";
  s.hosts_file = "/run/chainlab/runs/cl0001/hosts/cl0001n0";
  s.resolv_conf = "/etc/resolv.conf";
  s.cgroups_path = "chainlab/cl0001/cl0001g1";
  return s;
}

const json* find_mount(const json& config, const std::string& destination) {
  for (const auto& m : config["mounts"]) {
    if (m["destination"] == destination) {
      return &m;
    }
  }
  return nullptr;
}

TEST(OciBundle, ArgsFromEntrypointAndCmd) {
  ImageConfig image;
  image.entrypoint = {"/bin/sh", "-c"};
  image.cmd = {"echo hi"};
  EXPECT_EQ(*oci_process_args(image, {}), (std::vector<std::string>{"/bin/sh", "-c", "echo hi"}));
  // The instance's command replaces CMD, not ENTRYPOINT.
  EXPECT_EQ(*oci_process_args(image, {"echo bye"}),
            (std::vector<std::string>{"/bin/sh", "-c", "echo bye"}));
  image.entrypoint.clear();
  EXPECT_EQ(*oci_process_args(image, {}), (std::vector<std::string>{"echo hi"}));
  EXPECT_EQ(*oci_process_args(image, {"sleep", "1"}), (std::vector<std::string>{"sleep", "1"}));
  image.cmd.clear();
  auto none = oci_process_args(image, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
}

TEST(OciBundle, EnvMergesImageThenSpec) {
  ImageConfig image;
  image.env = {"PATH=/opt/bin", "MODE=image", "EMPTY"};
  auto env = oci_process_env(image, {{"MODE", "spec"}, {"VNF_NAME", "vnf1"}}, "h1");
  EXPECT_EQ(env, (std::vector<std::string>{"PATH=/opt/bin", "HOME=/root", "HOSTNAME=h1",
                                           "MODE=spec", "EMPTY=", "VNF_NAME=vnf1"}));
  // Defaults when the image says nothing.
  auto plain = oci_process_env(ImageConfig{}, {}, "h2");
  ASSERT_EQ(plain.size(), 3u);
  EXPECT_EQ(plain[0].rfind("PATH=/usr/local/sbin", 0), 0u);
}

TEST(OciBundle, User) {
  EXPECT_EQ(*oci_user(""), (std::pair<uint32_t, uint32_t>{0, 0}));
  EXPECT_EQ(*oci_user("1000"), (std::pair<uint32_t, uint32_t>{1000, 1000}));
  EXPECT_EQ(*oci_user("1000:50"), (std::pair<uint32_t, uint32_t>{1000, 50}));
  EXPECT_FALSE(oci_user("nobody").ok());
  EXPECT_FALSE(oci_user("1000:").ok());
  EXPECT_FALSE(oci_user("-1").ok());
}

TEST(OciBundle, ProcessSection) {
  OciBundleSpec s = base_spec();
  s.command = {"--mode", "slow"};
  s.env = {{"VNF_NAME", "vnf1"}};
  auto config = make_oci_config(s);
  ASSERT_TRUE(config.ok()) << config.error().message;
  const json& p = (*config)["process"];
  EXPECT_EQ(p["args"], json({"/bin/vnf", "--mode", "slow"}));
  EXPECT_EQ(p["cwd"], "/srv");
  EXPECT_EQ(p["terminal"], false);
  EXPECT_EQ(p["user"]["uid"], 0);
  EXPECT_EQ(p["user"]["gid"], 0);
  auto env = p["env"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(env.begin(), env.end(), "VNF_NAME=vnf1"), env.end());
  EXPECT_NE(std::find(env.begin(), env.end(), "PATH=/opt/bin:/bin"), env.end());
  auto caps = p["capabilities"]["bounding"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(caps.begin(), caps.end(), "CAP_NET_ADMIN"), caps.end());
  EXPECT_EQ(std::find(caps.begin(), caps.end(), "CAP_SYS_ADMIN"), caps.end());

  s.image.working_dir.clear();
  s.image.user = "7:8";
  auto other = make_oci_config(s);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)["process"]["cwd"], "/");
  EXPECT_EQ((*other)["process"]["user"]["uid"], 7);
  EXPECT_EQ((*other)["process"]["user"]["gid"], 8);
}

TEST(OciBundle, RootHostnameNamespaces) {
  auto config = make_oci_config(base_spec());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ((*config)["ociVersion"], "1.0.2");
  EXPECT_EQ((*config)["root"]["path"], base_spec().rootfs);
  EXPECT_EQ((*config)["hostname"], "vnf1");
  const json& ns = (*config)["linux"]["namespaces"];
  std::vector<std::string> types;
  for (const auto& n : ns) {
    types.push_back(n["type"]);
    if (n["type"] == "network") {
      EXPECT_EQ(n["path"], "/run/netns/cl0001n0");
    } else {
      EXPECT_FALSE(n.contains("path"));
    }
  }
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<std::string>{"ipc", "mount", "network", "pid", "uts"}));
  EXPECT_EQ((*config)["linux"]["cgroupsPath"], "chainlab/cl0001/cl0001g1");
  EXPECT_FALSE((*config)["linux"]["maskedPaths"].empty());
  EXPECT_FALSE((*config)["linux"]["readonlyPaths"].empty());
}

TEST(OciBundle, Mounts) {
  auto config = make_oci_config(base_spec());
  ASSERT_TRUE(config.ok());
  for (const char* d : {"/proc", "/dev", "/dev/pts", "/dev/shm", "/sys"}) {
    EXPECT_NE(find_mount(*config, d), nullptr) << d;
  }
  const json* sys = find_mount(*config, "/sys");
  ASSERT_NE(sys, nullptr);
  auto sys_options = (*sys)["options"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(sys_options.begin(), sys_options.end(), "ro"), sys_options.end());
  const json* hosts = find_mount(*config, "/etc/hosts");
  ASSERT_NE(hosts, nullptr);
  EXPECT_EQ((*hosts)["type"], "bind");
  EXPECT_EQ((*hosts)["source"], base_spec().hosts_file);
  EXPECT_NE(find_mount(*config, "/etc/resolv.conf"), nullptr);

  OciBundleSpec s = base_spec();
  s.resolv_conf.clear();
  auto without = make_oci_config(s);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(find_mount(*without, "/etc/resolv.conf"), nullptr);
}

TEST(OciBundle, Resources) {
  substrate::ResourceLimits limits;
  json none = oci_resources(limits);
  EXPECT_FALSE(none.contains("cpu"));
  EXPECT_FALSE(none.contains("memory"));
  ASSERT_TRUE(none.contains("devices"));  // deny all; runc adds its default devices

  limits.cpu_quota_us = 20000;
  limits.cpu_period_us = 100000;
  limits.cpu_shares = 512;
  limits.cpuset_cpus = "0";
  limits.memory_bytes = 64 << 20;
  OciBundleSpec s = base_spec();
  s.limits = limits;
  auto config = make_oci_config(s);
  ASSERT_TRUE(config.ok());
  const json& r = (*config)["linux"]["resources"];
  EXPECT_EQ(r["cpu"]["quota"], 20000);
  EXPECT_EQ(r["cpu"]["period"], 100000);
  EXPECT_EQ(r["cpu"]["shares"], 512);
  EXPECT_EQ(r["cpu"]["cpus"], "0");
  EXPECT_EQ(r["memory"]["limit"], 64 << 20);

  substrate::ResourceLimits unlimited;
  unlimited.cpu_quota_us = -1;
  unlimited.memory_bytes = -1;
  json u = oci_resources(unlimited);
  EXPECT_EQ(u["cpu"]["quota"], -1);
  EXPECT_EQ(u["memory"]["limit"], -1);
}

TEST(OciBundle, NoCommandIsAnError) {
  OciBundleSpec s = base_spec();
  s.image.entrypoint.clear();
  s.image.cmd.clear();
  EXPECT_FALSE(make_oci_config(s).ok());
  s.image.cmd = {"x"};
  s.image.user = "www-data";
  EXPECT_FALSE(make_oci_config(s).ok());
}

}  // namespace
}  // namespace chainlab::runtime
