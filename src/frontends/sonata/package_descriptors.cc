// parse_nsd / parse_vnfd: SONATA and 5GTANGO descriptors (YAML) into the typed values of
// package.h. Only the keys chainlab uses are read; every other key (monitoring_parameters, dhcp,
// tags, descriptor_schema...) is ignored, as real descriptors carry many. References that need
// only the descriptor itself are checked here: a VNFD's internal virtual links, and an NSD's
// references to its own connection points and network functions. References from an NSD into a
// VNFD are checked by parse_package(), which has both.
//
// Memory units follow chainlab's convention that "MB" is 2^20 bytes (the runtime sets cgroup
// limits as MB * 1024 * 1024): KB/KiB = 1/1024 MB, MB/MiB = 1, GB/GiB = 1024, TB/TiB = 1024^2.
#include <algorithm>
#include <set>

#include "common/files.h"
#include "frontends/sonata/package.h"
#include "frontends/sonata/package_internal.h"
#include "substrate/addr.h"

namespace chainlab::sonata {
namespace {

using detail::catch_yaml;
using detail::YamlFields;

// Bounds that keep every later conversion (cgroup limits in bytes, CFS quotas) exact.
constexpr double kMaxVcpus = 1024;
constexpr double kMaxMemoryMb = 16.0 * 1024 * 1024;     // 16 TiB
constexpr double kMaxStorageMb = 1024.0 * 1024 * 1024;  // 1 PiB

// Size units relative to 2^20 bytes.
std::optional<double> unit_in_mb(std::string_view unit) {
  static const std::map<std::string, double, std::less<>> kUnits = {{"B", 1.0 / (1024 * 1024)},
                                                                    {"KB", 1.0 / 1024},
                                                                    {"kB", 1.0 / 1024},
                                                                    {"KiB", 1.0 / 1024},
                                                                    {"MB", 1},
                                                                    {"MiB", 1},
                                                                    {"GB", 1024},
                                                                    {"GiB", 1024},
                                                                    {"TB", 1024.0 * 1024},
                                                                    {"TiB", 1024.0 * 1024}};
  auto it = kUnits.find(unit);
  return it == kUnits.end() ? std::nullopt : std::optional<double>(it->second);
}

class DescriptorReader {
 public:
  explicit DescriptorReader(std::string_view source) : f_(std::string(source)) {}
  const YamlFields& fields() const { return f_; }

  Result<ConnectionPoint> connection_point(const YAML::Node& n, const std::string& path) const {
    if (!n.IsMap()) {
      return f_.error(path, "expected a mapping with an id");
    }
    ConnectionPoint cp;
    CL_ASSIGN_OR_RETURN(cp.id, f_.required_string(n, path, "id"));
    CL_ASSIGN_OR_RETURN(cp.interface, f_.optional_string(n, path, "interface"));
    CL_ASSIGN_OR_RETURN(cp.type, f_.optional_string(n, path, "type"));
    CL_ASSIGN_OR_RETURN(cp.address, f_.optional_string(n, path, "address"));
    if (!cp.address.empty()) {
      auto cidr = substrate::Cidr::parse(cp.address);
      if (!cidr.ok()) {
        return f_.error(field_join(path, "address"),
                        fmt::format("'{}' is not an address in CIDR form: {}", cp.address,
                                    cidr.error().message));
      }
    }
    if (const YAML::Node port = n["port"]; port && !port.IsNull()) {
      CL_ASSIGN_OR_RETURN(int p, port_number(port, field_join(path, "port")));
      cp.ports.push_back(p);
    }
    CL_RETURN_IF_ERROR(
        f_.for_each(n, path, "ports", [&](const YAML::Node& p, const std::string& pp) -> Status {
          CL_ASSIGN_OR_RETURN(int v, port_number(p, pp));
          cp.ports.push_back(v);
          return ok_status();
        }));
    return cp;
  }

