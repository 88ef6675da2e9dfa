#include "frontends/unode/internal_groups.h"

#include <fmt/format.h>

#include "common/rollback.h"

namespace chainlab::unode {
namespace {

// Internal groups' rules carry this cookie (graphs' are "UN" + n).
constexpr uint64_t kInternalCookie = 0x554e490000000000ull;  // "UNI"

}  // namespace

Result<dataplane::PortId> InternalGroups::join(const std::string& group, const std::string& graph) {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) {
    std::string name = fmt::format("{}-internal{}", pop_, next_++);
    CL_ASSIGN_OR_RETURN(emulator::GraphLsiInfo info, control_.create_graph_lsi(pop_, name));
    it = groups_.emplace(group, Group{name, info.lsi, {}, {}}).first;
  }
  Group& g = it->second;
  if (auto link = g.links.find(graph); link != g.links.end()) {
    return link->second.lsi0_port;
  }
  auto link = control_.add_graph_link(g.lsi_name);
  Status wired = link.ok() ? ok_status() : Status(link.error());
  if (wired.ok()) {
    g.links[graph] = *link;
    wired = rewire(g);
  }
  if (!wired.ok()) {
    if (link.ok()) {
      g.links.erase(graph);
      (void)control_.remove_graph_link(g.lsi_name, *link);
    }
    if (g.links.empty()) {
      (void)control_.destroy_graph_lsi(g.lsi_name);
      groups_.erase(it);
    }
    return std::move(wired).error().context(fmt::format("internal group '{}'", group));
  }
  return link->lsi0_port;
}

Status InternalGroups::leave(const std::string& group, const std::string& graph) {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end() || it->second.links.count(graph) == 0) {
    return make_error(ErrorCode::kNotFound, "graph {} is not in internal group '{}'", graph, group);
  }
  Group& g = it->second;
  emulator::LsiLink link = g.links.at(graph);
  g.links.erase(graph);
  if (g.links.empty()) {
    Status destroyed = control_.destroy_graph_lsi(g.lsi_name);  // its links and rules with it
    groups_.erase(it);
    return destroyed;
  }
  Status first = rewire(g);
  keep_first_error(first, control_.remove_graph_link(g.lsi_name, link));
  return first;
}

size_t InternalGroups::members(const std::string& group) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  return it == groups_.end() ? 0 : it->second.links.size();
}

// One rule per member: what comes in on its link goes out on every other member's link.
Status InternalGroups::rewire(Group& g) {
  std::vector<dataplane::RuleId> made;
  for (const auto& [graph, in] : g.links) {
    dataplane::RuleSpec r;
    r.priority = 1;
    r.cookie = kInternalCookie;
    r.match.in_port = in.graph_port;
    for (const auto& [other, out] : g.links) {
      if (other != graph) {
        r.actions.push_back(dataplane::Action::output(out.graph_port));
      }
    }
    if (r.actions.empty()) {
      r.actions.push_back(dataplane::Action::drop());
    }
    auto id = control_.add_rule(g.lsi, r);
    if (!id.ok()) {
      for (auto m : made) {
        (void)control_.delete_rule(g.lsi, m);
      }
      return std::move(id).error();
    }
    made.push_back(*id);
  }
  Status first = ok_status();
  for (auto old : g.rules) {
    keep_first_error(first, control_.delete_rule(g.lsi, old));
  }
  g.rules = std::move(made);
  return first;
}

}  // namespace chainlab::unode
