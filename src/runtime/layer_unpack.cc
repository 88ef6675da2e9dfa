// Safe extraction of one image layer.
//
// Every entry is checked before libarchive writes it:
//   - paths: absolute paths and `..` components are refused; "./" prefixes are dropped;
//   - nothing is written through a symlink of the layer (own check, plus libarchive's
//     ARCHIVE_EXTRACT_SECURE_SYMLINKS and SECURE_NODOTDOT on the final, absolute path);
//   - symlinks: an absolute target is kept as is: in the container it is rooted at the rootfs and
//     cannot escape; a relative target that climbs above the layer root is refused;
//   - hard links must name a regular file extracted earlier from the same layer;
//   - character and block devices are refused (images never need them; the runtime provides
//     /dev); FIFOs are kept; sockets are skipped;
//   - budget: unpacked bytes and entry counts per image (UnpackBudget).
// Whiteouts: `.wh.<name>` becomes a 0/0 character device <name> (needs CAP_MKNOD) and
// `.wh..wh..opq` sets trusted.overlay.opaque="y" on its directory (needs CAP_SYS_ADMIN).
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <set>

#include "common/files.h"
#include "runtime/archive_entries.h"
#include "runtime/image_store_internal.h"

namespace chainlab::runtime::detail {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

struct ReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};

Error bad_entry(std::string_view path, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument, "refusing layer entry '{}': {}", path, why);
}

std::string parent_of(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? "" : rel.substr(0, slash);
}

std::string base_of(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

// A relative symlink target must stay inside the layer when resolved from the link's directory.
bool relative_target_escapes(const std::string& link_rel, std::string_view target) {
  std::string dir = parent_of(link_rel);
  int depth = dir.empty() ? 0 : static_cast<int>(split(dir, '/').size());
  for (std::string_view part : split(target, '/')) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (--depth < 0) {
        return true;
      }
    } else {
      ++depth;
    }
  }
  return false;
}

class LayerWriter {
 public:
  LayerWriter(const std::string& dest, UnpackBudget& budget) : dest_(dest), budget_(budget) {}

  Result<LayerStats> run(const std::string& archive_path);

 private:
  Status entry(archive* in, archive* out, archive_entry* e);
  Status check_ancestors(const std::string& rel) const;
  Status make_parents(const std::string& rel_dir);
  Status whiteout(const std::string& rel);
  Status copy_data(archive* in, archive* out, const std::string& rel);
  std::string abs(const std::string& rel) const { return rel.empty() ? dest_ : dest_ + "/" + rel; }

  const std::string& dest_;
  UnpackBudget& budget_;
  LayerStats stats_;
  std::set<std::string> symlinks_;  // symlinks written so far (rel paths)
  std::set<std::string> files_;     // regular files written so far (hard link targets)
  std::vector<std::string> opaque_dirs_;
};