  Result<VirtualLink> virtual_link(const YAML::Node& n, const std::string& path) const {
    if (!n.IsMap()) {
      return f_.error(path,
                      "expected a mapping with id, connectivity_type and "
                      "connection_points_reference");
    }
    VirtualLink link;
    CL_ASSIGN_OR_RETURN(link.id, f_.required_string(n, path, "id"));
    CL_ASSIGN_OR_RETURN(link.connectivity_type, f_.required_string(n, path, "connectivity_type"));
    if (link.connectivity_type != "E-Line" && link.connectivity_type != "E-LAN" &&
        link.connectivity_type != "E-Tree") {
      return f_.error(
          field_join(path, "connectivity_type"),
          fmt::format("'{}' is not one of E-Line, E-LAN, E-Tree", link.connectivity_type));
    }
    CL_RETURN_IF_ERROR(f_.for_each(n, path, "connection_points_reference",
                                   [&](const YAML::Node& r, const std::string& rp) -> Status {
                                     if (!r.IsScalar() || trim(r.Scalar()).empty()) {
                                       return f_.error(rp, "expected a connection point reference");
                                     }
                                     link.connection_points.emplace_back(trim(r.Scalar()));
                                     return ok_status();
                                   }));
    std::string refs = field_join(path, "connection_points_reference");
    if (link.connection_points.empty()) {
      return f_.error(refs, "is missing or empty");
    }
    if (link.connectivity_type == "E-Line" && link.connection_points.size() != 2) {
      return f_.error(refs, fmt::format("an E-Line connects exactly 2 connection points, not {}",
                                        link.connection_points.size()));
    }
    return link;
  }

  Result<ResourceRequirements> resources(const YAML::Node& vdu, const std::string& vdu_path) const {
    ResourceRequirements r;
    CL_ASSIGN_OR_RETURN(std::optional<YAML::Node> rr,
                        f_.optional_map(vdu, vdu_path, "resource_requirements"));
    if (!rr) {
      return r;
    }
    std::string path = field_join(vdu_path, "resource_requirements");
    CL_ASSIGN_OR_RETURN(std::optional<YAML::Node> cpu, f_.optional_map(*rr, path, "cpu"));
    if (cpu) {
      std::string cpath = field_join(path, "cpu");
      CL_ASSIGN_OR_RETURN(std::optional<double> vcpus, f_.optional_number(*cpu, cpath, "vcpus"));
      if (vcpus) {
        if (*vcpus <= 0 || *vcpus > kMaxVcpus) {
          return f_.error(field_join(cpath, "vcpus"),
                          fmt::format("{} is out of range (0, {}]", *vcpus, kMaxVcpus));
        }
        r.vcpus = *vcpus;
      }
      CL_ASSIGN_OR_RETURN(r.cpu_bw, f_.optional_number(*cpu, cpath, "cpu_bw"));
      if (r.cpu_bw && (*r.cpu_bw <= 0 || *r.cpu_bw > r.vcpus)) {
        return f_.error(
            field_join(cpath, "cpu_bw"),
            fmt::format("{} is not a CPU fraction in (0, vcpus={}]", *r.cpu_bw, r.vcpus));
      }
      CL_ASSIGN_OR_RETURN(r.cpuset, f_.optional_string(*cpu, cpath, "cpuset"));
    }
    CL_ASSIGN_OR_RETURN(r.memory_mb, size_in_mb(*rr, path, "memory", "MB", kMaxMemoryMb));
    CL_ASSIGN_OR_RETURN(double storage_mb, size_in_mb(*rr, path, "storage", "GB", kMaxStorageMb));
    r.storage_gb = storage_mb / 1024;
    return r;
  }

  // virtual_deployment_units (`vm_image`) or cloudnative_deployment_units (`image`).
  Result<Vdu> vdu(const YAML::Node& n, const std::string& path, bool cloudnative) const {
    if (!n.IsMap()) {
      return f_.error(path, "expected a mapping with an id");
    }
    Vdu v;
    CL_ASSIGN_OR_RETURN(v.id, f_.required_string(n, path, "id"));
    CL_ASSIGN_OR_RETURN(v.image, f_.required_string(n, path, cloudnative ? "image" : "vm_image"));
    if (cloudnative) {
      v.image_format = "docker";
    } else {
      CL_ASSIGN_OR_RETURN(v.image_format, f_.optional_string(n, path, "vm_image_format"));
    }
    CL_ASSIGN_OR_RETURN(v.resources, resources(n, path));
    CL_RETURN_IF_ERROR(f_.append_each(
        n, path, "connection_points", v.connection_points,
        [&](const YAML::Node& c, const std::string& cp) { return connection_point(c, cp); }));
    CL_RETURN_IF_ERROR(unique_ids(v.connection_points, path, "connection_points"));
    CL_ASSIGN_OR_RETURN(v.cmd_start, f_.optional_string(n, path, "vm_cmd_start"));
    CL_ASSIGN_OR_RETURN(v.cmd_stop, f_.optional_string(n, path, "vm_cmd_stop"));
    CL_RETURN_IF_ERROR(environment(n, path, "environment", v.env));
    CL_ASSIGN_OR_RETURN(std::optional<YAML::Node> params, f_.optional_map(n, path, "parameters"));
    if (params) {
      CL_RETURN_IF_ERROR(environment(*params, field_join(path, "parameters"), "env", v.env));
    }
    return v;
  }

