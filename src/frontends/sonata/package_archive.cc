// read_archive: the regular files of a zip package, read from memory under PackageLimits.
//
// Only libarchive's seekable zip reader is enabled: it reads the central directory, so an archive
// cut short (no end-of-central-directory record) is refused instead of being read up to the cut.
// Every entry is checked before its data is read (path, type, duplicates, declared size) and
// again while its data streams in: the real uncompressed bytes, never the header's claim, count
// against max_file_bytes, max_total_bytes and max_ratio. The ratio compares the bytes produced
// with the compressed bytes libarchive consumed for the entry so far (archive_filter_bytes), so
// a zip bomb is stopped after its first chunks; entries below kRatioFloorBytes are exempt (a
// small, very regular YAML file may compress well, and max_total_bytes bounds them anyway).
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>
#include <set>
#include <vector>

#include "common/files.h"
#include "frontends/sonata/package.h"
#include "runtime/archive_entries.h"

namespace chainlab::sonata {
namespace {

constexpr size_t kRatioFloorBytes = size_t{1} << 20;
constexpr size_t kChunk = size_t{1} << 16;

struct ReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

Error bad_entry(std::string_view name, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument, "refusing archive entry '{}': {}", name, why);
}

// "./a//b" -> "a/b"; absolute paths, "..", backslashes and drive letters are refused.
Result<std::string> entry_name(std::string_view raw) {
  if (raw.find('\\') != std::string_view::npos) {
    return bad_entry(raw, "backslash in path");
  }
  if (raw.size() >= 2 && raw[1] == ':') {
    return bad_entry(raw, "drive letter in path");
  }
  return clean_relative_path(raw, "archive entry");
}

const char* type_name(mode_t type) {
  switch (type) {
    case AE_IFLNK:
      return "symbolic link";
    case AE_IFCHR:
      return "character device";
    case AE_IFBLK:
      return "block device";
    case AE_IFIFO:
      return "named pipe";
    case AE_IFSOCK:
      return "socket";
    default:
      return "special file";
  }
}

class ZipReader {
 public:
  ZipReader(std::string_view archive, const PackageLimits& limits)
      : archive_(archive), limits_(limits) {}

  Result<std::map<std::string, std::string>> run();

 private:
  Status entry(archive_entry* e);
  Result<std::string> data(const std::string& name, la_int64_t declared);

  std::string_view archive_;
  const PackageLimits& limits_;
  std::unique_ptr<archive, ReadDeleter> a_;
  std::map<std::string, std::string> files_;
  std::set<std::string> dirs_;
  size_t entries_ = 0;
  size_t total_ = 0;
};

Result<std::map<std::string, std::string>> ZipReader::run() {
  if (archive_.size() > limits_.max_archive_bytes) {
    return make_error(ErrorCode::kResourceExhausted,
                      "package of {} bytes is larger than the limit of {} bytes", archive_.size(),
                      limits_.max_archive_bytes);
  }
  if (archive_.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "package is empty (not a zip archive)");
  }
  a_.reset(archive_read_new());
  archive_read_support_format_zip_seekable(a_.get());
  if (archive_read_open_memory(a_.get(), archive_.data(), archive_.size()) != ARCHIVE_OK) {
    return make_error(ErrorCode::kInvalidArgument, "not a zip archive: {}",
                      archive_error_string(a_.get()));
  }
  CL_RETURN_IF_ERROR(runtime::for_each_archive_entry(a_.get(),
                                                     "not a zip archive, or corrupt or truncated",
                                                     [&](archive_entry* e) { return entry(e); }));
  return std::move(files_);
}

Status ZipReader::entry(archive_entry* e) {
  if (++entries_ > limits_.max_entries) {
    return make_error(ErrorCode::kResourceExhausted, "archive has more than {} entries",
                      limits_.max_entries);
  }
  const char* raw = archive_entry_pathname(e);
  if (raw == nullptr) {
    return make_error(ErrorCode::kInvalidArgument, "archive entry {} has an unreadable name",
                      entries_);
  }
  CL_ASSIGN_OR_RETURN(std::string name, entry_name(raw));
  mode_t type = archive_entry_filetype(e);
  if (archive_entry_hardlink(e) != nullptr) {
    return bad_entry(raw, "hard link");
  }
  if (type == AE_IFDIR) {
    if (!name.empty()) {
      dirs_.insert(name);
    }
    return ok_status();
  }
  if (type != AE_IFREG) {
    return bad_entry(raw, type_name(type));
  }
  if (name.empty()) {
    return bad_entry(raw, "a file without a name");
  }
  if (archive_entry_is_encrypted(e)) {
    return bad_entry(raw, "encrypted");
  }
  if (files_.count(name) != 0 || dirs_.count(name) != 0) {
    return bad_entry(raw, "duplicate entry");
  }
  la_int64_t declared = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
  CL_ASSIGN_OR_RETURN(std::string content, data(name, declared));
  files_.emplace(std::move(name), std::move(content));
  return ok_status();
}

Result<std::string> ZipReader::data(const std::string& name, la_int64_t declared) {
  auto too_large = [&](uint64_t bytes) {
    return make_error(ErrorCode::kResourceExhausted,
                      "archive entry '{}' is larger than the limit of {} bytes ({} or more)", name,
                      limits_.max_file_bytes, bytes);
  };
  if (declared > 0 && static_cast<uint64_t>(declared) > limits_.max_file_bytes) {
    return too_large(static_cast<uint64_t>(declared));
  }
  std::string out;
  la_int64_t consumed_start = archive_filter_bytes(a_.get(), 0);
  std::vector<char> buf(kChunk);
  for (;;) {
    la_ssize_t n = archive_read_data(a_.get(), buf.data(), buf.size());
    if (n < 0) {
      const char* why = archive_error_string(a_.get());
      return make_error(ErrorCode::kInvalidArgument,
                        "archive entry '{}' is corrupt or truncated: {}", name,
                        why != nullptr ? why : "unreadable");
    }
    if (n == 0) {
      return out;
    }
    size_t got = static_cast<size_t>(n);
    if (out.size() + got > limits_.max_file_bytes) {
      return too_large(out.size() + got);
    }
    total_ += got;
    if (total_ > limits_.max_total_bytes) {
      return make_error(ErrorCode::kResourceExhausted,
                        "archive unpacks to more than the limit of {} bytes (at '{}')",
                        limits_.max_total_bytes, name);
    }
    out.append(buf.data(), got);
    la_int64_t consumed = archive_filter_bytes(a_.get(), 0) - consumed_start;
    double ratio =
        static_cast<double>(out.size()) / static_cast<double>(std::max<la_int64_t>(consumed, 1));
    if (out.size() > kRatioFloorBytes && ratio > limits_.max_ratio) {
      return make_error(ErrorCode::kResourceExhausted,
                        "archive entry '{}' has a compression ratio above {} ({} bytes from {}): "
                        "a zip bomb?",
                        name, limits_.max_ratio, out.size(), consumed);
    }
  }
}

}  // namespace

Result<std::map<std::string, std::string>> read_archive(std::string_view archive,
                                                        const PackageLimits& limits) {
  ZipReader reader(archive, limits);
  return reader.run();
}

}  // namespace chainlab::sonata
