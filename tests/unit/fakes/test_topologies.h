// Small topologies the unit tests over FakeControl share.
#pragma once

#include <gtest/gtest.h>

#include "fake_control.h"

namespace chainlab::testing {

// dc1 -(5 ms, 100 Mbps)- s1 -(unlimited)- dc2.
inline emulator::Topology two_pops_and_a_switch() {
  emulator::Topology t = FakeControl::pops({"dc1", "dc2"});
  EXPECT_TRUE(t.add_switch(emulator::SwitchSpec{"s1"}).ok());
  emulator::LinkSpec a;
  a.a = "dc1";
  a.b = "s1";
  a.delay_ns = 5'000'000;
  a.bw_mbps = 100;
  EXPECT_TRUE(t.add_link(a).ok());
  emulator::LinkSpec b;
  b.a = "s1";
  b.b = "dc2";
  EXPECT_TRUE(t.add_link(b).ok());
  return t;
}

}  // namespace chainlab::testing