  template <typename T>
  Status unique_ids(const std::vector<T>& items, const std::string& path,
                    std::string_view key) const {
    std::set<std::string> seen;
    for (size_t i = 0; i < items.size(); ++i) {
      if (!seen.insert(items[i].id).second) {
        return f_.error(field_item(field_join(path, key), i),
                        fmt::format("duplicate id '{}'", items[i].id));
      }
    }
    return ok_status();
  }

 private:
  Result<int> port_number(const YAML::Node& n, const std::string& path) const {
    CL_ASSIGN_OR_RETURN(int64_t v, f_.integer(n, path));
    if (v < 1 || v > 65535) {
      return f_.error(path, fmt::format("port {} is out of range 1..65535", v));
    }
    return static_cast<int>(v);
  }

  // `key: {size, size_unit}` in MB (see the file comment); 0 when absent.
  Result<double> size_in_mb(const YAML::Node& rr, const std::string& path, std::string_view key,
                            std::string_view default_unit, double max_mb) const {
    CL_ASSIGN_OR_RETURN(std::optional<YAML::Node> m, f_.optional_map(rr, path, key));
    if (!m) {
      return 0.0;
    }
    std::string mpath = field_join(path, key);
    CL_ASSIGN_OR_RETURN(std::optional<double> size, f_.optional_number(*m, mpath, "size"));
    if (!size) {
      return f_.error(mpath, "missing key 'size'");
    }
    if (*size < 0) {
      return f_.error(field_join(mpath, "size"), "must not be negative");
    }
    CL_ASSIGN_OR_RETURN(std::string unit, f_.optional_string(*m, mpath, "size_unit"));
    std::optional<double> factor = unit_in_mb(unit.empty() ? default_unit : unit);
    if (!factor) {
      return f_.error(
          field_join(mpath, "size_unit"),
          fmt::format("unknown unit '{}' (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)", unit));
    }
    double mb = *size * *factor;
    if (mb > max_mb) {
      return f_.error(field_join(mpath, "size"),
                      fmt::format("{} {} is too large (at most {} MB)", *size,
                                  unit.empty() ? default_unit : unit, max_mb));
    }
    return mb;
  }

  Status environment(const YAML::Node& map, const std::string& path, std::string_view key,
                     std::map<std::string, std::string>& env) const {
    CL_ASSIGN_OR_RETURN(std::optional<YAML::Node> m, f_.optional_map(map, path, key));
    if (!m) {
      return ok_status();
    }
    std::string epath = field_join(path, key);
    for (const auto& kv : *m) {
      if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
        return f_.error(epath, "variable names must be non-empty strings");
      }
      if (!kv.second.IsScalar() && !kv.second.IsNull()) {
        return f_.error(field_join(epath, kv.first.Scalar()), "expected a string");
      }
      env[kv.first.Scalar()] = kv.second.IsNull() ? "" : kv.second.Scalar();
    }
    return ok_status();
  }

