// The run's OpenStack PoPs (their Cloud and StackEngine), added by the endpoint kind that makes
// them as each PoP's services start, read by the emulator's GET /restapi/openstack (the
// dashboard's read-only view: the OpenStack APIs themselves want Keystone tokens). The services
// outlive every listener of the run. Thread-safe.
#pragma once

#include <string>

#include "common/locked_list.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/heat_stacks.h"

namespace chainlab::endpoints {

struct CloudEntry {
  std::string pop;
  const openstack::Cloud* cloud = nullptr;
  const openstack::StackEngine* stacks = nullptr;  // may be null
};

class CloudDirectory final : public LockedList<CloudEntry> {};

}  // namespace chainlab::endpoints
