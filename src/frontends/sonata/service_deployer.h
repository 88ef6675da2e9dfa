// The gatekeeper's service manager: onboards packages into a Catalogue and instantiates their
// services on an Emulation (SONATA dummy gatekeeper / 5GTANGO LLCM semantics, without their
// global state). Constructed with the emulation and the catalogue it works on; every public
// call is serialised by one mutex. Several instances of one service may run at once.
//
// instantiate(): resolve the service (uuid, NSD name or "latest"), place its VNFs with a
// PlacementStrategy (placement.h), plan instances/addresses/links (service_plan.h, which holds
// the naming, image, address and limit rules), then start every instance, run the container
// start commands, set one bidirectional chain per E-Line and create one E-LAN per E-LAN link.
// Any failure undoes everything this instantiation created (E-LANs, chains, instances, subnets)
// and the error names the step that failed. terminate(): E-LANs and chains deleted, instances
// stopped (their stop commands run), subnets returned.
// See also: endpoints/gatekeeper/gatekeeper_endpoint.h, docs/api/gatekeeper.md.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "common/rollback.h"
#include "emulator/control.h"
#include "frontends/sonata/catalogue.h"
#include "frontends/sonata/service_plan.h"
#include "orchestration/placement/placement.h"

namespace chainlab::sonata {

struct ServiceSummary {
  std::string uuid;
  std::string name;  // NSD name
  std::string vendor;
  std::string version;
  std::string package_name;
  std::string package_version;
  std::string created_at;
  std::string sha1;
  size_t size = 0;
};

struct InstantiateRequest {
  std::string service_uuid;  // a catalogue uuid or "latest"
  // NSD name, else package name (Catalogue::find_by_service_name), or "latest"
  std::string service_name;
  // The 5GTANGO LLCM's rule: a service_uuid that is no catalogue uuid is tried as a name.
  bool uuid_may_be_name = false;
  std::string placement;           // strategy name; "" = round-robin
  std::string placement_argument;  // the static placement mapping (YAML/JSON text)
  std::optional<bool> deploy_sap;  // SAP instances; unset: GatekeeperOptions::deploy_saps
};

struct DeployedUnit {
  std::string vnf_id;  // "" for a SAP
  std::string vdu_id;
  std::string sap;   // NSD connection point of a SAP
  std::string name;  // emulator instance
  std::string pop;
  std::string image;
  bool container = false;
  std::vector<std::pair<std::string, std::string>> interfaces;  // (name, CIDR)
};

struct ServiceInstance {
  std::string uuid;
  std::string service_uuid;
  std::string service_name;
  std::string created_at;
  std::string placement;
  // The LLCM's short service instance id: 0 for the first instance of the service, then 1, ...
  int ssiid = 0;
  std::string service_vendor;  // the NSD's (for the LLCM's instance_name)
  std::string service_version;
  uint64_t cookie = 0;
  std::vector<DeployedUnit> units;
  std::vector<PlannedChain> chains;
  std::vector<PlannedElan> elans;
  std::vector<PoolLease> leases;
};

struct GatekeeperOptions {
  orchestration::PlacementRegistry placement = orchestration::PlacementRegistry::with_builtins();
  // Whether an image is in the local image store (then it runs as a container). Null: the
  // runtime image store at its default place is asked.
  std::function<bool(const std::string& image)> image_is_local;
  // The unknown-image rule: false (default) runs a VDU whose image is not in the local store as a
  // native process (so son-emu's packages run without their images); true refuses such a
  // package at upload and at instantiation with an error naming the file, the VDU and the image.
  bool reject_unknown_images = false;
  // son-emu's deploy_sap: one SAP instance per NSD connection point (service_plan.h). Off, as
  // in son-emu: only the VNFs run. A request may override it (InstantiateRequest::deploy_sap).
  bool deploy_saps = false;
  // Progress lines ("starting empty_vnf1 in dc1"); null: none.
  std::function<void(const std::string& line)> progress;
};

class Gatekeeper {
 public:
  Gatekeeper(emulator::Control& emulation, Catalogue& catalogue, GatekeeperOptions options = {});
  Gatekeeper(const Gatekeeper&) = delete;
  Gatekeeper& operator=(const Gatekeeper&) = delete;

  // Catalogue access under the gatekeeper's lock.
  Result<ServiceSummary> onboard(std::string_view archive);
  std::vector<ServiceSummary> services();

  Result<ServiceInstance> instantiate(const InstantiateRequest& request);
  // NotFound for an unknown uuid, or one that is no instance of `service_uuid` when that is
  // given. Best effort: every step is tried; the first error is returned.
  Status terminate(const std::string& instance_uuid, const std::string& service_uuid = "");
  // Every instance of a service (NotFound for an unknown service); all instances when empty.
  Result<std::vector<std::string>> terminate_service(const std::string& service_uuid);
  std::vector<ServiceInstance> instances();

 private:
  Result<const CatalogueEntry*> resolve(const InstantiateRequest& request) const;
  // InvalidArgument for the first VDU image not in the local store (reject_unknown_images).
  Status check_images(const Package& package) const;
  // Starts the plan's instances, chains and E-LANs into `inst`, each registering its undo.
  Status realise(const ServicePlan& plan, ServiceInstance& inst, Rollback& guard);
  Status terminate_locked(const ServiceInstance& instance);
  void progress(const std::string& line) const;

  std::mutex mu_;
  emulator::Control& emulation_;
  Catalogue& catalogue_;
  GatekeeperOptions options_;
  AddressPools pools_;
  std::vector<ServiceInstance> instances_;  // oldest first
  std::map<std::string, int> started_;      // service uuid -> instances started so far
};

ServiceSummary summarize(const CatalogueEntry& entry);

}  // namespace chainlab::sonata
