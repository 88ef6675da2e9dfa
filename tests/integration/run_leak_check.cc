// After every integration test (ctest runs each in its own process, one at a time): no run in the
// default state directory may be left by this process, or by a process that died (a `chainlab run`
// the test started and killed). Such a run fails the test that made it, names its owner and what
// it left, and is cleaned up so that the next test is not blamed for it. A dead run that was there
// before the test began (a machine restarted in the middle of another suite) is not this test's:
// it is cleaned up with a warning.
#include <unistd.h>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/files.h"
#include "common/units.h"
#include "substrate/cleanup.h"
#include "substrate/journal.h"

namespace chainlab::testing {
namespace {

class RunLeakCheck final : public ::testing::Environment {
 public:
  void SetUp() override {
    for (const auto& name : run_names()) {
      before_.insert(name);
    }
  }

  void TearDown() override {
    for (const auto& name : run_names()) {
      std::string dir = runs_dir() + "/" + name;
      if (!leaked(dir)) {
        continue;
      }
      std::string owner = substrate::Journal::owner_text(dir);
      std::string objects = removed_objects(substrate::cleanup_run_dir(dir));
      if (before_.contains(name)) {
        fmt::print(stderr, "warning: cleaned up run {} (owner {}), left before this test:{}\n",
                   name, owner, objects.empty() ? " no kernel object" : objects);
        continue;
      }
      ADD_FAILURE() << "run " << name << " (owner " << owner << ") was not torn down; it left"
                    << (objects.empty() ? " no kernel object" : objects);
    }
  }

 private:
  static std::string runs_dir() { return std::string(substrate::kDefaultStateDir) + "/runs"; }

  static std::vector<std::string> run_names() {
    return list_dir(runs_dir()).value_or(std::vector<std::string>{});
  }

  static std::string removed_objects(const substrate::CleanupReport& report) {
    std::string objects;
    for (const auto& e : report.removed) {
      objects += fmt::format("\n  {} {}", substrate::object_kind_name(e.kind), e.id);
    }
    return objects;
  }

  // Owned by this process after its tests (every emulation must be gone by now), or by a dead one.
  static bool leaked(const std::string& dir) {
    auto owner = read_file(dir + "/owner");
    if (!owner.ok()) {
      return false;  // being created, or not a run
    }
    auto fields = split(trim(*owner), ' ');
    bool mine = !fields.empty() && fields.front() == std::to_string(::getpid());
    return mine || !substrate::Journal::owner_alive(dir);
  }

  std::set<std::string> before_;
};

[[maybe_unused]] ::testing::Environment* const kRunLeakCheck =
    ::testing::AddGlobalTestEnvironment(new RunLeakCheck);

}  // namespace
}  // namespace chainlab::testing
