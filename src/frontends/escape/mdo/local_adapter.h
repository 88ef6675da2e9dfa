// The "local" domain: the local emulation (emulator::Control) as one domain of the multi-domain
// orchestrator (docs/mdo.md), through orchestration::LocalDomain.
//   view()    every PoP an infra of type EE with its resource model's capacity (cpu = compute
//             units, mem = memory MB; an unlimited PoP, model "none", shows kLocalUnlimited),
//             every switch an SDN-SWITCH without resources, every topology link an edge_link
//             "<a>-<b>" (delay ms, bandwidth Mbps; unlimited: kLocalUnlimited) between ports
//             numbered 1, 2... per node in link order, and every SAP of `saps` a SAP node (port
//             1) linked to a new port of its PoP ("<pop>-<sap>", delay 0).
//   deploy()  the part (split.h) as a placed graph::ServiceGraph (to_service_graph): each NF runs
//             in the PoP its edge_link attaches it to, with the image `images` gives its
//             functional type; each SAP a hop names starts in the PoP `saps` names (else the
//             one it is linked to in the part; SAPs no hop names are not started); each hop
//             is a one-way chain. The first part of a service is deployed, a later one updates
//             it (only what changed; when that fails the earlier version is brought back).
//             Instances are named "<service id>-<NF or SAP id>" (deploy/deployer.h).
//   remove()  LocalDomain::remove; OK when the service has no part here.
// Settings (the domain's config entry besides name and kind; unknown keys are refused):
//   saps:      {SAP id: PoP name}: the SAPs the view offers (a SAP shared with another domain
//              is where the two meet).
//   images:    {functional type: image}; a type not listed runs the image of its own name.
//   supported: [functional type, ...]: the NF types the PoPs take. Absent: the types `images`
//              lists. With neither, the PoPs take only NFs without a functional type (the
//              embedding has no wildcard: embedding/problem.h).
//   topology:  the emulation to run (read by the app layer, ignored here).
// Not done: inter-domain stitching (traffic from a SAP shared with another domain is not
// steered to the service's NFs), routing along the mapped path (the emulator routes each chain
// itself; the part's flow rules are not read), hop bandwidth and delay.
// See also: domain_adapter.h, static_adapter.h, orchestration/domain/local_domain.h.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/control.h"
#include "frontends/escape/mdo/domain_adapter.h"
#include "orchestration/domain/local_domain.h"
#include "orchestration/graph/service_graph.h"

namespace chainlab::escape {

// An amount the view cannot state (NFFG numbers are finite): an unlimited PoP's cpu and mem,
// any storage, a node's switching bandwidth, an unlimited link's bandwidth.
inline constexpr double kLocalUnlimited = 1e6;

struct LocalSettings {
  std::map<std::string, std::string> saps;    // SAP id -> PoP name
  std::map<std::string, std::string> images;  // NF functional_type -> image
  std::optional<std::vector<std::string>> supported;
};

// spec.settings: InvalidArgument naming the field ("domains.<name>.saps.SAP1: expected a
// string", "domains.<name>.<key>: unknown key").
Result<LocalSettings> read_local_settings(const AdapterSpec& spec);

class LocalAdapter final : public DomainAdapter {
 public:
  LocalAdapter(std::string name, emulator::Control& control, LocalSettings settings);

  std::string name() const override { return name_; }
  std::string kind() const override { return "local"; }
  Result<Nffg> view() override;
  Status deploy(const std::string& service_id, const Nffg& part) override;
  Status remove(const std::string& service_id) override;

  // The part as the graph deploy() realises (placed, id = service_id).
  Result<orchestration::graph::ServiceGraph> placed_graph(const std::string& service_id,
                                                          const Nffg& part) const;

 private:
  std::string pop_of_sap(const Nffg& part, const std::string& sap) const;
  Nffg local_part(const Nffg& part) const;
  void place(const Nffg& part, orchestration::graph::ServiceGraph& g) const;
  Status update(const orchestration::graph::ServiceGraph& next);

  std::string name_;
  emulator::Control& control_;  // the topology: which nodes are PoPs
  LocalSettings settings_;
  std::optional<std::vector<std::string>> supported_;  // on every EE of the view
  orchestration::LocalDomain domain_;
};

// read_local_settings, and every SAP of `saps` must name a PoP of the emulation and no node of
// it (InvalidArgument naming the field).
Result<std::unique_ptr<DomainAdapter>> make_local_adapter(const AdapterSpec& spec,
                                                          emulator::Control& control);
// "local" -> make_local_adapter over `control`, which must outlive the registry's adapters.
Status register_local_adapter(AdapterRegistry& registry, emulator::Control& control);

}  // namespace chainlab::escape
