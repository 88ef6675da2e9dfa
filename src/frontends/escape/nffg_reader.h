// Internal to the NFFG reader (nffg_json.cc, nffg_read_nodes.cc): one JSON object of the file
// whose fields are taken one by one; what is left becomes the element's `extra`, which is how
// the model stays lossless. A null value is left for `extra` too (the model has no null).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "frontends/escape/nffg.h"

namespace chainlab::escape::detail {

class ObjectReader {
 public:
  // InvalidArgument "<path>: not an object" unless `value` is one.
  static Result<ObjectReader> open(const nlohmann::json& value, std::string path);

  const std::string& path() const { return path_; }
  std::string path(std::string_view key) const;
  // The value under `key`, marked as read; nullptr when absent or null.
  const nlohmann::json* take(std::string_view key);
  // Like take, but an empty list is left for `extra` (the writers leave empty lists out, so
  // this keeps `"ports": []` as written).
  const nlohmann::json* take_list(std::string_view key);

  Result<std::optional<std::string>> opt_string(std::string_view key);
  // A finite number >= 0 (resources, delays, bandwidths, costs).
  Result<std::optional<double>> opt_amount(std::string_view key);
  Result<std::optional<bool>> opt_bool(std::string_view key);
  Result<std::optional<Id>> opt_id(std::string_view key);
  Result<Id> id(std::string_view key);  // required
  Result<std::optional<Operation>> opt_operation();
  Result<std::optional<ElementStatus>> opt_status();
  Result<std::optional<nlohmann::json>> opt_object(std::string_view key);  // kept opaque
  // Every key not taken.
  nlohmann::json rest() const;

 private:
  ObjectReader(const nlohmann::json& object, std::string path)
      : object_(&object), path_(std::move(path)) {}

  const nlohmann::json* object_;
  std::string path_;
  std::set<std::string, std::less<>> taken_;
};

// An id value (string or integer) at `path`.
Result<Id> read_id(const nlohmann::json& value, const std::string& path);
Result<std::optional<Constraints>> read_constraints(ObjectReader& r);
Result<std::optional<Resources>> read_resources(ObjectReader& r, std::string_view key);
Result<std::vector<Port>> read_ports(ObjectReader& r);
Result<NodeNf> read_nf(const nlohmann::json& v, std::string path);
Result<NodeSap> read_sap(const nlohmann::json& v, std::string path);
Result<NodeInfra> read_infra(const nlohmann::json& v, std::string path);

// The writers' counterparts (nffg_write.cc), shared by the element writers.
nlohmann::json constraints_json(const Constraints& c);
nlohmann::json resources_json(const Resources& r);

}  // namespace chainlab::escape::detail
