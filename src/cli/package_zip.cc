#include "cli/package_zip.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include "common/files.h"

namespace chainlab::cli {
namespace {

constexpr size_t kMaxBytes = size_t{512} << 20;

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};

la_ssize_t append(archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

}  // namespace

Result<std::string> zip_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not a directory", dir);
  }
  std::vector<fs::path> files;
  size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    auto status = it->symlink_status(ec);
    if (fs::is_directory(status)) {
      continue;
    }
    if (!fs::is_regular_file(status)) {
      return make_error(ErrorCode::kInvalidArgument, "{}: only regular files can go into a package",
                        it->path().string());
    }
    total += static_cast<size_t>(fs::file_size(it->path(), ec));
    if (total > kMaxBytes) {
      return make_error(ErrorCode::kInvalidArgument, "{}: more than 512 MB of files", dir);
    }
    files.push_back(fs::relative(it->path(), dir));
  }
  if (ec) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {}", dir, ec.message());
  }
  if (files.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: no files", dir);
  }
  std::sort(files.begin(), files.end());
  std::string out;
  std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
  archive_write_set_format_zip(a.get());
  archive_write_set_bytes_in_last_block(a.get(), 1);  // no padding to 10 KiB
  if (archive_write_open(a.get(), &out, nullptr, append, nullptr) != ARCHIVE_OK) {
    return make_error(ErrorCode::kInternal, "zip: {}", archive_error_string(a.get()));
  }
  for (const auto& rel : files) {
    // Capped again: a file may have grown since it was listed.
    CL_ASSIGN_OR_RETURN(std::string content, read_file((fs::path(dir) / rel).string(), kMaxBytes));
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(),
                                                               archive_entry_free);
    archive_entry_set_pathname(e.get(), rel.generic_string().c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(content.size()));
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK ||
        archive_write_data(a.get(), content.data(), content.size()) < 0) {
      return make_error(ErrorCode::kInternal, "zip {}: {}", rel.string(),
                        archive_error_string(a.get()));
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return make_error(ErrorCode::kInternal, "zip: {}", archive_error_string(a.get()));
  }
  return out;
}

}  // namespace chainlab::cli
