// The image catalogue: opening the store, resolving references, tags and removal. Records live in
// images/<id hex>.json; layers in layers/<diff id hex>/ (see image_store_internal.h).
#include "runtime/image_store.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <ctime>
#include <filesystem>
#include <set>

#include "common/files.h"
#include "runtime/image_store_internal.h"

namespace chainlab::runtime {
namespace {

namespace fs = std::filesystem;
using detail::ImageRecord;

Status make_dir(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) {
    return make_error(ErrorCode::kInternal, "creating {}: {}", path, ec.message());
  }
  return ok_status();
}

bool all_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The record `ref` names, by tag, full id or unique id prefix.
Result<ImageRecord> find_record(const std::string& root, const std::vector<ImageRecord>& records,
                                const std::string& ref) {
  if (ref.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "empty image reference");
  }
  std::string tag = normalize_tag(ref);
  for (const ImageRecord& r : records) {
    if (std::find(r.tags.begin(), r.tags.end(), tag) != r.tags.end()) {
      return r;
    }
  }
  std::string_view prefix = ref;
  if (prefix.starts_with("sha256:")) {
    prefix.remove_prefix(7);
  }
  if (prefix.size() >= 6 && all_hex(prefix)) {
    const ImageRecord* match = nullptr;
    for (const ImageRecord& r : records) {
      if (r.id_hex.starts_with(prefix)) {
        if (match != nullptr) {
          return make_error(ErrorCode::kInvalidArgument,
                            "image id prefix '{}' is ambiguous: give more characters", ref);
        }
        match = &r;
      }
    }
    if (match != nullptr) {
      return *match;
    }
  }
  return make_error(ErrorCode::kNotFound,
                    "image '{}' not found in {}: import it with `chainlab image import FILE` "
                    "(a `docker save` tar or an OCI layout) or build one with `chainlab image "
                    "build-from-host`",
                    tag, root);
}

Status delete_unused_layers(const std::string& root, const std::vector<ImageRecord>& remaining,
                            const std::vector<std::string>& candidates) {
  std::set<std::string> used;
  for (const ImageRecord& r : remaining) {
    used.insert(r.layers.begin(), r.layers.end());
  }
  for (const std::string& layer : candidates) {
    if (used.count(layer) == 0) {
      CL_RETURN_IF_ERROR(detail::remove_tree(detail::layer_dir(root, layer)));
    }
  }
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<ImageStore>> ImageStore::open(const std::string& root) {
  if (root.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "image store: empty root directory");
  }
  const std::string& dir = root;
  for (const char* sub : {"", "/layers", "/images", "/tmp"}) {
    CL_RETURN_IF_ERROR(make_dir(dir + sub));
  }
  // Leftovers of imports or builds killed midway (a live one is never a day old).
  if (auto names = list_dir(dir + "/tmp"); names.ok()) {
    for (const std::string& name : *names) {
      std::string path = fmt::format("{}/tmp/{}", dir, name);
      struct stat st;
      if (::lstat(path.c_str(), &st) == 0 && st.st_mtime < ::time(nullptr) - 24 * 3600) {
        (void)detail::remove_tree(path);
      }
    }
  }
  // A canonical root: layer extraction refuses to write through symlinks, the root's included.
  char real[PATH_MAX];
  if (::realpath(dir.c_str(), real) == nullptr) {
    return errno_error(errno, fmt::format("realpath {}", dir));
  }
  return std::unique_ptr<ImageStore>(new ImageStore(real));
}

Result<ImageInfo> ImageStore::resolve(const std::string& ref) const {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(std::vector<ImageRecord> records, detail::load_records(root_));
  CL_ASSIGN_OR_RETURN(ImageRecord r, find_record(root_, records, ref));
  return detail::record_to_info(root_, r);
}

std::vector<ImageInfo> ImageStore::list() const {
  std::lock_guard lock(mu_);
  std::vector<ImageInfo> out;
  auto records = detail::load_records(root_);
  if (!records.ok()) {
    return out;
  }
  for (const ImageRecord& r : *records) {
    out.push_back(detail::record_to_info(root_, r));
  }
  return out;
}

Status ImageStore::tag(const std::string& ref, const std::string& new_tag) {
  std::string tag = normalize_tag(new_tag);
  if (tag.empty() || tag.find('@') != std::string::npos || tag.find(' ') != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, "invalid tag '{}'", new_tag);
  }
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(auto store_lock, detail::StoreLock::acquire(root_));
  CL_ASSIGN_OR_RETURN(std::vector<ImageRecord> records, detail::load_records(root_));
  CL_ASSIGN_OR_RETURN(ImageRecord target, find_record(root_, records, ref));
  for (ImageRecord& r : records) {
    auto it = std::find(r.tags.begin(), r.tags.end(), tag);
    if (r.id_hex == target.id_hex) {
      if (it == r.tags.end()) {
        r.tags.push_back(tag);
        CL_RETURN_IF_ERROR(detail::save_record(root_, r));
      }
    } else if (it != r.tags.end()) {
      r.tags.erase(it);  // a tag names one image: it moves
      CL_RETURN_IF_ERROR(detail::save_record(root_, r));
    }
  }
  return ok_status();
}

