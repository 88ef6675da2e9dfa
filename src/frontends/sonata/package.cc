// parse_package: a SONATA (.son) or 5GTANGO (.tgo) archive into a Package. The archive is read in
// memory (read_archive), the manifest decides which files are the NSD and the VNFDs and which
// digests they must have, every descriptor is parsed, and the NSD is resolved against the VNFDs:
// each network function must name a VNFD of the package (vendor, name and version) and each
// "vnf_id:cp" reference of a virtual link a connection point of that VNFD.
#include <set>

#include "frontends/sonata/package.h"
#include "frontends/sonata/package_internal.h"

namespace chainlab::sonata {
namespace {

using detail::ContentEntry;
using detail::ContentKind;
using detail::Manifest;

using Files = std::map<std::string, std::string>;

Error invalid(std::string_view file, std::string_view message) {
  return make_error(ErrorCode::kInvalidArgument, "{}: {}", file, message);
}

std::string triple(std::string_view vendor, std::string_view name, std::string_view version) {
  return fmt::format("{}/{}/{}", vendor, name, version);
}

Result<Manifest> read_manifest(const Files& files, PackageFormat& format) {
  if (auto it = files.find(std::string(detail::kSonataManifest)); it != files.end()) {
    format = PackageFormat::kSonata;
    return detail::parse_sonata_manifest(it->second);
  }
  if (auto it = files.find(std::string(detail::kTangoNapd)); it != files.end()) {
    format = PackageFormat::kTango;
    return detail::parse_tango_napd(it->second);
  }
  for (const auto& [path, content] : files) {
    if (path.starts_with("TOSCA-Metadata/")) {
      return invalid(detail::kTangoNapd, "missing: a 5GTANGO package needs its NAPD");
    }
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "not a service package: neither {} (SONATA) nor {} (5GTANGO) is in the archive",
                    detail::kSonataManifest, detail::kTangoNapd);
}

Status verify_digests(const Manifest& m, const Files& files, bool verify_md5) {
  for (const ContentEntry& e : m.content) {
    auto it = files.find(e.path);
    if (it == files.end()) {
      if (e.kind != ContentKind::kOther) {
        return invalid(m.file, fmt::format("{}: '{}' is not in the package", e.field, e.path));
      }
      continue;  // artifacts kept outside the archive (images, docker files)
    }
    if (e.algorithm.empty() || (e.algorithm == "md5" && !verify_md5)) {
      continue;
    }
    std::string actual =
        e.algorithm == "md5" ? detail::md5_hex(it->second) : detail::sha256_hex(it->second);
    if (actual != e.hash) {
      return invalid(e.path, fmt::format("{} is {} but {} {} says {}",
                                         e.algorithm == "md5" ? "md5" : "SHA-256", actual, m.file,
                                         e.field, e.hash));
    }
  }
  return ok_status();
}

Result<std::string> nsd_path(const Manifest& m, PackageFormat format) {
  if (!m.nsd_path.empty()) {
    return m.nsd_path;
  }
  std::vector<std::string> nsds;
  for (const ContentEntry& e : m.content) {
    if (e.kind == ContentKind::kNsd) {
      nsds.push_back(e.path);
    }
  }
  if (nsds.size() != 1) {
    std::string_view type = format == PackageFormat::kSonata
                                ? "application/sonata.service_descriptors"
                                : "application/vnd.5gtango.nsd";
    return invalid(m.file, nsds.empty()
                               ? fmt::format("package_content lists no {} (the NSD)", type)
                               : fmt::format("package_content lists {} NSDs ({}), expected one",
                                             nsds.size(), type));
  }
  return nsds.front();
}

// NSD references "vnf_id:cp" must name a connection point of that VNF's VNFD.
Status check_nsd_vnfd_links(const Package& p, const std::map<std::string, const Vnfd*>& by_id) {
  for (size_t i = 0; i < p.nsd.virtual_links.size(); ++i) {
    const VirtualLink& link = p.nsd.virtual_links[i];
    for (size_t j = 0; j < link.connection_points.size(); ++j) {
      const std::string& ref = link.connection_points[j];
      size_t colon = ref.find(':');
      if (colon == std::string::npos || ref.starts_with("ns:")) {
        continue;  // the service's own (checked by parse_nsd)
      }
      const Vnfd* vnfd = by_id.at(ref.substr(0, colon));
      std::string cp = ref.substr(colon + 1);
      bool found = false;
      for (const ConnectionPoint& c : vnfd->connection_points) {
        found = found || c.id == cp;
      }
      if (!found) {
        return invalid(p.nsd.source,
                       fmt::format("virtual_links[{}].connection_points_reference[{}]: '{}': VNFD "
                                   "{} ({}) has no connection point '{}'",
                                   i, j, ref, triple(vnfd->vendor, vnfd->name, vnfd->version),
                                   vnfd->source, cp));
      }
    }
  }
  return ok_status();
}

}  // namespace

const Vnfd* Package::vnfd_for(const NetworkFunctionRef& ref) const {
  for (const Vnfd& v : vnfds) {
    if (v.vendor == ref.vnf_vendor && v.name == ref.vnf_name && v.version == ref.vnf_version) {
      return &v;
    }
  }
  return nullptr;
}

Result<Package> parse_package(std::string_view archive, const PackageLimits& limits) {
  CL_ASSIGN_OR_RETURN(Files files, read_archive(archive, limits));
  Package p;
  CL_ASSIGN_OR_RETURN(Manifest m, read_manifest(files, p.format));
  p.vendor = m.vendor;
  p.name = m.name;
  p.version = m.version;
  p.sha1 = detail::sha1_hex(archive);
  p.size = archive.size();
  CL_RETURN_IF_ERROR(verify_digests(m, files, limits.verify_md5));

  CL_ASSIGN_OR_RETURN(std::string nsd_file, nsd_path(m, p.format));
  auto nsd_it = files.find(nsd_file);
  if (nsd_it == files.end()) {
    return invalid(m.file, fmt::format("the NSD '{}' is not in the package", nsd_file));
  }
  CL_ASSIGN_OR_RETURN(p.nsd, parse_nsd(nsd_it->second, nsd_file));

  std::set<std::string> seen;
  for (const ContentEntry& e : m.content) {
    if (e.kind != ContentKind::kVnfd || !seen.insert(e.path).second) {
      continue;
    }
    CL_ASSIGN_OR_RETURN(Vnfd vnfd, parse_vnfd(files.at(e.path), e.path));
    if (const Vnfd* other = p.vnfd_for({"", vnfd.vendor, vnfd.name, vnfd.version})) {
      return invalid(e.path,
                     fmt::format("VNFD {} is also defined by {}",
                                 triple(vnfd.vendor, vnfd.name, vnfd.version), other->source));
    }
    p.vnfds.push_back(std::move(vnfd));
  }

  std::map<std::string, const Vnfd*> by_id;
  for (size_t i = 0; i < p.nsd.network_functions.size(); ++i) {
    const NetworkFunctionRef& nf = p.nsd.network_functions[i];
    const Vnfd* vnfd = p.vnfd_for(nf);
    if (vnfd == nullptr) {
      std::string have;
      for (const Vnfd& v : p.vnfds) {
        have += fmt::format("{}{}", have.empty() ? "" : ", ", triple(v.vendor, v.name, v.version));
      }
      return invalid(nsd_file,
                     fmt::format("network_functions[{}]: no VNFD {} in the package (it has: {})", i,
                                 triple(nf.vnf_vendor, nf.vnf_name, nf.vnf_version),
                                 have.empty() ? "none" : have));
    }
    by_id[nf.vnf_id] = vnfd;
  }
  CL_RETURN_IF_ERROR(check_nsd_vnfd_links(p, by_id));
  return p;
}

}  // namespace chainlab::sonata
