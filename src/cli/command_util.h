// What the cmd_*.cc commands share: registering a group of leaf commands, the "error: ..."
// convention (stderr, exit code 1), and printing a table or the sentence that stands for an
// empty one. The REST plumbing on top of it is in remote.h.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/table.h"
#include "common/result.h"

namespace chainlab::cli {

// Prints "error: <message>" to stderr; returns exit code 1.
int fail(const Error& error);

// 0 when `status` is ok, else fail(its error).
int exit_code_of(const Status& status);

// What `then` returns for the checked input (nothing for a Status), or fail(input's error): the
// command line is parsed and checked before anything is sent.
template <typename T, typename F>
int if_valid(const Result<T>& input, F&& then) {
  if (!input.ok()) {
    return fail(input.error());
  }
  if constexpr (std::is_void_v<T>) {
    return then();
  } else {
    return then(*input);
  }
}

// The table, or `none` and a newline when it has no rows.
void print_table(const Table& table, std::string_view none);

// A command group `name` of `parent` that needs exactly one of its leaf commands.
CLI::App* add_group(CLI::App& parent, const std::string& name, const std::string& help);

// A leaf command of `group` with its own Options, held by its callback; running it sets
// ctx.exit_code to run(options). Returns the command and its options, to add flags to.
template <typename Options, typename Run>
std::pair<CLI::App*, Options*> add_leaf(CLI::App& group, CliContext& ctx, const std::string& name,
                                        const std::string& help, Run run) {
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = group.add_subcommand(name, help);
  cmd->callback([opt, run, &ctx] { ctx.exit_code = run(*opt); });
  return {cmd, opt.get()};
}

}  // namespace chainlab::cli
