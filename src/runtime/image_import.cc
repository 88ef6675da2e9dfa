// ImageStore::import: `docker save` archives and OCI image layouts (directory or tar).
//
// A tar is first staged (regular files only, its symlinks remembered) into a temporary directory
// under the store root; a directory is read in place. Every blob is checked against its digest:
// docker-save configs against their file name, OCI blobs against their descriptor, and every
// layer's uncompressed stream against the config's rootfs.diff_ids. Layers are unpacked into the
// same temporary directory and only moved into layers/ once the whole import succeeded; any
// failure removes the temporary directory and leaves the store as it was.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <map>
#include <memory>

#include "common/fd.h"
#include "common/files.h"
#include "common/json_bounded.h"
#include "runtime/image_store.h"
#include "runtime/image_store_internal.h"

namespace chainlab::runtime {
namespace {

using detail::PendingImage;
using detail::PendingLayer;
using nlohmann::json;

struct ReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

// The files of an archive or layout, by their names inside it.
class ImportSource {
 public:
  // A layout directory, read in place.
  static Result<ImportSource> from_dir(const std::string& dir);
  // A tar, staged into `staging`.
  static Result<ImportSource> from_tar(const std::string& path, const std::string& staging);

  // The real path of `name`, following the archive's own symlinks. NotFound when absent.
  Result<std::string> file(std::string_view name) const;
  bool has(std::string_view name) const { return file(name).ok(); }

 private:
  std::string dir_;
  std::map<std::string, std::string> links_;  // name -> name it links to
};

Result<ImportSource> ImportSource::from_dir(const std::string& dir) {
  char real[PATH_MAX];
  if (::realpath(dir.c_str(), real) == nullptr) {
    return errno_error(errno, fmt::format("realpath {}", dir));
  }
  ImportSource src;
  src.dir_ = real;
  return src;
}

Status write_stream(archive* in, const std::string& path, const std::string& name) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return errno_error(errno, fmt::format("creating {}", path));
  }
  std::vector<char> buf(1 << 16);
  for (;;) {
    la_ssize_t n = archive_read_data(in, buf.data(), buf.size());
    if (n < 0) {
      return make_error(ErrorCode::kInvalidArgument, "corrupt or truncated archive at '{}': {}",
                        name, archive_error_string(in));
    }
    if (n == 0) {
      return ok_status();
    }
    if (::write(fd.get(), buf.data(), static_cast<size_t>(n)) != n) {
      return errno_error(errno, fmt::format("writing {}", path));
    }
  }
}

Status make_parents(const std::string& root, const std::string& rel) {
  size_t pos = 0;
  while ((pos = rel.find('/', pos)) != std::string::npos) {
    std::string dir = root + "/" + rel.substr(0, pos);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return errno_error(errno, fmt::format("mkdir {}", dir));
    }
    ++pos;
  }
  return ok_status();
}

