// The gatekeeper's package catalogue: every onboarded package under one directory (default
// /var/lib/chainlab/catalogue, not /tmp: it survives a restart, unlike the reference's). Each
// package is kept as its original archive `<uuid>.pkg` plus `<uuid>.json` (uuid, created_at,
// sha1); on open() every stored package is parsed again (a damaged one is reported and skipped).
// Writes are atomic (temp file + rename). Not thread-safe: the owner serialises calls.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "frontends/sonata/package.h"

namespace chainlab::sonata {

struct CatalogueEntry {
  std::string uuid;        // the package uuid == the service uuid (as in the dummy gatekeeper)
  std::string created_at;  // ISO 8601 UTC
  Package package;
};

class Catalogue {
 public:
  // Creates the directory when missing. `warnings` receives one line per skipped damaged entry.
  static Result<std::unique_ptr<Catalogue>> open(const std::string& dir,
                                                 std::vector<std::string>* warnings = nullptr,
                                                 PackageLimits limits = {});

  // Parses and stores; on any error nothing is stored. Uploading the same bytes twice gives a
  // second entry (the reference behaves so), with its own uuid.
  Result<const CatalogueEntry*> add(std::string_view archive);
  Status remove(const std::string& uuid);

  // Oldest first.
  std::vector<const CatalogueEntry*> list() const;
  const CatalogueEntry* find(const std::string& uuid) const;
  // By NSD name, else by package name (the 5GTANGO LLCM's service_name); the newest upload
  // wins; "latest": the newest entry overall.
  const CatalogueEntry* find_by_service_name(const std::string& name) const;
  const std::string& dir() const { return dir_; }

 private:
  Catalogue() = default;
  std::string dir_;
  PackageLimits limits_;
  std::vector<std::unique_ptr<CatalogueEntry>> entries_;
};

}  // namespace chainlab::sonata
