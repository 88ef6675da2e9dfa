// Chaining and E-LANs: rules on the LSIs along a path, tagged with one VLAN per chain or LAN.
#include <algorithm>

#include "emulator/emulation.h"
#include "emulator/emulation_impl.h"
#include "emulator/match_parse.h"

namespace chainlab::emulator {
namespace {

using dataplane::Action;
using dataplane::RuleSpec;

nlohmann::json chain_event(const ChainInfo& chain) {
  return {{"chain", chain.id},
          {"src", chain.request.src},
          {"dst", chain.request.dst},
          {"cookie", chain.request.cookie},
          {"bidirectional", chain.request.bidirectional},
          {"path", chain.path}};
}

// The member count, not the list: an OpenStack network's E-LAN changes with every server on it, and
// the event log keeps 10,000 events (GET /restapi/elan has the members).
nlohmann::json elan_event(const ElanInfo& elan) {
  return {{"elan", elan.name},
          {"vlan", elan.vlan},
          {"members", elan.members.size()},
          {"tree", elan.tree}};
}

std::string chain_id(const ChainRequest& r) {
  auto end = [](const std::string& vnf, const std::string& intf) {
    return intf.empty() ? vnf : vnf + ":" + intf;
  };
  return end(r.src, r.src_intf) + "->" + end(r.dst, r.dst_intf);
}

}  // namespace

Result<ChainInfo> Emulation::set_chain(const ChainRequest& request) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  CL_ASSIGN_OR_RETURN(auto src, im.endpoint(request.src, request.src_intf));
  CL_ASSIGN_OR_RETURN(auto dst, im.endpoint(request.dst, request.dst_intf));
  if (src == dst) {
    return make_error(ErrorCode::kInvalidArgument, "chain from {} to itself", request.src);
  }
  dataplane::Match extra;
  if (!request.match.empty()) {
    CL_ASSIGN_OR_RETURN(extra, parse_match(request.match));
  }
  Path path;
  if (!request.path.empty()) {
    CL_ASSIGN_OR_RETURN(path, im.graph->explicit_path(request.path));
    if (path.nodes.front() != src.first || path.nodes.back() != dst.first) {
      return make_error(ErrorCode::kInvalidArgument,
                        "explicit path must start in {}'s PoP and end in {}'s PoP", request.src,
                        request.dst);
    }
  } else {
    PathWeight weight = PathWeight::kHops;
    if (request.weight == "delay") {
      weight = PathWeight::kDelay;
    } else if (!request.weight.empty() && request.weight != "hops") {
      return make_error(ErrorCode::kInvalidArgument, "weight must be 'hops' or 'delay', not '{}'",
                        request.weight);
    }
    CL_ASSIGN_OR_RETURN(path, im.graph->shortest_path(src.first, dst.first, weight));
  }
  for (const auto& c : im.chains) {
    const auto& r = c.info.request;
    if (r.src == request.src && r.dst == request.dst && r.src_intf == request.src_intf &&
        r.dst_intf == request.dst_intf && r.cookie == request.cookie && r.match == request.match) {
      return make_error(ErrorCode::kAlreadyExists, "chain {} with cookie {} already exists",
                        chain_id(request), request.cookie);
    }
  }
  // The group's members: ports of dst's LSI, dst among them.
  std::vector<dataplane::PortId> members;
  for (const auto& [instance, intf] : request.dst_group) {
    CL_ASSIGN_OR_RETURN(auto member, im.endpoint(instance, intf));
    if (member.first != dst.first) {
      return make_error(ErrorCode::kInvalidArgument,
                        "load-balancing group member {} is not in {}'s PoP", instance, request.dst);
    }
    members.push_back(member.second);
  }
  if (!members.empty() && std::find(members.begin(), members.end(), dst.second) == members.end()) {
    return make_error(ErrorCode::kInvalidArgument, "{} is not a member of its own group",
                      request.dst);
  }
  const bool tagged = path.links.size() > 0 && !request.skip_vlan_tag;
  uint16_t vlan = 0;
  if (tagged) {
    CL_ASSIGN_OR_RETURN(vlan, im.vlans.take());
  }

