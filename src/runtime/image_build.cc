// ImageStore::build_from_host: a one-layer image holding host binaries and the shared libraries
// they load, for examples and tests that need real images offline.
//
// Dependencies come from `ldd` (the loader included). Every path is copied with the symlinks on
// the way recreated (on merged-/usr hosts /lib -> usr/lib, and libfoo.so.1 -> libfoo.so.1.2), so
// the names the loader asks for exist in the image. Added: /etc/passwd and /etc/group with root,
// an empty /etc/hosts, empty /tmp /proc /sys /dev /root, and the host's merged-/usr links
// (/bin -> usr/bin, ...) so /bin/sh works when sh was found in /usr/bin.
//
// The layer is the directory itself (no tar): its id is the SHA-256 of a sorted content list
// (path, type, mode, size, content digest or link target), so the same binaries give the same
// layer and image ids. The image id is the digest of an OCI-style config naming that layer.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>

#include "common/fd.h"
#include "common/files.h"
#include "runtime/image_store.h"
#include "runtime/image_store_internal.h"
#include "substrate/process.h"

namespace chainlab::runtime {
namespace {

namespace fs = std::filesystem;

// Absolute, lexically normalised ("/a/./b/../c" -> "/a/c").
std::string normalize_abs(const std::string& path) {
  std::vector<std::string> parts;
  for (std::string_view p : split(path, '/')) {
    if (p.empty() || p == ".") {
      continue;
    }
    if (p == "..") {
      if (!parts.empty()) {
        parts.pop_back();
      }
      continue;
    }
    parts.emplace_back(p);
  }
  std::string out;
  for (const std::string& p : parts) {
    out += "/" + p;
  }
  return out.empty() ? "/" : out;
}

class HostCopier {
 public:
  explicit HostCopier(std::string dest) : dest_(std::move(dest)) {}

  // Copies host `path` (file or directory) into the layer under the same name.
  Status add(const std::string& path, int depth = 0);
  Status add_file(const std::string& rel, std::string_view content, mode_t mode);
  Status add_dir(const std::string& rel, mode_t mode);

 private:
  std::string dest_;
};

Status HostCopier::add_dir(const std::string& rel, mode_t mode) {
  std::string path = dest_ + rel;
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return errno_error(errno, fmt::format("mkdir {}", path));
  }
  ::chmod(path.c_str(), mode);
  return ok_status();
}

Status HostCopier::add_file(const std::string& rel, std::string_view content, mode_t mode) {
  std::string path = dest_ + rel;
  CL_RETURN_IF_ERROR(write_file(path, content, /*create=*/true));
  ::chmod(path.c_str(), mode);
  return ok_status();
}

Status HostCopier::add(const std::string& host_path, int depth) {
  if (depth > 32) {
    return make_error(ErrorCode::kInvalidArgument, "too many symlinks resolving {}", host_path);
  }
  std::string path = normalize_abs(host_path);
  std::vector<std::string_view> parts = split(path, '/');
  std::string cur;
  for (size_t i = 1; i < parts.size(); ++i) {
    cur += "/" + std::string(parts[i]);
    bool last = i + 1 == parts.size();
    struct stat st;
    if (::lstat(cur.c_str(), &st) != 0) {
      return errno_error(errno, fmt::format("lstat {}", cur));
    }
    std::string dst = dest_ + cur;
    if (S_ISLNK(st.st_mode)) {
      std::error_code ec;
      fs::path target = fs::read_symlink(cur, ec);
      if (ec) {
        return make_error(ErrorCode::kInternal, "readlink {}: {}", cur, ec.message());
      }
      struct stat existing;
      if (::lstat(dst.c_str(), &existing) != 0 && ::symlink(target.c_str(), dst.c_str()) != 0) {
        return errno_error(errno, fmt::format("symlink {}", dst));
      }
      std::string resolved = target.is_absolute()
                                 ? target.string()
                                 : cur.substr(0, cur.rfind('/') + 1) + target.string();
      for (size_t j = i + 1; j < parts.size(); ++j) {
        resolved += "/" + std::string(parts[j]);
      }
      return add(resolved, depth + 1);
    }
    if (S_ISDIR(st.st_mode)) {
      CL_RETURN_IF_ERROR(add_dir(cur, st.st_mode & 07777));
      continue;
    }
    if (!last || !S_ISREG(st.st_mode)) {
      return make_error(ErrorCode::kInvalidArgument, "{} is neither a file nor a directory", cur);
    }
    struct stat existing;
    if (::lstat(dst.c_str(), &existing) == 0) {
      return ok_status();
    }
    std::error_code ec;
    fs::copy_file(cur, dst, ec);
    if (ec) {
      return make_error(ErrorCode::kInternal, "copying {}: {}", cur, ec.message());
    }
    ::chmod(dst.c_str(), st.st_mode & 07777);
  }
  return ok_status();
}

// Absolute paths of the shared objects `binary` loads, from ldd. A static binary has none.
Result<std::vector<std::string>> elf_dependencies(const std::string& binary) {
  substrate::SpawnSpec spec;
  spec.argv = {"ldd", binary};
  spec.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C"};
  CL_ASSIGN_OR_RETURN(substrate::CommandOutput out,
                      substrate::run_captured(spec, std::chrono::seconds(30)));
  std::vector<std::string> deps;
  if (out.exit_code != 0) {
    if (out.output.find("not a dynamic executable") != std::string::npos ||
        out.output.find("statically linked") != std::string::npos) {
      return deps;
    }
    return make_error(ErrorCode::kInvalidArgument, "ldd {} failed: {}", binary, trim(out.output));
  }
  for (std::string_view line : split(out.output, '\n')) {
    line = trim(line);
    if (line.find("not found") != std::string_view::npos) {
      return make_error(ErrorCode::kNotFound, "{} needs a library the host lacks: {}", binary,
                        line);
    }
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2
    // (0x..)"
    size_t arrow = line.find("=> ");
    std::string_view path = arrow != std::string_view::npos ? line.substr(arrow + 3) : line;
    path = path.substr(0, path.find(" ("));
    if (path.starts_with("/")) {
      deps.emplace_back(path);
    }
  }
  return deps;
}

// The deterministic content digest of a layer directory.
Result<std::string> content_digest(const std::string& dir, uint64_t& size_bytes) {
  std::vector<std::string> lines;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::string path = it->path().string();
    std::string rel = path.substr(dir.size());
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
      return errno_error(errno, fmt::format("lstat {}", path));
    }
    std::string what;
    if (S_ISLNK(st.st_mode)) {
      what = "link " + fs::read_symlink(path, ec).string();
    } else if (S_ISREG(st.st_mode)) {
      CL_ASSIGN_OR_RETURN(std::string digest, detail::sha256_file(path));
      what = fmt::format("file {} {}", st.st_size, digest);
      size_bytes += static_cast<uint64_t>(st.st_size);
    } else {
      what = "dir";
    }
    lines.push_back(fmt::format("{} {:o} {}\n", rel, st.st_mode & 07777, what));
  }
  if (ec) {
    return make_error(ErrorCode::kInternal, "walking {}: {}", dir, ec.message());
  }
  std::sort(lines.begin(), lines.end());
  detail::Sha256 h;
  for (const std::string& l : lines) {
    h.update(l.data(), l.size());
  }
  return h.hex_final();
}

}  // namespace

