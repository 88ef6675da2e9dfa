// After every integration test (ctest runs each in its own process, one at a time): no run in the
// default state directory may be left by this process, or by a process that died (a `chainlab run`
// the test started and killed). Such a run fails the test that made it, names its owner and what
// it left, and is cleaned up so that the next test is not blamed for it.
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "common/files.h"
#include "common/units.h"
#include "substrate/cleanup.h"
#include "substrate/journal.h"

namespace chainlab::testing {
namespace {

class RunLeakCheck final : public ::testing::Environment {
 public:
  void TearDown() override {
    std::string runs = std::string(substrate::kDefaultStateDir) + "/runs";
    for (const auto& name : list_dir(runs).value_or(std::vector<std::string>{})) {
      std::string dir = runs + "/" + name;
      if (!leaked(dir)) {
        continue;
      }
      std::string owner = substrate::Journal::owner_text(dir);
      substrate::CleanupReport report = substrate::cleanup_run_dir(dir);
      std::string objects;
      for (const auto& e : report.removed) {
        objects += fmt::format("\n  {} {}", substrate::object_kind_name(e.kind), e.id);
      }
      ADD_FAILURE() << "run " << name << " (owner " << owner << ") was not torn down; it left"
                    << (objects.empty() ? " no kernel object" : objects);
    }
  }

 private:
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
};

[[maybe_unused]] ::testing::Environment* const kRunLeakCheck =
    ::testing::AddGlobalTestEnvironment(new RunLeakCheck);

}  // namespace
}  // namespace chainlab::testing
