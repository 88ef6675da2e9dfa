// Cloud: security groups, their rules, and their enforcement on servers (see cloud.h and
// security_group.h).
#include <algorithm>
#include <functional>
#include <map>

#include "common/files.h"
#include "frontends/openstack/cloud.h"

namespace chainlab::openstack {

namespace {

// What a server whose filter may be anything is recorded with: it matches no ruleset.
constexpr const char* kUnknownFilter = "";

}  // namespace

void Cloud::create_default_security_group() {
  SecurityGroup g = new_group_locked({kDefaultSecurityGroupName, "Default security group"}, true);
  default_security_group_id_ = g.id;
  security_groups_.put(std::move(g));
}

SecurityGroup Cloud::new_group_locked(const SecurityGroupCreate& request, bool is_default) {
  SecurityGroup g;
  g.id = new_uuid();
  g.name = request.name;
  g.description = request.description;
  g.project_id = project_id();
  g.created_at = g.updated_at = stamp();
  for (const char* ethertype : {"IPv4", "IPv6"}) {
    if (is_default) {  // Neutron's default group admits its own members
      add_rule_locked(g, {g.id, "ingress", ethertype, "", {}, {}, "", g.id, ""});
    }
    add_rule_locked(g, {g.id, "egress", ethertype, "", {}, {}, "", "", ""});
  }
  return g;
}

SecurityGroupRule& Cloud::add_rule_locked(SecurityGroup& g, const SecurityGroupRuleCreate& r) {
  SecurityGroupRule rule;
  static_cast<SecurityGroupRuleCreate&>(rule) = r;
  rule.id = new_uuid();
  rule.project_id = g.project_id;
  rule.created_at = rule.updated_at = stamp();
  g.rules.push_back(std::move(rule));
  return g.rules.back();
}

std::vector<SecurityGroup> Cloud::list_security_groups() const {
  return view()->security_groups.list(created_before<SecurityGroup>);
}

Result<SecurityGroup> Cloud::get_security_group(const std::string& id_or_name) const {
  auto v = view();
  CL_ASSIGN_OR_RETURN(auto ids, resolve_security_groups(v->security_groups, {id_or_name}));
  return *v->security_groups.find(ids.front());
}

Result<SecurityGroup> Cloud::create_security_group(const SecurityGroupCreate& request) {
  Writing lock(*this);
  if (request.name.size() > 255 || request.description.size() > 255) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input: name and description hold at most 255 characters");
  }
  if (ascii_lower(request.name) == kDefaultSecurityGroupName) {
    return make_error(ErrorCode::kAlreadyExists, "Default security group already exists.");
  }
  return security_groups_.put(new_group_locked(request, false));
}

Result<SecurityGroup> Cloud::update_security_group(const std::string& id,
                                                   const SecurityGroupUpdate& update) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(SecurityGroup * g, security_groups_.get(id));
  if (update.name && *update.name != g->name && g->id == default_security_group_id_) {
    return make_error(ErrorCode::kAlreadyExists, "Updating default security group not allowed.");
  }
  if (update.name && ascii_lower(*update.name) == kDefaultSecurityGroupName &&
      g->id != default_security_group_id_) {
    return make_error(ErrorCode::kAlreadyExists, "Default security group already exists.");
  }
  if ((update.name && update.name->size() > 255) ||
      (update.description && update.description->size() > 255)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input: name and description hold at most 255 characters");
  }
  set_if(g->name, update.name);
  set_if(g->description, update.description);
  g->updated_at = stamp();
  return *g;
}

Status Cloud::delete_security_group(const std::string& id) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(const SecurityGroup* g, security_groups_.get(id));
  if (g->id == default_security_group_id_) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "Insufficient rights for removing default security group.");
  }
  for (const auto& [pid, p] : ports_) {
    if (std::count(p.security_groups.begin(), p.security_groups.end(), id) != 0) {
      return make_error(ErrorCode::kFailedPrecondition, "Security Group {} in use.", id);
    }
  }
  for (auto& [gid, other] : security_groups_) {
    std::erase_if(other.rules, [&](const SecurityGroupRule& r) { return r.remote_group_id == id; });
  }
  CL_RETURN_IF_ERROR(security_groups_.erase(id));
  return sync_firewalls_locked();
}

std::vector<SecurityGroupRule> Cloud::list_security_group_rules() const {
  std::vector<SecurityGroupRule> out;
  for (const auto& g : view()->security_groups.list(created_before<SecurityGroup>)) {
    out.insert(out.end(), g.rules.begin(), g.rules.end());
  }
  return out;
}

Result<SecurityGroupRule> Cloud::get_security_group_rule(const std::string& id) const {
  auto v = view();
  for (const auto& [gid, g] : v->security_groups) {
    for (const auto& r : g.rules) {
      if (r.id == id) {
        return r;
      }
    }
  }
  return make_error(ErrorCode::kNotFound, "Security group rule {} does not exist", id);
}

