#include "cli/command_util.h"

#include <cstdio>

namespace chainlab::cli {

int fail(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.message.c_str());
  return 1;
}

int exit_code_of(const Status& status) {
  return status.ok() ? 0 : fail(status.error());
}

void print_table(const Table& table, std::string_view none) {
  if (table.empty()) {
    std::printf("%.*s\n", static_cast<int>(none.size()), none.data());
  } else {
    std::printf("%s", table.render().c_str());
  }
}

CLI::App* add_group(CLI::App& parent, const std::string& name, const std::string& help) {
  CLI::App* group = parent.add_subcommand(name, help);
  group->require_subcommand(1);
  return group;
}

}  // namespace chainlab::cli
