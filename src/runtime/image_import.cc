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
#include "runtime/archive_entries.h"
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
  // One tar entry: a regular file is written below dir_ (`total` counts the bytes so far), a
  // link is remembered.
  Status add_tar_entry(archive* in, archive_entry* e, uint64_t& total);

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

// Old docker save links duplicate layers: "<a>/layer.tar" -> "../<b>/layer.tar". The target of
// symlink `name`, resolved lexically against its folder; climbing above the archive root is
// refused.
Result<std::string> resolve_link(const std::string& name, const std::string& target) {
  size_t slash = name.rfind('/');
  std::string joined = target.starts_with("/") || slash == std::string::npos
                           ? target
                           : name.substr(0, slash + 1) + target;
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
  return resolved;
}

Status ImportSource::add_tar_entry(archive* in, archive_entry* e, uint64_t& total) {
  const char* raw = archive_entry_pathname(e);
  CL_ASSIGN_OR_RETURN(std::string name, detail::clean_relative_path(raw != nullptr ? raw : ""));
  if (name.empty()) {
    return ok_status();
  }
  if (const char* hardlink = archive_entry_hardlink(e); hardlink != nullptr) {
    CL_ASSIGN_OR_RETURN(links_[name], detail::clean_relative_path(hardlink));
    return ok_status();
  }
  if (archive_entry_filetype(e) == AE_IFLNK) {
    const char* target = archive_entry_symlink(e);
    CL_ASSIGN_OR_RETURN(links_[name], resolve_link(name, target != nullptr ? target : ""));
    return ok_status();
  }
  if (archive_entry_filetype(e) != AE_IFREG) {
    return ok_status();
  }
  la_int64_t size = archive_entry_size(e);
  total += size > 0 ? static_cast<uint64_t>(size) : 0;
  if (total > 2 * detail::kMaxImageBytes) {
    return make_error(ErrorCode::kResourceExhausted, "archive is larger than {} bytes",
                      2 * detail::kMaxImageBytes);
  }
  CL_RETURN_IF_ERROR(make_parents(dir_, name));
  return write_stream(in, dir_ + "/" + name, name);
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
  CL_RETURN_IF_ERROR(
      for_each_archive_entry(in.get(), "corrupt or truncated tar", [&](archive_entry* e) {
        if (++entries > detail::kMaxImageEntries) {
          return Status(make_error(ErrorCode::kResourceExhausted, "archive has too many entries"));
        }
        return src.add_tar_entry(in.get(), e, total);
      }));
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
  Result<std::string> blob(const detail::OciDescriptor& descriptor);
  Result<json> blob_json(const detail::OciDescriptor& descriptor, std::string* bytes = nullptr);
  Result<PendingImage> oci_image(const detail::OciDescriptor& manifest_descriptor, int depth);
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
  CL_ASSIGN_OR_RETURN(std::vector<detail::DockerImageEntry> entries,
                      detail::parse_docker_manifest(manifest));
  std::vector<PendingImage> out;
  for (const detail::DockerImageEntry& e : entries) {
    auto config_path = src_.file(e.config);
    if (!config_path.ok()) {
      return std::move(config_path).error().context("manifest.json names a missing config");
    }
    CL_ASSIGN_OR_RETURN(std::string config_bytes, read_small(*config_path));
    std::string actual = detail::sha256_hex(config_bytes);
    if (actual != e.config_hex) {
      return make_error(ErrorCode::kInvalidArgument,
                        "config '{}' has digest sha256:{}, not the one in its name", e.config,
                        actual);
    }
    std::vector<std::string> paths;
    for (const std::string& l : e.layers) {
      auto p = src_.file(l);
      if (!p.ok()) {
        return std::move(p).error().context("manifest.json names a missing layer");
      }
      paths.push_back(*p);
    }
    CL_ASSIGN_OR_RETURN(PendingImage img,
                        image_from_config(config_bytes, e.config_hex, paths, e.layers));
    img.record.tags = e.tags;
    out.push_back(std::move(img));
  }
  return out;
}

Result<std::string> Importer::blob(const detail::OciDescriptor& d) {
  auto path = src_.file("blobs/sha256/" + d.hex);
  if (!path.ok()) {
    return std::move(path).error().context(fmt::format("blob {}", d.digest));
  }
  struct stat st;
  if (d.size && ::stat(path->c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) != *d.size) {
    return make_error(ErrorCode::kInvalidArgument, "blob {} has {} bytes, its descriptor says {}",
                      d.digest, st.st_size, *d.size);
  }
  CL_ASSIGN_OR_RETURN(std::string actual, detail::sha256_file(*path));
  if (actual != d.hex) {
    return make_error(ErrorCode::kInvalidArgument, "blob {} has digest sha256:{}", d.digest,
                      actual);
  }
  return path;
}

Result<json> Importer::blob_json(const detail::OciDescriptor& d, std::string* bytes) {
  CL_ASSIGN_OR_RETURN(std::string path, blob(d));
  CL_ASSIGN_OR_RETURN(std::string text, read_small(path));
  json j = parse_json(text, "blob").value_or(json());
  if (!j.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "blob {} is not a JSON object", d.digest);
  }
  if (bytes != nullptr) {
    *bytes = std::move(text);
  }
  return j;
}

Result<PendingImage> Importer::oci_image(const detail::OciDescriptor& d, int depth) {
  if (depth > 4) {
    return make_error(ErrorCode::kInvalidArgument, "image indexes nested too deeply");
  }
  CL_ASSIGN_OR_RETURN(json manifest, blob_json(d));
  CL_ASSIGN_OR_RETURN(detail::OciManifest m, detail::parse_oci_manifest(manifest, d));
  if (m.is_index) {
    const detail::OciDescriptor* pick = detail::pick_platform(m.manifests);
    if (pick == nullptr) {
      return make_error(ErrorCode::kNotFound, "image index has no manifest for linux");
    }
    return oci_image(*pick, depth + 1);
  }
  std::string config_bytes;
  CL_ASSIGN_OR_RETURN(json unused, blob_json(m.config, &config_bytes));
  std::vector<std::string> paths;
  std::vector<std::string> names;
  for (const detail::OciDescriptor& l : m.layers) {
    CL_ASSIGN_OR_RETURN(std::string path, blob(l));
    paths.push_back(path);
    names.push_back(l.digest);
  }
  return image_from_config(config_bytes, m.config.hex, paths, names);
}

Result<std::vector<PendingImage>> Importer::oci() {
  CL_ASSIGN_OR_RETURN(std::string index_path, src_.file("index.json"));
  CL_ASSIGN_OR_RETURN(json index, detail::read_json_file(index_path));
  CL_ASSIGN_OR_RETURN(std::vector<detail::OciDescriptor> manifests, detail::parse_oci_index(index));
  std::vector<PendingImage> out;
  for (const detail::OciDescriptor& d : manifests) {
    CL_ASSIGN_OR_RETURN(PendingImage img, oci_image(d, 0));
    img.record.tags.insert(img.record.tags.end(), d.tags.begin(), d.tags.end());
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
