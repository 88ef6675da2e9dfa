// Builders for image store tests: tars made with libarchive, `docker save` archives and OCI
// layouts assembled in the test, and a temporary store.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "runtime/image_store.h"
#include "runtime/image_store_internal.h"

namespace chainlab::runtime::testing {

struct TarEntry {
  enum Kind { kFile, kDir, kSymlink, kHardlink, kCharDevice };
  std::string path;
  std::string content;  // file content, or link target
  Kind kind = kFile;
  mode_t mode = 0644;
};

inline TarEntry file(std::string path, std::string content, mode_t mode = 0644) {
  return {std::move(path), std::move(content), TarEntry::kFile, mode};
}
inline TarEntry dir(std::string path) {
  return {std::move(path), "", TarEntry::kDir, 0755};
}
inline TarEntry symlink(std::string path, std::string target) {
  return {std::move(path), std::move(target), TarEntry::kSymlink, 0777};
}
inline TarEntry hardlink(std::string path, std::string target) {
  return {std::move(path), std::move(target), TarEntry::kHardlink, 0644};
}

// A tar (pax) of `entries`, gzip-compressed when asked.
inline std::string make_tar(const std::vector<TarEntry>& entries, bool gzip = false) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (gzip) {
    archive_write_add_filter_gzip(a);
  }
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open2(
      a, &out, nullptr,
      [](archive*, void* data, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(data)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr, nullptr);
  for (const TarEntry& t : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, t.path.c_str());
    archive_entry_set_perm(e, t.mode);
    archive_entry_set_mtime(e, 1700000000, 0);
    switch (t.kind) {
      case TarEntry::kFile:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(t.content.size()));
        break;
      case TarEntry::kDir:
        archive_entry_set_filetype(e, AE_IFDIR);
        break;
      case TarEntry::kSymlink:
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, t.content.c_str());
        break;
      case TarEntry::kHardlink:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, t.content.c_str());
        break;
      case TarEntry::kCharDevice:
        archive_entry_set_filetype(e, AE_IFCHR);
        archive_entry_set_rdev(e, makedev(1, 3));
        break;
    }
    archive_write_header(a, e);
    if (t.kind == TarEntry::kFile && !t.content.empty()) {
      archive_write_data(a, t.content.data(), t.content.size());
    }
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// `bytes` gzip-compressed.
inline std::string make_gzip(const std::string& bytes) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  archive_write_add_filter_gzip(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open2(
      a, &out, nullptr,
      [](archive*, void* data, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(data)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr, nullptr);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, "data");
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
  archive_write_header(a, e);
  archive_write_data(a, bytes.data(), bytes.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

inline std::string sha(std::string_view bytes) {
  return detail::sha256_hex(bytes);
}

inline void write_bytes(const std::string& path, std::string_view bytes) {
  ASSERT_TRUE(write_file(path, bytes, /*create=*/true).ok()) << path;
}

// A `docker save` archive, with knobs to make it hostile.
struct DockerArchive {
  std::vector<std::string> layers;  // layer tars
  nlohmann::json config = {{"architecture", "amd64"}, {"os", "linux"}};
  std::vector<std::string> tags;
  std::vector<std::string> diff_ids;  // default: the layers' digests
  bool wrong_config_name = false;
  bool omit_manifest = false;
  bool omit_last_layer_file = false;

  std::string build() const {
    nlohmann::json cfg = config;
    cfg["rootfs"]["type"] = "layers";
    cfg["rootfs"]["diff_ids"] = nlohmann::json::array();
    for (size_t i = 0; i < layers.size(); ++i) {
      cfg["rootfs"]["diff_ids"].push_back("sha256:" +
                                          (i < diff_ids.size() ? diff_ids[i] : sha(layers[i])));
    }
    std::string cfg_bytes = cfg.dump();
    std::string cfg_name = (wrong_config_name ? sha("other") : sha(cfg_bytes)) + ".json";
    std::vector<TarEntry> entries = {file(cfg_name, cfg_bytes)};
    nlohmann::json layer_names = nlohmann::json::array();
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string name = fmt::format("{}{}/layer.tar", sha(layers[i]).substr(0, 40), i);
      layer_names.push_back(name);
      if (!(omit_last_layer_file && i + 1 == layers.size())) {
        entries.push_back(dir(name.substr(0, name.find('/'))));
        entries.push_back(file(name, layers[i]));
      }
    }
    nlohmann::json manifest = nlohmann::json::array(
        {{{"Config", cfg_name}, {"RepoTags", tags}, {"Layers", layer_names}}});
    if (!omit_manifest) {
      entries.push_back(file("manifest.json", manifest.dump()));
    }
    return make_tar(entries);
  }
};

// An OCI image layout directory with gzip layers. Returns the image config digest (hex).
inline std::string write_oci_layout(const std::string& dir, const std::vector<std::string>& layers,
                                    const nlohmann::json& config_fields,
                                    const std::string& ref_name, bool via_index = false) {
  std::string blobs = dir + "/blobs/sha256";
  EXPECT_EQ(::system(fmt::format("mkdir -p {}", blobs).c_str()), 0);
  auto put = [&](const std::string& bytes) {
    std::string hex = sha(bytes);
    write_bytes(blobs + "/" + hex, bytes);
    return nlohmann::json{{"digest", "sha256:" + hex}, {"size", bytes.size()}};
  };
  nlohmann::json cfg = {{"architecture", "amd64"}, {"os", "linux"}, {"config", config_fields}};
  cfg["rootfs"] = {{"type", "layers"}, {"diff_ids", nlohmann::json::array()}};
  nlohmann::json layer_descs = nlohmann::json::array();
  for (const std::string& layer : layers) {
    cfg["rootfs"]["diff_ids"].push_back("sha256:" + sha(layer));
    nlohmann::json d = put(make_gzip(layer));
    d["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip";
    layer_descs.push_back(d);
  }
  std::string cfg_bytes = cfg.dump();
  nlohmann::json cfg_desc = put(cfg_bytes);
  cfg_desc["mediaType"] = "application/vnd.oci.image.config.v1+json";
  nlohmann::json manifest = {{"schemaVersion", 2},
                             {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                             {"config", cfg_desc},
                             {"layers", layer_descs}};
  nlohmann::json top = put(manifest.dump());
  top["mediaType"] = "application/vnd.oci.image.manifest.v1+json";
  if (via_index) {
    top["platform"] = {{"os", "linux"}, {"architecture", "amd64"}};
    nlohmann::json attestation = top;
    attestation["platform"] = {{"os", "unknown"}, {"architecture", "unknown"}};
    nlohmann::json inner = {{"schemaVersion", 2},
                            {"mediaType", "application/vnd.oci.image.index.v1+json"},
                            {"manifests", {attestation, top}}};
    top = put(inner.dump());
    top["mediaType"] = "application/vnd.oci.image.index.v1+json";
  }
  top["annotations"] = {{"org.opencontainers.image.ref.name", ref_name}};
  nlohmann::json index = {{"schemaVersion", 2}, {"manifests", {top}}};
  write_bytes(dir + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  write_bytes(dir + "/index.json", index.dump());
  return sha(cfg_bytes);
}

// A scratch directory with an image store in <dir>/store.
class ImageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/chainlab-image-test-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
    auto s = ImageStore::open(dir_ + "/store");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
  }
  void TearDown() override { (void)detail::remove_tree(dir_); }

  std::string put(const std::string& name, const std::string& bytes) {
    std::string path = dir_ + "/" + name;
    write_bytes(path, bytes);
    return path;
  }
  // Names in <store>/<sub>.
  std::vector<std::string> entries(const std::string& sub) {
    auto names = list_dir(store_->root() + "/" + sub);
    return names.ok() ? *names : std::vector<std::string>{"<missing>"};
  }
  void expect_store_empty() {
    EXPECT_TRUE(entries("images").empty());
    EXPECT_TRUE(entries("layers").empty());
    EXPECT_TRUE(entries("tmp").empty());
    EXPECT_TRUE(store_->list().empty());
  }

  std::string dir_;
  std::unique_ptr<ImageStore> store_;
};

}  // namespace chainlab::runtime::testing
