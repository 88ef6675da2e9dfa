#include "cli/table.h"

#include <gtest/gtest.h>

namespace chainlab::cli {
namespace {

TEST(Table, PadsColumnsToWidestCell) {
  Table t({"NAME", "STATE"});
  t.add({"server", "running"});
  t.add({"c", "exited"});
  EXPECT_EQ(t.render(),
            "NAME    STATE\n"
            "server  running\n"
            "c       exited\n");
}

}  // namespace
}  // namespace chainlab::cli
