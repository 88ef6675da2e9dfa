// Factories of the v1 and v2 implementations behind CgroupHost (internal to substrate).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "substrate/cgroup.h"
#include "substrate/cgroup_parse.h"

namespace chainlab::substrate::cgroup_internal {

// A v1 host over `hierarchies` (see find_v1_hierarchies); `ncpus` bounds CPU quotas.
std::unique_ptr<CgroupHost> make_v1_host(std::vector<V1Hierarchy> hierarchies, int ncpus);
// A v2 host whose own cgroup is `dir`.
std::unique_ptr<CgroupHost> make_v2_host(std::string dir, int ncpus);

}  // namespace chainlab::substrate::cgroup_internal
