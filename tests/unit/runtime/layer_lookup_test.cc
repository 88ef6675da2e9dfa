// Program lookup inside image layers as overlayfs would merge them: precedence, symlinks (relative,
// absolute, across layers, loops), whiteouts and opaque directories, PATH and working directory.
#include "runtime/layer_lookup.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/files.h"

namespace chainlab::runtime {
namespace {

class LayerLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-layers-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    layers_ = {root_ + "/l0", root_ + "/l1"};  // lowest first
    for (const auto& l : layers_) {
      ASSERT_EQ(::mkdir(l.c_str(), 0755), 0);
    }
  }
  void TearDown() override {
    std::string cmd = "rm -rf " + root_;
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
  // Makes `rel` in layer `layer` (parents included): an executable file unless told otherwise.
  void file(int layer, const std::string& rel, mode_t mode = 0755) {
    parents(layer, rel);
    std::string path = layers_[layer] + "/" + rel;
    ASSERT_TRUE(write_file(path, "#!/bin/sh\n", true).ok());
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  }
  void link(int layer, const std::string& rel, const std::string& target) {
    parents(layer, rel);
    ASSERT_EQ(::symlink(target.c_str(), (layers_[layer] + "/" + rel).c_str()), 0);
  }
  void parents(int layer, const std::string& rel) {
    if (rel.find('/') != std::string::npos) {
      mkdirs(layer, rel.substr(0, rel.rfind('/')));
    }
  }
  void mkdirs(int layer, const std::string& rel) {
    std::string cmd = "mkdir -p '" + layers_[layer] + "/" + rel + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  bool found(const std::string& path) { return resolve_in_layers(layers_, path).ok(); }

  std::string root_;
  std::vector<std::string> layers_;
};

TEST_F(LayerLookupTest, FilesFromAnyLayerMergedDirectories) {
  file(0, "bin/low");
  file(1, "bin/high");
  file(0, "usr/bin/plain", 0644);
  EXPECT_TRUE(found("/bin/low"));
  EXPECT_TRUE(found("/bin/high"));
  EXPECT_EQ(*resolve_in_layers(layers_, "/bin/high"), layers_[1] + "/bin/high");
  EXPECT_FALSE(found("/usr/bin/plain"));  // not executable
  EXPECT_FALSE(found("/usr/bin"));        // a directory
  EXPECT_FALSE(found("/bin/none"));
  EXPECT_FALSE(found("/bin/low/x"));  // a file is no directory
  EXPECT_TRUE(found("//bin/./low"));
  EXPECT_TRUE(found("/usr/../bin/low"));
  EXPECT_TRUE(found("/../../bin/low"));  // ".." stops at the image's root
}

TEST_F(LayerLookupTest, HigherLayerWins) {
  file(0, "bin/tool");
  file(1, "bin/tool", 0644);  // replaced by a non-executable file
  EXPECT_FALSE(found("/bin/tool"));
  mkdirs(1, "bin/dir");
  file(0, "bin/dir", 0755);  // a directory above hides the file below
  EXPECT_FALSE(found("/bin/dir"));
}

TEST_F(LayerLookupTest, SymlinksResolveInsideTheImage) {
  file(0, "bin/busybox");
  link(0, "bin/sh", "busybox");            // relative, busybox applet style
  link(1, "usr/bin/env", "/bin/busybox");  // absolute: the image's root, not the host's
  link(1, "sbin", "bin");                  // a directory symlink, merged-/usr style
  link(0, "usr/local/bin/up", "../../../bin/sh");
  link(0, "bin/loop1", "loop2");
  link(0, "bin/loop2", "loop1");
  link(0, "bin/host", "/usr/bin/true");  // exists on the host, not in the image
  EXPECT_TRUE(found("/bin/sh"));
  EXPECT_EQ(*resolve_in_layers(layers_, "/usr/bin/env"), layers_[0] + "/bin/busybox");
  EXPECT_TRUE(found("/sbin/sh"));
  EXPECT_TRUE(found("/usr/local/bin/up"));
  EXPECT_FALSE(found("/bin/loop1"));
  EXPECT_FALSE(found("/bin/host"));
}

TEST_F(LayerLookupTest, WhiteoutsAndOpaqueDirectories) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "whiteouts (0/0 devices) and trusted.* xattrs need root";
  }
  file(0, "bin/gone");
  file(0, "opt/app/run");
  file(0, "etc/tool/run");
  mkdirs(1, "bin");
  ASSERT_EQ(::mknod((layers_[1] + "/bin/gone").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
  mkdirs(1, "opt/app");
  ASSERT_EQ(::setxattr((layers_[1] + "/opt/app").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
  file(1, "etc/tool/other");
  EXPECT_FALSE(found("/bin/gone"));
  EXPECT_FALSE(found("/opt/app/run"));
  EXPECT_TRUE(found("/etc/tool/run"));  // a plain directory above merges
  EXPECT_TRUE(found("/etc/tool/other"));
}

TEST_F(LayerLookupTest, FindProgramUsesPathAndWorkingDirectory) {
  file(0, "usr/bin/socat");
  file(1, "app/start.sh");
  EXPECT_EQ(*find_program_in_layers(layers_, "socat", "/usr/local/bin:/usr/bin", "/"),
            "/usr/bin/socat");
  EXPECT_EQ(*find_program_in_layers(layers_, "./start.sh", "/usr/bin", "/app"), "/app/./start.sh");
  EXPECT_EQ(*find_program_in_layers(layers_, "/app/start.sh", "", "/"), "/app/start.sh");
  auto missing = find_program_in_layers(layers_, "iperf3", "/usr/local/bin:/usr/bin", "/");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(missing.error().message.find("'iperf3'"), std::string::npos);
  EXPECT_NE(missing.error().message.find("PATH=/usr/local/bin:/usr/bin"), std::string::npos);
  EXPECT_EQ(find_program_in_layers(layers_, "start.sh", "/usr/bin", "/app").error().code,
            ErrorCode::kInvalidArgument);  // no '/': PATH only, not the working directory
  EXPECT_EQ(find_program_in_layers(layers_, "", "/usr/bin", "/").error().code,
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace chainlab::runtime