Result<SecurityGroupRule> Cloud::create_security_group_rule(
    const SecurityGroupRuleCreate& request) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(SecurityGroupRuleCreate r, normalize_rule(request));
  CL_ASSIGN_OR_RETURN(SecurityGroup * g, security_groups_.get(r.security_group_id));
  if (!r.remote_group_id.empty()) {
    if (!security_groups_.contains(r.remote_group_id)) {
      return security_groups_.not_found(r.remote_group_id);
    }
  }
  for (const auto& existing : g->rules) {
    if (same_rule(existing, r)) {
      return make_error(ErrorCode::kAlreadyExists,
                        "Security group rule already exists. Rule id is {}.", existing.id);
    }
  }
  SecurityGroupRule rule = add_rule_locked(*g, r);
  Status enforced = sync_firewalls_locked(instances_in_group_locked(g->id));
  if (!enforced.ok()) {
    g->rules.pop_back();
    (void)sync_firewalls_locked();
    return std::move(enforced).error();
  }
  return rule;
}

Status Cloud::delete_security_group_rule(const std::string& id) {
  Writing lock(*this);
  for (auto& [gid, g] : security_groups_) {
    auto it = std::find_if(g.rules.begin(), g.rules.end(),
                           [&](const SecurityGroupRule& r) { return r.id == id; });
    if (it == g.rules.end()) {
      continue;
    }
    const std::vector<SecurityGroupRule> before = g.rules;
    g.rules.erase(it);
    Status enforced = sync_firewalls_locked(instances_in_group_locked(gid));
    if (!enforced.ok()) {
      g.rules = before;
      (void)sync_firewalls_locked();
    }
    return enforced;
  }
  return make_error(ErrorCode::kNotFound, "Security group rule {} does not exist", id);
}

Status Cloud::add_server_security_group(const std::string& server_id, const std::string& group) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(const Server* s, servers_.get(server_id));
  CL_ASSIGN_OR_RETURN(auto ids, resolve_security_groups_locked({group}));
  for (const auto& pid : s->port_ids) {
    Port* p = ports_.find(pid);
    if (p != nullptr && !p->port_security_enabled) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Cannot add security group {} to server {}: port {} has port security "
                        "disabled.",
                        group, server_id, pid);
    }
  }
  auto added = change_server_groups_locked(*s, [&](std::vector<std::string>& groups) {
    bool missing = std::count(groups.begin(), groups.end(), ids.front()) == 0;
    if (missing) {
      groups.push_back(ids.front());
    }
    return missing;
  });
  return added.ok() ? ok_status() : Status(std::move(added).error());
}

Status Cloud::remove_server_security_group(const std::string& server_id, const std::string& group) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(const Server* s, servers_.get(server_id));
  CL_ASSIGN_OR_RETURN(auto ids, resolve_security_groups_locked({group}));
  CL_ASSIGN_OR_RETURN(size_t removed,
                      change_server_groups_locked(*s, [&](std::vector<std::string>& groups) {
                        return std::erase(groups, ids.front()) != 0;
                      }));
  if (removed == 0) {
    return make_error(ErrorCode::kNotFound, "Security group {} not associated with the instance {}",
                      group, server_id);
  }
  return ok_status();
}

Result<std::vector<SecurityGroup>> Cloud::server_security_groups(
    const std::string& server_id) const {
  auto v = view();
  CL_ASSIGN_OR_RETURN(const Server* s, v->servers.get(server_id));
  std::vector<SecurityGroup> out;
  for (const auto& pid : s->port_ids) {
    const Port* p = v->ports.find(pid);
    for (const auto& gid : p == nullptr ? std::vector<std::string>{} : p->security_groups) {
      const SecurityGroup* g = v->security_groups.find(gid);
      bool listed =
          std::any_of(out.begin(), out.end(), [&](const SecurityGroup& o) { return o.id == gid; });
      if (g != nullptr && !listed) {
        out.push_back(*g);
      }
    }
  }
  return out;
}

// ---- helpers (mu_ held) -------------------------------------------------------------------------

Result<size_t> Cloud::change_server_groups_locked(
    const Server& server, const std::function<bool(std::vector<std::string>&)>& change) {
  std::map<std::string, std::vector<std::string>> before;
  size_t changed = 0;
  for (const auto& pid : server.port_ids) {
    if (Port* p = ports_.find(pid)) {
      before[pid] = p->security_groups;
      changed += change(p->security_groups) ? 1 : 0;
    }
  }
  if (changed == 0) {
    return changed;
  }
  Status enforced = sync_firewalls_locked({server.instance});
  if (!enforced.ok()) {
    for (const auto& [pid, groups] : before) {
      ports_.find(pid)->security_groups = groups;
    }
    (void)sync_firewalls_locked();
    return std::move(enforced).error();
  }
  return changed;
}

