// Sfc: the networking-sfc objects of one PoP and their realisation as emulator chains.
#include "frontends/openstack/sfc.h"

#include <algorithm>
#include <functional>
#include <set>

namespace chainlab::openstack {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Status no_duplicates(const std::vector<std::string>& ids, const char* what) {
  std::set<std::string> seen;
  for (const auto& id : ids) {
    if (!seen.insert(id).second) {
      return make_error(ErrorCode::kInvalidArgument, "{} {} is listed twice", what, id);
    }
  }
  return ok_status();
}

// Neutron's 409 "in use": `what` `id` is a member of the `owner_what` `owner_id`.
Error in_use(const char* what, const std::string& id, const char* owner_what,
             const std::string& owner_id) {
  return make_error(ErrorCode::kFailedPrecondition, "{} {} is in use by {} {}", what, id,
                    owner_what, owner_id);
}

// Erases `id` from `table` unless a record of `owners` lists it in `members` (Neutron's 409
// "in use"); kNotFound when unknown.
template <typename T, typename Owner>
Status erase_unused(ResourceTable<T>& table, const std::string& id, const char* what,
                    const ResourceTable<Owner>& owners, std::vector<std::string> Owner::*members,
                    const char* owner_what) {
  CL_RETURN_IF_ERROR(table.get(id));
  for (const auto& [oid, owner] : owners) {
    if (contains(owner.*members, id)) {
      return in_use(what, id, owner_what, oid);
    }
  }
  return table.erase(id);
}

// The name and description of a partial update (every networking-sfc object has both).
template <typename T, typename Update>
T& set_name_and_description(T& object, const Update& update) {
  set_if(object.name, update.name);
  set_if(object.description, update.description);
  return object;
}

Status check_correlation(const std::optional<std::string>& c) {
  if (c && *c != "mpls" && *c != "nsh") {
    return make_error(ErrorCode::kInvalidArgument, "correlation must be mpls or nsh, not '{}'", *c);
  }
  return ok_status();
}

// A bound port as a chain end.
struct End {
  std::string instance;
  std::string interface;
  friend bool operator==(const End&, const End&) = default;
};

}  // namespace

Sfc::Sfc(Cloud& cloud, emulator::Control& emulation) : cloud_(cloud), emulation_(emulation) {}

Sfc::~Sfc() {
  std::lock_guard lock(mu_);
  for (const auto& [id, hops] : installed_) {
    remove_locked(hops);
  }
}

std::string Sfc::new_uuid() {
  return cloud_.ids().uuid();
}

uint64_t Sfc::cookie_for(int chain_id) const {
  // 0x5fc tag in the top bits (E-LAN cookies have bit 63 set, user chains are small), the PoP in
  // the middle (every PoP's Sfc shares the emulation), the chain id at the bottom.
  uint64_t pop = std::hash<std::string>{}(cloud_.pop()) & 0xffffff;
  return (uint64_t{0x5fc} << 52) | (pop << 16) | static_cast<uint64_t>(chain_id & 0xffff);
}

// ---- port pairs ---------------------------------------------------------------------------------

Result<PortPair> Sfc::create_port_pair(const PortPairCreate& request) {
  std::lock_guard lock(mu_);
  if (request.ingress.empty() || request.egress.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "a port pair needs an ingress and an egress");
  }
  for (const auto& port : {request.ingress, request.egress}) {
    if (auto p = cloud_.get_port(port); !p.ok()) {
      return make_error(ErrorCode::kNotFound, "port {} not found", port);
    }
  }
  CL_RETURN_IF_ERROR(check_correlation(request.service_function_parameters.correlation));
  if (request.service_function_parameters.weight < 1) {
    return make_error(ErrorCode::kInvalidArgument, "weight must be at least 1, not {}",
                      request.service_function_parameters.weight);
  }
  for (const auto& [id, pp] : port_pairs_) {
    if (pp.ingress == request.ingress && pp.egress == request.egress) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "port pair {} already has ingress {} and egress {}", id, pp.ingress,
                        pp.egress);
    }
  }
  PortPair pp;
  pp.id = new_uuid();
  pp.name = request.name;
  pp.description = request.description;
  pp.project_id = cloud_.project_id();
  pp.ingress = request.ingress;
  pp.egress = request.egress;
  pp.service_function_parameters = request.service_function_parameters;
  return port_pairs_.put(pp);
}

Result<PortPair> Sfc::update_port_pair(const std::string& id, const PortPairUpdate& update) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(PortPair * pp, port_pairs_.get(id));
  return set_name_and_description(*pp, update);
}

