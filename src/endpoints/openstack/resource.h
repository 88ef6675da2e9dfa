// Resource: one kind of REST resource served the Neutron way (Neutron's networks, subnets, ports,
// floating IPs and routers; networking-sfc's port pairs, groups, classifiers and chains). Five
// routes: GET (list, filtered as filter_items does) and POST (create, 201) on the collection;
// GET, PUT and DELETE (204) on an item, whose id is the item pattern's first group. Bodies and
// answers are {"<singular>": {...}}, lists {"<plural>": [...]}, errors NeutronError bodies.
// bind_ops fills the functions from an owner's typed operations (the Cloud's, the Sfc's).
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "endpoints/http/httplib_fwd.h"
#include "endpoints/http/router.h"

namespace chainlab::endpoints {

struct Resource {
  std::string singular;    // "port_pair"
  std::string plural;      // "port_pairs"
  std::string collection;  // path patterns
  std::string item;
  // The object under `singular` of a POST (`create`) or PUT body.
  std::function<Result<nlohmann::json>(const httplib::Request&, bool create)> body;
  std::set<std::string> unfiltered;  // query parameters that are not list filters
  std::function<nlohmann::json()> list;
  std::function<Result<nlohmann::json>(const std::string& id)> get;
  std::function<Result<nlohmann::json>(const nlohmann::json& body)> create;
  std::function<Result<nlohmann::json>(const std::string& id, const nlohmann::json& body)> update;
  std::function<Status(const std::string& id)> remove;
  // The NeutronError type of an error of get/create/update/remove ("", or unset: the code's);
  // `removing`: of DELETE.
  std::function<std::string(const Error&, bool removing)> error_type;
};

// The five routes of `r`, in the order above.
void add_resource_routes(Router& router, std::shared_ptr<const Resource> r);

// Sets r.list, get, create, update and remove from `owner`'s typed operations (member functions,
// or functions taking Owner& first): list() -> std::vector<T>; get(id), create(C) and update(id,
// U) -> Result<T>; remove(id) -> Status. `parse_create` and `parse_update` read C and U from the
// body object; `view` is the JSON of a T. `owner` must outlive `r`.
template <typename Owner, typename List, typename Get, typename Create, typename Update,
          typename Remove, typename ParseCreate, typename ParseUpdate, typename View>
void bind_ops(Resource& r, Owner& owner, List list, Get get, Create create, Update update,
              Remove remove, ParseCreate parse_create, ParseUpdate parse_update, View view) {
  using nlohmann::json;
  auto as_json = [view](const auto& record) -> Result<json> {
    if (!record.ok()) {
      return record.error();
    }
    return json(view(*record));
  };
  r.list = [&owner, list, view] {
    json out = json::array();
    for (const auto& record : std::invoke(list, owner)) {
      out.push_back(view(record));
    }
    return out;
  };
  r.get = [&owner, get, as_json](const std::string& id) {
    return as_json(std::invoke(get, owner, id));
  };
  r.create = [&owner, create, parse_create, as_json](const json& body) -> Result<json> {
    CL_ASSIGN_OR_RETURN(auto request, parse_create(body));
    return as_json(std::invoke(create, owner, request));
  };
  r.update = [&owner, update, parse_update, as_json](const std::string& id,
                                                     const json& body) -> Result<json> {
    CL_ASSIGN_OR_RETURN(auto request, parse_update(body));
    return as_json(std::invoke(update, owner, id, request));
  };
  r.remove = [&owner, remove](const std::string& id) { return std::invoke(remove, owner, id); };
}

}  // namespace chainlab::endpoints
