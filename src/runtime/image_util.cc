// Digests, JSON files, temporary directories and the store lock for the image store.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>

#include "common/fd.h"
#include "common/files.h"
#include "common/hex.h"
#include "common/json_bounded.h"
#include "runtime/image_store_internal.h"

namespace chainlab::runtime::detail {
namespace {

namespace fs = std::filesystem;

struct ArchiveReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  assert(ctx_ != nullptr);
  EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_);
}

void Sha256::update(const void* data, size_t size) {
  EVP_DigestUpdate(ctx_, data, size);
}

std::string Sha256::hex_final() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md, &len);
  return hex_encode(md, len);
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data.data(), data.size());
  return h.hex_final();
}

Result<std::string> sha256_file(const std::string& path) {
  CL_ASSIGN_OR_RETURN(UniqueFd fd, open_read(path));
  Sha256 h;
  std::vector<char> buf(1 << 16);
  for (;;) {
    CL_ASSIGN_OR_RETURN(size_t n, read_some(fd.get(), buf.data(), buf.size(), path));
    if (n == 0) {
      break;
    }
    h.update(buf.data(), n);
  }
  return h.hex_final();
}

Result<std::string> sha256_decompressed(const std::string& path, uint64_t max_bytes) {
  std::unique_ptr<archive, ArchiveReadDeleter> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  archive_read_support_format_empty(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return make_error(ErrorCode::kInvalidArgument, "cannot read {}: {}", path,
                      archive_error_string(a.get()));
  }
  Sha256 h;
  archive_entry* entry = nullptr;
  int r = archive_read_next_header(a.get(), &entry);
  if (r == ARCHIVE_EOF) {
    return h.hex_final();
  }
  if (r < ARCHIVE_WARN) {
    return make_error(ErrorCode::kInvalidArgument, "cannot read {}: {}", path,
                      archive_error_string(a.get()));
  }
  uint64_t total = 0;
  std::vector<char> buf(1 << 16);
  for (;;) {
    la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
    if (n < 0) {
      return make_error(ErrorCode::kInvalidArgument, "corrupt compressed data in {}: {}", path,
                        archive_error_string(a.get()));
    }
    if (n == 0) {
      break;
    }
    total += static_cast<uint64_t>(n);
    if (total > max_bytes) {
      return make_error(ErrorCode::kResourceExhausted,
                        "{} decompresses to more than {} bytes (the image size limit)", path,
                        max_bytes);
    }
    h.update(buf.data(), static_cast<size_t>(n));
  }
  return h.hex_final();
}

bool is_hex_digest(std::string_view hex) {
  if (hex.size() != 64) {
    return false;
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

Result<std::string> digest_hex(std::string_view digest) {
  constexpr std::string_view kPrefix = "sha256:";
  if (digest.substr(0, kPrefix.size()) != kPrefix ||
      !is_hex_digest(digest.substr(kPrefix.size()))) {
    return make_error(ErrorCode::kInvalidArgument, "unsupported or malformed digest '{}'", digest);
  }
  return std::string(digest.substr(kPrefix.size()));
}

Result<nlohmann::json> read_json_file(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return errno_error(errno, fmt::format("stat {}", path));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxJsonBytes) {
    return make_error(ErrorCode::kInvalidArgument, "{} is too large for metadata ({} bytes)", path,
                      st.st_size);
  }
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path, kMaxJsonBytes));
  return parse_json(text, path);
}

Status write_file_atomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  CL_RETURN_IF_ERROR(write_file(tmp, data, /*create=*/true));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return errno_error(err, fmt::format("rename {} to {}", tmp, path));
  }
  return ok_status();
}

Status remove_tree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (!ec) {
    return ok_status();
  }
  // Directories extracted read-only (mode 0555) cannot be emptied without root: open them up.
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      ::chmod(it->path().c_str(), 0700);
    }
  }
  ::chmod(path.c_str(), 0700);
  ec.clear();
  fs::remove_all(path, ec);
  if (ec) {
    return make_error(ErrorCode::kInternal, "removing {}: {}", path, ec.message());
  }
  return ok_status();
}

Result<TempDir> TempDir::create(const std::string& parent, std::string_view prefix) {
  std::string templ = fmt::format("{}/{}XXXXXX", parent, prefix);
  if (::mkdtemp(templ.data()) == nullptr) {
    return errno_error(errno, fmt::format("mkdtemp {}", templ));
  }
  return TempDir(std::move(templ));
}

TempDir::~TempDir() {
  if (!path_.empty()) {
    (void)remove_tree(path_);
  }
}

Result<StoreLock> StoreLock::acquire(const std::string& root) {
  std::string path = root + "/.lock";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return errno_error(errno, fmt::format("open {}", path));
  }
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) {
      return errno_error(errno, fmt::format("flock {}", path));
    }
  }
  return StoreLock(std::move(fd));
}

std::string layer_dir(const std::string& root, const std::string& diff_hex) {
  return fmt::format("{}/layers/{}", root, diff_hex);
}

std::string tmp_dir(const std::string& root) {
  return root + "/tmp";
}

}  // namespace chainlab::runtime::detail
