#include "orchestration/placement/placement.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "common/files.h"
#include "common/yaml_load.h"

namespace chainlab::orchestration {
namespace {

Status require_pops(const std::vector<PopCapacity>& pops) {
  if (pops.empty()) {
    return make_error(ErrorCode::kFailedPrecondition, "placement: the emulation has no PoPs");
  }
  return ok_status();
}

// A strategy that picks each unit's PoP on its own: choose(i, unit, pops), pops non-empty.
class PerUnit : public PlacementStrategy {
 public:
  Result<Placement> place(const std::vector<PlacementUnit>& units,
                          const std::vector<PopCapacity>& pops) final {
    CL_RETURN_IF_ERROR(require_pops(pops));
    Placement out;
    for (size_t i = 0; i < units.size(); ++i) {
      CL_ASSIGN_OR_RETURN(out[units[i].vnf_id], choose(i, units[i], pops));
    }
    return out;
  }

 protected:
  virtual Result<std::string> choose(size_t i, const PlacementUnit& unit,
                                     const std::vector<PopCapacity>& pops) const = 0;
};

class FirstDc final : public PerUnit {
 public:
  std::string name() const override { return "first"; }

 private:
  Result<std::string> choose(size_t, const PlacementUnit&,
                             const std::vector<PopCapacity>& pops) const override {
    return pops.front().name;
  }
};

class RoundRobinDc final : public PerUnit {
 public:
  std::string name() const override { return "round-robin"; }

 private:
  Result<std::string> choose(size_t i, const PlacementUnit&,
                             const std::vector<PopCapacity>& pops) const override {
    return pops[i % pops.size()].name;
  }
};

class StaticPlacement final : public PerUnit {
 public:
  explicit StaticPlacement(std::map<std::string, std::string> mapping)
      : mapping_(std::move(mapping)) {}
  std::string name() const override { return "static"; }

 private:
  Result<std::string> choose(size_t, const PlacementUnit& u,
                             const std::vector<PopCapacity>& pops) const override {
    auto it = mapping_.find(u.vnf_id);
    if (it == mapping_.end()) {
      it = mapping_.find(u.vnf_name);
    }
    if (it == mapping_.end()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "static placement: no PoP given for VNF '{}' (name '{}')", u.vnf_id,
                        u.vnf_name);
    }
    bool known = std::any_of(pops.begin(), pops.end(),
                             [&](const PopCapacity& p) { return p.name == it->second; });
    if (!known) {
      return make_error(ErrorCode::kInvalidArgument,
                        "static placement: VNF '{}' is placed in '{}', which is no PoP", u.vnf_id,
                        it->second);
    }
    return it->second;
  }

  std::map<std::string, std::string> mapping_;
};

class ResourceAware final : public PlacementStrategy {
 public:
  std::string name() const override { return "resource-aware"; }
  Result<Placement> place(const std::vector<PlacementUnit>& units,
                          const std::vector<PopCapacity>& pops) override {
    CL_RETURN_IF_ERROR(require_pops(pops));
    std::vector<PopCapacity> state = pops;
    constexpr double kInf = std::numeric_limits<double>::infinity();
    Placement out;
    for (const auto& u : units) {
      int best = -1;
      double best_cu = -1;
      double best_mu = -1;
      for (size_t i = 0; i < state.size(); ++i) {
        const auto& p = state[i];
        double free_cu = p.limited ? p.max_cu - p.alloc_cu : kInf;
        double free_mu = p.limited ? p.max_mu - p.alloc_mu : kInf;
        if (p.rejects && (free_cu + 1e-9 < u.cu || free_mu + 1e-9 < u.mu_mb)) {
          continue;  // model A would reject it
        }
        bool better = best < 0 || free_cu > best_cu || (free_cu == best_cu && free_mu > best_mu) ||
                      (free_cu == best_cu && free_mu == best_mu &&
                       p.instances < state[static_cast<size_t>(best)].instances);
        if (better) {
          best = static_cast<int>(i);
          best_cu = free_cu;
          best_mu = free_mu;
        }
      }
      if (best < 0) {
        return make_error(ErrorCode::kResourceExhausted,
                          "resource-aware placement: no PoP has room for VNF '{}' ({} CU, {} MB)",
                          u.vnf_id, u.cu, u.mu_mb);
      }
      auto& chosen = state[static_cast<size_t>(best)];
      chosen.alloc_cu += u.cu;
      chosen.alloc_mu += u.mu_mb;
      chosen.instances += 1;
      out[u.vnf_id] = chosen.name;
    }
    return out;
  }
};

Result<std::map<std::string, std::string>> parse_static_yaml(const std::string& text,
                                                             const std::string& source) {
  CL_ASSIGN_OR_RETURN(YAML::Node root, load_yaml(text, source));  // bounded: common/yaml_load.h
  if (!root.IsMap()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: expected a mapping `vnf_id_or_name: pop` at the top level", source);
  }
  std::map<std::string, std::string> out;
  for (const auto& kv : root) {
    if (!kv.first.IsScalar() || !kv.second.IsScalar()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: entry '{}': the PoP must be a string",
                        source, kv.first.IsScalar() ? kv.first.Scalar() : std::string("?"));
    }
    out[kv.first.Scalar()] = kv.second.Scalar();
  }
  return out;
}

}  // namespace

std::unique_ptr<PlacementStrategy> make_first_dc() {
  return std::make_unique<FirstDc>();
}
std::unique_ptr<PlacementStrategy> make_round_robin_dc() {
  return std::make_unique<RoundRobinDc>();
}
std::unique_ptr<PlacementStrategy> make_resource_aware() {
  return std::make_unique<ResourceAware>();
}
std::unique_ptr<PlacementStrategy> make_static_placement(
    std::map<std::string, std::string> mapping) {
  return std::make_unique<StaticPlacement>(std::move(mapping));
}

Result<std::unique_ptr<PlacementStrategy>> parse_static_placement(const std::string& text) {
  if (trim(text).empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "static placement needs a mapping (`vnf_id_or_name: pop` per line) in "
                      "'placement_map'");
  }
  if (text.size() > kMaxPlacementMap) {
    return make_error(ErrorCode::kInvalidArgument, "placement_map: larger than {} bytes",
                      kMaxPlacementMap);
  }
  CL_ASSIGN_OR_RETURN(auto mapping, parse_static_yaml(text, "placement_map"));
  return make_static_placement(std::move(mapping));
}

PlacementRegistry PlacementRegistry::with_builtins() {
  PlacementRegistry r;
  auto plain = [](std::unique_ptr<PlacementStrategy> (*make)()) {
    return
        [make](const std::string&) -> Result<std::unique_ptr<PlacementStrategy>> { return make(); };
  };
  (void)r.add("first", plain(&make_first_dc));
  (void)r.add("round-robin", plain(&make_round_robin_dc));
  (void)r.add("resource-aware", plain(&make_resource_aware));
  (void)r.add("static",
              [](const std::string& argument) { return parse_static_placement(argument); });
  return r;
}

Result<std::unique_ptr<PlacementStrategy>> PlacementRegistry::create(
    const std::string& name, const std::string& argument) const {
  return Registry::create(name.empty() ? std::string(kDefaultPlacement) : name, argument);
}

}  // namespace chainlab::orchestration
