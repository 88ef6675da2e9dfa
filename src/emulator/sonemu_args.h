// Internal to the son-emu importer: binding a call's arguments to a son-emu function's parameters
// (Python's rules: positional, keyword, **kwargs) and reading them as the constants a topology
// needs, with errors that name the script line, the function and the parameter.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/sonemu_model.h"

namespace chainlab::emulator::sonemu {

// "emuvim.api.tango.TangoLLCMEndpoint" -> "TangoLLCMEndpoint".
inline std::string last_part(std::string_view dotted) {
  size_t dot = dotted.rfind('.');
  return std::string(dot == std::string_view::npos ? dotted : dotted.substr(dot + 1));
}

inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

struct Bound {
  std::map<std::string, Value, std::less<>> args;
  std::vector<std::pair<std::string, Value>> extra;  // keywords **kwargs collected
  const Value* get(std::string_view name) const;     // null when not given
};

class ArgReader {
 public:
  ArgReader(const std::string& source, int line, std::string function)
      : source_(source), line_(line), function_(std::move(function)) {}

  // "<source>:<line>: <function>: <message>".
  Error fail(std::string_view message) const;
  // The first `required` parameters must be given; unknown keywords go to `extra` when
  // `kwargs`, else they are an error (Python's TypeError).
  Result<Bound> bind(const CallArgs& args, const std::vector<std::string_view>& params,
                     size_t required, bool kwargs) const;
  // Errors for an opaque value: the topology needs it as a constant.
  Status known(const Value& v, std::string_view what) const;
  Result<std::string> str(const Value& v, std::string_view what) const;
  Result<int64_t> integer(const Value& v, std::string_view what) const;
  Result<double> number(const Value& v, std::string_view what) const;
  Result<bool> flag(const Value& v, std::string_view what) const;  // Python truth of a constant
  // A dict of scalar values as strings (PoP metadata); `notes` gets one line per conversion
  // that changes how a value reads (numbers and booleans become strings).
  Result<std::map<std::string, std::string>> string_map(const Value& v, std::string_view what,
                                                        std::vector<std::string>& notes) const;
  // A tc time as Mininet passes it to netem ("10ms", "1.5s", 200): nanoseconds. A bare number is
  // microseconds (tc's default unit), noted.
  Result<uint64_t> tc_time(const Value& v, std::string_view what,
                           std::vector<std::string>& notes) const;

 private:
  const std::string& source_;
  int line_;
  std::string function_;
};

}  // namespace chainlab::emulator::sonemu