Status ImageStore::remove(const std::string& ref) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(auto store_lock, detail::StoreLock::acquire(root_));
  CL_ASSIGN_OR_RETURN(std::vector<ImageRecord> records, detail::load_records(root_));
  CL_ASSIGN_OR_RETURN(ImageRecord target, find_record(root_, records, ref));
  std::string path = fmt::format("{}/images/{}.json", root_, target.id_hex);
  if (::unlink(path.c_str()) != 0) {
    return errno_error(errno, fmt::format("unlink {}", path));
  }
  std::erase_if(records, [&](const ImageRecord& r) { return r.id_hex == target.id_hex; });
  return delete_unused_layers(root_, records, target.layers);
}

namespace detail {

Result<std::vector<ImageRecord>> load_records(const std::string& root) {
  std::vector<ImageRecord> out;
  CL_ASSIGN_OR_RETURN(std::vector<std::string> names, list_dir(root + "/images"));
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (!name.ends_with(".json")) {
      continue;  // *.json.tmp of an interrupted write
    }
    std::string path = fmt::format("{}/images/{}", root, name);
    CL_ASSIGN_OR_RETURN(nlohmann::json j, read_json_file(path));
    auto r = record_from_json(j);
    if (!r.ok()) {
      return std::move(r).error().context(path);
    }
    out.push_back(std::move(r).value());
  }
  return out;
}

Status save_record(const std::string& root, const ImageRecord& record) {
  return write_file_atomic(fmt::format("{}/images/{}.json", root, record.id_hex),
                           record_to_json(record).dump(2) + "\n");
}

Result<std::vector<ImageRecord>> commit_images(const std::string& root,
                                               std::vector<PendingImage> images) {
  CL_ASSIGN_OR_RETURN(auto store_lock, StoreLock::acquire(root));
  CL_ASSIGN_OR_RETURN(std::vector<ImageRecord> records, load_records(root));
  // Layers first: a record never names a missing layer. Roll back on failure.
  std::vector<std::string> placed;
  auto rollback = [&] {
    for (const std::string& dir : placed) {
      (void)remove_tree(dir);
    }
  };
  for (PendingImage& img : images) {
    img.record.layers.clear();
    img.record.layer_sizes.clear();
    for (const PendingLayer& layer : img.layers) {
      img.record.layers.push_back(layer.diff_hex);
      img.record.layer_sizes.push_back(layer.size_bytes);
      std::string dst = layer_dir(root, layer.diff_hex);
      if (layer.staged_dir.empty()) {
        continue;
      }
      struct stat st;
      if (::lstat(dst.c_str(), &st) == 0) {
        continue;  // unpacked meanwhile by another import: the staged copy goes with the temp dir
      }
      if (::rename(layer.staged_dir.c_str(), dst.c_str()) != 0) {
        int err = errno;
        rollback();
        return errno_error(err, fmt::format("moving layer into {}", dst));
      }
      placed.push_back(dst);
    }
  }
  std::vector<ImageRecord> committed;
  for (PendingImage& img : images) {
    ImageRecord& rec = img.record;
    std::vector<std::string> tags;
    for (const std::string& t : rec.tags) {
      if (std::find(tags.begin(), tags.end(), t) == tags.end()) {
        tags.push_back(t);
      }
    }
    for (ImageRecord& other : records) {
      if (other.id_hex == rec.id_hex) {
        for (const std::string& t : other.tags) {
          if (std::find(tags.begin(), tags.end(), t) == tags.end()) {
            tags.push_back(t);
          }
        }
        continue;
      }
      size_t before = other.tags.size();
      std::erase_if(other.tags, [&](const std::string& t) {
        return std::find(rec.tags.begin(), rec.tags.end(), t) != rec.tags.end();
      });
      if (other.tags.size() != before) {
        CL_RETURN_IF_ERROR(save_record(root, other));
      }
    }
    rec.tags = std::move(tags);
    Status st = save_record(root, rec);
    if (!st.ok()) {
      rollback();
      return std::move(st).error();
    }
    std::erase_if(records, [&](const ImageRecord& r) { return r.id_hex == rec.id_hex; });
    records.push_back(rec);
    committed.push_back(rec);
  }
  return committed;
}

}  // namespace detail
}  // namespace chainlab::runtime