Status Sfc::delete_port_pair(const std::string& id) {
  std::lock_guard lock(mu_);
  return erase_unused(port_pairs_, id, "port pair", groups_, &PortPairGroup::port_pairs,
                      "port pair group");
}

// ---- port pair groups ---------------------------------------------------------------------------

namespace {

// Every port pair exists and is in no group other than `self`.
Status check_group_pairs(const ResourceTable<PortPair>& pairs,
                         const ResourceTable<PortPairGroup>& groups,
                         const std::vector<std::string>& ids, const std::string& self) {
  CL_RETURN_IF_ERROR(no_duplicates(ids, "port pair"));
  for (const auto& id : ids) {
    CL_RETURN_IF_ERROR(pairs.get(id));
    for (const auto& [gid, g] : groups) {
      if (gid != self && contains(g.port_pairs, id)) {
        return in_use("port pair", id, "port pair group", gid);
      }
    }
  }
  return ok_status();
}

}  // namespace

Result<PortPairGroup> Sfc::create_port_pair_group(const PortPairGroupCreate& request) {
  std::lock_guard lock(mu_);
  CL_RETURN_IF_ERROR(check_group_pairs(port_pairs_, groups_, request.port_pairs, ""));
  if (request.tap_enabled) {
    return make_error(ErrorCode::kInvalidArgument, "tap port pair groups are not supported");
  }
  PortPairGroup g;
  g.id = new_uuid();
  g.name = request.name;
  g.description = request.description;
  g.project_id = cloud_.project_id();
  g.port_pairs = request.port_pairs;
  g.port_pair_group_parameters = request.port_pair_group_parameters;
  g.group_id = next_group_id_++;
  return groups_.put(g);
}

Result<PortPairGroup> Sfc::update_port_pair_group(const std::string& id,
                                                  const PortPairGroupUpdate& update) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(PortPairGroup * stored, groups_.get(id));
  PortPairGroup g = *stored;
  set_name_and_description(g, update);
  if (update.port_pairs && *update.port_pairs != g.port_pairs) {
    CL_RETURN_IF_ERROR(check_group_pairs(port_pairs_, groups_, *update.port_pairs, id));
    g.port_pairs = *update.port_pairs;
    // Re-realise the chain using the group, if any.
    for (const auto& [cid, chain] : chains_) {
      if (!contains(chain.port_pair_groups, id)) {
        continue;
      }
      PortPairGroup old = *stored;
      *stored = g;  // plan with the new membership
      auto planned = plan_locked(chain);
      if (!planned.ok()) {
        *stored = old;
        return std::move(planned).error();
      }
      remove_locked(installed_[cid]);
      if (auto s = install_locked(*planned); !s.ok()) {
        *stored = old;
        (void)install_locked(installed_[cid]);  // the old hops worked before
        return std::move(s).error();
      }
      installed_[cid] = std::move(planned).value();
      break;  // a group is in one chain at most
    }
  }
  *stored = g;
  return g;
}

Status Sfc::delete_port_pair_group(const std::string& id) {
  std::lock_guard lock(mu_);
  return erase_unused(groups_, id, "port pair group", chains_, &PortChain::port_pair_groups,
                      "port chain");
}

// ---- flow classifiers ---------------------------------------------------------------------------

Result<FlowClassifier> Sfc::create_flow_classifier(const FlowClassifierCreate& request) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(FlowClassifier fc, normalise_classifier(request));
  for (const auto& port : {fc.logical_source_port, fc.logical_destination_port}) {
    if (!port.empty() && !cloud_.get_port(port).ok()) {
      return make_error(ErrorCode::kNotFound, "port {} not found", port);
    }
  }
  fc.id = new_uuid();
  fc.project_id = cloud_.project_id();
  return classifiers_.put(fc);
}

Result<FlowClassifier> Sfc::update_flow_classifier(const std::string& id,
                                                   const FlowClassifierUpdate& update) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(FlowClassifier * fc, classifiers_.get(id));
  return set_name_and_description(*fc, update);
}

Status Sfc::delete_flow_classifier(const std::string& id) {
  std::lock_guard lock(mu_);
  return erase_unused(classifiers_, id, "flow classifier", chains_, &PortChain::flow_classifiers,
                      "port chain");
}

// ---- port chains --------------------------------------------------------------------------------

Result<std::vector<SfcHop>> Sfc::port_chain_hops(const std::string& id) const {
  std::lock_guard lock(mu_);
  CL_RETURN_IF_ERROR(chains_.get(id));
  return installed_.at(id);
}

