#include "frontends/escape/mdo/single_view.h"

#include <algorithm>
#include <set>

#include "frontends/escape/nffg_embedding_internal.h"

namespace chainlab::escape {
namespace {

void add_to(std::optional<double>& sum, const std::optional<double>& v) {
  if (v) {
    sum = sum.value_or(0) + *v;
  }
}

void keep_max(std::optional<double>& most, const std::optional<double>& v) {
  if (v) {
    most = std::max(most.value_or(0), *v);
  }
}

NodeInfra big_switch(const Nffg& global) {
  NodeInfra bb;
  bb.id = kSingleBisbisId;
  bb.name = kSingleBisbisId;
  bb.type = "BiSBiS";
  bb.domain = "MDO";
  Resources r;
  std::set<std::string> supported;
  for (const NodeInfra& infra : global.node_infras) {
    if (infra.resources) {
      add_to(r.cpu, infra.resources->cpu);
      add_to(r.mem, infra.resources->mem);
      add_to(r.storage, infra.resources->storage);
      keep_max(r.bandwidth, infra.resources->bandwidth);
      keep_max(r.delay, infra.resources->delay);
    }
    if (infra.supported) {
      supported.insert(infra.supported->begin(), infra.supported->end());
    }
  }
  bb.resources = r;
  bb.supported = std::vector<std::string>(supported.begin(), supported.end());
  return bb;
}

// The link between `sap` and an infra in `global`, if any.
const EdgeLink* access_link(const Nffg& global, const Id& sap) {
  for (const EdgeLink& l : global.edge_links) {
    if ((l.src_node == sap && global.infra(l.dst_node) != nullptr) ||
        (l.dst_node == sap && global.infra(l.src_node) != nullptr)) {
      return &l;
    }
  }
  return nullptr;
}

EdgeLink link(const Id& src, const Id& src_port, const Id& dst, const Id& dst_port) {
  EdgeLink l;
  l.id = Id(src.str() + "-" + dst.str() + "-" + src_port.str());
  l.src_node = src;
  l.src_port = src_port;
  l.dst_node = dst;
  l.dst_port = dst_port;
  return l;
}

}  // namespace

Nffg single_bisbis_view(const Nffg& global) {
  Nffg out;
  out.parameters = global.parameters;
  NodeInfra bb = big_switch(global);
  for (const NodeSap& sap : global.node_saps) {
    if (sap.ports.empty()) {
      continue;
    }
    Port p;
    p.id = Id("port-" + sap.id.str());
    p.sap = sap.id.str();
    bb.ports.push_back(p);
    out.node_saps.push_back(sap);
    EdgeLink l = link(sap.id, sap.ports.front().id, bb.id, p.id);
    if (const EdgeLink* access = access_link(global, sap.id)) {
      l.delay = access->delay;
      l.bandwidth = access->bandwidth;
    }
    out.edge_links.push_back(l);
  }
  for (const auto& [infra, nf_id] : detail::placements(global)) {
    const NodeNf* nf = global.nf(nf_id);
    out.node_nfs.push_back(*nf);
    for (const Port& nf_port : nf->ports) {
      Port p;
      p.id = Id(nf_id.str() + "|" + nf_port.id.str());
      bb.ports.push_back(p);
      out.edge_links.push_back(link(nf_id, nf_port.id, bb.id, p.id));
    }
  }
  out.node_infras.push_back(std::move(bb));
  return out;
}

}  // namespace chainlab::escape
