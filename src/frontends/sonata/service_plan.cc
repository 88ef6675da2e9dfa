#include "frontends/sonata/service_plan.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/names.h"
#include "emulator/resource_model.h"

namespace chainlab::sonata {
namespace {

constexpr size_t kMaxIfname = 15;

const Vnfd* find_vnfd(const Package& package, const NetworkFunctionRef& ref) {
  for (const auto& v : package.vnfds) {
    if (v.name == ref.vnf_name && v.vendor == ref.vnf_vendor && v.version == ref.vnf_version) {
      return &v;
    }
  }
  return nullptr;
}

namespace graph = orchestration::graph;

// A graph node being planned: a VDU instance or a SAP.
struct Work {
  PlannedNode info;
  std::string name;
  std::string pop;
  std::string command;
  std::string stop_command;
  std::vector<graph::Port> ports;
};

// One end of a link: a port of a planned node.
struct End {
  size_t compute = 0;  // index into works_
  size_t intf = 0;     // index into its ports
  std::string static_address;
};

// A VDU connection point a reference names: "vdu_id:cp_id" or the cp id itself.
const ConnectionPoint* find_vdu_cp(const Vnfd& vnfd, const std::string& ref, size_t* vdu_index) {
  for (size_t i = 0; i < vnfd.vdus.size(); ++i) {
    for (const auto& cp : vnfd.vdus[i].connection_points) {
      if (cp.id == ref || ref == vnfd.vdus[i].id + ":" + cp.id) {
        *vdu_index = i;
        return &cp;
      }
    }
  }
  return nullptr;
}

const ConnectionPoint* find_cp(const std::vector<ConnectionPoint>& cps, const std::string& id) {
  for (const auto& cp : cps) {
    if (cp.id == id) {
      return &cp;
    }
  }
  return nullptr;
}

using VduCp = std::pair<size_t, std::string>;  // (VDU index, VDU cp id)

// A VNFD's internal links: VDU cp -> the VNF cp it is joined to, VNF cp -> its VDU ends, and
// the links between VDUs alone (kept for wiring).
struct VnfdLinks {
  std::map<VduCp, std::string> vdu_cp_name;
  std::map<std::string, std::vector<VduCp>> vnf_cp_ends;
  std::vector<std::pair<const VirtualLink*, std::vector<VduCp>>> internal;
};

Result<VnfdLinks> read_vnfd_links(const Vnfd& vnfd) {
  VnfdLinks out;
  for (const auto& link : vnfd.virtual_links) {
    std::vector<std::string> vnf_cps;
    std::vector<VduCp> vdu_cps;
    for (const auto& ref : link.connection_points) {
      size_t vdu = 0;
      if (find_cp(vnfd.connection_points, ref) != nullptr) {
        vnf_cps.push_back(ref);
      } else if (const ConnectionPoint* cp = find_vdu_cp(vnfd, ref, &vdu); cp != nullptr) {
        vdu_cps.emplace_back(vdu, cp->id);
      } else {
        return make_error(ErrorCode::kInvalidArgument,
                          "{}: virtual link '{}': '{}' is no connection point", vnfd.source,
                          link.id, ref);
      }
    }
    if (!vnf_cps.empty() && vdu_cps.size() == 1 && vnf_cps.size() == 1) {
      out.vdu_cp_name[vdu_cps[0]] = vnf_cps[0];
      out.vnf_cp_ends[vnf_cps[0]].push_back(vdu_cps[0]);
    } else if (vnf_cps.empty() && vdu_cps.size() >= 2) {
      out.internal.emplace_back(&link, vdu_cps);
    } else if (!vnf_cps.empty() && vdu_cps.size() > 1) {
      return make_error(ErrorCode::kInvalidArgument,
                        "{}: virtual link '{}' joins a VNF connection point to {} VDU "
                        "connection points; only one is supported",
                        vnfd.source, link.id, vdu_cps.size());
    }
  }
  return out;
}

class Planner {
 public:
  Planner(const Package& package, const PlanOptions& options)
      : package_(package), options_(options) {}