  YamlFields f_;
};

// Calls check(ref, "virtual_links[i].connection_points_reference[j]") for every connection point
// reference of every virtual link.
template <class Check>
Status for_each_link_ref(const std::vector<VirtualLink>& links, Check&& check) {
  for (size_t i = 0; i < links.size(); ++i) {
    for (size_t j = 0; j < links[i].connection_points.size(); ++j) {
      CL_RETURN_IF_ERROR(
          check(links[i].connection_points[j],
                fmt::format("virtual_links[{}].connection_points_reference[{}]", i, j)));
    }
  }
  return ok_status();
}

std::string without_ns(std::string_view id) {
  return std::string(id.starts_with("ns:") ? id.substr(3) : id);
}

// The ids of a descriptor's own connection points (an NSD's without their "ns:").
std::set<std::string> own_ids(const std::vector<ConnectionPoint>& points, bool strip_ns) {
  std::set<std::string> ids;
  for (const ConnectionPoint& cp : points) {
    ids.insert(strip_ns ? without_ns(cp.id) : cp.id);
  }
  return ids;
}

Status check_vnfd_links(const Vnfd& vnfd, const YamlFields& f) {
  std::set<std::string> own = own_ids(vnfd.connection_points, false);
  return for_each_link_ref(
      vnfd.virtual_links, [&](const std::string& ref, const std::string& path) -> Status {
        size_t colon = ref.find(':');
        if (colon == std::string::npos) {
          if (own.count(ref) == 0) {
            return f.error(path, fmt::format("'{}' is not a connection point of the VNFD", ref));
          }
          return ok_status();
        }
        // "vdu01:cp01" is either the VDU cp's full id (SONATA) or vdu id + cp id (5GTANGO).
        std::string vdu_id = ref.substr(0, colon);
        std::string cp_id = ref.substr(colon + 1);
        bool found = false;
        for (const Vdu& vdu : vnfd.vdus) {
          for (const ConnectionPoint& cp : vdu.connection_points) {
            found = found || cp.id == ref || (vdu.id == vdu_id && cp.id == cp_id);
          }
        }
        if (!found) {
          return f.error(path,
                         fmt::format("'{}' is not a connection point of a deployment unit", ref));
        }
        return ok_status();
      });
}

Status check_nsd_links(const Nsd& nsd, const YamlFields& f) {
  std::set<std::string> own = own_ids(nsd.connection_points, true);
  std::set<std::string> vnf_ids;
  for (const NetworkFunctionRef& nf : nsd.network_functions) {
    vnf_ids.insert(nf.vnf_id);
  }
  return for_each_link_ref(
      nsd.virtual_links, [&](const std::string& ref, const std::string& path) -> Status {
        size_t colon = ref.find(':');
        if (colon == std::string::npos || ref.starts_with("ns:")) {
          if (own.count(without_ns(ref)) == 0) {
            return f.error(path, fmt::format("'{}' is not a connection point of the service", ref));
          }
        } else if (vnf_ids.count(ref.substr(0, colon)) == 0) {
          return f.error(path, fmt::format("'{}': '{}' is not a vnf_id of network_functions", ref,
                                           ref.substr(0, colon)));
        }
        return ok_status();
      });
}

Result<ForwardingGraph> forwarding_graph(const YamlFields& f, const YAML::Node& n,
                                         const std::string& path) {
  if (!n.IsMap()) {
    return f.error(path, "expected a mapping with an fg_id");
  }
  ForwardingGraph fg;
  CL_ASSIGN_OR_RETURN(fg.id, f.required_string(n, path, "fg_id"));
  auto strings = [&](std::string_view key, std::vector<std::string>& out) {
    return f.for_each(n, path, key, [&](const YAML::Node& s, const std::string& sp) -> Status {
      if (!s.IsScalar()) {
        return f.error(sp, "expected a string");
      }
      out.emplace_back(trim(s.Scalar()));
      return ok_status();
    });
  };
  CL_RETURN_IF_ERROR(strings("constituent_virtual_links", fg.virtual_links));
  CL_RETURN_IF_ERROR(strings("constituent_vnfs", fg.vnfs));
  auto read_path = [&](const YAML::Node& p, const std::string& pp) -> Status {
    if (!p.IsMap()) {
      return Status(f.error(pp, "expected a mapping with an fp_id"));
    }
    ForwardingPath fp;
    CL_ASSIGN_OR_RETURN(fp.id, f.required_string(p, pp, "fp_id"));
    std::vector<std::pair<int64_t, std::string>> points;
    CL_RETURN_IF_ERROR(f.for_each(
        p, pp, "connection_points", [&](const YAML::Node& c, const std::string& cp) -> Status {
          if (!c.IsMap()) {
            return f.error(cp, "expected a mapping with connection_point_ref and position");
          }
          CL_ASSIGN_OR_RETURN(std::string ref, f.required_string(c, cp, "connection_point_ref"));
          int64_t position = static_cast<int64_t>(points.size());
          if (const YAML::Node pos = c["position"]; pos && !pos.IsNull()) {
            CL_ASSIGN_OR_RETURN(position, f.integer(pos, field_join(cp, "position")));
          }
          points.emplace_back(position, std::move(ref));
          return ok_status();
        }));
    std::stable_sort(points.begin(), points.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [position, ref] : points) {
      fp.connection_points.push_back(std::move(ref));
    }
    fg.paths.push_back(std::move(fp));
    return ok_status();
  };
  CL_RETURN_IF_ERROR(f.for_each(n, path, "network_forwarding_paths", read_path));
  return fg;
}

// A descriptor: its header (source, vendor, name, version, description), then what `body`
// reads.
template <class Doc, class Body>
Result<Doc> read_descriptor(std::string_view yaml, std::string_view source, Body&& body) {
  return catch_yaml(source, [&]() -> Result<Doc> {
    DescriptorReader r(source);
    const YamlFields& f = r.fields();
    CL_ASSIGN_OR_RETURN(YAML::Node root, f.load(yaml));
    Doc doc;
    doc.source = std::string(source);
    CL_RETURN_IF_ERROR(f.identity(root, doc));
    CL_ASSIGN_OR_RETURN(doc.description, f.optional_string(root, "", "description"));
    CL_RETURN_IF_ERROR(body(r, f, root, doc));
    return doc;
  });
}

}  // namespace

