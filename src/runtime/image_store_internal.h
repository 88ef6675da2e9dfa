// Internals of the image store (image_store*.cc, layer_unpack.cc): digests, temporary
// directories, safe layer extraction and the on-disk catalogue. Not part of the runtime API.
//
// Catalogue record (images/<id hex>.json):
//   {"id": "<hex>", "tags": ["name:tag"], "layers": ["<diff id hex>"], "layer_sizes": [bytes],
//    "config": {"entrypoint": [], "cmd": [], "env": [], "working_dir": "", "user": "",
//               "exposed_ports": []},
//    "created": "..."}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/fd.h"
#include "common/result.h"
#include "runtime/image_store.h"

struct evp_md_ctx_st;

namespace chainlab::runtime::detail {

// Budgets per image (all its layers together): unpacked bytes and tar entries.
inline constexpr uint64_t kMaxImageBytes = uint64_t{4} << 30;
inline constexpr uint64_t kMaxImageEntries = 1'000'000;
// manifest.json, index.json, configs: metadata, never large.
inline constexpr uint64_t kMaxJsonBytes = uint64_t{16} << 20;

// Incremental SHA-256 (OpenSSL EVP).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  std::string hex_final();  // lowercase hex, 64 chars

 private:
  evp_md_ctx_st* ctx_;
};

std::string sha256_hex(std::string_view data);
// Digest of a file's bytes as stored.
Result<std::string> sha256_file(const std::string& path);
// Digest of a file's bytes after undoing any compression (gzip, zstd, xz, bzip2): a layer's diff
// id. Refuses streams longer than `max_bytes`.
Result<std::string> sha256_decompressed(const std::string& path, uint64_t max_bytes);
// 64 lowercase hex characters.
bool is_hex_digest(std::string_view hex);
// "sha256:<hex>" -> "<hex>"; InvalidArgument for other algorithms or malformed digests.
Result<std::string> digest_hex(std::string_view digest);

// Reads a small file (at most kMaxJsonBytes) and parses it as JSON.
Result<nlohmann::json> read_json_file(const std::string& path);
// Writes `data` to path.tmp and renames it over `path`.
Status write_file_atomic(const std::string& path, std::string_view data);
// Removes a tree, making read-only directories writable first. Missing is fine.
Status remove_tree(const std::string& path);

// A fresh directory (mkdtemp) removed with everything in it on destruction unless released.
class TempDir {
 public:
  static Result<TempDir> create(const std::string& parent, std::string_view prefix);
  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, "")) {}
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// An exclusive flock on <root>/.lock (serialises catalogue writers across processes).
class StoreLock {
 public:
  static Result<StoreLock> acquire(const std::string& root);

 private:
  explicit StoreLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // closing it releases the lock
};

// What an image may still unpack.
struct UnpackBudget {
  uint64_t bytes_left = kMaxImageBytes;
  uint64_t entries_left = kMaxImageEntries;
};

struct LayerStats {
  uint64_t size_bytes = 0;  // regular file contents
  uint64_t entries = 0;
};

// "./a//b/" -> "a/b"; "" for the root itself. Refuses absolute paths and `..` components.
Result<std::string> clean_relative_path(std::string_view raw);

// Extracts a layer tar (plain or compressed) into `dest`, an existing empty directory, refusing
// hostile entries (see layer_unpack.cc). Whiteouts become overlayfs whiteouts. On error `dest`
// holds a partial tree the caller removes.
Result<LayerStats> unpack_layer(const std::string& archive_path, const std::string& dest,
                                UnpackBudget& budget);

// A catalogue entry as persisted.
struct ImageRecord {
  std::string id_hex;
  std::vector<std::string> tags;
  std::vector<std::string> layers;  // diff id hex, lowest first
  std::vector<uint64_t> layer_sizes;
  ImageConfig config;
  std::string created;
};

nlohmann::json record_to_json(const ImageRecord& record);
Result<ImageRecord> record_from_json(const nlohmann::json& j);
ImageInfo record_to_info(const std::string& root, const ImageRecord& record);

// A Docker or OCI image config blob, as far as the store needs it.
struct ParsedConfig {
  ImageConfig config;
  std::string created;
  std::vector<std::string> diff_ids;  // hex
};
Result<ParsedConfig> parse_config_blob(std::string_view blob);

// ---- manifests (image_manifest.cc): what an import reads before any blob, checked field by field
// on parsed JSON; InvalidArgument for anything malformed.

// One image of a `docker save` manifest.json.
struct DockerImageEntry {
  std::string config;               // the config's file name ("<hex>.json", "blobs/sha256/<hex>")
  std::string config_hex;           // the digest that name carries
  std::vector<std::string> layers;  // layer file names, lowest first
  std::vector<std::string> tags;    // RepoTags, normalised (normalize_tag)
};
Result<std::vector<DockerImageEntry>> parse_docker_manifest(const nlohmann::json& manifest);

// An OCI content descriptor.
struct OciDescriptor {
  std::string digest;  // "sha256:<hex>"
  std::string hex;
  std::string media_type;        // "" when absent
  std::optional<uint64_t> size;  // when given as an unsigned number
  bool has_platform = false;
  std::string os;
  std::string architecture;
  std::vector<std::string> tags;  // from the name annotations, normalised
};
Result<OciDescriptor> parse_descriptor(const nlohmann::json& descriptor);
// index.json: its manifests (at least one, each a valid descriptor).
Result<std::vector<OciDescriptor>> parse_oci_index(const nlohmann::json& index);

// The blob a descriptor named: an image manifest (config and layers), or a nested index (by its
// media type, or manifests without config) whose entries with a valid digest are kept.
struct OciManifest {
  bool is_index = false;
  std::vector<OciDescriptor> manifests;
  OciDescriptor config;
  std::vector<OciDescriptor> layers;
};
Result<OciManifest> parse_oci_manifest(const nlohmann::json& blob, const OciDescriptor& from);
// The entry of an index for this machine: linux and our architecture, else the first that is
// not an attestation ("unknown" platform); null when there is none.
const OciDescriptor* pick_platform(const std::vector<OciDescriptor>& manifests);

// The catalogue on disk. Callers hold the store mutex (and StoreLock when writing).
Result<std::vector<ImageRecord>> load_records(const std::string& root);
Status save_record(const std::string& root, const ImageRecord& record);

// An image ready to enter the catalogue: each layer either already in layers/ (staged_dir "") or
// unpacked into a staging directory under the store root.
struct PendingLayer {
  std::string diff_hex;
  std::string staged_dir;
  uint64_t size_bytes = 0;
};
struct PendingImage {
  ImageRecord record;  // layers and layer_sizes filled by commit_images
  std::vector<PendingLayer> layers;
};
// Moves staged layers into place and writes the records; tags move from older images to the new
// ones. Takes StoreLock. Returns the committed records (merged with an existing image of the same
// id).
Result<std::vector<ImageRecord>> commit_images(const std::string& root,
                                               std::vector<PendingImage> images);

std::string layer_dir(const std::string& root, const std::string& diff_hex);
std::string tmp_dir(const std::string& root);

}  // namespace chainlab::runtime::detail
