#include "dataplane/kernel/compile.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "dataplane/flow_table.h"

namespace chainlab::dataplane::kernel {
namespace {

uint32_t network_mask(uint8_t length) {
  return length == 0 ? 0 : htonl(length >= 32 ? 0xffffffffu : ~((1u << (32 - length)) - 1));
}

void compile_match(const Match& m, cl_rule& r) {
  auto set = [&r](bool present, uint32_t bit) { r.fields |= present ? bit : 0; };
  set(m.in_port.has_value(), CL_M_IN_PORT);
  r.in_port = m.in_port.value_or(0);
  set(m.eth_src.has_value(), CL_M_ETH_SRC);
  if (m.eth_src) {
    std::memcpy(r.eth_src, m.eth_src->data(), 6);
  }
  set(m.eth_dst.has_value(), CL_M_ETH_DST);
  if (m.eth_dst) {
    std::memcpy(r.eth_dst, m.eth_dst->data(), 6);
  }
  set(m.eth_type.has_value(), CL_M_ETH_TYPE);
  r.eth_type = m.eth_type.value_or(0);
  set(m.vlan.kind == VlanMatch::Kind::kNone, CL_M_VLAN_NONE);
  set(m.vlan.kind == VlanMatch::Kind::kId, CL_M_VLAN_ID);
  r.vlan_id = m.vlan.id;
  set(m.ip_proto.has_value(), CL_M_IP_PROTO);
  r.ip_proto = m.ip_proto.value_or(0);
  set(m.ipv4_src.has_value(), CL_M_IPV4_SRC);
  if (m.ipv4_src) {
    r.ipv4_src_mask = network_mask(m.ipv4_src->length);
    r.ipv4_src = m.ipv4_src->address & r.ipv4_src_mask;
  }
  set(m.ipv4_dst.has_value(), CL_M_IPV4_DST);
  if (m.ipv4_dst) {
    r.ipv4_dst_mask = network_mask(m.ipv4_dst->length);
    r.ipv4_dst = m.ipv4_dst->address & r.ipv4_dst_mask;
  }
  set(m.l4_src.has_value(), CL_M_L4_SRC);
  r.l4_src = m.l4_src.value_or(0);
  set(m.l4_dst.has_value(), CL_M_L4_DST);
  r.l4_dst = m.l4_dst.value_or(0);
}

// Header changes up to the first output-like action, then that target; the engine ignores what
// follows the last output, and a second output needs a copy of the frame (userspace).
void compile_actions(const std::vector<Action>& actions, cl_rule& r) {
  using K = Action::Kind;
  size_t ops = 0;
  bool targeted = false;
  auto vlan_op = [&](uint8_t op, uint16_t arg) {
    if (ops == CL_MAX_VLAN_OPS) {
      r.actions |= CL_A_SLOW;
      return;
    }
    r.vlan_ops[ops] = op;
    r.vlan_args[ops++] = arg;
  };
  for (const Action& a : actions) {
    if (a.kind == K::kDrop) {
      break;
    }
    bool output = a.kind == K::kOutput || a.kind == K::kSelect || a.kind == K::kNormal ||
                  a.kind == K::kFlood || a.kind == K::kSegment;
    if (targeted) {
      r.actions |= output ? CL_A_SLOW : 0;  // changes after the one output do nothing
      continue;
    }
    switch (a.kind) {
      case K::kOutput:
      case K::kSelect:
        r.target = a.kind == K::kOutput ? CL_T_OUTPUT : CL_T_SELECT;
        r.target_id = a.port;
        targeted = true;
        break;
      case K::kPushVlan:
        vlan_op(CL_V_PUSH, a.vlan_id);
        break;
      case K::kPopVlan:
        vlan_op(CL_V_POP, 0);
        break;
      case K::kSetVlan:
        vlan_op(CL_V_SET, a.vlan_id);
        break;
      case K::kSetEthSrc:
        r.actions |= CL_A_ETH_SRC;
        std::memcpy(r.new_src, a.mac.data(), 6);
        break;
      case K::kSetEthDst:
        r.actions |= CL_A_ETH_DST;
        std::memcpy(r.new_dst, a.mac.data(), 6);
        break;
      default:  // normal, flood, segment: learning and copies live in userspace
        r.actions |= CL_A_SLOW;
        targeted = true;
        break;
    }
  }
}

// The bucket of rules a rule belongs to: its in_port (or any) and its VLAN match (any VID is
// CL_VLAN_OTHER's bucket, untagged CL_VLAN_NONE's, a VID its own).
TableKey bucket_of(const Match& m) {
  uint32_t vlan = m.vlan.kind == VlanMatch::Kind::kAny    ? CL_VLAN_OTHER
                  : m.vlan.kind == VlanMatch::Kind::kNone ? CL_VLAN_NONE
                                                          : m.vlan.id;
  return {m.in_port.value_or(CL_PORT_ANY), vlan};
}

// The buckets whose rules can match a frame of table key `key`.
std::vector<TableKey> buckets_for(const TableKey& key) {
  std::set<TableKey> out;
  for (uint32_t port : {key.in_port, CL_PORT_ANY}) {
    out.insert({port, CL_VLAN_OTHER});
    out.insert({port, key.vlan});
  }
  return {out.begin(), out.end()};
}

// The keys whose tables differ from what the program's fallback would find (compile.h): with A the
// rules for any port and any VID, P[p] those for port p and any VID, V[v] those for any port and
// VID v: (any, other) and (any, none) always; (any, v) when V[v]; (p, other) when P[p]; (p, none)
// when p has rules for any VID or for untagged frames; (p, v) when a rule names both, or when
// P[p] and V[v] both exist.
std::set<TableKey> candidate_keys(const std::vector<std::shared_ptr<const Rule>>& rules) {
  std::set<TableKey> keys{{CL_PORT_ANY, CL_VLAN_OTHER}, {CL_PORT_ANY, CL_VLAN_NONE}};
  std::set<uint32_t> any_vlan_ports;
  std::set<uint32_t> any_port_vlans;
  for (const auto& rule : rules) {
    const Match& m = rule->match;
    uint32_t port = m.in_port.value_or(CL_PORT_ANY);
    switch (m.vlan.kind) {
      case VlanMatch::Kind::kAny:
        keys.insert({port, CL_VLAN_OTHER});
        keys.insert({port, CL_VLAN_NONE});
        if (m.in_port) {
          any_vlan_ports.insert(port);
        }
        break;
      case VlanMatch::Kind::kNone:
        keys.insert({port, CL_VLAN_NONE});
        break;
      case VlanMatch::Kind::kId:
        keys.insert({port, m.vlan.id});
        if (!m.in_port) {
          any_port_vlans.insert(m.vlan.id);
        }
        break;
    }
  }
  for (uint32_t port : any_vlan_ports) {
    for (uint32_t vlan : any_port_vlans) {
      keys.insert({port, vlan});
    }
  }
  return keys;
}

}  // namespace

cl_rule compile_rule(const Rule& rule, uint32_t slot) {
  cl_rule r{};
  compile_match(rule.match, r);
  compile_actions(rule.actions, r);
  r.slot = slot;
  return r;
}

std::map<TableKey, cl_table> compile_tables(const std::vector<std::shared_ptr<const Rule>>& rules,
                                            const SlotOf& slot_of) {
  FlowTable ordered(rules, 1);  // only for its order
  // Rules by bucket, as positions in that order: a table merges at most four buckets, so a rule
  // change costs O(rules), not O(tables x rules).
  std::map<TableKey, std::vector<size_t>> buckets;
  for (size_t i = 0; i < ordered.rules().size(); ++i) {
    buckets[bucket_of(ordered.rules()[i]->match)].push_back(i);
  }
  std::map<TableKey, cl_table> tables;
  for (const TableKey& key : candidate_keys(ordered.rules())) {
    std::vector<size_t> members;
    for (const TableKey& b : buckets_for(key)) {
      if (auto it = buckets.find(b); it != buckets.end()) {
        members.insert(members.end(), it->second.begin(), it->second.end());
      }
    }
    std::sort(members.begin(), members.end());
    cl_table table{};
    for (size_t i : members) {
      if (table.count == CL_MAX_TABLE_RULES) {
        table.flags |= CL_TABLE_SLOW;
        break;
      }
      const Rule& rule = *ordered.rules()[i];
      uint32_t slot = slot_of(rule);
      cl_rule& r = table.rules[table.count++] = compile_rule(rule, slot);
      r.actions |= slot == 0 ? CL_A_SLOW : 0;  // no counter for it: the engine counts it
    }
    if (table.count > 0) {
      tables.emplace(key, table);
    }
  }
  return tables;
}

}  // namespace chainlab::dataplane::kernel