Result<Vnfd> parse_vnfd(std::string_view yaml, std::string_view source) {
  auto body = [](DescriptorReader& r, const YamlFields& f, const YAML::Node& root,
                 Vnfd& vnfd) -> Status {
    CL_RETURN_IF_ERROR(f.append_each(
        root, "", "connection_points", vnfd.connection_points,
        [&](const YAML::Node& n, const std::string& p) { return r.connection_point(n, p); }));
    CL_RETURN_IF_ERROR(r.unique_ids(vnfd.connection_points, "", "connection_points"));
    for (bool cloudnative : {false, true}) {
      const char* key = cloudnative ? "cloudnative_deployment_units" : "virtual_deployment_units";
      CL_RETURN_IF_ERROR(f.append_each(
          root, "", key, vnfd.vdus,
          [&](const YAML::Node& n, const std::string& p) { return r.vdu(n, p, cloudnative); }));
    }
    if (vnfd.vdus.empty()) {
      return f.error("", "needs virtual_deployment_units or cloudnative_deployment_units");
    }
    CL_RETURN_IF_ERROR(r.unique_ids(vnfd.vdus, "", "deployment_units"));
    CL_RETURN_IF_ERROR(f.append_each(
        root, "", "virtual_links", vnfd.virtual_links,
        [&](const YAML::Node& n, const std::string& p) { return r.virtual_link(n, p); }));
    CL_RETURN_IF_ERROR(r.unique_ids(vnfd.virtual_links, "", "virtual_links"));
    return check_vnfd_links(vnfd, f);
  };
  return read_descriptor<Vnfd>(yaml, source, body);
}

Result<Nsd> parse_nsd(std::string_view yaml, std::string_view source) {
  auto body = [](DescriptorReader& r, const YamlFields& f, const YAML::Node& root,
                 Nsd& nsd) -> Status {
    CL_RETURN_IF_ERROR(f.for_each(
        root, "", "network_functions", [&](const YAML::Node& n, const std::string& p) -> Status {
          if (!n.IsMap()) {
            return Status(f.error(p,
                                  "expected a mapping with vnf_id, vnf_vendor, vnf_name and "
                                  "vnf_version"));
          }
          NetworkFunctionRef nf;
          CL_ASSIGN_OR_RETURN(nf.vnf_id, f.required_string(n, p, "vnf_id"));
          CL_ASSIGN_OR_RETURN(nf.vnf_vendor, f.required_string(n, p, "vnf_vendor"));
          CL_ASSIGN_OR_RETURN(nf.vnf_name, f.required_string(n, p, "vnf_name"));
          CL_ASSIGN_OR_RETURN(nf.vnf_version, f.required_string(n, p, "vnf_version"));
          nsd.network_functions.push_back(std::move(nf));
          return ok_status();
        }));
    if (nsd.network_functions.empty()) {
      return f.error("network_functions", "is missing or empty");
    }
    std::set<std::string> vnf_ids;
    for (size_t i = 0; i < nsd.network_functions.size(); ++i) {
      if (!vnf_ids.insert(nsd.network_functions[i].vnf_id).second) {
        return f.error(fmt::format("network_functions[{}].vnf_id", i),
                       fmt::format("duplicate vnf_id '{}'", nsd.network_functions[i].vnf_id));
      }
    }
    CL_RETURN_IF_ERROR(f.append_each(
        root, "", "connection_points", nsd.connection_points,
        [&](const YAML::Node& n, const std::string& p) { return r.connection_point(n, p); }));
    CL_RETURN_IF_ERROR(r.unique_ids(nsd.connection_points, "", "connection_points"));
    CL_RETURN_IF_ERROR(f.append_each(
        root, "", "virtual_links", nsd.virtual_links,
        [&](const YAML::Node& n, const std::string& p) { return r.virtual_link(n, p); }));
    CL_RETURN_IF_ERROR(r.unique_ids(nsd.virtual_links, "", "virtual_links"));
    CL_RETURN_IF_ERROR(f.append_each(
        root, "", "forwarding_graphs", nsd.forwarding_graphs,
        [&](const YAML::Node& n, const std::string& p) { return forwarding_graph(f, n, p); }));
    return check_nsd_links(nsd, f);
  };
  return read_descriptor<Nsd>(yaml, source, body);
}

}  // namespace chainlab::sonata
