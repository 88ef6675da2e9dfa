#include "frontends/escape/mdo/bisbis_view.h"

#include <fmt/format.h>

namespace chainlab::escape {
namespace {

NodeSap sap_node(const std::string& id) {
  NodeSap node;
  node.id = Id(id);
  node.name = id;
  node.ports.push_back(Port{});
  node.ports.back().id = Id::number(int64_t{1});
  return node;
}

EdgeLink access_link(const std::string& sap, const Id& infra, double delay) {
  EdgeLink l;
  l.id = Id(fmt::format("{}-{}", infra.str(), sap));
  l.src_node = Id(sap);
  l.src_port = Id::number(int64_t{1});
  l.dst_node = infra;
  l.dst_port = Id("port-" + sap);
  l.delay = delay;
  l.bandwidth = kBisbisPlenty;
  return l;
}

}  // namespace

Nffg bisbis_view(const BisbisSpec& spec) {
  Nffg view;
  view.parameters.id = Id(spec.id + "-view");
  view.parameters.version = "1.0";
  NodeInfra bb;
  bb.id = Id(spec.id);
  bb.name = spec.id;
  bb.type = "BiSBiS";
  bb.resources = spec.resources;
  bb.resources->storage = spec.resources.storage.value_or(kBisbisPlenty);
  bb.resources->bandwidth = spec.resources.bandwidth.value_or(kBisbisPlenty);
  bb.supported = spec.supported;
  for (const auto& [sap, delay] : spec.saps) {
    Port p;
    p.id = Id("port-" + sap);
    p.sap = sap;
    bb.ports.push_back(p);
    view.node_saps.push_back(sap_node(sap));
    view.edge_links.push_back(access_link(sap, bb.id, delay));
  }
  view.node_infras.push_back(std::move(bb));
  return view;
}

}  // namespace chainlab::escape
