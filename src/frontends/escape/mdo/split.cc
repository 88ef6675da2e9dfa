#include "frontends/escape/mdo/split.h"

#include <utility>
#include <vector>

#include "frontends/escape/nffg_embedding_internal.h"

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
  std::set<std::pair<std::string, std::string>> ports;  // (infra, port) the service's rules use

  // `infra` carries only the service's rules by now.
  void add_infra(NodeInfra infra) {
    for (const Port& p : infra.ports) {
      for (const Flowrule& r : p.flowrules) {
        ports.emplace(infra.id.str(), p.id.str());
        if (auto out = detail::rule_field(r.action.value_or(""), "output")) {
          ports.emplace(infra.id.str(), *out);
        }
      }
    }
    nodes.insert(infra.id.str());
    part.node_infras.push_back(std::move(infra));
  }
  // A SAP at (infra, port) belongs in the part when the service's rules use that port or one of
  // its hops names the SAP; the others are other services' business.
  bool uses(const EdgeLink& l, const Id& sap, const std::set<std::string>& hop_saps) const {
    bool from = l.src_node == sap;
    const Id& infra = from ? l.dst_node : l.src_node;
    const Id& port = from ? l.dst_port : l.src_port;
    return nodes.count(infra.str()) != 0 &&
           (ports.count({infra.str(), port.str()}) != 0 || hop_saps.count(sap.str()) != 0);
  }
};

// The SAPs the service's hops name.
std::set<std::string> hop_saps(const Nffg& mapped, const ServiceElements& service) {
  std::set<std::string> out;
  for (const SgHop& h : mapped.edge_sg_nexthops) {
    if (service.hops.count(h.id.str()) != 0) {
      out.insert(h.src_node.str());
      out.insert(h.dst_node.str());
    }
  }
  return out;
}

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

// The NFs' links (from `mapped`), the SAPs the service uses at the part's infras and the links
// among the part's nodes (from the domain's view).
void add_links_and_saps(PartBuilder& b, const Nffg& mapped, const Nffg& view,
                        const std::set<std::string>& saps_of_hops) {
  for (const EdgeLink& l : mapped.edge_links) {
    bool nf_link = mapped.nf(l.src_node) != nullptr || mapped.nf(l.dst_node) != nullptr;
    if (nf_link && b.nodes.count(l.src_node.str()) != 0 && b.nodes.count(l.dst_node.str()) != 0) {
      b.part.edge_links.push_back(l);
    }
  }
  for (const EdgeLink& l : view.edge_links) {
    for (const Id* sap : {&l.src_node, &l.dst_node}) {
      if (view.sap(*sap) != nullptr && b.uses(l, *sap, saps_of_hops) &&
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
  std::set<std::string> saps = hop_saps(mapped, service);
  for (auto& [domain, b] : used_infras(mapped, service, owner)) {
    auto view = views.find(domain);
    add_links_and_saps(b, mapped, view == views.end() ? Nffg{} : view->second, saps);
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
