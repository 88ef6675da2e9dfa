// Waits for native VNFs' `start` scripts to finish, as the reference's native driver does (its
// start is synchronous): a deployment installs the rules that lead to a new VNF only once the VNF
// is up, so traffic moved to it is not lost while its script still builds its bridge, and a
// start that fails fails the deployment (rolled back) instead of leaving a dead VNF behind.
//
// Each VNF gets a FIFO in a private directory, named to it in $UN_READY; the instance's command
// writes start's exit code there before it settles (vnf_launch.h). The read ends are opened
// before the VNFs start, so the writers never block.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/fd.h"
#include "common/result.h"

namespace chainlab::unode {

class StartBarrier {
 public:
  static Result<StartBarrier> create();
  StartBarrier(StartBarrier&&) = default;
  StartBarrier& operator=(StartBarrier&&) = delete;
  ~StartBarrier();  // removes the FIFOs and the directory

  // A FIFO for `vnf` (an id used in errors): the path to give it as $UN_READY.
  Result<std::string> add(const std::string& vnf);
  // Until every VNF added has reported: FailedPrecondition naming the first whose start exited
  // non-zero (or said nothing), or that has not reported within `timeout`.
  Status wait(std::chrono::milliseconds timeout);

 private:
  explicit StartBarrier(std::string dir) : dir_(std::move(dir)) {}

  std::string dir_;
  struct Waiting {
    std::string vnf;
    std::string path;
    UniqueFd fd;
  };
  std::vector<Waiting> waiting_;
};

}  // namespace chainlab::unode
