#include "endpoints/openstack/resource.h"

#include <httplib.h>

#include <utility>

#include "endpoints/openstack/common.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

Reply fail(const Resource& r, const Error& e, bool removing = false) {
  return openstack_error_reply(ErrorStyle::kNeutron, e,
                               r.error_type ? r.error_type(e, removing) : "");
}

Result<Reply> list(const Resource& r, const httplib::Request& req) {
  return Reply(json{{r.plural, filter_items(r.list(), req, r.unfiltered)}});
}

Result<Reply> create(const Resource& r, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, r.body(req, true));
  auto created = r.create(body);
  return created.ok() ? Reply(json{{r.singular, *created}}, 201) : fail(r, created.error());
}

Result<Reply> show(const Resource& r, const httplib::Request& req) {
  auto got = r.get(req.matches[1]);
  return got.ok() ? Reply(json{{r.singular, *got}}) : fail(r, got.error());
}

Result<Reply> update(const Resource& r, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, r.body(req, false));
  auto updated = r.update(req.matches[1], body);
  return updated.ok() ? Reply(json{{r.singular, *updated}}) : fail(r, updated.error());
}

Result<Reply> remove(const Resource& r, const httplib::Request& req) {
  Status s = r.remove(req.matches[1]);
  return s.ok() ? Reply::empty(204) : fail(r, s.error(), true);
}

}  // namespace

void add_resource_routes(Router& router, std::shared_ptr<const Resource> r) {
  using Fn = Result<Reply> (*)(const Resource&, const httplib::Request&);
  const std::pair<Method, Fn> kCollection[] = {{Method::kGet, &list}, {Method::kPost, &create}};
  const std::pair<Method, Fn> kItem[] = {
      {Method::kGet, &show}, {Method::kPut, &update}, {Method::kDelete, &remove}};
  // Plain pairs, not structured bindings: clang 14 cannot capture those in a lambda.
  for (const auto& route : kCollection) {
    Fn fn = route.second;
    router.add(route.first, r->collection,
               [r, fn](const httplib::Request& req) { return fn(*r, req); });
  }
  for (const auto& route : kItem) {
    Fn fn = route.second;
    router.add(route.first, r->item, [r, fn](const httplib::Request& req) { return fn(*r, req); });
  }
}

}  // namespace chainlab::endpoints
