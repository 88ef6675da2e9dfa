#include "frontends/sonata/service_plan.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "emulator/resource_model.h"

namespace chainlab::sonata {
namespace {

constexpr size_t kMaxIfname = 15;

bool is_object_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

const Vnfd* find_vnfd(const Package& package, const NetworkFunctionRef& ref) {
  for (const auto& v : package.vnfds) {
    if (v.name == ref.vnf_name && v.vendor == ref.vnf_vendor && v.version == ref.vnf_version) {
      return &v;
    }
  }
  return nullptr;
}

// One end of a link: an interface of a planned instance.
struct End {
  size_t compute = 0;  // index into plan.computes
  size_t intf = 0;     // index into its request.interfaces
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

class Planner {
 public:
  Planner(const Package& package, const PlanOptions& options, AddressPools& pools)
      : package_(package), options_(options), pools_(pools) {}

  // What was taken from the pools so far (for the caller to give back after a failure).
  const std::vector<PoolLease>& leases() const { return plan_.leases; }

  Result<ServicePlan> run() {
    short_ = short_id(options_.instance_uuid);
    plan_.cookie =
        (std::hash<std::string>{}(options_.instance_uuid) & 0xffffffffull) | 0x100000000ull;
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
    return std::move(plan_);
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
      // VDU cp -> VNF cp through the internal links; internal VDU-VDU links kept for wiring.
      std::map<std::pair<size_t, std::string>, std::string> vdu_cp_name;  // (vdu, cp id) -> name
      std::map<std::string, std::vector<std::pair<size_t, std::string>>> vnf_cp_ends;
      std::vector<std::pair<const VirtualLink*, std::vector<std::pair<size_t, std::string>>>>
          internal;
      for (const auto& link : vnfd->virtual_links) {
        std::vector<std::string> vnf_cps;
        std::vector<std::pair<size_t, std::string>> vdu_cps;
        for (const auto& ref : link.connection_points) {
          size_t vdu = 0;
          if (find_cp(vnfd->connection_points, ref) != nullptr) {
            vnf_cps.push_back(ref);
          } else if (const ConnectionPoint* cp = find_vdu_cp(*vnfd, ref, &vdu); cp != nullptr) {
            vdu_cps.emplace_back(vdu, cp->id);
          } else {
            return make_error(ErrorCode::kInvalidArgument,
                              "{}: virtual link '{}': '{}' is no connection point", vnfd->source,
                              link.id, ref);
          }
        }
        if (!vnf_cps.empty() && vdu_cps.size() == 1 && vnf_cps.size() == 1) {
          vdu_cp_name[vdu_cps[0]] = vnf_cps[0];
          vnf_cp_ends[vnf_cps[0]].push_back(vdu_cps[0]);
        } else if (vnf_cps.empty() && vdu_cps.size() >= 2) {
          internal.emplace_back(&link, vdu_cps);
        } else if (!vnf_cps.empty() && vdu_cps.size() > 1) {
          return make_error(ErrorCode::kInvalidArgument,
                            "{}: virtual link '{}' joins a VNF connection point to {} VDU "
                            "connection points; only one is supported",
                            vnfd->source, link.id, vdu_cps.size());
        }
      }
      std::vector<size_t> vdu_compute(vnfd->vdus.size());
      for (size_t v = 0; v < vnfd->vdus.size(); ++v) {
        const Vdu& vdu = vnfd->vdus[v];
        std::string base = vnfd->vdus.size() == 1 ? nf.vnf_id : nf.vnf_id + "-" + vdu.id;
        CL_ASSIGN_OR_RETURN(std::string name, free_name(base));
        PlannedCompute pc;
        pc.vnf_id = nf.vnf_id;
        pc.vdu_id = vdu.id;
        pc.image = vdu.image;
        pc.container =
            options_.image_is_local && !vdu.image.empty() && options_.image_is_local(vdu.image);
        pc.request.pop = pop->second;
        pc.request.name = name;
        pc.request.image = vdu.image;
        if (pc.container) {
          pc.start_after_start = vdu.cmd_start;
        } else {
          pc.request.command = vdu.cmd_start;
        }
        pc.request.stop_command = vdu.cmd_stop;
        pc.request.env = vdu.env;
        pc.request.flavor = flavor_for(vdu.resources.vcpus);
        pc.request.limits = limits_for(vdu.resources);
        for (const auto& cp : vdu.connection_points) {
          auto mapped = vdu_cp_name.find({v, cp.id});
          std::string raw = mapped != vdu_cp_name.end() ? mapped->second : cp.id;
          if (mapped == vdu_cp_name.end()) {
            auto colon = raw.rfind(':');
            if (colon != std::string::npos) {
              raw = raw.substr(colon + 1);
            }
          }
          std::string ifname = interface_name(raw);
          auto& ifs = pc.request.interfaces;
          for (int n = 1;
               std::any_of(ifs.begin(), ifs.end(), [&](const auto& i) { return i.id == ifname; });
               ++n) {
            ifname = interface_name(raw).substr(0, kMaxIfname - 3) + "-" + std::to_string(n);
          }
          ifs.push_back({ifname, "", ""});
          std::string static_address = cp.address;
          if (mapped != vdu_cp_name.end()) {
            const ConnectionPoint* vnf_cp = find_cp(vnfd->connection_points, mapped->second);
            if (vnf_cp != nullptr && !vnf_cp->address.empty()) {
              static_address = vnf_cp->address;
            }
          }
          cp_end_[{plan_.computes.size(), cp.id}] =
              End{plan_.computes.size(), ifs.size() - 1, static_address};
        }
        vdu_compute[v] = plan_.computes.size();
        plan_.computes.push_back(std::move(pc));
      }
      for (const auto& [vnf_cp, ends] : vnf_cp_ends) {
        for (const auto& [vdu, cp_id] : ends) {
          vnf_ends_[nf.vnf_id + ":" + vnf_cp].push_back(cp_end_[{vdu_compute[vdu], cp_id}]);
        }
      }
      // A single-VDU VNF whose VNF cp has no internal link: a VDU cp of the same id stands in.
      if (vnfd->vdus.size() == 1) {
        for (const auto& cp : vnfd->connection_points) {
          std::string key = nf.vnf_id + ":" + cp.id;
          auto it = cp_end_.find({vdu_compute[0], cp.id});
          if (vnf_ends_.count(key) == 0 && it != cp_end_.end()) {
            vnf_ends_[key].push_back(it->second);
          }
        }
      }
      for (const auto& [link, cps] : internal) {
        std::string id = nf.vnf_id + "/" + link->id;
        for (const auto& [vdu, cp_id] : cps) {
          internal_links_[id].push_back(cp_end_[{vdu_compute[vdu], cp_id}]);
        }
        internal_types_[id] = link->connectivity_type;
      }
      first_pop_ = first_pop_.empty() ? pop->second : first_pop_;
    }
    return ok_status();
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
        PlannedCompute pc;
        pc.sap = ref;
        pc.request.pop = pop.empty() ? first_pop_ : pop;
        pc.request.name = name;
        pc.request.flavor = "tiny";
        pc.request.interfaces.push_back({interface_name(bare), "", ""});
        sap_end_[ref] = End{plan_.computes.size(), 0, cp->address};
        plan_.computes.push_back(std::move(pc));
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

