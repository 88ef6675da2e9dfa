// The run journal: every kernel object a run creates is recorded here *before* it is created, so a
// run killed at any instant (kill -9 included) leaves a list `chainlab cleanup` can finish.
//
// Layout: <state_dir>/runs/<prefix>/owner   "<pid> <start time>" of the owning process
//                                   /journal append-only lines "+ kind id" and "- kind id"
//                                   /command the owner's command line (who left a stale run)
// The prefix ("cl" + 4 random base-36 chars) starts every kernel name the run makes.
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.h"
#include "common/result.h"

namespace chainlab::substrate {

enum class ObjectKind {
  kProcess,  // id: "<pid> <start time>"
  kCgroup,   // id: absolute cgroupfs directory
  kLink,     // id: interface name in the host namespace
  kNetns,    // id: namespace name under /run/netns
  kMount,    // id: absolute mount point (an instance's overlay root); cleanup detaches it
  kFile,     // id: absolute path of a file or directory the run owns
};

std::string_view object_kind_name(ObjectKind kind);
Result<ObjectKind> parse_object_kind(std::string_view name);

struct JournalEntry {
  ObjectKind kind;
  std::string id;
  friend bool operator==(const JournalEntry&, const JournalEntry&) = default;
};

// Where runs keep their journals unless told otherwise (the composition root, app/environment.h,
// passes $CHAINLAB_STATE_DIR down instead when it is set).
inline constexpr const char* kDefaultStateDir = "/run/chainlab";

class Journal {
 public:
  // Starts a run: picks an unused prefix and writes the owner file.
  static Result<std::unique_ptr<Journal>> begin(const std::string& state_dir);

  const std::string& prefix() const { return prefix_; }
  const std::string& dir() const { return dir_; }

  Status record(ObjectKind kind, std::string_view id);
  Status forget(ObjectKind kind, std::string_view id);

  // The entries of a run directory still recorded (added and not forgotten), in recording order.
  static Result<std::vector<JournalEntry>> load(const std::string& run_dir);
  // Parses journal text; malformed lines are skipped (a killed writer may leave half a line).
  static std::vector<JournalEntry> parse(std::string_view text);
  // Whether the process that owns `run_dir` is still alive (pid and start time match).
  static bool owner_alive(const std::string& run_dir);
  // "pid N: command line" of the run's owner, as recorded when the run began ("" if unknown).
  static std::string owner_text(const std::string& run_dir);

 private:
  Journal(std::string prefix, std::string dir, UniqueFd fd)
      : prefix_(std::move(prefix)), dir_(std::move(dir)), fd_(std::move(fd)) {}
  Status append(char op, ObjectKind kind, std::string_view id);

  std::string prefix_;
  std::string dir_;
  std::mutex mu_;
  UniqueFd fd_;
};

}  // namespace chainlab::substrate
