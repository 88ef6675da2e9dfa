// A tiny container image for oci driver tests, made without the image store: one layer holding
// busybox (its applets as symlinks) and the shared libraries it loads, plus an ImageInfo for it.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "runtime/image_store.h"
#include "test_util.h"

namespace chainlab::testing {

class TestImage {
 public:
  // Empty dir() when busybox is missing (install-deps.sh installs it).
  TestImage() {
    if (::access("/usr/bin/busybox", X_OK) != 0 && ::access("/bin/busybox", X_OK) != 0) {
      return;
    }
    char tmpl[] = "/tmp/chainlab-oci-image-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      return;
    }
    root_ = tmpl;
    std::string layer = root_ + "/layer";
    std::string script =
        "set -e; L=" + layer +
        "; B=$(command -v busybox); mkdir -p $L/bin $L/tmp $L/etc $L/work $L/proc $L/sys $L/dev; "
        "cp $B $L/bin/busybox; "
        "for a in $($B --list); do [ -e $L/bin/$a ] || ln -s busybox $L/bin/$a; done; "
        "for lib in $(ldd $B | tr \" \\t\" \"\\n\\n\" | grep \"^/\"); do mkdir -p $L$(dirname "
        "$lib); "
        "cp -L $lib $L$lib; done; "
        "echo layer-file > $L/etc/layer-file";
    auto made = run_command("sh -c '" + script + "'");
    if (made.status != 0) {
      error_ = made.output;
      return;
    }
    dir_ = layer;
  }
  ~TestImage() {
    if (!root_.empty()) {
      run_command("rm -rf " + root_);
    }
  }
  TestImage(const TestImage&) = delete;
  TestImage& operator=(const TestImage&) = delete;

  const std::string& dir() const { return dir_; }
  // Why the layer could not be made (empty when busybox is simply missing).
  const std::string& error() const { return error_; }

  runtime::ImageInfo info(runtime::ImageConfig config) const {
    runtime::ImageInfo image;
    image.id = "sha256:test";
    image.tags = {"test/busybox:latest"};
    image.layer_dirs = {dir_};
    image.config = std::move(config);
    return image;
  }

 private:
  std::string root_;
  std::string dir_;
  std::string error_;
};

}  // namespace chainlab::testing
