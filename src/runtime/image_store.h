// The local image store: container images without a registry or a Docker daemon. Imports
// `docker save` archives and OCI image layouts (directory or tar), verifies every layer's digest,
// unpacks each layer once (whiteouts turned into overlayfs whiteouts), keeps the image config
// (ENTRYPOINT, CMD, ENV, WorkingDir, ExposedPorts, User) and resolves tags like
// `sonatanfv/sonata-empty-vnf:latest`. Also builds small images from host binaries and the shared
// libraries they need (`build_from_host`), so examples and tests have real images offline.
//
// Layout under the root (kDefaultImageDir; `chainlab` uses $CHAINLAB_IMAGE_DIR instead when set,
// app/environment.h):
//   layers/<sha256 hex>/         unpacked layer (diff id), shared by every image using it
//   images/<image id>.json       config, layer list, tags
//   tmp/                         imports and builds in progress (removed when they end; leftovers
//                                of killed ones older than a day are swept by open())
// A tag names one image: importing, building or tagging moves it from the image that had it.
// Writers serialise through the mutex and an flock on <root>/.lock (several processes may share
// a store); unpacking runs outside both.
// Hostile archives are refused with a precise error and leave nothing behind: corrupt or
// truncated tars, a layer whose digest does not match, entries with `..` or absolute paths,
// symlinks or hard links escaping the layer, device nodes, oversized content.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"

namespace chainlab::runtime {

struct ImageConfig {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;            // "KEY=value"
  std::string working_dir;                 // "" = "/"
  std::string user;                        // "" = root
  std::vector<std::string> exposed_ports;  // "80/tcp"
};

struct ImageInfo {
  std::string id;                       // "sha256:<hex>" of the config blob
  std::vector<std::string> tags;        // "name:tag"
  std::vector<std::string> layer_dirs;  // unpacked layers, lowest first (absolute paths)
  ImageConfig config;
  uint64_t size_bytes = 0;  // unpacked
  std::string created;      // from the config, may be ""
};

inline constexpr const char* kDefaultImageDir = "/var/lib/chainlab/images";

class ImageStore {
 public:
  // Opens (creating if needed) a store at `root`.
  static Result<std::unique_ptr<ImageStore>> open(const std::string& root);

  // `docker save` tar (manifest.json), OCI layout tar, or OCI layout directory (oci-layout,
  // index.json). Tags from the archive are applied; `extra_tag` ("name:tag") is added if set.
  Result<ImageInfo> import(const std::string& path, const std::string& extra_tag = "");
  // A minimal image holding the named host binaries (looked up in PATH) and the shared libraries
  // they load (ELF dynamic dependencies, the loader included), tagged `name` (":latest" implied).
  // The first binary becomes the default CMD. Deterministic: its one layer's id is the digest of
  // the layer's content list (there is no tar), the image id that of a config naming it.
  Result<ImageInfo> build_from_host(const std::string& name,
                                    const std::vector<std::string>& binaries);
  // "name:tag", "name" (= name:latest), "sha256:<hex>" or a unique id prefix of >= 6 hex chars.
  // NotFound says how to import the image.
  Result<ImageInfo> resolve(const std::string& ref) const;
  std::vector<ImageInfo> list() const;
  Status tag(const std::string& ref, const std::string& new_tag);
  // Removes the image (all its tags); layers no other image uses are deleted.
  Status remove(const std::string& ref);
  const std::string& root() const { return root_; }

 private:
  explicit ImageStore(std::string root) : root_(std::move(root)) {}
  std::string root_;
  mutable std::mutex mu_;
};

// Normalises a reference: "busybox" -> "busybox:latest", "docker.io/library/x:1" -> "x:1".
std::string normalize_tag(const std::string& ref);

}  // namespace chainlab::runtime
