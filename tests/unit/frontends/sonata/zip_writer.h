// Test helpers for service packages: zip archives written in memory with libarchive (regular
// files, directories, symlinks, long runs of zeros for zip bombs), a patch for an entry's Unix
// mode (libarchive will not write devices into a zip), small valid SONATA and 5GTANGO packages
// whose manifests carry correct digests, and the shared real-world fixtures. Header-only: the
// gatekeeper's integration tests reuse it.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace chainlab::sonata::testing {

struct ZipEntry {
  enum Kind { kFile, kDir, kSymlink, kZeros };
  std::string path;
  std::string content;  // file content, or symlink target
  Kind kind = kFile;
  size_t zeros = 0;  // kZeros: this many zero bytes, written in chunks
};

inline ZipEntry zfile(std::string path, std::string content) {
  return {std::move(path), std::move(content), ZipEntry::kFile, 0};
}
inline ZipEntry zdir(std::string path) {
  return {std::move(path), "", ZipEntry::kDir, 0};
}
inline ZipEntry zsymlink(std::string path, std::string target) {
  return {std::move(path), std::move(target), ZipEntry::kSymlink, 0};
}
inline ZipEntry zzeros(std::string path, size_t bytes) {
  return {std::move(path), "", ZipEntry::kZeros, bytes};
}

// A deflated zip of `entries`, in order (duplicates allowed: hostile tests want them).
inline std::string zip_entries(const std::vector<ZipEntry>& entries) {
  struct Deleter {
    void operator()(archive* a) const { archive_write_free(a); }
  };
  std::unique_ptr<archive, Deleter> a(archive_write_new());
  archive_write_set_format_zip(a.get());
  archive_write_set_bytes_per_block(a.get(), 0);
  archive_write_set_bytes_in_last_block(a.get(), 1);
  std::string out;
  auto write_cb = [](archive*, void* client, const void* buf, size_t n) -> la_ssize_t {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  if (archive_write_open(a.get(), &out, nullptr, write_cb, nullptr) != ARCHIVE_OK) {
    throw std::runtime_error(archive_error_string(a.get()));
  }
  for (const ZipEntry& z : entries) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(),
                                                                    archive_entry_free);
    archive_entry_set_pathname(e.get(), z.path.c_str());
    archive_entry_set_mtime(e.get(), 1'500'000'000, 0);
    switch (z.kind) {
      case ZipEntry::kFile:
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), 0644);
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(z.content.size()));
        break;
      case ZipEntry::kZeros:
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), 0644);
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(z.zeros));
        break;
      case ZipEntry::kDir:
        archive_entry_set_filetype(e.get(), AE_IFDIR);
        archive_entry_set_perm(e.get(), 0755);
        break;
      case ZipEntry::kSymlink:
        archive_entry_set_filetype(e.get(), AE_IFLNK);
        archive_entry_set_perm(e.get(), 0777);
        archive_entry_set_symlink(e.get(), z.content.c_str());
        break;
    }
    if (archive_write_header(a.get(), e.get()) < ARCHIVE_WARN) {
      throw std::runtime_error(archive_error_string(a.get()));
    }
    if (z.kind == ZipEntry::kFile && !z.content.empty()) {
      archive_write_data(a.get(), z.content.data(), z.content.size());
    } else if (z.kind == ZipEntry::kZeros) {
      std::string chunk(size_t{1} << 20, '\0');
      for (size_t left = z.zeros; left > 0;) {
        size_t n = std::min(left, chunk.size());
        archive_write_data(a.get(), chunk.data(), n);
        left -= n;
      }
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    throw std::runtime_error(archive_error_string(a.get()));
  }
  return out;
}

inline std::string make_zip(const std::map<std::string, std::string>& files) {
  std::vector<ZipEntry> entries;
  for (const auto& [path, content] : files) {
    entries.push_back(zfile(path, content));
  }
  return zip_entries(entries);
}

// Sets the Unix mode (type and permissions) that the central directory records for `path`,
// e.g. S_IFCHR | 0644. Returns false when the entry is not found.
inline bool set_unix_mode(std::string& zip, const std::string& path, uint32_t mode) {
  auto u16 = [&](size_t at) {
    return static_cast<uint32_t>(static_cast<uint8_t>(zip[at]) | static_cast<uint8_t>(zip[at + 1])
                                                                     << 8);
  };
  const std::string sig("PK\x01\x02", 4);
  for (size_t at = zip.find(sig); at != std::string::npos; at = zip.find(sig, at + 4)) {
    if (at + 46 > zip.size()) {
      return false;
    }
    size_t name_len = u16(at + 28);
    if (zip.compare(at + 46, name_len, path) == 0 && name_len == path.size()) {
      zip[at + 5] = 3;  // "version made by": Unix, so the mode is read
      zip[at + 40] = static_cast<char>(mode & 0xff);
      zip[at + 41] = static_cast<char>((mode >> 8) & 0xff);
      return true;
    }
  }
  return false;
}

inline std::string hex_digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += fmt::format("{:02x}", out[i]);
  }
  return hex;
}
inline std::string md5(const std::string& d) {
  return hex_digest(EVP_md5(), d);
}
inline std::string sha256(const std::string& d) {
  return hex_digest(EVP_sha256(), d);
}

