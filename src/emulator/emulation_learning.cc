// Learning mode (son-emu's DCNetwork(enable_learning=True)): instances of learning PoPs reach each
// other without a chain. Built from the E-LAN machinery: per node of a forest spanning the learning
// PoPs, one learning segment over the node's tree links (trunks, tagged with one VLAN) and, in a
// learning PoP, its instance interfaces (untagged). Its rules have priority 0, below every chain
// and E-LAN rule (priority >= 1; son-emu: NORMAL at priority 0), so those keep steering their
// traffic.
#include <algorithm>
#include <set>

#include "emulator/emulation.h"
#include "emulator/emulation_impl.h"

namespace chainlab::emulator {
namespace {

using dataplane::Action;
using dataplane::RuleSpec;

constexpr uint16_t kLearningPriority = 0;
constexpr uint64_t kLearningCookie = (uint64_t{1} << 63) | 0x6c6561726eull;  // "learn"

}  // namespace

Status Emulation::Impl::setup_learning(const Topology& topology) {
  std::vector<int> terminals;
  for (const PopSpec& pop : topology.pops()) {
    if (topology.connectivity_of(pop) == Connectivity::kLearning) {
      terminals.push_back(graph->index(pop.name));
    }
  }
  if (terminals.empty()) {
    return ok_status();
  }
  for (int t : terminals) {
    learning.nodes[t].local = true;
  }
  // A forest, not a tree: learning PoPs the topology does not connect simply stay apart.
  for (size_t link : graph->spanning_forest(terminals)) {
    const LinkState& l = links[link];
    learning.nodes[l.a].trunks.push_back(l.a_port);
    learning.nodes[l.b].trunks.push_back(l.b_port);
  }
  if (std::any_of(learning.nodes.begin(), learning.nodes.end(),
                  [](const auto& n) { return !n.second.trunks.empty(); })) {
    CL_ASSIGN_OR_RETURN(learning.vlan, vlans.take());
  }
  auto add_rule = [&](dataplane::LsiId lsi, RuleSpec r) -> Status {
    r.priority = kLearningPriority;
    r.cookie = kLearningCookie;
    CL_ASSIGN_OR_RETURN(dataplane::RuleId id, engine->add_rule(lsi, r));
    learning.rules.push_back({lsi, id});
    return ok_status();
  };
  for (auto& [node, ln] : learning.nodes) {
    ln.lsi = nodes[static_cast<size_t>(node)].lsi;
    ln.installed.vlan = learning.vlan;
    for (auto port : ln.trunks) {
      ln.installed.members.emplace_back(port, true);
    }
    CL_ASSIGN_OR_RETURN(ln.segment, engine->add_segment(ln.lsi, ln.installed));
    for (auto port : ln.trunks) {
      RuleSpec r;
      r.match.in_port = port;
      r.match.vlan = {dataplane::VlanMatch::Kind::kId, learning.vlan};
      r.actions = {Action::segment(ln.segment)};
      CL_RETURN_IF_ERROR(add_rule(ln.lsi, r));
    }
    if (ln.local) {
      // Every untagged frame no chain or E-LAN claims; the segment drops those of non-members.
      RuleSpec r;
      r.match.vlan = {dataplane::VlanMatch::Kind::kNone, 0};
      r.actions = {Action::segment(ln.segment)};
      CL_RETURN_IF_ERROR(add_rule(ln.lsi, r));
    }
  }
  return ok_status();
}

Status Emulation::Impl::sync_learning(int node, const std::vector<InterfaceInfo>& pending) {
  auto it = learning.nodes.find(node);
  if (it == learning.nodes.end() || !it->second.local) {
    return ok_status();
  }
  LearningNode& ln = it->second;
  // E-LAN members stay in their E-LAN only.
  std::set<dataplane::PortId> in_elan;
  for (const auto& [name, elan] : elans) {
    for (const auto& [inst, intf] : elan.info.members) {
      auto ep = endpoint(inst, intf);
      if (ep.ok() && ep->first == node) {
        in_elan.insert(ep->second);
      }
    }
  }
  dataplane::SegmentSpec spec;
  spec.vlan = learning.vlan;
  for (auto port : ln.trunks) {
    spec.members.emplace_back(port, true);
  }
  auto join = [&](const InterfaceInfo& intf) {
    if (intf.host_bridge.empty() && in_elan.count(intf.port) == 0) {
      spec.members.emplace_back(intf.port, false);
    }
  };
  for (const auto& [name, inst] : instances) {
    if (inst.node == node && inst.lsi == ln.lsi) {
      std::for_each(inst.interfaces.begin(), inst.interfaces.end(), join);
    }
  }
  std::for_each(pending.begin(), pending.end(), join);
  if (spec == ln.installed) {
    return ok_status();
  }
  if (auto s = engine->update_segment(ln.lsi, ln.segment, spec); !s.ok()) {
    return std::move(s).error().context(
        fmt::format("learning segment of '{}'", nodes[static_cast<size_t>(node)].name));
  }
  ln.installed = std::move(spec);
  return ok_status();
}

Status Emulation::Impl::sync_learning_for(
    const std::vector<std::pair<std::string, std::string>>& members) {
  std::set<int> touched;
  for (const auto& [inst, intf] : members) {
    if (auto it = instances.find(inst); it != instances.end()) {
      touched.insert(it->second.node);
    }
  }
  for (int node : touched) {
    CL_RETURN_IF_ERROR(sync_learning(node));
  }
  return ok_status();
}

}  // namespace chainlab::emulator
