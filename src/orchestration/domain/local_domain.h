// LocalDomain: the local emulation as a Domain (domain.h), over emulator::Control. Functions
// become compute instances in their placed PoP, E-Lines chains with the formatted match, E-LANs
// E-LANs — all through one Deployer (deploy/deployer.h, which holds the naming and address
// rules) whose address pools this domain owns. describe() reads the topology and the PoPs'
// resource models. Every public call is serialised by one mutex.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/control.h"
#include "orchestration/deploy/deployer.h"
#include "orchestration/domain/domain.h"

namespace chainlab::orchestration {

// Typed capacity of every PoP, from PopInfo::capacity (max/alloc compute units and memory;
// model "none" is unlimited). The gatekeeper's placement reads it too.
std::vector<PopCapacity> pop_capacities(emulator::Control& control);

class LocalDomain final : public Domain {
 public:
  LocalDomain(std::string name, emulator::Control& control, DeployerOptions options = {});

  std::string name() const override { return name_; }
  DomainView describe() override;
  Result<DeployResult> deploy(const graph::ServiceGraph& placed) override;
  Result<DeployResult> update(const graph::ServiceGraph& next) override;
  Status remove(const std::string& graph_id) override;

  // The running version of a graph; NotFound for an unknown id.
  Result<graph::ServiceGraph> running(const std::string& graph_id);

 private:
  std::mutex mu_;
  std::string name_;
  emulator::Control& control_;
  LinkPools pools_;
  Deployer deployer_;
  std::map<std::string, Deployment> deployments_;  // by graph id
};

}  // namespace chainlab::orchestration