Result<std::vector<std::string>> Cloud::resolve_security_groups(
    const ResourceTable<SecurityGroup>& groups, const std::vector<std::string>& ids_or_names) {
  std::vector<std::string> out;
  for (const auto& key : ids_or_names) {
    std::vector<std::string> found;
    for (const auto& [id, g] : groups) {
      if (id == key) {
        found = {id};
        break;
      }
      if (g.name == key) {
        found.push_back(id);
      }
    }
    if (found.empty()) {
      return make_error(ErrorCode::kNotFound, "Security group {} does not exist", key);
    }
    if (found.size() > 1) {
      return make_error(ErrorCode::kAlreadyExists,
                        "Multiple security_group matches found for name '{}', use an ID to be "
                        "more specific.",
                        key);
    }
    if (std::count(out.begin(), out.end(), found.front()) == 0) {
      out.push_back(found.front());
    }
  }
  return out;
}

Result<std::vector<std::string>> Cloud::port_security_groups_locked(
    const PortCreate& request) const {
  if (request.security_groups) {
    CL_ASSIGN_OR_RETURN(auto ids, resolve_security_groups_locked(*request.security_groups));
    if (!ids.empty() && !request.port_security_enabled) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Port security must be enabled and port must have an IP address in order "
                        "to use security groups.");
    }
    return ids;
  }
  if (!request.port_security_enabled || request.device_owner.starts_with("network:")) {
    return std::vector<std::string>{};
  }
  return std::vector<std::string>{default_security_group_id_};
}

std::vector<std::string> Cloud::group_addresses_locked(const std::string& group_id) const {
  std::vector<std::string> out;
  for (const auto& [pid, p] : ports_) {
    if (std::count(p.security_groups.begin(), p.security_groups.end(), group_id) != 0) {
      for (const auto& ip : p.fixed_ips) {
        out.push_back(ip.ip_address);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Cloud::server_ruleset_locked(const Server& server) const {
  std::vector<FilteredInterface> interfaces;
  for (const auto& pid : server.port_ids) {
    const Port* p = ports_.find(pid);
    if (p == nullptr || !p->binding || p->device_owner.starts_with("network:")) {
      continue;
    }
    FilteredInterface f{p->binding->interface, p->port_security_enabled, {}};
    for (const auto& gid : p->security_groups) {
      const SecurityGroup* g = security_groups_.find(gid);
      for (const auto& rule : g == nullptr ? std::vector<SecurityGroupRule>{} : g->rules) {
        ResolvedRule resolved{rule, {}};
        if (!rule.remote_group_id.empty()) {
          resolved.remote_addresses = group_addresses_locked(rule.remote_group_id);
        }
        f.rules.push_back(std::move(resolved));
      }
    }
    interfaces.push_back(std::move(f));
  }
  return security_ruleset(interfaces);
}

std::set<std::string> Cloud::instances_in_group_locked(const std::string& group_id) const {
  std::set<std::string> out;
  for (const auto& [pid, p] : ports_) {
    bool member = std::count(p.security_groups.begin(), p.security_groups.end(), group_id) != 0;
    if (member && p.binding) {
      out.insert(p.binding->instance);
    }
  }
  return out;
}

Status Cloud::sync_firewalls_locked(const std::set<std::string>& wait_for) {
  if (applier_ == nullptr) {
    return ok_status();
  }
  for (const auto& instance : applier_->take_failed()) {
    firewall_rulesets_[instance] = kUnknownFilter;
  }
  Status first = ok_status();
  const std::string unfiltered = security_ruleset({});  // what a new instance has
  std::map<std::string, std::string> now;
  for (const auto& [sid, s] : servers_) {
    if (s.instance.empty()) {
      continue;  // BUILD or ERROR: nothing runs yet
    }
    std::string ruleset = server_ruleset_locked(s);
    auto had = firewall_rulesets_.find(s.instance);
    now[s.instance] = ruleset;
    std::string before = had != firewall_rulesets_.end() ? had->second : unfiltered;
    if (before == ruleset) {
      continue;
    }
    if (wait_for.count(s.instance) == 0) {
      applier_->submit(s.instance, std::move(ruleset));
      continue;
    }
    Status done = applier_->apply(s.instance, std::move(ruleset));
    if (!done.ok()) {
      now[s.instance] = kUnknownFilter;  // loaded again by the next change
      if (first.ok()) {
        first =
            std::move(done).error().context(fmt::format("filtering the ports of server {}", sid));
      }
    }
  }
  for (const auto& [instance, ruleset] : firewall_rulesets_) {
    if (now.count(instance) == 0) {
      applier_->forget(instance);  // its server is gone
    }
  }
  firewall_rulesets_ = std::move(now);
  return first;
}

void Cloud::settle_firewalls() {
  if (applier_ != nullptr) {
    applier_->settle();
  }
}

}  // namespace chainlab::openstack
