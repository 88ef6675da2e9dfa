#include "substrate/run.h"

#include "substrate/netns.h"

namespace chainlab::substrate {

Run::Run(std::string state_dir, std::unique_ptr<Journal> journal,
         std::unique_ptr<CgroupHost> cgroups)
    : state_dir_(std::move(state_dir)),
      journal_(std::move(journal)),
      names_(journal_->prefix()),
      cgroups_(std::move(cgroups)) {}

Result<std::unique_ptr<Run>> Run::begin(RunOptions options) {
  if (!options.cgroups) {
    CL_ASSIGN_OR_RETURN(options.cgroups, CgroupHost::detect());
  }
  CL_RETURN_IF_ERROR(ensure_netns_dir());
  CL_ASSIGN_OR_RETURN(std::unique_ptr<Journal> journal, Journal::begin(options.state_dir));
  auto run = std::unique_ptr<Run>(
      new Run(options.state_dir, std::move(journal), std::move(options.cgroups)));
  // The run's cgroup parent goes away with the run (instances' groups are below it).
  for (const auto& path : run->cgroups().paths_for(run->cgroup_base())) {
    CL_RETURN_IF_ERROR(run->journal().record(ObjectKind::kCgroup, path));
  }
  return run;
}

Run::~Run() {
  teardown();
}

CleanupReport Run::teardown() {
  if (torn_down_) {
    return {};
  }
  torn_down_ = true;
  return cleanup_run_dir(journal_->dir());
}

}  // namespace chainlab::substrate
