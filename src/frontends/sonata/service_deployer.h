// The gatekeeper's service manager: onboards packages into a Catalogue and instantiates their
// services on an Emulation (SONATA dummy gatekeeper / 5GTANGO LLCM semantics, without their
// global state). Constructed with the emulation and the catalogue it works on; every public
// call is serialised by one mutex. Several instances of one service may run at once.
//
// instantiate(): resolve the service (uuid, NSD name or "latest"), place its VNFs with a
// PlacementStrategy (placement.h), translate the package into a placed ServiceGraph
// (service_plan.h, which holds SONATA's naming, image and limit rules) and realise it with the
// orchestration core's Deployer (orchestration/deploy/deployer.h: addresses, one bidirectional
// chain per E-Line, one E-LAN per E-LAN link), running the container start commands after
// start. Any failure undoes everything this instantiation created (E-LANs, chains, instances,
// subnets) and the error names the step that failed. terminate(): the Deployer removes it all
// (E-LANs and chains deleted, instances stopped with their stop commands, subnets returned).
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

#include "common/clock.h"
#include "common/ids.h"
#include "common/result.h"
#include "emulator/control.h"
#include "frontends/sonata/catalogue.h"
#include "frontends/sonata/service_plan.h"
#include "monitor/events.h"
#include "orchestration/deploy/deployer.h"
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

// What one instance runs, for the API's views.
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

struct DeployedEline {
  std::string link_id;
  std::string src, src_intf, dst, dst_intf;
};

struct DeployedElan {
  std::string link_id;
  std::string name;                                          // the emulator's E-LAN
  std::vector<std::pair<std::string, std::string>> members;  // (instance, interface)
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
  std::vector<DeployedUnit> units;  // VNF instances first, then SAPs
  std::vector<DeployedEline> elines;
  std::vector<DeployedElan> elans;
  orchestration::Deployment deployment;  // what terminate() removes
};

struct GatekeeperOptions {
  orchestration::PlacementRegistry placement = orchestration::PlacementRegistry::with_builtins();
  // Whether an image is in the local image store (then it runs as a container); the composition
  // root asks the run's image store (app/services.cc). Null: no image is (all run native).
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
  // Service instance uuids and their creation stamps; both must outlive the gatekeeper.
  const IdSource* ids = &RandomIds::instance();
  const Clock* clock = &SystemClock::instance();
  // "service.instantiated" / "service.terminated" go here (the run's event stream); null: none.
  monitor::EventSink* events = nullptr;
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
  // Realises the plan through the Deployer (all or nothing).
  Result<orchestration::Deployment> deploy(const ServicePlan& plan);
  // vm_cmd_start of a container, run beside its entrypoint.
  Status start_command(const PlannedNode& node, const orchestration::DeployedNode& deployed);
  Status terminate_locked(ServiceInstance& instance);
  void publish(const char* type, const ServiceInstance& instance) const;
  void progress(const std::string& line) const;

  std::mutex mu_;
  emulator::Control& emulation_;
  Catalogue& catalogue_;
  GatekeeperOptions options_;
  orchestration::LinkPools pools_;
  std::vector<ServiceInstance> instances_;  // oldest first
  std::map<std::string, int> started_;      // service uuid -> instances started so far
};

ServiceSummary summarize(const CatalogueEntry& entry);

}  // namespace chainlab::sonata