Result<LayerStats> LayerWriter::run(const std::string& archive_path) {
  std::unique_ptr<archive, ReadDeleter> in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  archive_read_support_format_empty(in.get());
  if (archive_read_open_filename(in.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return make_error(ErrorCode::kInvalidArgument, "layer is not a readable tar: {}",
                      archive_error_string(in.get()));
  }
  std::unique_ptr<archive, WriteDeleter> out(archive_write_disk_new());
  int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
              ARCHIVE_EXTRACT_SECURE_NODOTDOT;
  if (::geteuid() == 0) {
    flags |= ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_XATTR;
  }
  archive_write_disk_set_options(out.get(), flags);
  CL_RETURN_IF_ERROR(
      for_each_archive_entry(in.get(), "corrupt or truncated layer tar",
                             [&](archive_entry* e) { return entry(in.get(), out.get(), e); }));
  if (archive_write_close(out.get()) < ARCHIVE_WARN) {
    return make_error(ErrorCode::kInternal, "finishing layer extraction: {}",
                      archive_error_string(out.get()));
  }
  for (const std::string& dir : opaque_dirs_) {
    if (::setxattr(abs(dir).c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0) {
      return errno_error(errno, fmt::format("marking '{}' opaque (trusted.overlay.opaque needs "
                                            "CAP_SYS_ADMIN: import as root)",
                                            dir));
    }
  }
  return stats_;
}

Status LayerWriter::check_ancestors(const std::string& rel) const {
  for (size_t pos = rel.find('/'); pos != std::string::npos; pos = rel.find('/', pos + 1)) {
    if (symlinks_.count(rel.substr(0, pos)) != 0) {
      return bad_entry(rel, fmt::format("its parent '{}' is a symlink", rel.substr(0, pos)));
    }
  }
  return ok_status();
}

Status LayerWriter::make_parents(const std::string& rel_dir) {
  if (rel_dir.empty()) {
    return ok_status();
  }
  std::string cur;
  for (std::string_view part : split(rel_dir, '/')) {
    cur += cur.empty() ? std::string(part) : "/" + std::string(part);
    struct stat st;
    if (::lstat(abs(cur).c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) {
        return bad_entry(rel_dir, fmt::format("'{}' is not a directory", cur));
      }
      continue;
    }
    if (::mkdir(abs(cur).c_str(), 0755) != 0 && errno != EEXIST) {
      return errno_error(errno, fmt::format("mkdir {}", abs(cur)));
    }
  }
  return ok_status();
}

Status LayerWriter::whiteout(const std::string& rel) {
  std::string dir = parent_of(rel);
  std::string base = base_of(rel);
  CL_RETURN_IF_ERROR(make_parents(dir));
  if (base == kOpaqueMarker) {
    opaque_dirs_.push_back(dir);
    return ok_status();
  }
  std::string name = base.substr(kWhiteoutPrefix.size());
  if (name.empty() || name == "." || name == ".." || name.starts_with(kWhiteoutPrefix)) {
    return bad_entry(rel, "malformed whiteout");
  }
  std::string target = dir.empty() ? name : dir + "/" + name;
  CL_RETURN_IF_ERROR(remove_tree(abs(target)));
  symlinks_.erase(target);
  files_.erase(target);
  if (::mknod(abs(target).c_str(), S_IFCHR | 0, makedev(0, 0)) != 0) {
    return errno_error(errno, fmt::format("creating whiteout for '{}' (mknod of a 0/0 character "
                                          "device needs CAP_MKNOD: import as root)",
                                          target));
  }
  return ok_status();
}

Status LayerWriter::copy_data(archive* in, archive* out, const std::string& rel) {
  const void* buf = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  for (;;) {
    int r = archive_read_data_block(in, &buf, &size, &offset);
    if (r == ARCHIVE_EOF) {
      return ok_status();
    }
    if (r < ARCHIVE_WARN) {
      return make_error(ErrorCode::kInvalidArgument, "corrupt or truncated layer tar at '{}': {}",
                        rel, archive_error_string(in));
    }
    if (archive_write_data_block(out, buf, size, offset) < ARCHIVE_WARN) {
      return make_error(ErrorCode::kInternal, "writing '{}': {}", rel, archive_error_string(out));
    }
  }
}

Status LayerWriter::entry(archive* in, archive* out, archive_entry* e) {
  const char* raw = archive_entry_pathname(e);
  CL_ASSIGN_OR_RETURN(std::string rel, clean_relative_path(raw != nullptr ? raw : ""));
  if (budget_.entries_left == 0) {
    return make_error(ErrorCode::kResourceExhausted, "image has more than {} entries",
                      kMaxImageEntries);
  }
  --budget_.entries_left;
  ++stats_.entries;
  if (rel.empty()) {
    return ok_status();  // "./": the layer root itself
  }
  CL_RETURN_IF_ERROR(check_ancestors(rel));
  if (base_of(rel).starts_with(kWhiteoutPrefix)) {
    return whiteout(rel);
  }
  const char* hardlink = archive_entry_hardlink(e);
  mode_t type = archive_entry_filetype(e);
  if (hardlink != nullptr) {
    auto cleaned = clean_relative_path(hardlink);
    if (!cleaned.ok()) {
      return bad_entry(rel, fmt::format("hard link target '{}' leaves the layer", hardlink));
    }
    const std::string& link_rel = *cleaned;
    if (files_.count(link_rel) == 0) {
      return bad_entry(
          rel, fmt::format("hard link to '{}', which is not a file of this layer", hardlink));
    }
    archive_entry_set_hardlink(e, abs(link_rel).c_str());
  } else if (type == AE_IFLNK) {
    const char* target = archive_entry_symlink(e);
    if (target == nullptr || *target == '\0') {
      return bad_entry(rel, "symlink without a target");
    }
    if (target[0] != '/' && relative_target_escapes(rel, target)) {
      return bad_entry(rel, fmt::format("symlink target '{}' escapes the layer", target));
    }
  } else if (type == AE_IFCHR || type == AE_IFBLK) {
    return bad_entry(rel, "device node");
  } else if (type == AE_IFSOCK) {
    return ok_status();
  } else if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFIFO) {
    return bad_entry(rel, "unknown entry type");
  }
  if (type == AE_IFREG && hardlink == nullptr) {
    la_int64_t size = archive_entry_size(e);
    uint64_t usize = size > 0 ? static_cast<uint64_t>(size) : 0;
    if (usize > budget_.bytes_left) {
      return make_error(ErrorCode::kResourceExhausted,
                        "image unpacks to more than {} bytes (at '{}')", kMaxImageBytes, rel);
    }
    budget_.bytes_left -= usize;
    stats_.size_bytes += usize;
  }
  CL_RETURN_IF_ERROR(make_parents(parent_of(rel)));
  archive_entry_set_pathname(e, abs(rel).c_str());
  if (archive_write_header(out, e) < ARCHIVE_WARN) {
    return make_error(ErrorCode::kInvalidArgument, "extracting '{}': {}", rel,
                      archive_error_string(out));
  }
  if (archive_entry_size(e) > 0) {
    CL_RETURN_IF_ERROR(copy_data(in, out, rel));
  }
  if (archive_write_finish_entry(out) < ARCHIVE_WARN) {
    return make_error(ErrorCode::kInvalidArgument, "extracting '{}': {}", rel,
                      archive_error_string(out));
  }
  symlinks_.erase(rel);
  files_.erase(rel);
  if (type == AE_IFLNK && hardlink == nullptr) {
    symlinks_.insert(rel);
  } else if (type == AE_IFREG) {
    files_.insert(rel);
  }
  return ok_status();
}

}  // namespace

Result<std::string> clean_relative_path(std::string_view raw) {
  return chainlab::clean_relative_path(raw, "layer entry");
}

Result<LayerStats> unpack_layer(const std::string& archive_path, const std::string& dest,
                                UnpackBudget& budget) {
  LayerWriter writer(dest, budget);
  return writer.run(archive_path);
}

}  // namespace chainlab::runtime::detail
