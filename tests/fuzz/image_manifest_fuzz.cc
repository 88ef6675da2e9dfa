// libFuzzer target: the metadata an image import reads (src/runtime/image_manifest.cc,
// image_record.cc, image_util.cc), on bytes, without a store on disk: `docker save`
// manifest.json, OCI index.json, image manifests and nested indexes, image config blobs, the
// store's own catalogue records, image references and archive paths.
//
// Input: a selector character, then the document. Selector % 6: 0 manifest.json, 1 index.json
// (and the platform pick), 2 an OCI manifest or index blob, 3 a config blob, 4 a catalogue record,
// 5 one reference or path per line. Invariants: no exception; refusals are errors with a message;
// digests are 64 lower-case hex characters; tags are normalised (normalize_tag is idempotent); a
// record reads back from its own JSON; a cleaned path is relative, does not climb and cleans to
// itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "fuzz_util.h"
#include "runtime/image_store.h"
#include "runtime/image_store_internal.h"

namespace chainlab::fuzz {
namespace {

using nlohmann::json;
using namespace runtime;

void check_tag(const std::string& tag) {
  check(normalize_tag(tag) == tag, "tags are normalised", tag);
}

void check_descriptor(const detail::OciDescriptor& d) {
  check(detail::is_hex_digest(d.hex), "descriptor digest is hex", d.hex);
  check(d.digest == "sha256:" + d.hex, "digest and hex agree", d.digest);
  for (const auto& t : d.tags) {
    check_tag(t);
  }
}

bool same(const detail::ImageRecord& a, const detail::ImageRecord& b) {
  return a.id_hex == b.id_hex && a.tags == b.tags && a.layers == b.layers &&
         a.layer_sizes == b.layer_sizes && a.created == b.created &&
         a.config.entrypoint == b.config.entrypoint && a.config.cmd == b.config.cmd &&
         a.config.env == b.config.env && a.config.working_dir == b.config.working_dir &&
         a.config.user == b.config.user && a.config.exposed_ports == b.config.exposed_ports;
}

void check_line(const std::string& line) {
  std::string tag = normalize_tag(line);
  check(normalize_tag(tag) == tag, "normalize_tag is idempotent", line + " -> " + tag);
  auto hex = detail::digest_hex(line);
  check_result(hex, "digest_hex");
  if (hex.ok()) {
    check(detail::is_hex_digest(*hex), "digest_hex gives hex", *hex);
  }
  auto path = clean_relative_path(line, "archive entry");
  check_result(path, "clean_relative_path");
  if (path.ok() && !path->empty()) {
    check(path->front() != '/' && *path != ".." && !path->starts_with("../") &&
              path->find("/../") == std::string::npos && !path->ends_with("/.."),
          "a clean path is relative and does not climb", *path);
    auto again = clean_relative_path(*path, "archive entry");
    check(again.ok() && *again == *path, "cleaning is idempotent", *path);
  }
}

void run(Input& in) {
  uint8_t selector = static_cast<uint8_t>(in.byte() - '0') % 6;
  std::string text = in.rest();
  if (selector == 5) {
    Input lines(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    for (int i = 0; i < 64 && !lines.done(); ++i) {
      check_line(lines.line());
    }
    return;
  }
  if (selector == 3) {
    auto cfg = detail::parse_config_blob(text);
    check_result(cfg, "parse_config_blob");
    if (cfg.ok()) {
      for (const auto& id : cfg->diff_ids) {
        check(detail::is_hex_digest(id), "diff ids are hex", id);
      }
    }
    return;
  }
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return;  // the importer refuses it before these readers (read_json_file)
  }
  switch (selector) {
    case 0: {
      auto entries = detail::parse_docker_manifest(doc);
      check_result(entries, "parse_docker_manifest");
      if (entries.ok()) {
        for (const auto& e : *entries) {
          check(detail::is_hex_digest(e.config_hex), "config named by its digest", e.config);
          for (const auto& t : e.tags) {
            check_tag(t);
          }
        }
      }
      return;
    }
    case 1: {
      auto index = detail::parse_oci_index(doc);
      check_result(index, "parse_oci_index");
      if (index.ok()) {
        check(!index->empty(), "an index lists manifests");
        for (const auto& d : *index) {
          check_descriptor(d);
        }
        const detail::OciDescriptor* pick = detail::pick_platform(*index);
        check(pick == nullptr || (pick >= index->data() && pick < index->data() + index->size()),
              "the pick is one of the entries");
      }
      return;
    }
    case 2: {
      detail::OciDescriptor from;
      from.digest = "sha256:" + std::string(64, '0');
      from.hex = std::string(64, '0');
      auto m = detail::parse_oci_manifest(doc, from);
      check_result(m, "parse_oci_manifest");
      if (m.ok()) {
        for (const auto& d : m->manifests) {
          check_descriptor(d);
        }
        if (!m->is_index) {
          check_descriptor(m->config);
          for (const auto& d : m->layers) {
            check_descriptor(d);
          }
        }
      }
      return;
    }
    default: {
      auto record = detail::record_from_json(doc);
      check_result(record, "record_from_json");
      if (record.ok()) {
        check(record->layer_sizes.size() == record->layers.size(), "a size per layer");
        auto again = detail::record_from_json(detail::record_to_json(*record));
        check(again.ok() && same(*again, *record), "a record reads back from its JSON");
      }
      return;
    }
  }
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  chainlab::fuzz::Input in(data, size);
  chainlab::fuzz::run(in);
  return 0;
}
