// Arguments of son-emu calls (sonemu_args.h) and addLink's parameters in son-emu's units
// (Mininet's TCLink: delay/jitter as tc times, bw in Mbit/s, loss in percent, max_queue_size in
// packets).
#include <cmath>
#include <cstdlib>
#include <string>

#include "emulator/sonemu_args.h"

namespace chainlab::emulator::sonemu {

const Value* Bound::get(std::string_view name) const {
  auto it = args.find(name);
  return it == args.end() ? nullptr : &it->second;
}

Error ArgReader::fail(std::string_view message) const {
  return pyscript::script_error(source_, line_, fmt::format("{}: {}", function_, message));
}

Result<Bound> ArgReader::bind(const CallArgs& args, const std::vector<std::string_view>& params,
                              size_t required, bool kwargs) const {
  Bound b;
  if (args.positional.size() > params.size()) {
    return fail(fmt::format("takes at most {} positional arguments ({} given)", params.size(),
                            args.positional.size()));
  }
  for (size_t i = 0; i < args.positional.size(); ++i) {
    b.args.emplace(std::string(params[i]), args.positional[i]);
  }
  for (const auto& [name, value] : args.keywords) {
    bool known = false;
    for (std::string_view p : params) {
      known = known || p == name;
    }
    if (!known) {
      if (!kwargs) {
        return fail(fmt::format("got an unexpected keyword argument '{}'", name));
      }
      b.extra.emplace_back(name, value);
      continue;
    }
    if (!b.args.emplace(name, value).second) {
      return fail(fmt::format("got multiple values for argument '{}'", name));
    }
  }
  for (size_t i = 0; i < required; ++i) {
    if (b.get(params[i]) == nullptr) {
      return fail(fmt::format("missing argument '{}'", params[i]));
    }
  }
  return b;
}

Status ArgReader::known(const Value& v, std::string_view what) const {
  if (v.is_opaque()) {
    return fail(
        fmt::format("{} is unknown until the script runs (it comes from {}); the "
                    "translation needs a constant",
                    what, v.text));
  }
  return ok_status();
}

Result<std::string> ArgReader::str(const Value& v, std::string_view what) const {
  CL_RETURN_IF_ERROR(known(v, what));
  if (v.kind != Kind::kStr) {
    return fail(fmt::format("{} must be a string, not {}", what, describe(v)));
  }
  return v.text;
}

Result<int64_t> ArgReader::integer(const Value& v, std::string_view what) const {
  CL_RETURN_IF_ERROR(known(v, what));
  if (v.kind != Kind::kInt) {
    return fail(fmt::format("{} must be an integer, not {}", what, describe(v)));
  }
  return v.integer;
}

Result<double> ArgReader::number(const Value& v, std::string_view what) const {
  CL_RETURN_IF_ERROR(known(v, what));
  if (v.kind == Kind::kInt) {
    return static_cast<double>(v.integer);
  }
  if (v.kind != Kind::kFloat) {
    return fail(fmt::format("{} must be a number, not {}", what, describe(v)));
  }
  return v.number;
}

Result<bool> ArgReader::flag(const Value& v, std::string_view what) const {
  CL_RETURN_IF_ERROR(known(v, what));
  auto t = truth(v);
  if (!t) {
    return fail(fmt::format("{} is {}", what, describe(v)));
  }
  return *t;
}

Result<std::map<std::string, std::string>> ArgReader::string_map(
    const Value& v, std::string_view what, std::vector<std::string>& notes) const {
  CL_RETURN_IF_ERROR(known(v, what));
  std::map<std::string, std::string> out;
  if (v.kind == Kind::kNone) {
    return out;
  }
  if (v.kind != Kind::kDict) {
    return fail(fmt::format("{} must be a dict, not {}", what, describe(v)));
  }
  if (!v.dict->tainted.empty()) {
    return fail(fmt::format("{} is {}", what, describe(v)));
  }
  for (const auto& [key, value] : v.dict->items) {
    CL_RETURN_IF_ERROR(known(key, what));
    CL_RETURN_IF_ERROR(known(value, fmt::format("{}[{}]", what, py_repr(key))));
    if (key.kind != Kind::kStr) {
      return fail(fmt::format("{} keys must be strings, not {}", what, describe(key)));
    }
    if (value.kind != Kind::kStr && value.kind != Kind::kInt && value.kind != Kind::kFloat &&
        value.kind != Kind::kBool && value.kind != Kind::kNone) {
      return fail(fmt::format("{}['{}'] is {}; chainlab metadata holds strings and numbers only",
                              what, key.text, describe(value)));
    }
    if (value.kind != Kind::kStr) {
      notes.push_back(fmt::format("{}['{}']: {} becomes the string '{}' in chainlab's metadata",
                                  what, key.text, py_repr(value), py_str(value)));
    }
    out[key.text] = py_str(value);
  }
  return out;
}

Result<uint64_t> ArgReader::tc_time(const Value& v, std::string_view what,
                                    std::vector<std::string>& notes) const {
  CL_RETURN_IF_ERROR(known(v, what));
  double amount = 0;
  std::string unit;
  if (v.kind == Kind::kInt || v.kind == Kind::kFloat) {
    amount = v.kind == Kind::kInt ? static_cast<double>(v.integer) : v.number;
  } else if (v.kind == Kind::kStr) {
    std::string s = v.text;
    while (!s.empty() && s.back() == ' ') {
      s.pop_back();
    }
    const char* begin = s.c_str();
    while (*begin == ' ') {
      ++begin;
    }
    char* end = nullptr;
    amount = std::strtod(begin, &end);
    if (end == begin || *begin == '-' || *begin == '+' || std::isinf(amount) ||
        std::isnan(amount)) {
      return fail(fmt::format("{}={} is not a tc time such as '10ms'", what, py_repr(v)));
    }
    for (const char* p = end; *p != '\0'; ++p) {
      unit += static_cast<char>(*p | 0x20);
    }
  } else {
    return fail(fmt::format("{} must be a time such as '10ms', not {}", what, describe(v)));
  }
  double factor = 0;
  if (unit == "s" || unit == "sec" || unit == "secs") {
    factor = 1e9;
  } else if (unit == "ms" || unit == "msec" || unit == "msecs") {
    factor = 1e6;
  } else if (unit == "us" || unit == "usec" || unit == "usecs" || unit.empty()) {
    factor = 1e3;
  } else if (unit == "ns" || unit == "nsec" || unit == "nsecs") {
    factor = 1;
  } else {
    return fail(fmt::format("{}={}: unknown time unit '{}' (tc knows s, ms, us, ns)", what,
                            py_repr(v), unit));
  }
  if (unit.empty() && amount != 0) {
    notes.push_back(fmt::format("{}={} has no unit: tc reads a bare number as microseconds ({}us)",
                                what, py_repr(v), py_str(v)));
  }
  double ns = amount * factor;
  if (amount < 0 || ns > 1e18) {
    return fail(fmt::format("{}={} is out of range", what, py_repr(v)));
  }
  return static_cast<uint64_t>(std::llround(ns));
}

Result<LinkSpec> Model::link_params(const std::vector<std::pair<std::string, Value>>& params,
                                    int line) {
  ArgReader r(source_, line, "addLink()");
  LinkSpec spec;
  std::vector<std::string> notes;
  bool shaped = true;
  bool shaping_given = false;
  for (const auto& [key, v] : params) {
    if (v.kind == Kind::kNone) {
      continue;  // Mininet leaves None parameters unset
    }
    if (key == "delay" || key == "jitter") {
      CL_ASSIGN_OR_RETURN(uint64_t ns, r.tc_time(v, key, notes));
      (key == "delay" ? spec.delay_ns : spec.jitter_ns) = ns;
      shaping_given = true;
    } else if (key == "bw") {
      CL_ASSIGN_OR_RETURN(double bw, r.number(v, "bw"));
      shaping_given = true;
      if (bw < 0 || bw > 1000) {
        notes.push_back(
            fmt::format("bw={}: Mininet ignores a bandwidth outside 0..1000 Mbit/s, so "
                        "the link is not rate limited; translated the same way",
                        py_str(v)));
      } else {
        spec.bw_mbps = bw;
      }
    } else if (key == "loss") {
      CL_ASSIGN_OR_RETURN(spec.loss_percent, r.number(v, "loss"));
      shaping_given = true;
      if (spec.loss_percent < 0 || spec.loss_percent > 100) {
        return r.fail(
            fmt::format("loss={} is outside 0..100 percent (Mininet would drop this "
                        "link's whole netem setting)",
                        py_str(v)));
      }
    } else if (key == "max_queue_size") {
      CL_ASSIGN_OR_RETURN(int64_t q, r.integer(v, "max_queue_size"));
      if (q < 1 || q > 1'000'000) {
        return r.fail(fmt::format("max_queue_size={} is out of range 1..1000000 packets", q));
      }
      spec.queue_packets = static_cast<uint32_t>(q);
    } else if (key == "cls") {
      if (v.kind == Kind::kExternal && v.text == "mininet.link.Link") {
        shaped = false;
      } else if (v.kind != Kind::kExternal || v.text != "mininet.link.TCLink") {
        notes.push_back(fmt::format("cls={}: translated as a TCLink (a shaped link)",
                                    v.kind == Kind::kExternal ? v.text : describe(v)));
      }
    } else {
      notes.push_back(fmt::format("addLink({}=...) is not translated; ignored", key));
    }
  }
  if (!shaped && shaping_given) {
    notes.push_back(
        "cls=Link: Mininet does not shape this link, so its delay, jitter, bw and "
        "loss are dropped");
    LinkSpec plain;
    plain.queue_packets = spec.queue_packets;
    spec = plain;
  }
  for (std::string& note : notes) {
    warn(line, std::move(note));
  }
  return spec;
}

}  // namespace chainlab::emulator::sonemu