Result<ImportSource> ImportSource::from_tar(const std::string& path, const std::string& staging) {
  std::unique_ptr<archive, ReadDeleter> in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  if (archive_read_open_filename(in.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return make_error(ErrorCode::kInvalidArgument, "not a readable tar: {}",
                      archive_error_string(in.get()));
  }
  if (::mkdir(staging.c_str(), 0700) != 0) {
    return errno_error(errno, fmt::format("mkdir {}", staging));
  }
  ImportSource src;
  src.dir_ = staging;
  uint64_t total = 0;
  uint64_t entries = 0;
  for (;;) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(in.get(), &e);
    if (r == ARCHIVE_EOF) {
      break;
    }
    if (r < ARCHIVE_WARN) {
      return make_error(ErrorCode::kInvalidArgument, "corrupt or truncated tar: {}",
                        archive_error_string(in.get()));
    }
    if (++entries > detail::kMaxImageEntries) {
      return make_error(ErrorCode::kResourceExhausted, "archive has too many entries");
    }
    const char* raw = archive_entry_pathname(e);
    CL_ASSIGN_OR_RETURN(std::string name, detail::clean_relative_path(raw != nullptr ? raw : ""));
    if (name.empty()) {
      continue;
    }
    const char* hardlink = archive_entry_hardlink(e);
    if (hardlink != nullptr) {
      CL_ASSIGN_OR_RETURN(src.links_[name], detail::clean_relative_path(hardlink));
      continue;
    }
    if (archive_entry_filetype(e) == AE_IFLNK) {
      // Old docker save links duplicate layers: "<a>/layer.tar" -> "../<b>/layer.tar".
      std::string target = archive_entry_symlink(e) != nullptr ? archive_entry_symlink(e) : "";
      size_t slash = name.rfind('/');
      std::string joined = target.starts_with("/") || slash == std::string::npos
                               ? target
                               : name.substr(0, slash + 1) + target;
      // Resolve ".." lexically; climbing above the archive root is refused.
      std::vector<std::string> parts;
      for (std::string_view part : split(joined, '/')) {
        if (part.empty() || part == ".") {
          continue;
        }
        if (part == "..") {
          if (parts.empty()) {
            return make_error(ErrorCode::kInvalidArgument,
                              "archive symlink '{}' -> '{}' escapes the archive", name, target);
          }
          parts.pop_back();
        } else {
          parts.emplace_back(part);
        }
      }
      std::string resolved;
      for (const std::string& p : parts) {
        resolved += resolved.empty() ? p : "/" + p;
      }
      src.links_[name] = resolved;
      continue;
    }
    if (archive_entry_filetype(e) != AE_IFREG) {
      continue;
    }
    la_int64_t size = archive_entry_size(e);
    total += size > 0 ? static_cast<uint64_t>(size) : 0;
    if (total > 2 * detail::kMaxImageBytes) {
      return make_error(ErrorCode::kResourceExhausted, "archive is larger than {} bytes",
                        2 * detail::kMaxImageBytes);
    }
    CL_RETURN_IF_ERROR(make_parents(staging, name));
    CL_RETURN_IF_ERROR(write_stream(in.get(), staging + "/" + name, name));
  }
  return src;
}

Result<std::string> ImportSource::file(std::string_view raw) const {
  CL_ASSIGN_OR_RETURN(std::string name, detail::clean_relative_path(raw));
  for (int hops = 0; hops < 16; ++hops) {
    auto it = links_.find(name);
    if (it == links_.end()) {
      break;
    }
    name = it->second;
  }
  std::string path = dir_ + "/" + name;
  char real[PATH_MAX];
  struct stat st;
  if (::realpath(path.c_str(), real) == nullptr || ::stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
    return make_error(ErrorCode::kNotFound, "'{}' is not in the archive", raw);
  }
  std::string_view r = real;
  if (!r.starts_with(dir_ + "/")) {
    return make_error(ErrorCode::kInvalidArgument, "'{}' points outside the archive", raw);
  }
  return std::string(real);
}

// Reads a JSON blob: parsed and, for digests, its exact bytes.
Result<std::string> read_small(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return errno_error(errno, fmt::format("stat {}", path));
  }
  if (static_cast<uint64_t>(st.st_size) > detail::kMaxJsonBytes) {
    return make_error(ErrorCode::kInvalidArgument, "metadata file is too large");
  }
  return read_file(path, detail::kMaxJsonBytes);
}

class Importer {
 public:
  Importer(const std::string& root, const std::string& work, const ImportSource& src,
           std::map<std::string, uint64_t> known_sizes)
      : root_(root), work_(work), src_(src), known_sizes_(std::move(known_sizes)) {}

  Result<std::vector<PendingImage>> docker();
  Result<std::vector<PendingImage>> oci();

 private:
  // Verifies the layer's diff id and unpacks it unless the store already has it.
  Result<PendingLayer> layer(const std::string& path, const std::string& name,
                             const std::string& diff_hex, detail::UnpackBudget& budget);
  // An OCI blob named by a descriptor, checked against its digest (and size when given).
  Result<std::string> blob(const json& descriptor);
  Result<json> blob_json(const json& descriptor, std::string* bytes = nullptr);
  Result<PendingImage> oci_image(const json& manifest_descriptor, int depth);
  Result<PendingImage> image_from_config(const std::string& config_bytes, const std::string& id,
                                         const std::vector<std::string>& layer_paths,
                                         const std::vector<std::string>& layer_names);

  const std::string& root_;
  const std::string& work_;
  const ImportSource& src_;
  std::map<std::string, uint64_t> known_sizes_;  // layers already in the store or staged
  std::map<std::string, std::string> staged_;    // diff hex -> staged dir
};