// A VNFD with connection points mgmt/input/output on one VDU (`vdu01:<cp>` references).
inline std::string vnfd_yaml(const std::string& name, const std::string& extra_vdu = "",
                             const std::string& extra_cp = "") {
  return fmt::format(R"(vendor: eu.chainlab
name: {0}
version: '1.0'
description: test VNF {0}
virtual_deployment_units:
  - id: vdu01
    vm_image: chainlab/{0}
    vm_image_format: docker
    resource_requirements:
      cpu:
        vcpus: 1
        cpu_bw: 0.5
      memory:
        size: 512
        size_unit: MB
    connection_points:
      - id: mgmt
      - id: input
      - id: output{2}
{1}
connection_points:
  - id: mgmt
  - id: input
  - id: output
virtual_links:
  - id: mgmt
    connectivity_type: E-LAN
    connection_points_reference: ['vdu01:mgmt', mgmt]
  - id: input
    connectivity_type: E-Line
    connection_points_reference: ['vdu01:input', input]
  - id: output
    connectivity_type: E-Line
    connection_points_reference: ['vdu01:output', output]
)",
                     name, extra_vdu, extra_cp);
}

// A chain input -> vnf_a -> vnf_b -> output over the two VNFDs above.
inline std::string nsd_yaml(const std::string& name = "test-service",
                            const std::string& last_link_ref = "vnf_b:output") {
  return fmt::format(R"(vendor: eu.chainlab
name: {0}
version: '1.0'
network_functions:
  - {{vnf_id: vnf_a, vnf_vendor: eu.chainlab, vnf_name: vnf-a, vnf_version: '1.0'}}
  - {{vnf_id: vnf_b, vnf_vendor: eu.chainlab, vnf_name: vnf-b, vnf_version: '1.0'}}
connection_points:
  - id: ns:input
  - id: ns:output
virtual_links:
  - id: link-input
    connectivity_type: E-Line
    connection_points_reference: ['ns:input', 'vnf_a:input']
  - id: link-ab
    connectivity_type: E-Line
    connection_points_reference: ['vnf_a:output', 'vnf_b:input']
  - id: link-output
    connectivity_type: E-Line
    connection_points_reference: ['{1}', 'ns:output']
)",
                     name, last_link_ref);
}

using Files = std::map<std::string, std::string>;

// A SONATA package's files: the NSD and VNFDs plus a MANIFEST.MF listing them with their md5.
inline Files sonata_files(const std::string& nsd = nsd_yaml(),
                          const std::string& vnfd_a = vnfd_yaml("vnf-a"),
                          const std::string& vnfd_b = vnfd_yaml("vnf-b")) {
  Files f = {{"service_descriptors/nsd.yml", nsd},
             {"function_descriptors/vnf-a.yml", vnfd_a},
             {"function_descriptors/vnf-b.yml", vnfd_b}};
  std::string manifest = R"(descriptor_version: '1.0'
vendor: eu.chainlab.package
name: test-package
version: '0.1'
entry_service_template: /service_descriptors/nsd.yml
package_content:
)";
  for (const auto& [path, content] : f) {
    bool nsd_file = path.starts_with("service");
    manifest += fmt::format("- name: /{}\n  content-type: application/sonata.{}\n  md5: {}\n", path,
                            nsd_file ? "service_descriptors" : "function_descriptor", md5(content));
  }
  f["META-INF/MANIFEST.MF"] = manifest;
  return f;
}

// A 5GTANGO package's files: Definitions/ plus TOSCA-Metadata/NAPD.yaml with SHA-256 hashes.
inline Files tango_files(const std::string& nsd = nsd_yaml(),
                         const std::string& vnfd_a = vnfd_yaml("vnf-a"),
                         const std::string& vnfd_b = vnfd_yaml("vnf-b")) {
  Files f = {{"Definitions/nsd.yml", nsd},
             {"Definitions/vnf-a.yml", vnfd_a},
             {"Definitions/vnf-b.yml", vnfd_b}};
  std::string napd = R"(descriptor_schema: napd-schema.yml
vendor: eu.chainlab
name: test-package
version: '0.1'
package_type: application/vnd.5gtango.package.nsp
package_content:
)";
  for (const auto& [path, content] : f) {
    napd += fmt::format(
        "- source: {}\n  content-type: application/vnd.5gtango.{}\n"
        "  algorithm: SHA-256\n  hash: {}\n",
        path, path.ends_with("nsd.yml") ? "nsd" : "vnfd", sha256(content));
  }
  f["TOSCA-Metadata/NAPD.yaml"] = napd;
  f["TOSCA-Metadata/TOSCA.meta"] = "TOSCA-Meta-Version: 1.0\nEntry-Manifest: etsi_manifest.mf\n";
  return f;
}

// The shared real-world fixtures ($CHAINLAB_FIXTURES_DIR, else ../shared/fixtures relative to
// the project), or nullopt.
inline std::string fixture_path(const std::string& rel) {
  const char* dir = std::getenv("CHAINLAB_FIXTURES_DIR");
  if (dir != nullptr && *dir != '\0') {
    return std::string(dir) + "/" + rel;
  }
  return std::string(CHAINLAB_SOURCE_DIR "/../shared/fixtures/") + rel;
}
inline std::optional<std::string> read_fixture(const std::string& rel) {
  std::ifstream in(fixture_path(rel), std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace chainlab::sonata::testing
