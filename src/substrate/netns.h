// Network namespaces, persisted by a bind mount at /run/netns/<name> so that `ip netns` sees them
// and they outlive the processes inside. Created in-process (unshare on a helper thread), never by
// shelling out.
#pragma once

#include <string>
#include <string_view>

#include "common/fd.h"
#include "common/result.h"

namespace chainlab::substrate {

inline constexpr const char* kNetnsDir = "/run/netns";

class Netns {
 public:
  // Creates and persists a new empty namespace (only `lo`, down). AlreadyExists if the name is
  // taken; nothing is left behind on failure.
  static Result<Netns> create(std::string_view name);
  // Opens an existing persisted namespace. NotFound if absent.
  static Result<Netns> open(std::string_view name);
  // Unmounts and unlinks /run/netns/<name>. NotFound if absent. The kernel frees the namespace
  // (and destroys the veths inside) once no process and no open fd holds it.
  static Status remove(std::string_view name);
  // Whether /run/netns/<name> exists.
  static bool exists(std::string_view name);

  const std::string& name() const { return name_; }
  std::string path() const;
  int fd() const { return fd_.get(); }

  // Runs `fn` on the calling thread while it is switched into this namespace, then switches back
  // (setns affects only the calling thread). Sockets opened inside stay bound to this namespace.
  template <typename F>
  auto run_in(F&& fn) const -> decltype(fn());

 private:
  Netns(std::string name, UniqueFd fd) : name_(std::move(name)), fd_(std::move(fd)) {}
  Status enter(UniqueFd& saved) const;
  static void leave(UniqueFd& saved);

  std::string name_;
  UniqueFd fd_;
};

// Makes sure /run/netns exists and is a shared mount point (what iproute2 does), so that namespaces
// unmounted there also disappear from mount namespaces that copied them.
Status ensure_netns_dir();

template <typename F>
auto Netns::run_in(F&& fn) const -> decltype(fn()) {
  UniqueFd saved;
  Status entered = enter(saved);
  if (!entered.ok()) {
    return std::move(entered).error();
  }
  auto result = fn();
  leave(saved);
  return result;
}

}  // namespace chainlab::substrate
