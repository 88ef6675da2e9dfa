#include "runtime/image_store.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/files.h"
#include "image_test_util.h"

namespace chainlab::runtime::testing {
namespace {

std::string base_layer() {
  return make_tar({dir("etc/"), file("etc/hello", "hello\n"), dir("bin/"),
                   file("bin/tool", "#!/bin/sh\necho tool\n", 0755), symlink("bin/sh", "tool"),
                   symlink("etc/abs", "/etc/hello"), hardlink("etc/hello2", "etc/hello"),
                   dir("var/"), dir("var/cache/"), file("var/cache/old", "x")});
}

nlohmann::json app_config() {
  return {{"Entrypoint", {"/bin/tool"}},
          {"Cmd", {"--serve", "80"}},
          {"Env", {"PATH=/bin", "MODE=test"}},
          {"WorkingDir", "/srv"},
          {"User", "1000:1000"},
          {"ExposedPorts", {{"80/tcp", nlohmann::json::object()}}}};
}

TEST(ImageNormalizeTag, AddsLatestAndStripsDockerHub) {
  EXPECT_EQ(normalize_tag("busybox"), "busybox:latest");
  EXPECT_EQ(normalize_tag("busybox:1.36"), "busybox:1.36");
  EXPECT_EQ(normalize_tag("docker.io/library/x:1"), "x:1");
  EXPECT_EQ(normalize_tag("library/ubuntu"), "ubuntu:latest");
  EXPECT_EQ(normalize_tag("sonatanfv/sonata-empty-vnf"), "sonatanfv/sonata-empty-vnf:latest");
  EXPECT_EQ(normalize_tag("docker.io/sonatanfv/vnf:2"), "sonatanfv/vnf:2");
  EXPECT_EQ(normalize_tag("localhost:5000/app"), "localhost:5000/app:latest");
  EXPECT_EQ(normalize_tag("localhost:5000/app:v1"), "localhost:5000/app:v1");
  // Found by fuzzing: one prefix was stripped, so the stored "docker.io/x:1" normalised to "x:1"
  // and the image was not found by its own tag.
  EXPECT_EQ(normalize_tag("index.docker.io/docker.io/x:1"), "x:1");
  for (const char* t :
       {"docker.io/docker.io/x", "library/docker.io", "a/library/b", "x@sha256:1"}) {
    EXPECT_EQ(normalize_tag(normalize_tag(t)), normalize_tag(t)) << t;
  }
}

TEST_F(ImageStoreTest, ImportsDockerSaveArchive) {
  DockerArchive a;
  a.layers = {base_layer()};
  a.config["config"] = app_config();
  a.config["created"] = "2024-01-02T03:04:05Z";
  a.tags = {"docker.io/test/app:1.0"};
  auto info = store_->import(put("app.tar", a.build()), "extra");
  ASSERT_TRUE(info.ok()) << info.error().message;

  EXPECT_EQ(info->tags, (std::vector<std::string>{"test/app:1.0", "extra:latest"}));
  EXPECT_EQ(info->config.entrypoint, std::vector<std::string>{"/bin/tool"});
  EXPECT_EQ(info->config.cmd, (std::vector<std::string>{"--serve", "80"}));
  EXPECT_EQ(info->config.env, (std::vector<std::string>{"PATH=/bin", "MODE=test"}));
  EXPECT_EQ(info->config.working_dir, "/srv");
  EXPECT_EQ(info->config.user, "1000:1000");
  EXPECT_EQ(info->config.exposed_ports, std::vector<std::string>{"80/tcp"});
  EXPECT_EQ(info->created, "2024-01-02T03:04:05Z");
  ASSERT_EQ(info->layer_dirs.size(), 1u);
  const std::string& layer = info->layer_dirs[0];
  EXPECT_EQ(layer, store_->root() + "/layers/" + sha(a.layers[0]));
  EXPECT_EQ(read_file(layer + "/etc/hello").value_or(""), "hello\n");
  EXPECT_EQ(read_file(layer + "/etc/hello2").value_or(""), "hello\n");
  struct stat st;
  ASSERT_EQ(::stat((layer + "/bin/tool").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  char target[256] = {};
  ASSERT_GT(::readlink((layer + "/etc/abs").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "/etc/hello");
  EXPECT_EQ(info->size_bytes, 6u + 20u + 1u);  // the hard link adds no bytes
  EXPECT_TRUE(entries("tmp").empty());

  // Persisted: a second store object on the same root sees the same image.
  auto again = ImageStore::open(store_->root());
  ASSERT_TRUE(again.ok());
  auto by_tag = (*again)->resolve("test/app:1.0");
  ASSERT_TRUE(by_tag.ok()) << by_tag.error().message;
  EXPECT_EQ(by_tag->id, info->id);
  EXPECT_EQ(by_tag->config.cmd, info->config.cmd);
}

TEST_F(ImageStoreTest, ImportsOciLayoutDirectoryAndTar) {
  std::string layer = base_layer();
  std::string layout = dir_ + "/layout";
  std::string id = write_oci_layout(layout, {layer}, app_config(), "oci/app:2");
  auto info = store_->import(layout);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->id, "sha256:" + id);
  EXPECT_EQ(info->tags, std::vector<std::string>{"oci/app:2"});
  EXPECT_EQ(info->config.entrypoint, std::vector<std::string>{"/bin/tool"});
  ASSERT_EQ(info->layer_dirs.size(), 1u);
  EXPECT_EQ(read_file(info->layer_dirs[0] + "/etc/hello").value_or(""), "hello\n");

  // The same layout as a tar, reached through an image index, with another name.
  std::string layout2 = dir_ + "/layout2";
  write_oci_layout(layout2, {layer}, app_config(), "other", /*via_index=*/true);
  std::string tar = dir_ + "/layout2.tar";
  ASSERT_EQ(::system(fmt::format("tar -C {} -cf {} .", layout2, tar).c_str()), 0);
  auto info2 = store_->import(tar);
  ASSERT_TRUE(info2.ok()) << info2.error().message;
  EXPECT_EQ(info2->id, info->id);
  auto merged = store_->resolve("other");
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(merged->tags, (std::vector<std::string>{"other:latest", "oci/app:2"}));
  EXPECT_EQ(entries("layers").size(), 1u);
  EXPECT_TRUE(entries("tmp").empty());
}

TEST_F(ImageStoreTest, ResolvesByTagIdAndPrefix) {
  DockerArchive a;
  a.layers = {base_layer()};
  a.tags = {"app"};
  auto info = store_->import(put("a.tar", a.build()));
  ASSERT_TRUE(info.ok()) << info.error().message;
  std::string hex = info->id.substr(7);
  EXPECT_EQ(store_->resolve("app")->id, info->id);
  EXPECT_EQ(store_->resolve("app:latest")->id, info->id);
  EXPECT_EQ(store_->resolve(info->id)->id, info->id);
  EXPECT_EQ(store_->resolve(hex.substr(0, 6))->id, info->id);
  EXPECT_EQ(store_->resolve("sha256:" + hex.substr(0, 12))->id, info->id);
  EXPECT_FALSE(store_->resolve(hex.substr(0, 5)).ok());  // too short for a prefix
  auto missing = store_->resolve("nope:1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("chainlab image import"), std::string::npos);
}

TEST_F(ImageStoreTest, TagAndRemoveKeepSharedLayers) {
  std::string shared = base_layer();
  std::string top1 = make_tar({file("one", "1")});
  std::string top2 = make_tar({file("two", "2")});
  DockerArchive a;
  a.layers = {shared, top1};
  a.tags = {"one:1"};
  DockerArchive b;
  b.layers = {shared, top2};
  b.tags = {"two:1"};
  auto ia = store_->import(put("a.tar", a.build()));
  auto ib = store_->import(put("b.tar", b.build()));
  ASSERT_TRUE(ia.ok() && ib.ok());
  EXPECT_EQ(entries("layers").size(), 3u);
  EXPECT_EQ(store_->list().size(), 2u);

  ASSERT_TRUE(store_->tag("one:1", "alias").ok());
  EXPECT_EQ(store_->resolve("alias")->id, ia->id);
  ASSERT_TRUE(store_->tag("two:1", "alias").ok());  // a tag moves to the newest owner
  EXPECT_EQ(store_->resolve("alias")->id, ib->id);
  EXPECT_EQ(store_->resolve("one:1")->tags, std::vector<std::string>{"one:1"});
  EXPECT_FALSE(store_->tag("nope", "x").ok());

  ASSERT_TRUE(store_->remove("one:1").ok());
  EXPECT_FALSE(store_->resolve("one:1").ok());
  EXPECT_EQ(entries("layers").size(), 2u);  // shared + top2
  EXPECT_EQ(::access((store_->root() + "/layers/" + sha(shared)).c_str(), F_OK), 0);
  EXPECT_NE(::access((store_->root() + "/layers/" + sha(top1)).c_str(), F_OK), 0);
  ASSERT_TRUE(store_->remove("alias").ok());  // all of two's tags go with it
  EXPECT_FALSE(store_->resolve("two:1").ok());
  EXPECT_TRUE(entries("layers").empty());
  EXPECT_TRUE(entries("images").empty());
}

TEST_F(ImageStoreTest, WhiteoutsBecomeOverlayWhiteouts) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "whiteouts are 0/0 character devices and trusted.* xattrs: needs root";
  }
  DockerArchive a;
  a.layers = {base_layer(), make_tar({file("etc/.wh.hello", ""), file("var/cache/.wh..wh..opq", ""),
                                      file("var/cache/new", "n")})};
  a.tags = {"wh"};
  auto info = store_->import(put("wh.tar", a.build()));
  ASSERT_TRUE(info.ok()) << info.error().message;
  ASSERT_EQ(info->layer_dirs.size(), 2u);
  const std::string& top = info->layer_dirs[1];
  struct stat st;
  ASSERT_EQ(::lstat((top + "/etc/hello").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(0, 0));
  EXPECT_NE(::access((top + "/etc/.wh.hello").c_str(), F_OK), 0);
  char value[8] = {};
  ASSERT_EQ(::getxattr((top + "/var/cache").c_str(), "trusted.overlay.opaque", value, sizeof value),
            1);
  EXPECT_EQ(value[0], 'y');
  EXPECT_EQ(read_file(top + "/var/cache/new").value_or(""), "n");
  EXPECT_NE(::access((top + "/var/cache/.wh..wh..opq").c_str(), F_OK), 0);
}

// Follows `path` inside `root` the way the container will: absolute links rooted at `root`.
std::string resolve_in(const std::string& root, std::string path, int depth = 0) {
  if (depth > 20) {
    return "";
  }
  std::string cur;
  std::vector<std::string_view> parts = split(path, '/');
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) {
      continue;
    }
    std::string next = cur + "/" + std::string(parts[i]);
    char target[4096] = {};
    ssize_t n = ::readlink((root + next).c_str(), target, sizeof target - 1);
    if (n > 0) {
      std::string t(target, static_cast<size_t>(n));
      std::string rest;
      for (size_t j = i + 1; j < parts.size(); ++j) {
        rest += "/" + std::string(parts[j]);
      }
      return resolve_in(root, (t[0] == '/' ? t : cur + "/" + t) + rest, depth + 1);
    }
    cur = next;
  }
  return root + cur;
}

TEST_F(ImageStoreTest, BuildsFromHostBinaries) {
  auto info = store_->build_from_host("tools", {"sh", "true"});
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->tags, std::vector<std::string>{"tools:latest"});
  ASSERT_EQ(info->layer_dirs.size(), 1u);
  ASSERT_EQ(info->config.cmd.size(), 1u);
  const std::string& layer = info->layer_dirs[0];
  const std::string& sh = info->config.cmd[0];
  EXPECT_TRUE(sh.ends_with("/sh")) << sh;
  struct stat st;
  for (std::string path : {sh, std::string("/lib64/ld-linux-x86-64.so.2"),
                           std::string("/lib/x86_64-linux-gnu/libc.so.6")}) {
    std::string real = resolve_in(layer, path);
    ASSERT_EQ(::stat(real.c_str(), &st), 0) << path << " -> " << real;
    EXPECT_TRUE(S_ISREG(st.st_mode)) << path;
  }
  EXPECT_EQ(read_file(layer + "/etc/passwd").value_or("").substr(0, 5), "root:");
  EXPECT_EQ(read_file(layer + "/etc/hosts").value_or("x"), "");
  for (const char* d : {"/tmp", "/proc", "/sys", "/dev"}) {
    ASSERT_EQ(::lstat((layer + d).c_str(), &st), 0) << d;
    EXPECT_TRUE(S_ISDIR(st.st_mode)) << d;
  }
  EXPECT_GT(info->size_bytes, 100'000u);
  EXPECT_TRUE(entries("tmp").empty());

  // Deterministic: the same binaries give the same image.
  auto again = store_->build_from_host("tools2", {"sh", "true"});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->id, info->id);
  EXPECT_EQ(store_->resolve("tools")->tags,
            (std::vector<std::string>{"tools2:latest", "tools:latest"}));
  EXPECT_FALSE(store_->build_from_host("x", {"no-such-binary-chainlab"}).ok());
  EXPECT_TRUE(entries("tmp").empty());
}

}  // namespace
}  // namespace chainlab::runtime::testing