Status Sfc::check_chain_members_locked(const PortChain& chain) const {
  if (chain.port_pair_groups.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "a port chain needs a port pair group");
  }
  CL_RETURN_IF_ERROR(no_duplicates(chain.port_pair_groups, "port pair group"));
  CL_RETURN_IF_ERROR(no_duplicates(chain.flow_classifiers, "flow classifier"));
  for (const auto& gid : chain.port_pair_groups) {
    CL_RETURN_IF_ERROR(groups_.get(gid));
  }
  for (const auto& fid : chain.flow_classifiers) {
    CL_RETURN_IF_ERROR(classifiers_.get(fid));
  }
  for (const auto& [cid, other] : chains_) {
    if (cid == chain.id) {
      continue;
    }
    for (const auto& gid : chain.port_pair_groups) {
      if (contains(other.port_pair_groups, gid)) {
        return in_use("port pair group", gid, "port chain", cid);
      }
    }
    for (const auto& fid : chain.flow_classifiers) {
      if (contains(other.flow_classifiers, fid)) {
        return in_use("flow classifier", fid, "port chain", cid);
      }
    }
  }
  return ok_status();
}

Result<std::vector<SfcHop>> Sfc::plan_locked(const PortChain& chain) const {
  auto bound = [&](const std::string& port_id, const char* role) -> Result<End> {
    auto port = cloud_.get_port(port_id);
    if (!port.ok()) {
      return make_error(ErrorCode::kNotFound, "{} port {} not found", role, port_id);
    }
    if (!port->binding) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "{} port {}{} is not bound to a server: the chain cannot be realised", role,
                        port_id, port->name.empty() ? "" : " (" + port->name + ")");
    }
    return End{port->binding->instance, port->binding->interface};
  };
  // The service functions in chain order: every pair of each group, (ingress, egress) each.
  std::vector<std::vector<std::pair<End, End>>> functions;
  for (const auto& gid : chain.port_pair_groups) {
    const PortPairGroup& g = *groups_.find(gid);
    if (g.port_pairs.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "port pair group {} has no port pair", gid);
    }
    auto& pairs = functions.emplace_back();
    for (const auto& ppid : g.port_pairs) {
      const PortPair& pp = *port_pairs_.find(ppid);
      CL_ASSIGN_OR_RETURN(End in, bound(pp.ingress, "ingress"));
      CL_ASSIGN_OR_RETURN(End out, bound(pp.egress, "egress"));
      pairs.emplace_back(in, out);
    }
  }
  std::vector<SfcHop> hops;
  // A hop from `from` to one end, or to one of several (a group: the emulator balances flows).
  auto add = [&](const End& from, const std::vector<End>& to, const std::string& match) {
    SfcHop hop;
    hop.request.src = from.instance;
    hop.request.src_intf = from.interface;
    hop.request.dst = to.front().instance;
    hop.request.dst_intf = to.front().interface;
    for (size_t i = 0; to.size() > 1 && i < to.size(); ++i) {
      hop.request.dst_group.emplace_back(to[i].instance, to[i].interface);
    }
    hop.request.cookie = cookie_for(chain.chain_id);
    hop.request.priority = kSfcPriority;
    hop.request.match = match;
    auto same = [&](const SfcHop& h) {
      const auto& a = h.request;
      const auto& b = hop.request;
      return a.src == b.src && a.src_intf == b.src_intf && a.dst == b.dst &&
             a.dst_intf == b.dst_intf && a.match == b.match && a.dst_group == b.dst_group;
    };
    if (std::none_of(hops.begin(), hops.end(), same)) {
      hops.push_back(std::move(hop));
    }
  };
  // Every pair's ingress (or egress) end of a group, in the group's order.
  auto ends = [](const std::vector<std::pair<End, End>>& pairs, bool ingress) {
    std::vector<End> out;
    for (const auto& [in, eg] : pairs) {
      out.push_back(ingress ? in : eg);
    }
    return out;
  };
  for (const auto& fid : chain.flow_classifiers) {
    const FlowClassifier& fc = *classifiers_.find(fid);
    if (fc.logical_source_port.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "flow classifier {} has no logical_source_port: the emulator steers "
                        "traffic from a port",
                        fid);
    }
    CL_ASSIGN_OR_RETURN(End src, bound(fc.logical_source_port, "logical source"));
    std::optional<End> dst;
    if (!fc.logical_destination_port.empty()) {
      CL_ASSIGN_OR_RETURN(dst, bound(fc.logical_destination_port, "logical destination"));
    }
    std::string match = classifier_match(fc);
    std::vector<End> from{src};
    for (const auto& pairs : functions) {
      for (const End& f : from) {
        add(f, ends(pairs, true), match);
      }
      from = ends(pairs, false);
    }
    for (const End& f : dst ? from : std::vector<End>{}) {
      add(f, {*dst}, match);
    }
    if (chain.chain_parameters.symmetric) {
      if (!dst) {
        return make_error(ErrorCode::kInvalidArgument,
                          "a symmetric chain needs a logical_destination_port on flow "
                          "classifier {}",
                          fid);
      }
      // The way back through the same pair of each group: its egress group has the ingress
      // group's positions, and the flow hash is symmetric.
      std::string reverse = classifier_match(fc, true);
      std::vector<End> back{*dst};
      for (auto it = functions.rbegin(); it != functions.rend(); ++it) {
        for (const End& b : back) {
          add(b, ends(*it, false), reverse);
        }
        back = ends(*it, true);
      }
      for (const End& b : back) {
        add(b, {src}, reverse);
      }
    }
  }
  return hops;
}