  ChainState chain;
  auto add = [&](int node, RuleSpec spec) -> Status {
    spec.cookie = request.cookie;
    spec.priority = request.priority;
    dataplane::LsiId lsi = im.nodes[static_cast<size_t>(node)].lsi;
    CL_ASSIGN_OR_RETURN(dataplane::RuleId id, im.engine->add_rule(lsi, spec));
    chain.rules.push_back({lsi, id});
    return ok_status();
  };
  if (!members.empty()) {
    dataplane::GroupSpec spec{members, {}};
    for (uint32_t i = 0; i < members.size(); ++i) {
      spec.keys.push_back(i);  // by position: the same position wins for a flow in any group
    }
    dataplane::LsiId lsi = im.nodes[static_cast<size_t>(dst.first)].lsi;
    auto gid = im.engine->add_group(lsi, spec);
    if (!gid.ok()) {
      if (vlan != 0) {
        im.vlans.give_back(vlan);
      }
      return std::move(gid).error();
    }
    chain.group = std::pair{lsi, *gid};
  }
  // One direction: from (node a, port pa) along `nodes`/`links` to (node b, port pb), or to one
  // member of the chain's group.
  auto install = [&](const std::vector<int>& nodes, const std::vector<size_t>& links,
                     dataplane::PortId from_port, dataplane::PortId to_port,
                     const dataplane::Match& match, bool to_group) -> Status {
    const size_t k = links.size();
    for (size_t i = 0; i <= k; ++i) {
      RuleSpec r;
      r.match = i == 0 ? match : dataplane::Match{};
      r.match.in_port = i == 0 ? from_port : im.link_port(links[i - 1], nodes[i]);
      if (i > 0 && tagged) {
        r.match.vlan = {dataplane::VlanMatch::Kind::kId, vlan};
      }
      if (i == 0 && tagged) {
        r.actions.push_back(Action::push_vlan(vlan));
      }
      if (i == k && i > 0 && tagged) {
        r.actions.push_back(Action::pop_vlan());
      }
      r.actions.push_back(
          i == k && to_group ? Action::select(chain.group->second)
                             : Action::output(i == k ? to_port : im.link_port(links[i], nodes[i])));
      CL_RETURN_IF_ERROR(add(nodes[i], r));
    }
    return ok_status();
  };
  Status s =
      install(path.nodes, path.links, src.second, dst.second, extra, chain.group.has_value());
  if (s.ok() && request.bidirectional) {
    std::vector<int> rn(path.nodes.rbegin(), path.nodes.rend());
    std::vector<size_t> rl(path.links.rbegin(), path.links.rend());
    dataplane::Match reverse;  // the reverse direction carries the replies: no extra match
    for (dataplane::PortId from : members.empty() ? std::vector{dst.second} : members) {
      s = s.ok() ? install(rn, rl, from, src.second, reverse, false) : s;
    }
  }
  if (!s.ok()) {
    im.remove_chain_state(chain);
    if (vlan != 0) {
      im.vlans.give_back(vlan);
    }
    return std::move(s).error();
  }
  chain.info.id = chain_id(request);
  chain.info.request = request;
  chain.info.vlan = vlan;
  chain.info.rules = chain.rules.size();
  for (int n : path.nodes) {
    chain.info.path.push_back(im.nodes[static_cast<size_t>(n)].name);
  }
  im.chains.push_back(chain);
  im.emit("chain.added", chain_event(chain.info));
  return chain.info;
}

Result<size_t> Emulation::delete_chain(const ChainRequest& request) {
  CL_ASSIGN_OR_RETURN(auto removed, remove_chains(request));
  return removed.size();
}