Result<PendingLayer> Importer::layer(const std::string& path, const std::string& name,
                                     const std::string& diff_hex, detail::UnpackBudget& budget) {
  CL_ASSIGN_OR_RETURN(std::string actual,
                      detail::sha256_decompressed(path, 2 * detail::kMaxImageBytes));
  if (actual != diff_hex) {
    return make_error(ErrorCode::kInvalidArgument,
                      "layer '{}' has digest sha256:{} but the config's diff id is sha256:{}", name,
                      actual, diff_hex);
  }
  PendingLayer out{diff_hex, "", 0};
  if (auto it = staged_.find(diff_hex); it != staged_.end()) {
    out.staged_dir = it->second;
    out.size_bytes = known_sizes_[diff_hex];
    return out;
  }
  struct stat st;
  if (::lstat(detail::layer_dir(root_, diff_hex).c_str(), &st) == 0) {
    out.size_bytes = known_sizes_[diff_hex];
    return out;
  }
  std::string dir = fmt::format("{}/layer-{}", work_, diff_hex);
  if (::mkdir(dir.c_str(), 0755) != 0) {
    return errno_error(errno, fmt::format("mkdir {}", dir));
  }
  auto stats = detail::unpack_layer(path, dir, budget);
  if (!stats.ok()) {
    return std::move(stats).error().context(fmt::format("layer '{}'", name));
  }
  out.staged_dir = dir;
  out.size_bytes = stats->size_bytes;
  staged_[diff_hex] = dir;
  known_sizes_[diff_hex] = stats->size_bytes;
  return out;
}

Result<PendingImage> Importer::image_from_config(const std::string& config_bytes,
                                                 const std::string& id,
                                                 const std::vector<std::string>& layer_paths,
                                                 const std::vector<std::string>& layer_names) {
  CL_ASSIGN_OR_RETURN(detail::ParsedConfig cfg, detail::parse_config_blob(config_bytes));
  if (cfg.diff_ids.size() != layer_paths.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the manifest lists {} layers but the config has {} diff ids",
                      layer_paths.size(), cfg.diff_ids.size());
  }
  PendingImage img;
  img.record.id_hex = id;
  img.record.config = std::move(cfg.config);
  img.record.created = std::move(cfg.created);
  detail::UnpackBudget budget;
  for (size_t i = 0; i < layer_paths.size(); ++i) {
    CL_ASSIGN_OR_RETURN(PendingLayer l,
                        layer(layer_paths[i], layer_names[i], cfg.diff_ids[i], budget));
    img.layers.push_back(std::move(l));
  }
  return img;
}

Result<std::vector<PendingImage>> Importer::docker() {
  CL_ASSIGN_OR_RETURN(std::string manifest_path, src_.file("manifest.json"));
  CL_ASSIGN_OR_RETURN(json manifest, detail::read_json_file(manifest_path));
  if (!manifest.is_array() || manifest.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "manifest.json must be a non-empty list");
  }
  std::vector<PendingImage> out;
  for (const json& m : manifest) {
    if (!m.is_object() || !m.contains("Config") || !m["Config"].is_string() ||
        !m.contains("Layers") || !m["Layers"].is_array()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "manifest.json entries need a Config string and a Layers list");
    }
    std::string config_name = m["Config"].get<std::string>();
    // "<hex>.json" (classic) or "blobs/sha256/<hex>" (Docker >= 25).
    std::string base = config_name.substr(config_name.rfind('/') + 1);
    if (base.ends_with(".json")) {
      base.resize(base.size() - 5);
    }
    if (!detail::is_hex_digest(base)) {
      return make_error(ErrorCode::kInvalidArgument, "config '{}' is not named by its digest",
                        config_name);
    }
    auto config_path = src_.file(config_name);
    if (!config_path.ok()) {
      return std::move(config_path).error().context("manifest.json names a missing config");
    }
    CL_ASSIGN_OR_RETURN(std::string config_bytes, read_small(*config_path));
    std::string actual = detail::sha256_hex(config_bytes);
    if (actual != base) {
      return make_error(ErrorCode::kInvalidArgument,
                        "config '{}' has digest sha256:{}, not the one in its name", config_name,
                        actual);
    }
    std::vector<std::string> paths;
    std::vector<std::string> names;
    for (const json& l : m["Layers"]) {
      if (!l.is_string()) {
        return make_error(ErrorCode::kInvalidArgument, "manifest.json Layers must be strings");
      }
      auto p = src_.file(l.get<std::string>());
      if (!p.ok()) {
        return std::move(p).error().context("manifest.json names a missing layer");
      }
      paths.push_back(*p);
      names.push_back(l.get<std::string>());
    }
    CL_ASSIGN_OR_RETURN(PendingImage img, image_from_config(config_bytes, base, paths, names));
    if (auto tags = m.find("RepoTags"); tags != m.end() && tags->is_array()) {
      for (const json& t : *tags) {
        if (t.is_string()) {
          img.record.tags.push_back(normalize_tag(t.get<std::string>()));
        }
      }
    }
    out.push_back(std::move(img));
  }
  return out;
}

