// A ReferenceResolver for plan tests (hot_template.h): resource r's id is "id-r", its
// attribute a is "r/a".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "frontends/openstack/hot_template.h"

namespace chainlab::openstack {

class NamedRefs : public ReferenceResolver {
 public:
  Result<nlohmann::json> resource_id(const std::string& r) const override {
    return nlohmann::json("id-" + r);
  }
  Result<nlohmann::json> attribute(const std::string& r, const std::string& a) const override {
    return nlohmann::json(r + "/" + a);
  }
};

}  // namespace chainlab::openstack
