// Hostile archives: each is refused with a precise error and leaves the store as it was.
#include <unistd.h>

#include <gtest/gtest.h>

#include "image_test_util.h"
#include "runtime/image_store.h"

namespace chainlab::runtime::testing {
namespace {

struct HostileCase {
  const char* name;
  std::string (*archive)();
  const char* error;  // a substring of the expected message
};

std::string good_layer() {
  return make_tar({dir("etc/"), file("etc/hello", "hello\n")});
}

std::string docker_with_layer(std::string layer) {
  DockerArchive a;
  a.layers = {good_layer(), std::move(layer)};
  a.tags = {"hostile"};
  return a.build();
}

const HostileCase kCases[] = {
    {"CorruptTar", [] { return std::string(4096, 'x'); }, "tar"},
    {"TruncatedArchive",
     [] {
       std::string a = docker_with_layer(make_tar({file("big", std::string(20000, 'b'))}));
       return a.substr(0, a.size() / 2);
     },
     "truncated"},
    {"TruncatedLayer",
     [] {
       std::string layer = make_tar({file("big", std::string(20000, 'b'))});
       return docker_with_layer(layer.substr(0, 10000));
     },
     "truncated"},
    {"LayerDigestMismatch",
     [] {
       DockerArchive a;
       a.layers = {good_layer()};
       a.diff_ids = {sha("something else")};
       return a.build();
     },
     "diff id"},
    {"ConfigDigestMismatch",
     [] {
       DockerArchive a;
       a.layers = {good_layer()};
       a.wrong_config_name = true;
       return a.build();
     },
     "not the one in its name"},
    {"DotDotEntry", [] { return docker_with_layer(make_tar({file("../evil", "x")})); }, "'..'"},
    {"NestedDotDotEntry",
     [] {
       return docker_with_layer(make_tar({dir("a/"), file("a/../../evil", "x")}));
     },
     "'..'"},
    {"AbsolutePathEntry",
     [] { return docker_with_layer(make_tar({file("/tmp/chainlab-evil", "x")})); },
     "absolute path"},
    {"RelativeSymlinkEscaping",
     [] {
       return docker_with_layer(make_tar({dir("a/"), symlink("a/link", "../../etc")}));
     },
     "escapes the layer"},
    {"WriteThroughSymlink",
     [] {
       return docker_with_layer(make_tar({symlink("etc2", "/etc"), file("etc2/passwd", "x")}));
     },
     "is a symlink"},
    {"HardLinkEscaping",
     [] { return docker_with_layer(make_tar({hardlink("passwd", "../../../etc/passwd")})); },
     "hard link target '../../../etc/passwd' leaves the layer"},
    {"HardLinkOutsideLayer",
     [] { return docker_with_layer(make_tar({hardlink("passwd", "etc/passwd")})); },
     "not a file of this layer"},
    {"DeviceNode",
     [] {
       TarEntry dev{"dev/mem", "", TarEntry::kCharDevice, 0600};
       return docker_with_layer(make_tar({dev}));
     },
     "device node"},
    {"MissingManifest",
     [] {
       DockerArchive a;
       a.layers = {good_layer()};
       a.omit_manifest = true;
       return a.build();
     },
     "manifest.json"},
    {"ManifestNamesMissingLayer",
     [] {
       DockerArchive a;
       a.layers = {good_layer(), make_tar({file("x", "y")})};
       a.omit_last_layer_file = true;
       return a.build();
     },
     "missing layer"},
};

class ImageHostileTest : public ImageStoreTest,
                         public ::testing::WithParamInterface<HostileCase> {};

TEST_P(ImageHostileTest, RefusedAndStoreUnchanged) {
  const HostileCase& c = GetParam();
  std::string path = put("hostile.tar", c.archive());
  auto info = store_->import(path);
  ASSERT_FALSE(info.ok()) << c.name << " was imported";
  EXPECT_NE(info.error().message.find(c.error), std::string::npos) << info.error().message;
  EXPECT_NE(info.error().message.find(path), std::string::npos) << info.error().message;
  expect_store_empty();
  EXPECT_NE(::access("/tmp/chainlab-evil", F_OK), 0);
  EXPECT_NE(::access((dir_ + "/store/evil").c_str(), F_OK), 0);
  EXPECT_NE(::access((dir_ + "/store/tmp/evil").c_str(), F_OK), 0);
}

INSTANTIATE_TEST_SUITE_P(Archives, ImageHostileTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<HostileCase>& p) {
                           return std::string(p.param.name);
                         });

TEST_F(ImageStoreTest, HostileImportLeavesExistingImagesAlone) {
  DockerArchive good;
  good.layers = {good_layer()};
  good.tags = {"good"};
  ASSERT_TRUE(store_->import(put("good.tar", good.build())).ok());
  DockerArchive bad;
  bad.layers = {good_layer(), make_tar({file("../evil", "x")})};
  bad.tags = {"good"};  // would steal the tag
  ASSERT_FALSE(store_->import(put("bad.tar", bad.build())).ok());
  EXPECT_EQ(entries("layers").size(), 1u);
  EXPECT_EQ(entries("images").size(), 1u);
  EXPECT_TRUE(entries("tmp").empty());
  auto info = store_->resolve("good");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(read_file(info->layer_dirs[0] + "/etc/hello").value_or(""), "hello\n");
}

TEST_F(ImageStoreTest, OciBlobDigestMismatchRefused) {
  std::string layout = dir_ + "/layout";
  write_oci_layout(layout, {good_layer()}, nlohmann::json::object(), "x:1");
  // Corrupt the (only) gzip layer blob in place.
  auto blobs = list_dir(layout + "/blobs/sha256");
  ASSERT_TRUE(blobs.ok());
  for (const std::string& b : *blobs) {
    std::string p = layout + "/blobs/sha256/" + b;
    std::string bytes = read_file(p).value_or("");
    if (bytes.size() > 2 && static_cast<unsigned char>(bytes[0]) == 0x1f) {
      bytes[bytes.size() / 2] ^= 0x55;
      write_bytes(p, bytes);
    }
  }
  auto info = store_->import(layout);
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.error().message.find("has digest"), std::string::npos) << info.error().message;
  expect_store_empty();
}

TEST_F(ImageStoreTest, NotAnImageRefused) {
  auto info = store_->import(put("x.tar", make_tar({file("readme", "hi")})));
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.error().message.find("neither"), std::string::npos) << info.error().message;
  EXPECT_FALSE(store_->import(dir_ + "/missing.tar").ok());
  expect_store_empty();
}

}  // namespace
}  // namespace chainlab::runtime::testing