Result<std::string> Importer::blob(const json& d) {
  if (!d.is_object() || !d.contains("digest") || !d["digest"].is_string()) {
    return make_error(ErrorCode::kInvalidArgument, "descriptor without a digest");
  }
  std::string digest = d["digest"].get<std::string>();
  CL_ASSIGN_OR_RETURN(std::string hex, detail::digest_hex(digest));
  auto path = src_.file("blobs/sha256/" + hex);
  if (!path.ok()) {
    return std::move(path).error().context(fmt::format("blob {}", digest));
  }
  struct stat st;
  if (d.contains("size") && d["size"].is_number_unsigned() && ::stat(path->c_str(), &st) == 0 &&
      static_cast<uint64_t>(st.st_size) != d["size"].get<uint64_t>()) {
    return make_error(ErrorCode::kInvalidArgument, "blob {} has {} bytes, its descriptor says {}",
                      digest, st.st_size, d["size"].get<uint64_t>());
  }
  CL_ASSIGN_OR_RETURN(std::string actual, detail::sha256_file(*path));
  if (actual != hex) {
    return make_error(ErrorCode::kInvalidArgument, "blob {} has digest sha256:{}", digest, actual);
  }
  return path;
}

Result<json> Importer::blob_json(const json& d, std::string* bytes) {
  CL_ASSIGN_OR_RETURN(std::string path, blob(d));
  CL_ASSIGN_OR_RETURN(std::string text, read_small(path));
  json j = parse_json(text, "blob").value_or(json());
  if (!j.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "blob {} is not a JSON object",
                      d["digest"].get<std::string>());
  }
  if (bytes != nullptr) {
    *bytes = std::move(text);
  }
  return j;
}

bool is_index_type(const json& d) {
  std::string type = d.value("mediaType", "");
  return type == "application/vnd.oci.image.index.v1+json" ||
         type == "application/vnd.docker.distribution.manifest.list.v2+json";
}

// The entry of an image index for this machine: linux and our architecture, else the first that
// is not an attestation ("unknown" platform).
const json* pick_platform(const json& manifests) {
#if defined(__aarch64__)
  constexpr std::string_view kArch = "arm64";
#else
  constexpr std::string_view kArch = "amd64";
#endif
  const json* fallback = nullptr;
  for (const json& d : manifests) {
    if (!d.is_object()) {
      continue;
    }
    auto p = d.find("platform");
    if (p == d.end() || !p->is_object()) {
      fallback = fallback != nullptr ? fallback : &d;
      continue;
    }
    std::string os = p->value("os", "");
    std::string arch = p->value("architecture", "");
    if (os == "linux" && arch == kArch) {
      return &d;
    }
    if (fallback == nullptr && os != "unknown") {
      fallback = &d;
    }
  }
  return fallback;
}

