// Placement strategies of the gatekeeper: which PoP each VNF of a service runs in (all VDUs of a
// VNF share its PoP). One small interface, implementations chosen by name from a registry:
//   "first"          FirstDc: every VNF in the first PoP (topology order).
//   "round-robin"    RoundRobinDc (the default): VNF i (NSD order) in PoP i mod n.
//   "static"         a YAML file `vnf_id_or_name: pop` (the vnf_id wins over the vnf_name);
//                    a VNF the file does not name, or a PoP that does not exist, is an error.
//   "resource-aware" respects the PoPs' resource models: a PoP whose `fixed` model has no room
//                    left for the VNF's compute units / memory is skipped; among the others the
//                    one with the most free CU (then MU) wins, unlimited (`none`) PoPs counting
//                    as the fullest free, ties by fewest instances, then topology order. Units
//                    placed earlier in the same call count as allocated.
// Strategies are pure: they see the PoPs as values (PopCapacity) and return a map, so they are
// unit-tested without an emulation. See also: service_deployer.h, docs/api/gatekeeper.md.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/registry.h"
#include "common/result.h"

namespace chainlab::orchestration {

// What a strategy needs to know about one VNF.
struct PlacementUnit {
  std::string vnf_id;
  std::string vnf_name;
  double cu = 0;     // compute units of all its VDUs' flavours
  double mu_mb = 0;  // memory MB of all its VDUs' flavours
};

// One PoP as the strategy sees it (its resource model's typed capacity, pop_capacities()).
struct PopCapacity {
  std::string name;
  bool limited = false;  // the PoP's model counts CPU and memory (fixed, overprovision)
  bool rejects = false;  // ... and refuses an instance that does not fit (fixed)
  double max_cu = 0;
  double max_mu = 0;
  double alloc_cu = 0;
  double alloc_mu = 0;
  size_t instances = 0;
};

// vnf_id -> PoP name.
using Placement = std::map<std::string, std::string>;

class PlacementStrategy {
 public:
  virtual ~PlacementStrategy() = default;
  virtual std::string name() const = 0;
  // Every unit gets a PoP among `pops` (non-empty), or an error saying which unit could not.
  virtual Result<Placement> place(const std::vector<PlacementUnit>& units,
                                  const std::vector<PopCapacity>& pops) = 0;
};

std::unique_ptr<PlacementStrategy> make_first_dc();
std::unique_ptr<PlacementStrategy> make_round_robin_dc();
std::unique_ptr<PlacementStrategy> make_resource_aware();
// `mapping`: vnf_id or vnf_name -> PoP.
std::unique_ptr<PlacementStrategy> make_static_placement(
    std::map<std::string, std::string> mapping);
// Reads the static placement file (`vnf: pop` per line, YAML). InvalidArgument with the file name
// for a missing file, bad YAML or a non-string value.
// A static placement from the text of a mapping (YAML or JSON, `vnf_id_or_name: pop` per
// entry), as a client sends it (never a path on the server).
inline constexpr size_t kMaxPlacementMap = 256 * 1024;
Result<std::unique_ptr<PlacementStrategy>> parse_static_placement(const std::string& text);

// Strategies by name (common/registry.h: duplicate = AlreadyExists, unknown = InvalidArgument
// listing the known names). `argument` is what a strategy may need (the static mapping's text).
class PlacementRegistry : public Registry<PlacementStrategy, const std::string&> {
 public:
  PlacementRegistry() : Registry("placement strategy") {}
  // The four built-in strategies.
  static PlacementRegistry with_builtins();
  // "" is the default, "round-robin".
  Result<std::unique_ptr<PlacementStrategy>> create(const std::string& name,
                                                    const std::string& argument = "") const;
};

inline constexpr const char* kDefaultPlacement = "round-robin";

}  // namespace chainlab::orchestration
