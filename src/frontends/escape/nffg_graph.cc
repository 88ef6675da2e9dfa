// NFFG request -> ServiceGraph (nffg_graph.h).
#include "frontends/escape/nffg_graph.h"

#include "frontends/escape/nffg_embedding_internal.h"

#include <arpa/inet.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/field_path.h"
#include "substrate/addr.h"

namespace chainlab::escape {
namespace {

namespace graph = orchestration::graph;

// ESCAPE's resource numbers are abstract (its examples use cpu 1, mem 1); they are taken as
// cores, MB and GB. The graph counts MB and GB in whole units: a fraction is rounded up so that
// a demand never shrinks.
Result<uint64_t> whole_units(double amount, const std::string& path) {
  double up = std::ceil(amount);
  if (!(up >= 0) || up >= 0x1p64) {
    return field_error("", path, fmt::format("{} is not a size in 0..2^64", amount));
  }
  return static_cast<uint64_t>(up);
}

Result<graph::Resources> resources_of(const NodeNf& nf, const std::string& path) {
  graph::Resources out;
  if (!nf.specification || !nf.specification->resources) {
    return out;
  }
  const Resources& r = *nf.specification->resources;
  std::string at = field_join(field_join(path, "specification"), "resources");
  out.cpu = r.cpu.value_or(0);  // negative: validate() names the function
  if (r.mem) {
    CL_ASSIGN_OR_RETURN(out.memory_mb, whole_units(*r.mem, field_join(at, "mem")));
  }
  if (r.storage) {
    CL_ASSIGN_OR_RETURN(out.storage_gb, whole_units(*r.storage, field_join(at, "storage")));
  }
  return out;
}

std::optional<substrate::Cidr> ipv4_cidr(const nlohmann::json& value) {
  if (!value.is_string()) {
    return std::nullopt;
  }
  auto cidr = substrate::Cidr::parse(value.get<std::string>());
  if (!cidr.ok() || cidr->address.family != AF_INET) {
    return std::nullopt;
  }
  return *cidr;
}

// The first IPv4 CIDR in addresses.l3: hsnlab writes a list of address records ({"id", "name",
// "configure", "client", "requested", "provided"}); the provided address wins over the requested
// one. A bare string (or a list of them) is taken too. Anything else: no address.
std::optional<substrate::Cidr> l3_address(const Addresses& addresses) {
  auto l3 = addresses.extra.find("l3");
  if (l3 == addresses.extra.end()) {
    return std::nullopt;
  }
  if (!l3->is_array()) {
    return ipv4_cidr(*l3);
  }
  for (const nlohmann::json& record : *l3) {
    if (record.is_object()) {
      for (const char* key : {"provided", "requested"}) {
        auto field = record.find(key);
        if (field != record.end()) {
          if (auto cidr = ipv4_cidr(*field)) {
            return cidr;
          }
        }
      }
    } else if (auto cidr = ipv4_cidr(record)) {
      return cidr;
    }
  }
  return std::nullopt;
}

graph::Port port_of(const Port& port) {
  graph::Port out{port.id.str(), std::nullopt, std::nullopt};
  if (port.addresses) {
    out.ip = l3_address(*port.addresses);
    if (port.addresses->l2) {
      if (auto mac = substrate::MacAddress::parse(*port.addresses->l2); mac.ok()) {
        out.mac = *mac;
      }
    }
  }
  return out;
}

std::vector<graph::Port> ports_of(const NodeBase& node) {
  std::vector<graph::Port> out;
  out.reserve(node.ports.size());
  for (const Port& p : node.ports) {
    out.push_back(port_of(p));
  }
  return out;
}

graph::Constraints constraints_of(const NodeNf& nf) {
  graph::Constraints out;
  if (nf.constraints) {
    const Constraints& c = *nf.constraints;
    out.affinity = detail::id_texts(c.affinity);
    out.anti_affinity = detail::id_texts(c.antiaffinity);
    out.allowed_hosts = detail::nodes_of(c.allowed_nodes);
    out.banned_hosts = detail::nodes_of(c.banned_nodes);
  }
  return out;
}

Result<graph::Function> function_of(const NodeNf& nf, const std::string& path) {
  graph::Function f;
  f.id = nf.id.str();
  f.name = nf.name.value_or("");
  f.image = nf.functional_type.value_or("");
  CL_ASSIGN_OR_RETURN(f.resources, resources_of(nf, path));
  f.ports = ports_of(nf);
  f.constraints = constraints_of(nf);
  return f;
}

Result<graph::Eline> eline_of(const SgHop& hop, const std::string& path) {
  graph::Eline e;
  e.id = hop.id.str();
  e.src = {hop.src_node.str(), hop.src_port.str()};
  e.dst = {hop.dst_node.str(), hop.dst_port.str()};
  e.bidirectional = false;  // an SG hop is one-way; the way back is a hop of its own
  if (hop.flowclass) {
    auto match = graph::parse_match(*hop.flowclass);
    if (!match.ok()) {
      return field_error("", field_join(path, "flowclass"),
                         fmt::format("hop {}: flowclass '{}' is not an ovs-ofctl match: {}", e.id,
                                     *hop.flowclass, match.error().message));
    }
    e.match = std::move(match).value();
  }
  return e;
}

graph::Requirement requirement_of(const EdgeReq& q) {
  graph::Requirement r{q.id.str(), {}, q.delay, q.bandwidth};
  r.path.reserve(q.sg_path.size());
  for (const Id& hop : q.sg_path) {
    r.path.push_back(hop.str());
  }
  return r;
}

}  // namespace

Result<graph::ServiceGraph> to_service_graph(const Nffg& req) {
  graph::ServiceGraph g;
  g.id = req.parameters.id ? req.parameters.id->str() : "";
  g.name = req.parameters.name.value_or("");
  for (size_t i = 0; i < req.node_nfs.size(); ++i) {
    CL_ASSIGN_OR_RETURN(graph::Function f, function_of(req.node_nfs[i], field_item("node_nfs", i)));
    g.functions.push_back(std::move(f));
  }
  for (const NodeSap& sap : req.node_saps) {
    g.saps.push_back(
        {sap.id.str(), sap.name.value_or(""), {sap.binding.value_or(""), ""}, ports_of(sap)});
  }
  for (size_t i = 0; i < req.edge_sg_nexthops.size(); ++i) {
    CL_ASSIGN_OR_RETURN(graph::Eline e,
                        eline_of(req.edge_sg_nexthops[i], field_item("edge_sg_nexthops", i)));
    g.elines.push_back(std::move(e));
  }
  for (const EdgeReq& q : req.edge_reqs) {
    g.requirements.push_back(requirement_of(q));
  }
  CL_RETURN_IF_ERROR(g.validate());
  return g;
}

}  // namespace chainlab::escape
