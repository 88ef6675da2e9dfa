// Internal end-points (the reference's internal LSIs, un-orchestrator-facts.md §6.4): graphs that
// name the same internal-group meet on one switch of that group, created with the first graph
// and destroyed with the last. Each member graph has one virtual link between LSI-0 and the
// group's switch; its internal end-points are the LSI-0 end of that link. The group's switch
// floods what arrives on one member's link to every other member (a hub: the reference's
// NORMAL rule, without learning), so the graphs' own rules decide what enters the group.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "emulator/control.h"

namespace chainlab::unode {

class InternalGroups {
 public:
  InternalGroups(emulator::Control& control, std::string pop)
      : control_(control), pop_(std::move(pop)) {}

  // The LSI-0 port of `graph`'s link into `group` (made on first use; the same port again).
  Result<dataplane::PortId> join(const std::string& group, const std::string& graph);
  // Removes `graph`'s link; the group's switch goes with its last member.
  Status leave(const std::string& group, const std::string& graph);
  size_t members(const std::string& group) const;

 private:
  struct Group {
    std::string lsi_name;
    dataplane::LsiId lsi = 0;
    std::map<std::string, emulator::LsiLink> links;  // by graph
    std::vector<dataplane::RuleId> rules;
  };
  // Installs the hub rules for the group's members, then removes the old ones.
  Status rewire(Group& g);

  emulator::Control& control_;
  std::string pop_;
  mutable std::mutex mu_;
  std::map<std::string, Group> groups_;
  uint64_t next_ = 1;
};

}  // namespace chainlab::unode
