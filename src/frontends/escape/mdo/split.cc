#include "frontends/escape/mdo/split.h"

#include <vector>

namespace chainlab::escape {
namespace {

// `infra` with only the service's flow rules on its ports; whether it keeps any.
bool keep_service_rules(NodeInfra& infra, const ServiceElements& service) {
  bool any = false;
  for (Port& port : infra.ports) {
    std::erase_if(port.flowrules,
                  [&](const Flowrule& r) { return service.hops.count(r.hop().str()) == 0; });
    any = any || !port.flowrules.empty();
  }
  return any;
}

// The service's NFs attached to `infra` in `mapped`.
std::set<std::string> nfs_on(const Nffg& mapped, const Id& infra, const ServiceElements& service) {
  std::set<std::string> out;
  for (const EdgeLink& l : mapped.edge_links) {
    const Id* nf = l.src_node == infra ? &l.dst_node : l.dst_node == infra ? &l.src_node : nullptr;
    if (nf != nullptr && service.nfs.count(nf->str()) != 0 && mapped.nf(*nf) != nullptr) {
      out.insert(nf->str());
    }
  }
  return out;
}

struct PartBuilder {
  Nffg part;
  std::set<std::string> nodes;

  void add_infra(NodeInfra infra) {
    nodes.insert(infra.id.str());
    part.node_infras.push_back(std::move(infra));
  }
};

// Each domain's infras that the service uses, with its NFs on them.
std::map<std::string, PartBuilder> used_infras(const Nffg& mapped, const ServiceElements& service,
                                               const std::map<std::string, std::string>& owner) {
  std::map<std::string, PartBuilder> parts;
  for (NodeInfra infra : mapped.node_infras) {
    auto domain = owner.find(infra.id.str());
    if (domain == owner.end()) {
      continue;
    }
    std::set<std::string> nfs = nfs_on(mapped, infra.id, service);
    if (!keep_service_rules(infra, service) && nfs.empty()) {
      continue;
    }
    PartBuilder& b = parts[domain->second];
    b.add_infra(std::move(infra));
    for (const std::string& nf : nfs) {
      b.nodes.insert(nf);
      b.part.node_nfs.push_back(*mapped.nf(Id(nf)));
    }
  }
  return parts;
}

// The NFs' links (from `mapped`), the SAPs at the part's infras and the links among the part's
// nodes (from the domain's view).
void add_links_and_saps(PartBuilder& b, const Nffg& mapped, const Nffg& view) {
  for (const EdgeLink& l : mapped.edge_links) {
    bool nf_link = mapped.nf(l.src_node) != nullptr || mapped.nf(l.dst_node) != nullptr;
    if (nf_link && b.nodes.count(l.src_node.str()) != 0 && b.nodes.count(l.dst_node.str()) != 0) {
      b.part.edge_links.push_back(l);
    }
  }
  for (const EdgeLink& l : view.edge_links) {
    for (const Id* sap : {&l.src_node, &l.dst_node}) {
      const Id& other = sap == &l.src_node ? l.dst_node : l.src_node;
      if (view.sap(*sap) != nullptr && b.nodes.count(other.str()) != 0 &&
          b.nodes.insert(sap->str()).second) {
        b.part.node_saps.push_back(*view.sap(*sap));
      }
    }
  }
  for (const EdgeLink& l : view.edge_links) {
    if (b.nodes.count(l.src_node.str()) != 0 && b.nodes.count(l.dst_node.str()) != 0) {
      b.part.edge_links.push_back(l);
    }
  }
}

}  // namespace

ServiceElements elements_of(const std::string& service_id, const Nffg& request) {
  ServiceElements s{service_id, request.parameters.name, {}, {}};
  for (const NodeNf& nf : request.node_nfs) {
    s.nfs.insert(nf.id.str());
  }
  for (const SgHop& hop : request.edge_sg_nexthops) {
    s.hops.insert(hop.id.str());
  }
  return s;
}

std::map<std::string, Nffg> split_service(const Nffg& mapped, const ServiceElements& service,
                                          const std::map<std::string, std::string>& owner,
                                          const std::map<std::string, Nffg>& views) {
  std::map<std::string, Nffg> out;
  for (auto& [domain, b] : used_infras(mapped, service, owner)) {
    auto view = views.find(domain);
    add_links_and_saps(b, mapped, view == views.end() ? Nffg{} : view->second);
    for (const SgHop& hop : mapped.edge_sg_nexthops) {
      if (service.hops.count(hop.id.str()) != 0 && b.nodes.count(hop.src_node.str()) != 0 &&
          b.nodes.count(hop.dst_node.str()) != 0) {
        b.part.edge_sg_nexthops.push_back(hop);
      }
    }
    b.part.parameters.id = Id(service.id);
    b.part.parameters.name = service.name;
    b.part.parameters.mode = Mode::kAdd;
    out.emplace(domain, std::move(b.part));
  }
  return out;
}

}  // namespace chainlab::escape
