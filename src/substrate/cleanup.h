// Removing what a run left: the journal's objects, then a sweep by the run's name prefix.
// Used by a run's own teardown and by `chainlab cleanup` for runs whose owner died.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "substrate/journal.h"

namespace chainlab::substrate {

struct CleanupReport {
  std::vector<std::string> runs;      // prefixes of the runs cleaned
  std::vector<std::string> owners;    // per run: "pid N: command line" of its owner
  std::vector<JournalEntry> removed;  // objects that existed and are gone now
  std::vector<std::string> errors;    // what could not be removed, and why

  void merge(CleanupReport&& other);
};

// Removes one object. True if it existed and is gone, false if it was already gone.
Result<bool> remove_object(const JournalEntry& entry);

// Kills every process in the cgroup directory `path` and its sub-groups, then removes them all
// (deepest first). False if `path` did not exist.
Result<bool> remove_cgroup_tree(const std::string& path);

// Removes every object recorded in `run_dir`, sweeps namespaces and host links whose names start
// with the run's prefix, and deletes `run_dir`.
CleanupReport cleanup_run_dir(const std::string& run_dir);

// Cleans every run under `state_dir` whose owner process is gone (all runs when `include_live`).
CleanupReport cleanup_stale_runs(const std::string& state_dir, bool include_live = false);

}  // namespace chainlab::substrate