  Result<ServicePlan> run() {
    short_ = short_id(options_.instance_uuid);
    cookie_ = (std::hash<std::string>{}(options_.instance_uuid) & 0xffffffffull) | 0x100000000ull;
    CL_RETURN_IF_ERROR(plan_vnfs());
    if (options_.deploy_saps) {
      CL_RETURN_IF_ERROR(plan_saps());
    }
    for (const auto& link : package_.nsd.virtual_links) {
      std::vector<End> ends;
      bool without_sap = false;  // a service connection point with no SAP instance
      for (const auto& ref : link.connection_points) {
        if (!options_.deploy_saps && find_cp(package_.nsd.connection_points, ref) != nullptr) {
          without_sap = true;
          continue;
        }
        CL_ASSIGN_OR_RETURN(auto resolved, resolve_nsd_ref(ref, link.id));
        ends.insert(ends.end(), resolved.begin(), resolved.end());
      }
      if (without_sap && (link.connectivity_type == "E-Line" || ends.size() < 2)) {
        // As son-emu: a link to the outside is not wired; its VNF ends keep a static address.
        CL_RETURN_IF_ERROR(keep_static_addresses(link.id, ends));
        continue;
      }
      CL_RETURN_IF_ERROR(wire(link.id, link.connectivity_type, ends));
    }
    for (auto& [link_id, ends] : internal_links_) {
      CL_RETURN_IF_ERROR(wire(link_id, internal_types_[link_id], ends));
    }
    return finish();
  }

 private:
  Result<std::string> free_name(const std::string& base) {
    std::string name = object_name(base);
    if (!taken(name)) {
      return claim(name);
    }
    std::string suffixed = object_name(base + "-" + short_);
    if (!taken(suffixed)) {
      return claim(suffixed);
    }
    return make_error(ErrorCode::kAlreadyExists, "instance names '{}' and '{}' are both taken",
                      name, suffixed);
  }
  bool taken(const std::string& name) const {
    return options_.taken.count(name) != 0 || used_.count(name) != 0;
  }
  std::string claim(const std::string& name) {
    used_.insert(name);
    return name;
  }

  Status plan_vnfs() {
    for (const auto& nf : package_.nsd.network_functions) {
      const Vnfd* vnfd = find_vnfd(package_, nf);
      if (vnfd == nullptr) {
        return make_error(ErrorCode::kInvalidArgument, "network function '{}': no VNFD {}/{}/{}",
                          nf.vnf_id, nf.vnf_vendor, nf.vnf_name, nf.vnf_version);
      }
      auto pop = options_.placement.find(nf.vnf_id);
      if (pop == options_.placement.end()) {
        return make_error(ErrorCode::kInvalidArgument, "placement has no PoP for VNF '{}'",
                          nf.vnf_id);
      }
      CL_ASSIGN_OR_RETURN(VnfdLinks links, read_vnfd_links(*vnfd));
      std::vector<size_t> vdu_compute(vnfd->vdus.size());
      for (size_t v = 0; v < vnfd->vdus.size(); ++v) {
        CL_ASSIGN_OR_RETURN(vdu_compute[v], plan_vdu(nf, *vnfd, v, pop->second, links));
      }
      record_vnf_ends(nf, *vnfd, links, vdu_compute);
      first_pop_ = first_pop_.empty() ? pop->second : first_pop_;
    }
    return ok_status();
  }