Status Sfc::install_locked(const std::vector<SfcHop>& hops) {
  std::vector<SfcHop> done;
  for (const auto& hop : hops) {
    auto info = emulation_.set_chain(hop.request);
    if (!info.ok()) {
      remove_locked(done);
      return std::move(info).error().context(fmt::format("steering {}:{} -> {}:{}", hop.request.src,
                                                         hop.request.src_intf, hop.request.dst,
                                                         hop.request.dst_intf));
    }
    done.push_back(hop);
  }
  return ok_status();
}

void Sfc::remove_locked(const std::vector<SfcHop>& hops) {
  for (const auto& hop : hops) {
    // kNotFound is fine: another hop with the same ends went first, or the instance is gone.
    (void)emulation_.delete_chain(hop.request);
  }
}

Result<PortChain> Sfc::create_port_chain(const PortChainCreate& request) {
  std::lock_guard lock(mu_);
  PortChain chain;
  chain.id = new_uuid();
  chain.name = request.name;
  chain.description = request.description;
  chain.project_id = cloud_.project_id();
  chain.port_pair_groups = request.port_pair_groups;
  chain.flow_classifiers = request.flow_classifiers;
  chain.chain_parameters = request.chain_parameters;
  CL_RETURN_IF_ERROR(check_correlation(chain.chain_parameters.correlation));
  CL_RETURN_IF_ERROR(check_chain_members_locked(chain));
  std::set<int> used;
  for (const auto& [cid, c] : chains_) {
    used.insert(c.chain_id);
  }
  if (request.chain_id != 0) {
    if (request.chain_id < 1 || request.chain_id > 65535) {
      return make_error(ErrorCode::kInvalidArgument, "chain_id {} is out of range 1..65535",
                        request.chain_id);
    }
    if (used.count(request.chain_id) != 0) {
      return make_error(ErrorCode::kAlreadyExists, "chain_id {} is in use", request.chain_id);
    }
    chain.chain_id = request.chain_id;
  } else {
    int id = 1;
    while (used.count(id) != 0) {
      ++id;
    }
    if (id > 65535) {
      return make_error(ErrorCode::kResourceExhausted, "no free chain_id");
    }
    chain.chain_id = id;
  }
  CL_ASSIGN_OR_RETURN(auto hops, plan_locked(chain));
  CL_RETURN_IF_ERROR(install_locked(hops));
  installed_[chain.id] = std::move(hops);
  return chains_.put(chain);
}

Result<PortChain> Sfc::update_port_chain(const std::string& id, const PortChainUpdate& update) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(PortChain * stored, chains_.get(id));
  PortChain chain = *stored;
  set_name_and_description(chain, update);
  bool rewire = false;
  if (update.port_pair_groups && *update.port_pair_groups != chain.port_pair_groups) {
    chain.port_pair_groups = *update.port_pair_groups;
    rewire = true;
  }
  if (update.flow_classifiers && *update.flow_classifiers != chain.flow_classifiers) {
    chain.flow_classifiers = *update.flow_classifiers;
    rewire = true;
  }
  if (rewire) {
    CL_RETURN_IF_ERROR(check_chain_members_locked(chain));
    CL_ASSIGN_OR_RETURN(auto hops, plan_locked(chain));
    remove_locked(installed_[id]);
    if (auto s = install_locked(hops); !s.ok()) {
      (void)install_locked(installed_[id]);  // the old hops worked before
      return std::move(s).error();
    }
    installed_[id] = std::move(hops);
  }
  *stored = chain;
  return chain;
}

Status Sfc::delete_port_chain(const std::string& id) {
  std::lock_guard lock(mu_);
  CL_RETURN_IF_ERROR(chains_.get(id));
  remove_locked(installed_[id]);
  installed_.erase(id);
  return chains_.erase(id);
}

}  // namespace chainlab::openstack
