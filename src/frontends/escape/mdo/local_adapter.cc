#include "frontends/escape/mdo/local_adapter.h"

#include "frontends/escape/mdo/settings_fields.h"

#include <algorithm>
#include <set>
#include <utility>

#include "common/field_path.h"
#include "common/field_reader.h"
#include "frontends/escape/nffg_graph.h"

namespace chainlab::escape {
namespace {

namespace graph = orchestration::graph;
using nlohmann::json;

// The object under `key` as names -> non-empty strings; absent: empty.
Result<std::map<std::string, std::string>> string_map(const FieldReader& r, std::string_view key) {
  std::map<std::string, std::string> out;
  auto it = r.value().find(std::string(key));
  if (it == r.value().end() || it->is_null()) {
    return out;
  }
  CL_ASSIGN_OR_RETURN(FieldReader m, r.object(key));
  for (const auto& item : m.value().items()) {
    CL_ASSIGN_OR_RETURN(std::string value, m.string(item.key()));
    if (value.empty()) {
      return field_error("", m.path(item.key()), "expected a non-empty string");
    }
    out.emplace(item.key(), std::move(value));
  }
  return out;
}

Resources pop_resources(const orchestration::PopCapacity& pop) {
  Resources r;
  // An unlimited PoP (resource model "none") counts nothing: a large number stands for it.
  r.cpu = pop.limited ? pop.max_cu : kLocalUnlimited;
  r.mem = pop.limited ? pop.max_mu : kLocalUnlimited;
  r.storage = kLocalUnlimited;  // no resource model counts storage
  r.delay = 0;
  r.bandwidth = kLocalUnlimited;  // the PoP switch's capacity is not known
  return r;
}

Resources switch_resources() {
  Resources r;
  r.cpu = 0;
  r.mem = 0;
  r.storage = 0;
  r.delay = 0;
  r.bandwidth = kLocalUnlimited;
  return r;
}

// The view under construction: infras, SAPs and links with ports made as links need them.
class ViewBuilder {
 public:
  explicit ViewBuilder(const std::string& domain) {
    view_.parameters.id = Id(domain + "-view");
    view_.parameters.name = domain;
    view_.parameters.version = "1.0";
  }

  void add_infra(const std::string& id, std::string type, Resources resources,
                 const std::optional<std::vector<std::string>>& supported) {
    NodeInfra& n = view_.node_infras.emplace_back();
    n.id = Id(id);
    n.name = id;
    n.type = std::move(type);
    n.resources = std::move(resources);
    n.supported = supported;
  }

  Status add_link(const std::string& a, const std::string& b, double delay_ms, double bw_mbps) {
    CL_ASSIGN_OR_RETURN(Id a_port, new_port(a));
    CL_ASSIGN_OR_RETURN(Id b_port, new_port(b));
    add_edge(a + "-" + b, {Id(a), a_port}, {Id(b), b_port}, delay_ms,
             bw_mbps > 0 ? bw_mbps : kLocalUnlimited);
    return ok_status();
  }

  Status add_sap(const std::string& sap, const std::string& pop) {
    CL_ASSIGN_OR_RETURN(Id pop_port, new_port(pop));
    NodeSap& s = view_.node_saps.emplace_back();
    s.id = Id(sap);
    s.name = sap;
    s.ports.emplace_back().id = Id::number(int64_t{1});
    add_edge(pop + "-" + sap, {Id(sap), Id::number(int64_t{1})}, {Id(pop), pop_port}, 0,
             kLocalUnlimited);
    return ok_status();
  }

  Nffg take() && { return std::move(view_); }

 private:
  struct End {
    Id node;
    Id port;
  };

  // The next port of infra `node`: ports are numbered 1, 2... in the order links need them.
  Result<Id> new_port(const std::string& node) {
    NodeInfra* infra = view_.infra(Id(node));
    if (infra == nullptr) {
      return make_error(ErrorCode::kFailedPrecondition, "no PoP or switch '{}' in the emulation",
                        node);
    }
    Id port = Id::number(static_cast<int64_t>(infra->ports.size() + 1));
    infra->ports.emplace_back().id = port;
    return port;
  }

  void add_edge(const std::string& base, End src, End dst, double delay_ms, double bw_mbps) {
    std::string id = base;
    for (int n = 2; !link_ids_.insert(id).second; ++n) {
      id = base + "-" + std::to_string(n);  // a second link between the same nodes
    }
    EdgeLink& l = view_.edge_links.emplace_back();
    l.id = Id(id);
    l.src_node = std::move(src.node);
    l.src_port = std::move(src.port);
    l.dst_node = std::move(dst.node);
    l.dst_port = std::move(dst.port);
    l.delay = delay_ms;
    l.bandwidth = bw_mbps;
  }