Result<std::vector<ChainInfo>> Emulation::remove_chains(const ChainRequest& request) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  if (im.instances.count(request.src) == 0 || im.instances.count(request.dst) == 0) {
    return make_error(ErrorCode::kNotFound, "no instance named '{}'",
                      im.instances.count(request.src) == 0 ? request.src : request.dst);
  }
  std::vector<ChainInfo> removed;
  for (auto it = im.chains.begin(); it != im.chains.end();) {
    const auto& r = it->info.request;
    bool same_ends = (r.src == request.src && r.dst == request.dst) ||
                     (r.bidirectional && r.src == request.dst && r.dst == request.src);
    bool intf_ok = (request.src_intf.empty() || r.src_intf == request.src_intf) &&
                   (request.dst_intf.empty() || r.dst_intf == request.dst_intf);
    if (same_ends && intf_ok && r.cookie == request.cookie) {
      im.remove_chain_state(*it);
      if (it->info.vlan != 0) {
        im.vlans.give_back(it->info.vlan);
      }
      removed.push_back(it->info);
      im.emit("chain.removed", chain_event(it->info));
      it = im.chains.erase(it);
    } else {
      ++it;
    }
  }
  if (removed.empty()) {
    return make_error(ErrorCode::kNotFound, "no chain from {} to {} with cookie {}", request.src,
                      request.dst, request.cookie);
  }
  return removed;
}

std::vector<ChainInfo> Emulation::list_chains() {
  std::lock_guard lock(mu_);
  std::vector<ChainInfo> out;
  for (const auto& c : impl_->chains) {
    out.push_back(c.info);
  }
  return out;
}

std::vector<ElanInfo> Emulation::list_elans() {
  std::lock_guard lock(mu_);
  std::vector<ElanInfo> out;
  for (const auto& [_, e] : impl_->elans) {
    out.push_back(e.info);
  }
  return out;
}

Result<ElanInfo> Emulation::create_elan(
    const std::string& name, const std::vector<std::pair<std::string, std::string>>& members) {
  std::lock_guard lock(mu_);
  CL_RETURN_IF_ERROR(substrate::validate_object_name(name, "E-LAN name"));
  if (impl_->elans.count(name) != 0) {
    return make_error(ErrorCode::kAlreadyExists, "E-LAN '{}' already exists", name);
  }
  CL_ASSIGN_OR_RETURN(ElanInfo info, impl_->create_elan(name, members));
  // Learning mode: the members leave the learning segment.
  if (auto s = impl_->sync_learning_for(members); !s.ok()) {
    impl_->erase_elan(impl_->elans.find(name));
    (void)impl_->sync_learning_for(members);
    return std::move(s).error();
  }
  impl_->emit("elan.added", elan_event(info));
  return info;
}

Result<ElanInfo> Emulation::update_elan(
    const std::string& name, const std::vector<std::pair<std::string, std::string>>& members) {
  std::lock_guard lock(mu_);
  CL_RETURN_IF_ERROR(substrate::validate_object_name(name, "E-LAN name"));
  Impl& im = *impl_;
  auto it = im.elans.find(name);
  std::vector<std::pair<std::string, std::string>> old_members;
  if (it != im.elans.end()) {
    old_members = it->second.info.members;
    im.erase_elan(it);
  }
  auto created = im.create_elan(name, members);
  if (!created.ok() && !old_members.empty()) {
    (void)im.create_elan(name, old_members);  // the old membership worked before
  }
  // Learning mode: departed members rejoin the learning segment, new ones leave it.
  std::vector<std::pair<std::string, std::string>> touched = old_members;
  touched.insert(touched.end(), members.begin(), members.end());
  CL_RETURN_IF_ERROR(im.sync_learning_for(touched));
  if (created.ok()) {
    im.emit(old_members.empty() ? "elan.added" : "elan.updated", elan_event(*created));
  }
  return created;
}