  emulator::InterfaceRequest& intf(const End& e) {
    return plan_.computes[e.compute].request.interfaces[e.intf];
  }

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
    CL_RETURN_IF_ERROR(assign_addresses(link_id, !eline, ends));
    if (eline) {
      plan_.chains.push_back({link_id, plan_.computes[ends[0].compute].request.name,
                              intf(ends[0]).id, plan_.computes[ends[1].compute].request.name,
                              intf(ends[1]).id});
      return ok_status();
    }
    PlannedElan elan;
    elan.link_id = link_id;
    elan.name = object_name(short_ + "-" + link_id);
    for (const auto& e : ends) {
      elan.members.emplace_back(plan_.computes[e.compute].request.name, intf(e).id);
    }
    plan_.elans.push_back(std::move(elan));
    return ok_status();
  }

  Status keep_static_addresses(const std::string& link_id, const std::vector<End>& ends) {
    for (const auto& e : ends) {
      if (!e.static_address.empty() && intf(e).ip.empty()) {
        auto c = substrate::Cidr::parse(e.static_address);
        if (!c.ok()) {
          return std::move(c).error().context(
              fmt::format("virtual link '{}': static address", link_id));
        }
        intf(e).ip = c->to_string();
      }
    }
    return ok_status();
  }

  Status assign_addresses(const std::string& link_id, bool elan, const std::vector<End>& ends) {
    orchestration::SubnetPool& pool = elan ? pools_.elan : pools_.eline;
    CL_RETURN_IF_ERROR(keep_static_addresses(link_id, ends));
    std::optional<substrate::Cidr> anchor;
    for (const auto& e : ends) {
      if (!anchor && !intf(e).ip.empty()) {
        anchor = *substrate::Cidr::parse(intf(e).ip);
      }
    }
    substrate::Cidr subnet;
    if (anchor) {
      subnet = anchor->network();
      if (pool.reserve(subnet).ok()) {
        plan_.leases.push_back({elan, subnet});
      }
    } else {
      auto taken = pool.take();
      if (!taken.ok()) {
        return std::move(taken).error().context(
            fmt::format("virtual link '{}': {} pool", link_id, elan ? "E-LAN" : "E-Line"));
      }
      subnet = *taken;
      plan_.leases.push_back({elan, subnet});
    }
    CL_ASSIGN_OR_RETURN(orchestration::HostPool hosts, orchestration::HostPool::create(subnet));
    for (const auto& e : ends) {
      if (!intf(e).ip.empty()) {
        (void)hosts.reserve(substrate::Cidr::parse(intf(e).ip)->address);
      }
    }
    for (const auto& e : ends) {
      if (intf(e).ip.empty()) {
        auto host = hosts.take();
        if (!host.ok()) {
          return std::move(host).error().context(fmt::format("virtual link '{}'", link_id));
        }
        intf(e).ip = host->to_string();
      }
    }
    return ok_status();
  }

  const Package& package_;
  const PlanOptions& options_;
  AddressPools& pools_;
  ServicePlan plan_;
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
  std::string out;
  for (char c : cp_id) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    out += ok ? c : '-';
    if (out.size() == kMaxIfname) {
      break;
    }
  }
  return out.empty() ? "emu0" : out;
}

std::string object_name(std::string_view text) {
  std::string out;
  for (char c : text) {
    out += is_object_char(c) ? c : '-';
  }
  if (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.front()))) {
    out.insert(out.begin(), 'x');
  }
  return out.substr(0, 64);
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

Result<ServicePlan> plan_service(const Package& package, const PlanOptions& options,
                                 AddressPools& pools) {
  Planner planner(package, options, pools);
  auto plan = planner.run();
  if (!plan.ok()) {
    release_leases(planner.leases(), pools);
  }
  return plan;
}

void release_leases(const std::vector<PoolLease>& leases, AddressPools& pools) {
  for (const auto& l : leases) {
    (l.elan ? pools.elan : pools.eline).give_back(l.subnet);
  }
}

}  // namespace chainlab::sonata