  Nffg view_;
  std::set<std::string> link_ids_;
};

// The infra of `part` an edge_link joins node `id` to (either direction), if any.
std::optional<std::string> attached_infra(const Nffg& part, const std::string& id) {
  for (const EdgeLink& l : part.edge_links) {
    if (l.src_node.str() == id && part.infra(l.dst_node) != nullptr) {
      return l.dst_node.str();
    }
    if (l.dst_node.str() == id && part.infra(l.src_node) != nullptr) {
      return l.src_node.str();
    }
  }
  return std::nullopt;
}

std::set<std::string> hop_ends(const Nffg& part) {
  std::set<std::string> out;
  for (const SgHop& h : part.edge_sg_nexthops) {
    out.insert(h.src_node.str());
    out.insert(h.dst_node.str());
  }
  return out;
}

// `g` without the SAPs `saps`, their links and hops, and the requirements over those hops.
void drop_saps(Nffg& g, const std::set<std::string>& saps) {
  auto touches = [&](const LinkEnds& e) {
    return saps.contains(e.src_node.str()) || saps.contains(e.dst_node.str());
  };
  std::erase_if(g.node_saps, [&](const NodeSap& s) { return saps.contains(s.id.str()); });
  std::erase_if(g.edge_links, touches);
  std::erase_if(g.edge_sg_nexthops, touches);
  std::set<std::string> hops;
  for (const SgHop& h : g.edge_sg_nexthops) {
    hops.insert(h.id.str());
  }
  std::erase_if(g.edge_reqs, [&](const EdgeReq& q) {
    return std::ranges::any_of(q.sg_path, [&](const Id& hop) { return !hops.contains(hop.str()); });
  });
}

// The view's SAP has port 1; a hop of the request may name another port of it (mapped_nffg
// adds such ports to the global view's SAP, the part copies the domain's own).
void add_hop_ports(Nffg& g) {
  auto ensure = [&](const Id& node, const Id& port) {
    for (NodeSap& s : g.node_saps) {
      if (s.id.str() == node.str() && s.port(port) == nullptr) {
        s.ports.emplace_back().id = port;
      }
    }
  };
  for (const SgHop& h : g.edge_sg_nexthops) {
    ensure(h.src_node, h.src_port);
    ensure(h.dst_node, h.dst_port);
  }
}

}  // namespace

Result<LocalSettings> read_local_settings(const AdapterSpec& spec) {
  std::string path = "domains." + spec.name;
  CL_RETURN_IF_ERROR(only_keys(spec.settings, path, {"saps", "images", "supported", "topology"}));
  FieldReader r(spec.settings, path);
  LocalSettings s;
  CL_ASSIGN_OR_RETURN(s.saps, string_map(r, "saps"));
  CL_ASSIGN_OR_RETURN(s.images, string_map(r, "images"));
  CL_ASSIGN_OR_RETURN(s.supported, r.opt_string_list("supported"));
  return s;
}

LocalAdapter::LocalAdapter(std::string name, emulator::Control& control, LocalSettings settings)
    : name_(std::move(name)),
      control_(control),
      settings_(std::move(settings)),
      supported_(settings_.supported),
      domain_(name_, control) {
  if (!supported_ && !settings_.images.empty()) {
    supported_.emplace();
    for (const auto& [type, image] : settings_.images) {
      supported_->push_back(type);
    }
  }
}

Result<Nffg> LocalAdapter::view() {
  orchestration::DomainView d = domain_.describe();
  ViewBuilder b(name_);
  std::set<std::string> pops;
  for (const orchestration::PopCapacity& pop : d.hosts) {
    b.add_infra(pop.name, "EE", pop_resources(pop), supported_);
    pops.insert(pop.name);
  }
  for (const std::string& node : d.nodes) {
    if (!pops.contains(node)) {
      b.add_infra(node, "SDN-SWITCH", switch_resources(), std::nullopt);
    }
  }
  for (const orchestration::DomainLink& l : d.links) {
    CL_RETURN_IF_ERROR(b.add_link(l.a, l.b, l.delay_ms, l.bandwidth_mbps));
  }
  for (const auto& [sap, pop] : settings_.saps) {
    CL_RETURN_IF_ERROR(b.add_sap(sap, pop));
  }
  return std::move(b).take();
}

std::string LocalAdapter::pop_of_sap(const Nffg& part, const std::string& sap) const {
  if (auto it = settings_.saps.find(sap); it != settings_.saps.end()) {
    return it->second;
  }
  std::optional<std::string> infra = attached_infra(part, sap);
  return infra && control_.topology().find_pop(*infra) != nullptr ? *infra : "";
}

// Only the SAPs this domain can start: a SAP no hop of the part names (another SAP at a used
// PoP, or one shared with another domain, whose traffic arrives by flow rules only) or with no
// PoP here (another domain's) is left out with its hops. Inter-domain stitching for local
// domains (steering traffic from a shared SAP to the service's NFs) is not done yet.
Nffg LocalAdapter::local_part(const Nffg& part) const {
  std::set<std::string> named = hop_ends(part);
  std::set<std::string> dropped;
  for (const NodeSap& sap : part.node_saps) {
    if (!named.contains(sap.id.str()) || pop_of_sap(part, sap.id.str()).empty()) {
      dropped.insert(sap.id.str());
    }
  }
  Nffg out = part;
  drop_saps(out, dropped);
  add_hop_ports(out);
  return out;
}

void LocalAdapter::place(const Nffg& part, graph::ServiceGraph& g) const {
  for (graph::Function& f : g.functions) {
    f.host = attached_infra(part, f.id).value_or("");  // none: the Deployer says "not placed"
    if (auto it = settings_.images.find(f.image); it != settings_.images.end()) {
      f.image = it->second;  // to_service_graph's image is the functional type
    }
  }
  for (graph::Sap& s : g.saps) {
    s.binding.pop = pop_of_sap(part, s.id);
  }
}

Result<graph::ServiceGraph> LocalAdapter::placed_graph(const std::string& service_id,
                                                       const Nffg& part) const {
  Nffg local = local_part(part);
  local.parameters.id = Id(service_id);
  CL_ASSIGN_OR_RETURN(graph::ServiceGraph g, to_service_graph(local));
  place(local, g);
  return g;
}

Status LocalAdapter::deploy(const std::string& service_id, const Nffg& part) {
  CL_ASSIGN_OR_RETURN(graph::ServiceGraph g, placed_graph(service_id, part));
  // Adapters are called one at a time (domain_adapter.h): the service cannot come or go
  // between running() and deploy().
  if (domain_.running(service_id).ok()) {
    return update(g);
  }
  auto deployed = domain_.deploy(g);  // on error LocalDomain leaves nothing behind
  if (!deployed.ok()) {
    return std::move(deployed).error();
  }
  return ok_status();
}

// A failed update leaves the removals done and the additions undone (Deployer::update): the
// earlier version is brought back, so the domain is as it was (best effort).
Status LocalAdapter::update(const graph::ServiceGraph& next) {
  CL_ASSIGN_OR_RETURN(graph::ServiceGraph previous, domain_.running(next.id));
  auto updated = domain_.update(next);
  if (!updated.ok()) {
    (void)domain_.update(previous);
    return std::move(updated).error();
  }
  return ok_status();
}

Status LocalAdapter::remove(const std::string& service_id) {
  if (!domain_.running(service_id).ok()) {
    return ok_status();  // no part here
  }
  return domain_.remove(service_id);
}

Result<std::unique_ptr<DomainAdapter>> make_local_adapter(const AdapterSpec& spec,
                                                          emulator::Control& control) {
  CL_ASSIGN_OR_RETURN(LocalSettings settings, read_local_settings(spec));
  const emulator::Topology& t = control.topology();
  for (const auto& [sap, pop] : settings.saps) {
    std::string path = field_join(field_join("domains." + spec.name, "saps"), sap);
    if (t.has_node(sap)) {
      return field_error("", path, "a SAP cannot be named like a PoP or switch");
    }
    if (t.find_pop(pop) == nullptr) {
      return field_error("", path, fmt::format("no PoP '{}' in the emulation", pop));
    }
  }
  return std::unique_ptr<DomainAdapter>(
      std::make_unique<LocalAdapter>(spec.name, control, std::move(settings)));
}

Status register_local_adapter(AdapterRegistry& registry, emulator::Control& control) {
  return registry.add(
      "local", [&control](const AdapterSpec& spec) { return make_local_adapter(spec, control); });
}

}  // namespace chainlab::escape
