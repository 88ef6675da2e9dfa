#include "cli/embed_view.h"

#include <fmt/format.h>

#include "cli/table.h"

namespace chainlab::cli {
namespace {

using namespace orchestration::embedding;
using json = nlohmann::json;

// "sap0 > infra1 > infra3": the nodes a hop crosses.
std::vector<std::string> path_nodes(const Substrate& s, const Request& r, const Mapping& m,
                                    const HopRequest& hop) {
  std::vector<std::string> nodes;
  auto first = endpoint_node(s, r, m, hop.src);
  if (first) {
    nodes.push_back(s.nodes[*first].id);
  }
  for (size_t l : m.hop_links.at(hop.id)) {
    nodes.push_back(s.nodes[s.links[l].dst].id);
  }
  return nodes;
}

double hop_delay(const Substrate& s, const Request& r, const Mapping& m, const HopRequest& hop) {
  auto first = endpoint_node(s, r, m, hop.src);
  return first ? path_delay(s, *first, m.hop_links.at(hop.id)) : 0;
}

std::string number(double v) {
  return v == kUnlimited ? "-" : fmt::format("{:g}", v);
}

std::string summary(const Substrate& s, const Request& r, const Embedding& e) {
  return fmt::format("mapped in {:.2f} ms ({} steps, {} backtracks); cost {:g}\n",
                     e.stats.runtime_ms, e.stats.steps, e.stats.backtracks,
                     mapping_cost(s, r, *e.mapping));
}

std::string nf_table(const Substrate& s, const Request& r, const Mapping& m) {
  Table t({"NF", "TYPE", "NODE", "DOMAIN", "CPU", "MEM", "STORAGE"});
  for (const auto& nf : r.nfs) {
    const auto& node = s.nodes[m.nf_node.at(nf.id)];
    t.add({nf.id, nf.functional_type, node.id, node.domain, number(nf.demand.cpu),
           number(nf.demand.mem), number(nf.demand.storage)});
  }
  return t.render();
}

std::string hop_table(const Substrate& s, const Request& r, const Mapping& m) {
  Table t({"HOP", "FROM", "TO", "MBPS", "DELAY MS", "PATH"});
  auto bw = hop_bandwidths(r);
  for (const auto& hop : r.hops) {
    t.add({hop.id, hop.src, hop.dst, number(bw[hop.id]),
           fmt::format("{:.3f}", hop_delay(s, r, m, hop)),
           fmt::format("{}", fmt::join(path_nodes(s, r, m, hop), " > "))});
  }
  return t.render();
}

std::string requirement_table(const Substrate& s, const Request& r, const Mapping& m) {
  Table t({"REQUIREMENT", "HOPS", "DELAY MS", "BUDGET MS", "MBPS"});
  auto used = requirement_delays(s, r, m);
  for (const auto& req : r.requirements) {
    t.add({req.id, fmt::format("{}", fmt::join(req.path, ",")), fmt::format("{:.3f}", used[req.id]),
           req.max_delay_ms ? number(*req.max_delay_ms) : "-", number(req.bandwidth)});
  }
  return t.render();
}

}  // namespace

std::string embedding_text(const Substrate& s, const Request& r, const Embedding& e) {
  if (!e.accepted()) {
    return fmt::format("refused ({} at {}): {}\n", e.refusal.constraint,
                       e.refusal.element.empty() ? r.id : e.refusal.element, e.refusal.message);
  }
  std::string out = summary(s, r, e) + "\n" + nf_table(s, r, *e.mapping);
  out += "\n" + hop_table(s, r, *e.mapping);
  if (!r.requirements.empty()) {
    out += "\n" + requirement_table(s, r, *e.mapping);
  }
  return out;
}

json embedding_json(const Substrate& s, const Request& r, const Embedding& e) {
  json out = {{"accepted", e.accepted()},
              {"stats",
               {{"steps", e.stats.steps},
                {"backtracks", e.stats.backtracks},
                {"runtime_ms", e.stats.runtime_ms}}}};
  if (!e.accepted()) {
    out["refusal"] = {{"constraint", e.refusal.constraint},
                      {"element", e.refusal.element},
                      {"message", e.refusal.message}};
    return out;
  }
  const auto& m = *e.mapping;
  out["cost"] = mapping_cost(s, r, m);
  out["nfs"] = json::object();
  for (const auto& nf : r.nfs) {
    out["nfs"][nf.id] = s.nodes[m.nf_node.at(nf.id)].id;
  }
  out["hops"] = json::object();
  for (const auto& hop : r.hops) {
    out["hops"][hop.id] = {{"path", path_nodes(s, r, m, hop)},
                           {"delay_ms", hop_delay(s, r, m, hop)}};
  }
  out["requirements"] = json::object();
  auto used = requirement_delays(s, r, m);
  for (const auto& req : r.requirements) {
    out["requirements"][req.id] = {
        {"delay_ms", used[req.id]},
        {"budget_ms", req.max_delay_ms ? json(*req.max_delay_ms) : json()}};
  }
  return out;
}

}  // namespace chainlab::cli
