// ResourceTable<T>: the records of one resource kind of a Cloud or an Sfc (networks, ports,
// servers, port chains, ...), keyed by their `id`, with the kind's "not found" message. One home
// for the idioms every kind repeats: find by id or answer NotFound, find by id or name, list as
// copies, put, erase. Not thread-safe: the owner's mutex guards it.
//
//   ResourceTable<Network> networks{"Network ", " could not be found."};
//   CL_ASSIGN_OR_RETURN(Network * n, networks.get(id));  // kNotFound "Network <id> could not ..."
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace chainlab::openstack {

template <typename T>
class ResourceTable {
 public:
  using Map = std::map<std::string, T>;

  // The NotFound message of an id is `before` + id + `after`.
  ResourceTable(std::string before, std::string after)
      : before_(std::move(before)), after_(std::move(after)) {}

  Error not_found(std::string_view id) const {
    return Error{ErrorCode::kNotFound, before_ + std::string(id) + after_};
  }

  // Null when unknown.
  T* find(const std::string& id) {
    auto it = map_.find(id);
    return it == map_.end() ? nullptr : &it->second;
  }
  const T* find(const std::string& id) const {
    auto it = map_.find(id);
    return it == map_.end() ? nullptr : &it->second;
  }
  // The record whose id is `key`, else the first whose name is `key` (what the OpenStack clients
  // accept for flavors and images); null when none.
  const T* find_by_id_or_name(const std::string& key) const {
    if (const T* v = find(key)) {
      return v;
    }
    for (const auto& [id, v] : map_) {
      if (v.name == key) {
        return &v;
      }
    }
    return nullptr;
  }
  // kNotFound (the kind's message) when unknown.
  Result<T*> get(const std::string& id) {
    T* v = find(id);
    return v != nullptr ? Result<T*>(v) : Result<T*>(not_found(id));
  }
  Result<const T*> get(const std::string& id) const {
    const T* v = find(id);
    return v != nullptr ? Result<const T*>(v) : Result<const T*>(not_found(id));
  }
  // A copy of the record, kNotFound when unknown.
  Result<T> copy(const std::string& id) const {
    const T* v = find(id);
    return v != nullptr ? Result<T>(*v) : Result<T>(not_found(id));
  }
  bool contains(const std::string& id) const { return map_.count(id) != 0; }

  // Copies of every record, in id order, or stably sorted by `less`.
  std::vector<T> list() const {
    std::vector<T> out;
    out.reserve(map_.size());
    for (const auto& [id, v] : map_) {
      out.push_back(v);
    }
    return out;
  }
  template <typename Less>
  std::vector<T> list(Less less) const {
    std::vector<T> out = list();
    std::stable_sort(out.begin(), out.end(), less);
    return out;
  }

  // Stores `value` under its id (replacing a record with that id); returns the stored record.
  T& put(T value) {
    std::string id = value.id;
    return map_[id] = std::move(value);
  }
  // kNotFound when unknown.
  Status erase(const std::string& id) {
    if (map_.erase(id) == 0) {
      return not_found(id);
    }
    return ok_status();
  }
  typename Map::iterator erase(typename Map::iterator it) { return map_.erase(it); }

  size_t size() const { return map_.size(); }
  typename Map::iterator begin() { return map_.begin(); }
  typename Map::iterator end() { return map_.end(); }
  typename Map::const_iterator begin() const { return map_.begin(); }
  typename Map::const_iterator end() const { return map_.end(); }

 private:
  std::string before_;
  std::string after_;
  Map map_;
};

// Under `mu` (the owner's mutex): copies of every record of `table` (stably sorted by `less`, if
// given) / a copy of one record, kNotFound when unknown.
template <typename T, typename... Less>
std::vector<T> locked_list(std::mutex& mu, const ResourceTable<T>& table, Less... less) {
  std::lock_guard lock(mu);
  return table.list(less...);
}
template <typename T>
Result<T> locked_copy(std::mutex& mu, const ResourceTable<T>& table, const std::string& id) {
  std::lock_guard lock(mu);
  return table.copy(id);
}

// Copies of records ordered by their creation stamp (Neutron lists oldest first).
template <typename T>
bool created_before(const T& a, const T& b) {
  return a.created_at < b.created_at;
}

// Applies one optional field of a partial update (PATCH / PUT with some keys).
template <typename T, typename U>
void set_if(T& field, const std::optional<U>& value) {
  if (value) {
    field = *value;
  }
}

}  // namespace chainlab::openstack
