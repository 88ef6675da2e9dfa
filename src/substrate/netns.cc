#include "substrate/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <linux/magic.h>

namespace chainlab::substrate {

namespace {

constexpr size_t kMaxNetnsNameLen = 64;
constexpr const char* kThreadNetns = "/proc/thread-self/ns/net";

Status validate_netns_name(std::string_view name) {
  if (name.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "namespace name is empty");
  }
  if (name.size() > kMaxNetnsNameLen) {
    return make_error(ErrorCode::kInvalidArgument,
                      "namespace name is {} bytes long; at most {} are allowed", name.size(),
                      kMaxNetnsNameLen);
  }
  if (name == "." || name == "..") {
    return make_error(ErrorCode::kInvalidArgument, "namespace name '{}' is reserved", name);
  }
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (c == '/' || u < 0x21 || u > 0x7e) {
      return make_error(ErrorCode::kInvalidArgument,
                        "namespace name '{}' has an invalid character (byte 0x{:02x})",
                        name.find('\0') == std::string_view::npos ? name : "<binary>", u);
    }
  }
  return ok_status();
}

std::string netns_path(std::string_view name) {
  return fmt::format("{}/{}", kNetnsDir, name);
}

// Whether `fd` refers to a namespace file (nsfs), i.e. the bind mount is in place.
bool is_nsfs(int fd) {
  struct statfs sfs {};
  return ::fstatfs(fd, &sfs) == 0 && sfs.f_type == static_cast<decltype(sfs.f_type)>(NSFS_MAGIC);
}

// Runs on a fresh thread: gives the thread a new network namespace and bind-mounts it onto
// `path`. Returns 0 or the errno of the failing step; `step` names it.
int unshare_and_bind(const std::string& path, const char** step) {
  if (::unshare(CLONE_NEWNET) != 0) {
    *step = "unshare(CLONE_NEWNET)";
    return errno;
  }
  if (::mount(kThreadNetns, path.c_str(), "none", MS_BIND, nullptr) != 0) {
    *step = "bind-mount";
    return errno;
  }
  return 0;
}

}  // namespace

Status ensure_netns_dir() {
  if (::mkdir("/run", 0755) != 0 && errno != EEXIST) {
    return errno_error(errno, "mkdir /run");
  }
  if (::mkdir(kNetnsDir, 0755) != 0 && errno != EEXIST) {
    return errno_error(errno, fmt::format("mkdir {}", kNetnsDir));
  }
  // Like iproute2: make it shared; if it is not a mount point yet (EINVAL), bind it onto itself
  // first. Repeated calls find the mount point and only re-assert propagation.
  if (::mount("", kNetnsDir, "none", MS_SHARED | MS_REC, nullptr) == 0) {
    return ok_status();
  }
  if (errno != EINVAL) {
    return errno_error(errno, fmt::format("make {} a shared mount", kNetnsDir));
  }
  if (::mount(kNetnsDir, kNetnsDir, "none", MS_BIND | MS_REC, nullptr) != 0) {
    return errno_error(errno, fmt::format("bind-mount {} onto itself", kNetnsDir));
  }
  if (::mount("", kNetnsDir, "none", MS_SHARED | MS_REC, nullptr) != 0) {
    return errno_error(errno, fmt::format("make {} a shared mount", kNetnsDir));
  }
  return ok_status();
}

Result<Netns> Netns::create(std::string_view name) {
  CL_RETURN_IF_ERROR(validate_netns_name(name));
  CL_RETURN_IF_ERROR(ensure_netns_dir());
  std::string path = netns_path(name);
  // Claim the name first: O_EXCL makes a concurrent create of the same name fail cleanly.
  {
    UniqueFd mount_point(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
    if (!mount_point.valid()) {
      if (errno == EEXIST) {
        return make_error(ErrorCode::kAlreadyExists, "netns {} already exists", name);
      }
      return errno_error(errno, fmt::format("create netns {}: create {}", name, path));
    }
  }
  int err = 0;
  const char* step = "";
  // unshare() switches only the calling thread; a throwaway thread keeps ours where it is.
  std::thread worker([&path, &err, &step] { err = unshare_and_bind(path, &step); });
  worker.join();
  if (err != 0) {
    ::unlink(path.c_str());
    return errno_error(err, fmt::format("create netns {}: {}", name, step));
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    int open_err = errno;
    ::umount2(path.c_str(), MNT_DETACH);
    ::unlink(path.c_str());
    return errno_error(open_err, fmt::format("create netns {}: open {}", name, path));
  }
  return Netns(std::string(name), std::move(fd));
}

Result<Netns> Netns::open(std::string_view name) {
  CL_RETURN_IF_ERROR(validate_netns_name(name));
  std::string path = netns_path(name);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      return make_error(ErrorCode::kNotFound, "netns {} does not exist", name);
    }
    return errno_error(errno, fmt::format("open netns {}", name));
  }
  if (!is_nsfs(fd.get())) {
    return make_error(ErrorCode::kNotFound, "netns {}: {} is not a mounted namespace", name, path);
  }
  return Netns(std::string(name), std::move(fd));
}

Status Netns::remove(std::string_view name) {
  CL_RETURN_IF_ERROR(validate_netns_name(name));
  std::string path = netns_path(name);
  // EINVAL: not a mount point (a leftover of a crashed create); still unlink it.
  if (::umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL) {
    if (errno == ENOENT) {
      return make_error(ErrorCode::kNotFound, "netns {} does not exist", name);
    }
    return errno_error(errno, fmt::format("remove netns {}: unmount {}", name, path));
  }
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) {
      return make_error(ErrorCode::kNotFound, "netns {} does not exist", name);
    }
    return errno_error(errno, fmt::format("remove netns {}: unlink {}", name, path));
  }
  return ok_status();
}

bool Netns::exists(std::string_view name) {
  if (!validate_netns_name(name).ok()) {
    return false;
  }
  struct stat st {};
  return ::stat(netns_path(name).c_str(), &st) == 0;
}

std::string Netns::path() const {
  return netns_path(name_);
}

Status Netns::enter(UniqueFd& saved) const {
  saved.reset(::open(kThreadNetns, O_RDONLY | O_CLOEXEC));
  if (!saved.valid()) {
    return errno_error(errno, fmt::format("enter netns {}: open {}", name_, kThreadNetns));
  }
  if (::setns(fd_.get(), CLONE_NEWNET) != 0) {
    int err = errno;
    saved.reset();
    return errno_error(err, fmt::format("enter netns {}", name_));
  }
  return ok_status();
}

void Netns::leave(UniqueFd& saved) {
  // A thread stuck in the wrong namespace would silently act on the wrong links: fail hard.
  if (::setns(saved.get(), CLONE_NEWNET) != 0) {
    fmt::print(stderr, "chainlab: cannot switch back to the original network namespace: {}\n",
               std::strerror(errno));
    std::abort();
  }
  saved.reset();
}

}  // namespace chainlab::substrate
