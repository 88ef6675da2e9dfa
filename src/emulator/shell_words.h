// What a compute request's command string means before anything runs: its words as a Docker
// client splits a string CMD, and the program a `sh -c` of it would start. Both parse untrusted
// input (REST bodies, descriptors): no expansion is done, an unterminated quote is an error.
// See also: emulation.h (ComputeRequest.command), runtime/compute.h (InstanceSpec.program).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace chainlab::emulator {

// POSIX shell word splitting with quote removal and no expansion (Python's shlex.split, which
// docker-py applies to a string command): `sh -c 'echo hi'` -> {"sh", "-c", "echo hi"}.
// InvalidArgument for an unterminated quote.
Result<std::vector<std::string>> split_shell_words(std::string_view text);

// The program `sh -c script` starts first, when that can be told without running the shell: the
// first word (quotes removed; after `exec`). nullopt when the first word is a shell keyword or
// builtin, a variable assignment, a redirection or comment, or has an expansion ($, `, glob
// characters, a leading ~): the shell decides those. InvalidArgument for an unterminated quote
// in that word or an empty program name ("").
Result<std::optional<std::string>> shell_program(std::string_view script);

}  // namespace chainlab::emulator