Result<ImageInfo> ImageStore::build_from_host(const std::string& name,
                                              const std::vector<std::string>& binaries) {
  if (binaries.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "build-from-host needs at least one binary");
  }
  std::string tag = normalize_tag(name);
  if (tag.empty() || tag.find('@') != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, "invalid image name '{}'", name);
  }
  CL_ASSIGN_OR_RETURN(detail::TempDir work,
                      detail::TempDir::create(detail::tmp_dir(root_), "build-"));
  std::string layer = work.path() + "/layer";
  if (::mkdir(layer.c_str(), 0755) != 0) {
    return errno_error(errno, fmt::format("mkdir {}", layer));
  }
  HostCopier copier(layer);
  std::vector<std::string> paths;
  for (const std::string& b : binaries) {
    CL_ASSIGN_OR_RETURN(std::string path, substrate::find_executable(b));
    if (!path.starts_with("/")) {
      char cwd[4096];
      if (::getcwd(cwd, sizeof cwd) == nullptr) {
        return errno_error(errno, "getcwd");
      }
      path = fmt::format("{}/{}", cwd, path);
    }
    path = normalize_abs(path);
    paths.push_back(path);
    CL_RETURN_IF_ERROR(copier.add(path));
    CL_ASSIGN_OR_RETURN(std::vector<std::string> deps, elf_dependencies(path));
    for (const std::string& d : deps) {
      CL_RETURN_IF_ERROR(copier.add(d));
    }
  }
  // Merged-/usr hosts: /bin/sh and friends must resolve in the image as they do on the host.
  for (const char* link : {"/bin", "/sbin", "/lib", "/lib64"}) {
    struct stat st;
    if (::lstat(link, &st) == 0 && S_ISLNK(st.st_mode)) {
      CL_RETURN_IF_ERROR(copier.add(link));
    }
  }
  for (const char* dir : {"/etc", "/tmp", "/proc", "/sys", "/dev", "/root"}) {
    CL_RETURN_IF_ERROR(copier.add_dir(dir, std::string_view(dir) == "/tmp" ? 01777 : 0755));
  }
  CL_RETURN_IF_ERROR(copier.add_file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644));
  CL_RETURN_IF_ERROR(copier.add_file("/etc/group", "root:x:0:\n", 0644));
  CL_RETURN_IF_ERROR(copier.add_file("/etc/hosts", "", 0644));

  uint64_t size = 0;
  CL_ASSIGN_OR_RETURN(std::string diff_hex, content_digest(layer, size));
  nlohmann::json config = {
      {"architecture", "amd64"},
      {"os", "linux"},
      {"config", {{"Cmd", {paths.front()}}, {"Env", {"PATH=/usr/local/bin:/usr/bin:/bin"}}}},
      {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + diff_hex}}}}};
  std::string config_bytes = config.dump();
  detail::PendingImage img;
  img.record.id_hex = detail::sha256_hex(config_bytes);
  img.record.tags = {tag};
  img.record.config.cmd = {paths.front()};
  img.record.config.env = {"PATH=/usr/local/bin:/usr/bin:/bin"};
  img.layers.push_back(detail::PendingLayer{diff_hex, layer, size});
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(std::vector<detail::ImageRecord> committed,
                      detail::commit_images(root_, {std::move(img)}));
  return detail::record_to_info(root_, committed.front());
}

}  // namespace chainlab::runtime