Result<PendingImage> Importer::oci_image(const json& d, int depth) {
  if (depth > 4) {
    return make_error(ErrorCode::kInvalidArgument, "image indexes nested too deeply");
  }
  CL_ASSIGN_OR_RETURN(json m, blob_json(d));
  if (is_index_type(d) || (m.contains("manifests") && !m.contains("config"))) {
    auto list = m.find("manifests");
    const json* pick = list != m.end() && list->is_array() ? pick_platform(*list) : nullptr;
    if (pick == nullptr) {
      return make_error(ErrorCode::kNotFound, "image index has no manifest for linux");
    }
    return oci_image(*pick, depth + 1);
  }
  auto config = m.find("config");
  auto layers = m.find("layers");
  if (config == m.end() || layers == m.end() || !layers->is_array()) {
    return make_error(ErrorCode::kInvalidArgument, "image manifest needs config and layers");
  }
  std::string config_bytes;
  CL_ASSIGN_OR_RETURN(json unused, blob_json(*config, &config_bytes));
  CL_ASSIGN_OR_RETURN(std::string id, detail::digest_hex((*config)["digest"].get<std::string>()));
  std::vector<std::string> paths;
  std::vector<std::string> names;
  for (const json& l : *layers) {
    CL_ASSIGN_OR_RETURN(std::string path, blob(l));
    paths.push_back(path);
    names.push_back(l["digest"].get<std::string>());
  }
  return image_from_config(config_bytes, id, paths, names);
}

Result<std::vector<PendingImage>> Importer::oci() {
  CL_ASSIGN_OR_RETURN(std::string index_path, src_.file("index.json"));
  CL_ASSIGN_OR_RETURN(json index, detail::read_json_file(index_path));
  auto list = index.find("manifests");
  if (!index.is_object() || list == index.end() || !list->is_array() || list->empty()) {
    return make_error(ErrorCode::kInvalidArgument, "index.json lists no manifests");
  }
  std::vector<PendingImage> out;
  for (const json& d : *list) {
    CL_ASSIGN_OR_RETURN(PendingImage img, oci_image(d, 0));
    auto ann = d.find("annotations");
    if (ann != d.end() && ann->is_object()) {
      // containerd and Docker write the full name; skopeo and buildah "name:tag" or a bare tag.
      std::string name = ann->value("io.containerd.image.name", "");
      std::string ref = ann->value("org.opencontainers.image.ref.name", "");
      if (!name.empty()) {
        img.record.tags.push_back(normalize_tag(name));
      } else if (!ref.empty()) {
        img.record.tags.push_back(normalize_tag(ref));
      }
    }
    out.push_back(std::move(img));
  }
  return out;
}

}  // namespace

Result<ImageInfo> ImageStore::import(const std::string& path, const std::string& extra_tag) {
  auto fail = [&](Error e) { return std::move(e).context(fmt::format("importing {}", path)); };
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return fail(errno_error(errno, "stat"));
  }
  CL_ASSIGN_OR_RETURN(detail::TempDir work,
                      detail::TempDir::create(detail::tmp_dir(root_), "import-"));
  auto src = S_ISDIR(st.st_mode) ? ImportSource::from_dir(path)
                                 : ImportSource::from_tar(path, work.path() + "/archive");
  if (!src.ok()) {
    return fail(std::move(src).error());
  }
  std::map<std::string, uint64_t> sizes;
  auto records = [&] {
    std::lock_guard lock(mu_);
    return detail::load_records(root_);
  }();
  if (records.ok()) {
    for (const detail::ImageRecord& r : *records) {
      for (size_t i = 0; i < r.layers.size() && i < r.layer_sizes.size(); ++i) {
        sizes[r.layers[i]] = r.layer_sizes[i];
      }
    }
  }
  Importer importer(root_, work.path(), *src, std::move(sizes));
  Result<std::vector<PendingImage>> pending =
      src->has("manifest.json") ? importer.docker()
      : src->has("index.json")
          ? importer.oci()
          : Result<std::vector<PendingImage>>(make_error(
                ErrorCode::kInvalidArgument,
                "neither a `docker save` archive (no manifest.json) nor an OCI layout (no "
                "index.json)"));
  if (!pending.ok()) {
    return fail(std::move(pending).error());
  }
  if (!extra_tag.empty()) {
    pending->front().record.tags.push_back(normalize_tag(extra_tag));
  }
  // Unpacking ran unlocked (its own temp dir); the catalogue changes under the mutex and flock.
  std::lock_guard lock(mu_);
  auto committed = detail::commit_images(root_, std::move(pending).value());
  if (!committed.ok()) {
    return fail(std::move(committed).error());
  }
  return detail::record_to_info(root_, committed->front());
}

}  // namespace chainlab::runtime