  // One VDU of a VNF as a planned function; returns its index in works_.
  Result<size_t> plan_vdu(const NetworkFunctionRef& nf, const Vnfd& vnfd, size_t v,
                          const std::string& pop, const VnfdLinks& links) {
    const Vdu& vdu = vnfd.vdus[v];
    std::string base = vnfd.vdus.size() == 1 ? nf.vnf_id : nf.vnf_id + "-" + vdu.id;
    Work pc;
    CL_ASSIGN_OR_RETURN(pc.name, free_name(base));
    pc.pop = pop;
    pc.info.vnf_id = nf.vnf_id;
    pc.info.vdu_id = vdu.id;
    pc.info.image = vdu.image;
    pc.info.container =
        options_.image_is_local && !vdu.image.empty() && options_.image_is_local(vdu.image);
    if (pc.info.container) {
      pc.info.start_after_start = vdu.cmd_start;  // the image's entrypoint runs as the command
    } else {
      pc.command = vdu.cmd_start;
    }
    pc.stop_command = vdu.cmd_stop;
    pc.info.env = vdu.env;
    pc.info.flavor = flavor_for(vdu.resources.vcpus);
    pc.info.limits = limits_for(vdu.resources);
    for (const auto& cp : vdu.connection_points) {
      auto mapped = links.vdu_cp_name.find({v, cp.id});
      bool to_vnf_cp = mapped != links.vdu_cp_name.end();
      std::string raw = to_vnf_cp ? mapped->second : cp.id;
      if (auto colon = raw.rfind(':'); !to_vnf_cp && colon != std::string::npos) {
        raw = raw.substr(colon + 1);
      }
      add_port(pc, raw);
      std::string static_address = cp.address;
      if (to_vnf_cp) {
        const ConnectionPoint* vnf_cp = find_cp(vnfd.connection_points, mapped->second);
        if (vnf_cp != nullptr && !vnf_cp->address.empty()) {
          static_address = vnf_cp->address;
        }
      }
      cp_end_[{works_.size(), cp.id}] = End{works_.size(), pc.ports.size() - 1, static_address};
    }
    works_.push_back(std::move(pc));
    return works_.size() - 1;
  }

  // A port named after `raw` (sanitised; "-1", "-2"... when the name is taken).
  static void add_port(Work& w, const std::string& raw) {
    std::string ifname = interface_name(raw);
    auto& ports = w.ports;
    for (int n = 1;
         std::any_of(ports.begin(), ports.end(), [&](const auto& p) { return p.id == ifname; });
         ++n) {
      ifname = interface_name(raw).substr(0, kMaxIfname - 3) + "-" + std::to_string(n);
    }
    ports.push_back({ifname, std::nullopt, std::nullopt});
  }

  // Where the VNF's connection points and internal links end, for the NSD's links.
  void record_vnf_ends(const NetworkFunctionRef& nf, const Vnfd& vnfd, const VnfdLinks& links,
                       const std::vector<size_t>& vdu_compute) {
    for (const auto& [vnf_cp, ends] : links.vnf_cp_ends) {
      for (const auto& [vdu, cp_id] : ends) {
        vnf_ends_[nf.vnf_id + ":" + vnf_cp].push_back(cp_end_[{vdu_compute[vdu], cp_id}]);
      }
    }
    // A single-VDU VNF whose VNF cp has no internal link: a VDU cp of the same id stands in.
    if (vnfd.vdus.size() == 1) {
      for (const auto& cp : vnfd.connection_points) {
        std::string key = nf.vnf_id + ":" + cp.id;
        auto it = cp_end_.find({vdu_compute[0], cp.id});
        if (vnf_ends_.count(key) == 0 && it != cp_end_.end()) {
          vnf_ends_[key].push_back(it->second);
        }
      }
    }
    for (const auto& [link, cps] : links.internal) {
      std::string id = nf.vnf_id + "/" + link->id;
      for (const auto& [vdu, cp_id] : cps) {
        internal_links_[id].push_back(cp_end_[{vdu_compute[vdu], cp_id}]);
      }
      internal_types_[id] = link->connectivity_type;
    }
  }

