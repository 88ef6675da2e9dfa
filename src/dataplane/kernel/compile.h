// Compiles an LSI's flow table into the kernel fast path's tables (maps.h): for each in_port that
// a rule names (and for "any other port") and each VID that a rule names (and for "untagged" and
// "any other VID"), the rules that can match such a frame, in the userspace table's order. A
// frame's table is found by falling back from the most to the least specific key; a table is only
// written when it holds rules, and every table holds the rules of the tables it falls back to, so
// a missing table means a miss. Plain code with no kernel in it: unit tested as any user.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "dataplane/flow.h"
#include "dataplane/kernel/maps.h"

namespace chainlab::dataplane::kernel {

struct TableKey {
  uint32_t in_port = CL_PORT_ANY;
  uint32_t vlan = CL_VLAN_NONE;
  friend auto operator<=>(const TableKey&, const TableKey&) = default;
};

// The rule's slot in the kernel's rule counters; 0 (none left): the rule is the engine's.
using SlotOf = std::function<uint32_t(const Rule&)>;

// One rule in the kernel's form; CL_A_SLOW when its actions need the userspace engine (learning,
// flood, segments, more than one output, header changes the flattening cannot keep in order).
cl_rule compile_rule(const Rule& rule, uint32_t slot);

// `rules` in any order (sorted here as FlowTable sorts them).
std::map<TableKey, cl_table> compile_tables(const std::vector<std::shared_ptr<const Rule>>& rules,
                                            const SlotOf& slot_of);

}  // namespace chainlab::dataplane::kernel
