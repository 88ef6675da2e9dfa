// Hosts for data-plane scenarios: native instances with one interface each, whose host ends are
// ports of an engine. Everything is removed by the fixture (and by the run's teardown) even when a
// test fails.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "dataplane/dataplane.h"
#include "instance_set.h"
#include "runtime/native_driver.h"
#include "substrate/run.h"
#include "test_util.h"

namespace chainlab::testing {

class DataplaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    auto run = substrate::Run::begin({});
    ASSERT_TRUE(run.ok()) << run.error().message;
    run_ = std::move(run).value();
    driver_ = std::make_unique<runtime::NativeDriver>(*run_);
    hosts_.use(driver_.get());
    auto engine = dataplane::Engine::start();
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    engine_ = std::move(engine).value();
  }
  void TearDown() override {
    engine_.reset();
    hosts_.clear();
    driver_.reset();
    run_.reset();
  }

  dataplane::LsiId lsi(const std::string& name) {
    auto id = engine_->create_lsi(name);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }

  // A host `name` with interface eth0 at `ip` (CIDR) plugged into `lsi`; returns its port.
  dataplane::PortId host(const std::string& name, const std::string& ip, dataplane::LsiId lsi,
                         std::vector<std::string> command = {}) {
    runtime::InstanceSpec spec;
    spec.name = name;
    spec.command = std::move(command);
    runtime::ComputeInstance* created = hosts_.create(spec);
    if (created == nullptr) {
      return 0;
    }
    EXPECT_TRUE(created->start().ok());
    runtime::InterfaceSpec intf;
    intf.name = "eth0";
    intf.ip = *substrate::Cidr::parse(ip);
    auto added = created->add_interface(intf);
    EXPECT_TRUE(added.ok()) << added.error().message;
    if (!added.ok()) {
      return 0;
    }
    macs_[name] = added->mac;
    auto port = engine_->add_port(lsi, name, added->host_ifname);
    EXPECT_TRUE(port.ok()) << port.error().message;
    return port.ok() ? *port : 0;
  }

  dataplane::Mac mac_of(const std::string& name) {
    dataplane::Mac m{};
    std::copy(macs_[name].bytes.begin(), macs_[name].bytes.end(), m.begin());
    return m;
  }

  // Runs a command in host `name`; returns {exit code, output}.
  runtime::ExecResult exec(const std::string& name, std::vector<std::string> argv,
                           std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto r = hosts_[name].exec(argv, timeout);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : runtime::ExecResult{-1, "", false};
  }

  bool ping(const std::string& from, const std::string& to_ip, int count = 1) {
    return exec(from, {"ping", "-c", std::to_string(count), "-i", "0.2", "-W", "1", to_ip})
               .exit_code == 0;
  }

  dataplane::RuleId rule(dataplane::LsiId lsi, dataplane::RuleSpec spec) {
    auto id = engine_->add_rule(lsi, spec);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }

  std::unique_ptr<substrate::Run> run_;
  std::unique_ptr<runtime::NativeDriver> driver_;
  InstanceSet hosts_;
  std::unique_ptr<dataplane::Engine> engine_;
  std::map<std::string, substrate::MacAddress> macs_;
};

// "in_port=A actions=output:B" and back, at the given priority.
inline dataplane::RuleSpec port_to_port(dataplane::PortId in, std::vector<dataplane::Action> acts,
                                        uint64_t cookie = 0, uint16_t priority = 1000) {
  dataplane::RuleSpec r;
  r.priority = priority;
  r.cookie = cookie;
  r.match.in_port = in;
  r.actions = std::move(acts);
  return r;
}

}  // namespace chainlab::testing