  // NSD connection points referenced by a link: one SAP instance each.
  Status plan_saps() {
    for (const auto& link : package_.nsd.virtual_links) {
      std::string pop;
      for (const auto& ref : link.connection_points) {
        auto colon = ref.find(':');
        if (colon != std::string::npos && find_cp(package_.nsd.connection_points, ref) == nullptr) {
          auto it = options_.placement.find(ref.substr(0, colon));
          if (it != options_.placement.end()) {
            pop = it->second;
            break;
          }
        }
      }
      for (const auto& ref : link.connection_points) {
        const ConnectionPoint* cp = find_cp(package_.nsd.connection_points, ref);
        if (cp == nullptr || sap_end_.count(ref) != 0) {
          continue;
        }
        std::string bare = ref.rfind("ns:", 0) == 0 ? ref.substr(3) : ref;
        CL_ASSIGN_OR_RETURN(std::string name, free_name(short_ + "-sap-" + bare));
        Work pc;
        pc.info.sap = ref;
        pc.pop = pop.empty() ? first_pop_ : pop;
        pc.name = name;
        pc.ports.push_back({interface_name(bare), std::nullopt, std::nullopt});
        sap_end_[ref] = End{works_.size(), 0, cp->address};
        works_.push_back(std::move(pc));
      }
    }
    return ok_status();
  }

  Result<std::vector<End>> resolve_nsd_ref(const std::string& ref, const std::string& link_id) {
    if (auto it = sap_end_.find(ref); it != sap_end_.end()) {
      return std::vector<End>{it->second};
    }
    if (auto it = vnf_ends_.find(ref); it != vnf_ends_.end()) {
      return it->second;
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: virtual link '{}': '{}' names no service connection point and no VNF "
                      "connection point reached by a VDU",
                      package_.nsd.source, link_id, ref);
  }

  graph::Port& intf(const End& e) { return works_[e.compute].ports[e.intf]; }
  graph::PortRef ref(const End& e) { return {works_[e.compute].name, intf(e).id}; }

  Status wire(const std::string& link_id, const std::string& type, const std::vector<End>& ends) {
    bool eline = type == "E-Line";
    if (eline && ends.size() != 2) {
      return make_error(ErrorCode::kInvalidArgument,
                        "virtual link '{}': an E-Line needs exactly two ends, it has {}", link_id,
                        ends.size());
    }
    if (ends.size() < 2) {
      return ok_status();  // nothing to connect
    }
    CL_RETURN_IF_ERROR(keep_static_addresses(link_id, ends));
    if (eline) {
      graph_.elines.push_back({link_id, ref(ends[0]), ref(ends[1]), {}, true});
      return ok_status();
    }
    graph::Elan elan{link_id, {}};
    for (const auto& e : ends) {
      elan.members.push_back(ref(e));
    }
    graph_.elans.push_back(std::move(elan));
    return ok_status();
  }

  Status keep_static_addresses(const std::string& link_id, const std::vector<End>& ends) {
    for (const auto& e : ends) {
      if (!e.static_address.empty() && !intf(e).ip) {
        auto c = substrate::Cidr::parse(e.static_address);
        if (!c.ok()) {
          return std::move(c).error().context(
              fmt::format("virtual link '{}': static address", link_id));
        }
        intf(e).ip = *c;
      }
    }
    return ok_status();
  }

  // The placed graph: VNF instances as functions, SAPs as SAPs, in planning order.
  Result<ServicePlan> finish() {
    ServicePlan plan;
    graph_.id = short_;
    graph_.name = package_.nsd.name;
    for (Work& w : works_) {
      if (w.info.sap.empty()) {
        graph::Function f;
        f.id = w.name;
        f.name = w.info.vnf_id;
        f.image = w.info.image;
        f.command = std::move(w.command);
        f.stop_command = std::move(w.stop_command);
        f.ports = std::move(w.ports);
        f.host = w.pop;
        graph_.functions.push_back(std::move(f));
      } else {
        graph_.saps.push_back({w.name, w.info.sap, {w.pop, ""}, std::move(w.ports)});
      }
      plan.nodes[w.name] = std::move(w.info);
    }
    CL_RETURN_IF_ERROR(graph_.validate());
    plan.graph = std::move(graph_);
    plan.cookie = cookie_;
    return plan;
  }