Result<ElanInfo> Emulation::Impl::create_elan(
    const std::string& name, const std::vector<std::pair<std::string, std::string>>& members) {
  Impl& im = *this;
  if (members.size() < 2) {
    return make_error(ErrorCode::kInvalidArgument, "E-LAN '{}' needs at least two members", name);
  }
  // Member ports per node, and the nodes the LAN must span.
  std::map<int, std::vector<dataplane::PortId>> member_ports;
  std::vector<int> terminals;
  for (const auto& [inst, intf] : members) {
    CL_ASSIGN_OR_RETURN(auto ep, im.endpoint(inst, intf));
    auto& ports = member_ports[ep.first];
    if (std::find(ports.begin(), ports.end(), ep.second) != ports.end()) {
      return make_error(ErrorCode::kInvalidArgument, "E-LAN '{}': {} listed twice", name, inst);
    }
    ports.push_back(ep.second);
    if (std::find(terminals.begin(), terminals.end(), ep.first) == terminals.end()) {
      terminals.push_back(ep.first);
    }
  }
  // A tree (no cycle) spanning the members' PoPs: flooding along it cannot loop.
  CL_ASSIGN_OR_RETURN(std::vector<size_t> tree, im.graph->spanning_tree(terminals));
  std::map<int, std::vector<dataplane::PortId>> tree_ports;
  std::set<int> tree_nodes(terminals.begin(), terminals.end());
  for (size_t link : tree) {
    const LinkState& l = im.links[link];
    tree_ports[l.a].push_back(l.a_port);
    tree_ports[l.b].push_back(l.b_port);
    tree_nodes.insert(l.a);
    tree_nodes.insert(l.b);
  }
  uint16_t vlan = 0;
  if (!tree.empty()) {
    CL_ASSIGN_OR_RETURN(vlan, im.vlans.take());
  }
  ElanState elan;
  uint64_t cookie = std::hash<std::string>{}("elan:" + name) | (uint64_t{1} << 63);
  Status status;
  for (int node : tree_nodes) {
    dataplane::LsiId lsi = im.nodes[static_cast<size_t>(node)].lsi;
    // The LAN's share of this switch: a learning segment over its local members (untagged) and
    // its tree links (tagged with the LAN's VLAN).
    dataplane::SegmentSpec seg;
    seg.vlan = vlan;
    for (auto p : member_ports[node]) {
      seg.members.emplace_back(p, false);
    }
    for (auto p : tree_ports[node]) {
      seg.members.emplace_back(p, true);
    }
    auto sid = im.engine->add_segment(lsi, seg);
    if (!sid.ok()) {
      status = std::move(sid).error();
      break;
    }
    elan.segments.push_back({lsi, *sid});
    for (auto [port, trunk] : seg.members) {
      RuleSpec r;
      r.cookie = cookie;
      r.priority = 1000;
      r.match.in_port = port;
      if (trunk) {
        r.match.vlan = {dataplane::VlanMatch::Kind::kId, vlan};
      }
      r.actions = {Action::segment(*sid)};
      auto id = im.engine->add_rule(lsi, r);
      if (!id.ok()) {
        status = std::move(id).error();
        break;
      }
      elan.rules.push_back({lsi, *id});
    }
    if (!status.ok()) {
      break;
    }
  }
  if (!status.ok()) {
    im.remove_rules(elan.rules);
    im.remove_segments(elan.segments);
    if (vlan != 0) {
      im.vlans.give_back(vlan);
    }
    return std::move(status).error();
  }
  elan.info.name = name;
  elan.info.vlan = vlan;
  elan.info.members = members;
  for (int n : tree_nodes) {
    elan.info.tree.push_back(im.nodes[static_cast<size_t>(n)].name);
  }
  im.elans[name] = elan;
  return elan.info;
}

Status Emulation::delete_elan(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = impl_->elans.find(name);
  if (it == impl_->elans.end()) {
    return make_error(ErrorCode::kNotFound, "no E-LAN named '{}'", name);
  }
  auto members = it->second.info.members;
  impl_->emit("elan.removed", elan_event(it->second.info));
  impl_->erase_elan(it);
  return impl_->sync_learning_for(members);  // learning mode: the members rejoin its segment
}

void Emulation::Impl::erase_elan(std::map<std::string, ElanState>::iterator it) {
  remove_rules(it->second.rules);
  remove_segments(it->second.segments);
  if (it->second.info.vlan != 0) {
    vlans.give_back(it->second.info.vlan);
  }
  elans.erase(it);
}

}  // namespace chainlab::emulator
