// The NFFG reader's field getters (nffg_reader.h): every wrong field is named by its path.
#include <cmath>

#include "common/field_path.h"
#include "frontends/escape/nffg_reader.h"

namespace chainlab::escape::detail {
namespace {

using nlohmann::json;

Error object_error(const std::string& path, std::string_view what) {
  return field_error("", path, what);
}

}  // namespace

Result<ObjectReader> ObjectReader::open(const json& value, std::string path) {
  if (!value.is_object()) {
    return object_error(path, "not an object");
  }
  return ObjectReader(value, std::move(path));
}

std::string ObjectReader::path(std::string_view key) const {
  return field_join(path_, key);
}

const json* ObjectReader::take_list(std::string_view key) {
  auto it = object_->find(key);
  if (it != object_->end() && it->is_array() && it->empty()) {
    return &*it;
  }
  return take(key);
}

const json* ObjectReader::take(std::string_view key) {
  auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) {
    return nullptr;
  }
  taken_.emplace(key);
  return &*it;
}

Result<std::optional<std::string>> ObjectReader::opt_string(std::string_view key) {
  const json* v = take(key);
  if (v == nullptr) {
    return std::optional<std::string>();
  }
  if (!v->is_string()) {
    return object_error(path(key), "not a string");
  }
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::optional<double>> ObjectReader::opt_amount(std::string_view key) {
  const json* v = take(key);
  if (v == nullptr) {
    return std::optional<double>();
  }
  if (!v->is_number()) {
    return object_error(path(key), "not a number");
  }
  double d = v->get<double>();
  if (!std::isfinite(d) || d < 0) {
    return object_error(path(key), "not a finite number >= 0");
  }
  return std::optional<double>(d);
}

Result<std::optional<bool>> ObjectReader::opt_bool(std::string_view key) {
  const json* v = take(key);
  if (v == nullptr) {
    return std::optional<bool>();
  }
  if (!v->is_boolean()) {
    return object_error(path(key), "not a boolean");
  }
  return std::optional<bool>(v->get<bool>());
}

Result<std::optional<Id>> ObjectReader::opt_id(std::string_view key) {
  const json* v = take(key);
  if (v == nullptr) {
    return std::optional<Id>();
  }
  CL_ASSIGN_OR_RETURN(Id id, read_id(*v, path(key)));
  return std::optional<Id>(std::move(id));
}

Result<Id> ObjectReader::id(std::string_view key) {
  CL_ASSIGN_OR_RETURN(std::optional<Id> id, opt_id(key));
  if (!id) {
    return object_error(path(key), "is required");
  }
  return *id;
}

Result<std::optional<Operation>> ObjectReader::opt_operation() {
  CL_ASSIGN_OR_RETURN(std::optional<std::string> v, opt_string("operation"));
  if (!v) {
    return std::optional<Operation>();
  }
  std::optional<Operation> op = operation_from_name(*v);
  if (!op) {
    return object_error(path("operation"), "expected create, replace, merge, remove or delete");
  }
  return op;
}

Result<std::optional<ElementStatus>> ObjectReader::opt_status() {
  CL_ASSIGN_OR_RETURN(std::optional<std::string> v, opt_string("status"));
  if (!v) {
    return std::optional<ElementStatus>();
  }
  std::optional<ElementStatus> s = status_from_name(*v);
  if (!s) {
    return object_error(path("status"),
                        "expected INITIALIZED, PENDING, DEPLOYED, RUNNING, STOPPED or FAILED");
  }
  return s;
}

Result<std::optional<json>> ObjectReader::opt_object(std::string_view key) {
  const json* v = take(key);
  if (v == nullptr) {
    return std::optional<json>();
  }
  if (!v->is_object()) {
    return object_error(path(key), "not an object");
  }
  return std::optional<json>(*v);
}

json ObjectReader::rest() const {
  json out = json::object();
  for (const auto& [k, v] : object_->items()) {
    if (!taken_.contains(k)) {
      out[k] = v;
    }
  }
  return out;
}

Result<Id> read_id(const json& value, const std::string& path) {
  if (value.is_string()) {
    return Id(value.get<std::string>());
  }
  if (value.is_number_unsigned()) {
    return Id::number(value.get<uint64_t>());
  }
  if (value.is_number_integer()) {
    return Id::number(value.get<int64_t>());
  }
  return object_error(path, "not an id (a string or an integer)");
}

}  // namespace chainlab::escape::detail
