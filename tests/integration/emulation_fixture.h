// A real emulation for a test: starts a topology, instances in it, pings between them. Shared by
// the emulator and the learning-mode tests.
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "emulator/emulation.h"
#include "test_util.h"

namespace chainlab::emulator {

class EmulationFixture : public ::testing::Test {
 protected:
  void SetUp() override { CL_REQUIRE_ROOT(); }
  void TearDown() override { emu_.reset(); }

  // `images`: the run's image store (null: no containers), outliving the emulation.
  void start(const Topology& t, runtime::ImageStore* images = nullptr) {
    EmulationOptions options;
    options.images = images;
    auto e = Emulation::start(t, options);
    ASSERT_TRUE(e.ok()) << e.error().message;
    emu_ = std::move(e).value();
  }
  void compute(const std::string& pop, const std::string& name, std::vector<InterfaceRequest> ifs,
               const std::string& flavor = "tiny", const std::string& cmd = "") {
    ComputeRequest r;
    r.pop = pop;
    r.name = name;
    r.interfaces = std::move(ifs);
    r.flavor = flavor;
    r.command = cmd;
    auto info = emu_->start_compute(r);
    ASSERT_TRUE(info.ok()) << info.error().message;
  }
  // Two probes: one lost first packet (ARP right after a rule change) does not fail a scenario.
  bool ping(const std::string& from, const std::string& to, int count = 2) {
    using namespace std::chrono_literals;
    auto r =
        emu_->exec(from, {"ping", "-c", std::to_string(count), "-i", "0.2", "-W", "1", to}, 30s);
    return r.ok() && r->exit_code == 0;
  }
  // The minimum RTT in ms of five quick pings (immune to scheduling hiccups); 0 if none came back.
  double min_rtt_ms(const std::string& from, const std::string& to) {
    using namespace std::chrono_literals;
    auto r = emu_->exec(from, {"ping", "-c", "5", "-i", "0.05", to}, 30s);
    double min = 0;
    auto pos = r.ok() ? r->output.find("= ") : std::string::npos;
    if (pos != std::string::npos) {
      std::sscanf(r->output.c_str() + pos, "= %lf", &min);
    }
    return min;
  }

  std::unique_ptr<Emulation> emu_;
};

}  // namespace chainlab::emulator
