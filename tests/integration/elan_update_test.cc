// E-LAN membership changed at runtime (what Neutron networks do as ports come and go) and explicit
// limits on a compute request (what descriptors and OpenStack flavours ask for).
#include "emulator/emulation.h"
#include "test_util.h"

namespace chainlab::emulator {
namespace {

using namespace std::chrono_literals;

class ElanUpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    Topology t;
    t.emulator.rest_port = 0;
    ASSERT_TRUE(t.add_pop({"dc1", {}, {}, {}}).ok());
    ASSERT_TRUE(t.add_pop({"dc2", {}, {}, {}}).ok());
    ASSERT_TRUE(t.add_link({"dc1", "dc2"}).ok());
    auto e = Emulation::start(t);
    ASSERT_TRUE(e.ok()) << e.error().message;
    emu_ = std::move(e).value();
  }
  void TearDown() override { emu_.reset(); }

  void compute(const std::string& pop, const std::string& name, const std::string& ip) {
    ComputeRequest r;
    r.pop = pop;
    r.name = name;
    r.interfaces = {{.id = "net", .ip = ip}};
    auto info = emu_->start_compute(r);
    ASSERT_TRUE(info.ok()) << info.error().message;
  }
  // `count` > 1 after a refused ping to the same address: the sender's neighbour entry is then
  // FAILED and the kernel may hold the first new echo back while it solicits again.
  bool ping(const std::string& from, const std::string& to, int count = 1) {
    auto r =
        emu_->exec(from, {"ping", "-c", std::to_string(count), "-i", "0.2", "-W", "1", to}, 10s);
    return r.ok() && r->exit_code == 0;
  }

  std::unique_ptr<Emulation> emu_;
};

TEST_F(ElanUpdateTest, MembersComeAndGoWithoutTouchingTheOthers) {
  compute("dc1", "a", "10.7.0.1/24");
  compute("dc1", "b", "10.7.0.2/24");
  compute("dc2", "c", "10.7.0.3/24");
  auto lan = emu_->update_elan("net1", {{"a", "net"}, {"b", "net"}});  // created when absent
  ASSERT_TRUE(lan.ok()) << lan.error().message;
  EXPECT_TRUE(ping("a", "10.7.0.2"));
  EXPECT_FALSE(ping("a", "10.7.0.3")) << "c is not a member yet";

  lan = emu_->update_elan("net1", {{"a", "net"}, {"b", "net"}, {"c", "net"}});
  ASSERT_TRUE(lan.ok()) << lan.error().message;
  EXPECT_NE(lan->vlan, 0) << "spanning two PoPs needs a tag on the link";
  EXPECT_TRUE(ping("a", "10.7.0.3", 3));
  EXPECT_TRUE(ping("c", "10.7.0.2"));

  // A bad membership is refused and the old one keeps working.
  auto bad = emu_->update_elan("net1", {{"a", "net"}, {"nosuch", "net"}});
  EXPECT_EQ(bad.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(ping("c", "10.7.0.1"));

  lan = emu_->update_elan("net1", {{"a", "net"}, {"c", "net"}});
  ASSERT_TRUE(lan.ok()) << lan.error().message;
  EXPECT_FALSE(ping("b", "10.7.0.1")) << "b left the LAN";
  EXPECT_TRUE(ping("a", "10.7.0.3"));
  ASSERT_TRUE(emu_->delete_elan("net1").ok());
  EXPECT_FALSE(ping("a", "10.7.0.3"));
}

TEST_F(ElanUpdateTest, ExplicitLimitsOverrideTheFlavour) {
  ComputeRequest r;
  r.pop = "dc1";
  r.name = "limited";
  r.limits = substrate::ResourceLimits{};
  r.limits->cpu_period_us = 1'000'000;
  r.limits->cpu_quota_us = 250'000;
  r.limits->memory_bytes = 64ll << 20;
  auto info = emu_->start_compute(r);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->status.limits.cpu_quota_us, 250'000);
  EXPECT_EQ(info->status.limits.cpu_period_us, 1'000'000);
  EXPECT_EQ(info->status.limits.memory_bytes, 64ll << 20);
}

}  // namespace
}  // namespace chainlab::emulator
