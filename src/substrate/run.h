// One chainlab run's hold on the host: its journal and name prefix, its kernel-name allocator and
// the cgroup hierarchy it uses. Everything that creates kernel objects is handed a `Run&`; the
// destructor tears down whatever is still recorded, so a run that returns or throws leaves nothing.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "substrate/cgroup.h"
#include "substrate/cleanup.h"
#include "substrate/journal.h"
#include "substrate/names.h"

namespace chainlab::substrate {

struct RunOptions {
  std::string state_dir = kDefaultStateDir;
  std::unique_ptr<CgroupHost> cgroups;  // null: CgroupHost::detect()
};

class Run {
 public:
  static Result<std::unique_ptr<Run>> begin(RunOptions options);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  const std::string& prefix() const { return journal_->prefix(); }
  const std::string& state_dir() const { return state_dir_; }
  // <state_dir>/runs/<prefix>: per-run files (logs, hosts files) live here.
  const std::string& dir() const { return journal_->dir(); }
  Journal& journal() { return *journal_; }
  NameAllocator& names() { return names_; }
  CgroupHost& cgroups() { return *cgroups_; }
  // The run's cgroup parent, relative to the process's own cgroup: "chainlab/<prefix>".
  std::string cgroup_base() const { return "chainlab/" + prefix(); }

  // Removes everything still recorded and the run directory; idempotent.
  CleanupReport teardown();

 private:
  Run(std::string state_dir, std::unique_ptr<Journal> journal, std::unique_ptr<CgroupHost> cgroups);

  std::string state_dir_;
  std::unique_ptr<Journal> journal_;
  NameAllocator names_;
  std::unique_ptr<CgroupHost> cgroups_;
  bool torn_down_ = false;
};

}  // namespace chainlab::substrate