  const Package& package_;
  const PlanOptions& options_;
  std::vector<Work> works_;
  graph::ServiceGraph graph_;
  uint64_t cookie_ = 0;
  std::string short_;
  std::string first_pop_;
  std::set<std::string> used_;
  std::map<std::pair<size_t, std::string>, End> cp_end_;  // (compute, VDU cp id)
  std::map<std::string, std::vector<End>> vnf_ends_;      // "vnf_id:cp"
  std::map<std::string, End> sap_end_;                    // NSD cp id
  std::map<std::string, std::vector<End>> internal_links_;
  std::map<std::string, std::string> internal_types_;
};

}  // namespace

std::string short_id(const std::string& instance_uuid) {
  std::string out;
  for (char c : instance_uuid) {
    if (c != '-') {
      out += c;
    }
    if (out.size() == 8) {
      break;
    }
  }
  return out.empty() ? "x" : out;
}

std::string interface_name(std::string_view cp_id) {
  return sanitize_name(cp_id, NameRule{.keep = [](char c) { return is_ascii_alnum(c) || c == '-'; },
                                       .max_bytes = kMaxIfname,
                                       .fallback = "emu0"});
}

std::string object_name(std::string_view text) {
  return sanitize_name(text, NameRule{.max_bytes = 64, .lead = 'x'});
}

std::string flavor_for(double vcpus) {
  for (const auto& f : emulator::builtin_flavors()) {
    if (f.cu >= vcpus) {
      return f.name;
    }
  }
  return emulator::builtin_flavors().back().name;
}

std::optional<substrate::ResourceLimits> limits_for(const ResourceRequirements& r) {
  substrate::ResourceLimits l;
  bool any = false;
  if (r.cpu_bw && *r.cpu_bw > 0) {
    constexpr int64_t kPeriod = 1'000'000;
    l.cpu_period_us = kPeriod;
    l.cpu_quota_us =
        std::max<int64_t>(1000, static_cast<int64_t>(static_cast<double>(kPeriod) * *r.cpu_bw));
    any = true;
  }
  if (!r.cpuset.empty()) {
    l.cpuset_cpus = r.cpuset;
    any = true;
  }
  if (r.memory_mb > 0) {
    l.memory_bytes = static_cast<int64_t>(r.memory_mb * 1024 * 1024);
    any = true;
  }
  if (!any) {
    return std::nullopt;
  }
  return l;
}

std::vector<orchestration::PlacementUnit> placement_units(const Package& package) {
  std::vector<orchestration::PlacementUnit> out;
  for (const auto& nf : package.nsd.network_functions) {
    orchestration::PlacementUnit u{nf.vnf_id, nf.vnf_name, 0, 0};
    if (const Vnfd* vnfd = find_vnfd(package, nf); vnfd != nullptr) {
      for (const auto& vdu : vnfd->vdus) {
        if (auto f = emulator::find_flavor(flavor_for(vdu.resources.vcpus)); f.ok()) {
          u.cu += f->cu;
          u.mu_mb += f->mu_mb;
        }
      }
    }
    out.push_back(std::move(u));
  }
  return out;
}

Result<ServicePlan> plan_service(const Package& package, const PlanOptions& options) {
  return Planner(package, options).run();
}

orchestration::DeployerOptions deployer_options(const ServicePlan& plan) {
  orchestration::DeployerOptions o;
  o.first_cookie = plan.cookie;
  o.one_cookie = true;
  o.names = [](const graph::ServiceGraph& g, orchestration::NameKind kind, const std::string& id) {
    return kind == orchestration::NameKind::kNode ? id : object_name(g.id + "-" + id);
  };
  o.prepare = [&plan](const std::string& node, emulator::ComputeRequest& r) {
    const PlannedNode& n = plan.nodes.at(node);
    r.flavor = n.flavor;
    r.env = n.env;
    r.limits = n.limits;
  };
  return o;
}

}  // namespace chainlab::sonata
