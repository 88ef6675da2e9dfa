// SONATA (.son) and 5GTANGO (.tgo) service packages as typed values. A package is read from its
// archive bytes in memory (nothing is extracted to disk): entries with "..", absolute paths,
// symlinks, devices, too many entries, oversized files or a suspicious compression ratio are
// refused before their content is read; descriptors are parsed into the structs below with
// errors that name the file and the field ("function_descriptors/a.yml: virtual_deployment_units[0]
// .resource_requirements.memory.size: not a number"); content hashes (.son: md5, .tgo: SHA-256)
// are verified. Formats: ../shared/reference/packages-and-gatekeeper.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace chainlab::sonata {

struct ConnectionPoint {
  std::string id;          // "input", "vdu01:cp01", "ns:input" (as written, trimmed)
  std::string interface;   // "ipv4"
  std::string type;        // "external", "internal", "management"
  std::string address;     // 5GTANGO static address (CIDR) or ""
  std::vector<int> ports;  // 5GTANGO `port`/`ports` to publish
};

struct ResourceRequirements {
  double vcpus = 1;              // 0 < x <= 1024
  std::optional<double> cpu_bw;  // fraction of one CPU (CFS), 0 < x <= vcpus
  std::string cpuset;            // "0,1" or ""
  double memory_mb = 0;          // size * size_unit (MB, GB, MiB, GiB, KB...) in MB; 0: none;
                                 // at most 16 TiB
  double storage_gb = 0;         // at most 1 PiB
};

struct Vdu {
  std::string id;
  std::string image;         // vm_image, or `image` of a cloudnative_deployment_unit
  std::string image_format;  // "docker" or ""
  ResourceRequirements resources;
  std::vector<ConnectionPoint> connection_points;
  std::string cmd_start;                   // vm_cmd_start
  std::string cmd_stop;                    // vm_cmd_stop
  std::map<std::string, std::string> env;  // `environment` of a CDU
};

struct VirtualLink {
  std::string id;
  std::string connectivity_type;  // "E-Line", "E-LAN", "E-Tree"
  // References as written, trimmed ("vnf_id:cp", "ns:cp", "cp", "vdu01:cp01").
  std::vector<std::string> connection_points;
};

struct Vnfd {
  std::string source;  // file inside the package
  std::string vendor;
  std::string name;
  std::string version;
  std::string description;
  std::vector<ConnectionPoint> connection_points;
  std::vector<Vdu> vdus;  // virtual_deployment_units or cloudnative_deployment_units, >= 1
  std::vector<VirtualLink> virtual_links;  // internal: VDU cp <-> VNF cp
};

struct NetworkFunctionRef {
  std::string vnf_id;
  std::string vnf_vendor;
  std::string vnf_name;
  std::string vnf_version;
};

struct ForwardingPath {
  std::string id;
  std::vector<std::string> connection_points;  // sorted by `position`
};

struct ForwardingGraph {
  std::string id;
  std::vector<std::string> virtual_links;
  std::vector<std::string> vnfs;
  std::vector<ForwardingPath> paths;
};

struct Nsd {
  std::string source;
  std::string vendor;
  std::string name;
  std::string version;
  std::string description;
  std::vector<NetworkFunctionRef> network_functions;  // >= 1, unique vnf_id
  std::vector<ConnectionPoint> connection_points;     // the service's own ("ns:input"/"input")
  std::vector<VirtualLink> virtual_links;
  std::vector<ForwardingGraph> forwarding_graphs;
};

enum class PackageFormat { kSonata, kTango };

struct Package {
  PackageFormat format = PackageFormat::kSonata;
  std::string vendor;  // of the package (MANIFEST.MF / NAPD.yaml)
  std::string name;
  std::string version;
  std::string sha1;  // hex SHA-1 of the archive bytes (the upload answer's `sha1`)
  size_t size = 0;   // archive bytes
  Nsd nsd;
  std::vector<Vnfd> vnfds;

  // The VNFD an NSD entry names (vendor, name, version must match); null when absent.
  const Vnfd* vnfd_for(const NetworkFunctionRef& ref) const;
};

struct PackageLimits {
  size_t max_archive_bytes = size_t{512} << 20;  // the reference's upload limit
  size_t max_entries = 1000;
  size_t max_file_bytes = size_t{16} << 20;   // one uncompressed entry
  size_t max_total_bytes = size_t{64} << 20;  // all uncompressed entries
  double max_ratio = 200;                     // uncompressed / compressed per entry (zip bomb)
  // .son package_content md5 sums are checked when true (a mismatch is InvalidArgument). The
  // SONATA demo packages son-emu ships carry md5 sums of their descriptors from before a licence
  // header was added, so they only load with false; .tgo SHA-256 hashes are always checked.
  bool verify_md5 = true;
};

// The regular files of a zip archive, path -> content, read under `limits`. InvalidArgument for
// a corrupt/truncated archive, an unsafe path, a symlink or a non-regular entry; ResourceExhausted
// when a limit is crossed. Paths are normalised ("./a" -> "a"; a leading "/" is refused).
Result<std::map<std::string, std::string>> read_archive(std::string_view archive,
                                                        const PackageLimits& limits = {});

// Descriptors alone (`source` names the file in errors).
Result<Nsd> parse_nsd(std::string_view yaml, std::string_view source);
Result<Vnfd> parse_vnfd(std::string_view yaml, std::string_view source);

// A whole package: format detected (META-INF/MANIFEST.MF -> .son, TOSCA-Metadata/ -> .tgo),
// manifest read, hashes verified, the NSD and every VNFD parsed, every NSD network function
// resolved to a VNFD, every virtual link's references resolved. InvalidArgument otherwise.
Result<Package> parse_package(std::string_view archive, const PackageLimits& limits = {});

}  // namespace chainlab::sonata
