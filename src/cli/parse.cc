#include "cli/parse.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/units.h"

namespace chainlab::cli {
namespace {

bool valid_name(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// "a.b.c.d/len", each part in range.
bool valid_cidr(std::string_view s) {
  size_t slash = s.find('/');
  std::string_view addr = s.substr(0, slash);
  int parts = 0;
  while (true) {
    size_t dot = addr.find('.');
    std::string_view part = addr.substr(0, dot);
    unsigned v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || p != part.data() + part.size() || v > 255) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) {
      break;
    }
    addr.remove_prefix(dot + 1);
  }
  if (parts != 4) {
    return false;
  }
  if (slash == std::string_view::npos) {
    return true;
  }
  std::string_view len = s.substr(slash + 1);
  unsigned v = 0;
  auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), v);
  return !len.empty() && ec == std::errc() && p == len.data() + len.size() && v <= 32;
}

bool valid_mac(std::string_view s) {
  if (s.size() != 17) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i % 3 == 2) {
      if (c != ':') {
        return false;
      }
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// The keys of one --net interface: how a value is checked, what the error says it must be.
struct NetKey {
  std::string_view key;
  bool (*valid)(std::string_view);
  std::string_view rule;
  std::string NetSpec::*field;
};

const NetKey kNetKeys[] = {
    {"id", valid_name, "must be letters, digits, '-', '_' or '.'", &NetSpec::id},
    {"ip", valid_cidr, "is not an IPv4 address like 10.0.0.1/24", &NetSpec::ip},
    {"mac", valid_mac, "is not like 02:00:00:00:00:01", &NetSpec::mac},
};

Status parse_net_group(std::string_view group, size_t index, NetSpec& out) {
  size_t pos = 0;
  while (pos <= group.size()) {
    size_t comma = group.find(',', pos);
    std::string_view item = trim_blanks(
        group.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    pos = comma == std::string_view::npos ? group.size() + 1 : comma + 1;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--net: interface {}: '{}' is not key=value (keys: id, ip, mac)", index + 1,
                        item);
    }
    std::string_view key = trim_blanks(item.substr(0, eq));
    std::string_view value = trim_blanks(item.substr(eq + 1));
    const NetKey* k = std::find_if(std::begin(kNetKeys), std::end(kNetKeys),
                                   [key](const NetKey& nk) { return nk.key == key; });
    if (k == std::end(kNetKeys)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--net: interface {}: unknown key '{}' (keys: id, ip, mac)", index + 1,
                        key);
    }
    if (!k->valid(value)) {
      return make_error(ErrorCode::kInvalidArgument, "--net: interface {}: {} '{}' {}", index + 1,
                        key, value, k->rule);
    }
    out.*(k->field) = value;
  }
  if (out.id.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "--net: interface {}: id=... is required",
                      index + 1);
  }
  return ok_status();
}

}  // namespace

Result<VnfInterface> parse_vnf_interface(std::string_view text) {
  size_t colon = text.find(':');
  VnfInterface out;
  out.vnf = text.substr(0, colon);
  if (colon != std::string_view::npos) {
    out.intf = text.substr(colon + 1);
    if (!valid_name(out.intf)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "'{}': expected VNF[:INTERFACE], the interface is empty or malformed",
                        text);
    }
  }
  if (!valid_name(out.vnf)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "'{}': expected VNF[:INTERFACE], the VNF name is empty or malformed", text);
  }
  return out;
}

Result<std::vector<NetSpec>> parse_net_spec(std::string_view text) {
  std::string_view s = trim_blanks(text);
  std::vector<NetSpec> out;
  if (s.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--net: empty; expected e.g. \"(id=input,ip=10.0.0.1/24),(id=output)\"");
  }
  size_t pos = 0;
  while (pos < s.size()) {
    if (s[pos] != '(') {
      return make_error(ErrorCode::kInvalidArgument,
                        "--net: expected '(' at offset {} of '{}'; syntax: "
                        "\"(id=input,ip=10.0.0.1/24),(id=output)\"",
                        pos, text);
    }
    size_t close = s.find(')', pos);
    if (close == std::string_view::npos) {
      return make_error(ErrorCode::kInvalidArgument, "--net: missing ')' after offset {} of '{}'",
                        pos, text);
    }
    std::string_view group = s.substr(pos + 1, close - pos - 1);
    if (group.find('(') != std::string_view::npos) {
      return make_error(ErrorCode::kInvalidArgument, "--net: nested '(' in '{}'", text);
    }
    NetSpec spec;
    CL_RETURN_IF_ERROR(parse_net_group(group, out.size(), spec));
    for (const auto& prev : out) {
      if (prev.id == spec.id) {
        return make_error(ErrorCode::kInvalidArgument, "--net: interface id '{}' given twice",
                          spec.id);
      }
    }
    out.push_back(std::move(spec));
    pos = close + 1;
    while (pos < s.size() && s[pos] == ' ') {
      ++pos;
    }
    if (pos < s.size()) {
      if (s[pos] != ',') {
        return make_error(ErrorCode::kInvalidArgument,
                          "--net: expected ',' between interfaces at offset {} of '{}'", pos, text);
      }
      ++pos;
      while (pos < s.size() && s[pos] == ' ') {
        ++pos;
      }
      if (pos == s.size()) {
        return make_error(ErrorCode::kInvalidArgument, "--net: trailing ',' in '{}'", text);
      }
    }
  }
  return out;
}

nlohmann::json net_spec_json(const std::vector<NetSpec>& specs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : specs) {
    nlohmann::json j = {{"id", s.id}};
    if (!s.ip.empty()) {
      j["ip"] = s.ip;
    }
    if (!s.mac.empty()) {
      j["mac"] = s.mac;
    }
    out.push_back(std::move(j));
  }
  return out;
}

Result<std::pair<std::string, std::string>> parse_env_pair(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return make_error(ErrorCode::kInvalidArgument, "--env: '{}' is not KEY=VALUE", text);
  }
  return std::pair<std::string, std::string>(text.substr(0, eq), text.substr(eq + 1));
}

Result<uint64_t> parse_duration_ns(std::string_view text) {
  constexpr uint64_t kHour = 3'600'000'000'000;
  return parse_duration(text, "duration", kHour, /*bare_unit_ns=*/1'000'000);
}

std::string format_duration(uint64_t ns) {
  if (ns != 0 && ns % 1'000'000'000 == 0) {
    return fmt::format("{}s", ns / 1'000'000'000);
  }
  if (ns % 1'000'000 == 0) {
    return fmt::format("{}ms", ns / 1'000'000);
  }
  if (ns % 1'000 == 0) {
    return fmt::format("{}us", ns / 1'000);
  }
  return fmt::format("{}ns", ns);
}

Result<double> parse_percent(std::string_view text) {
  std::string_view s = trim_blanks(text);
  if (!s.empty() && s.back() == '%') {
    s.remove_suffix(1);
  }
  return parse_number(s, "loss", 0, 100);
}

std::vector<std::string> rewrite_legacy_args(std::vector<std::string> args) {
  for (auto& a : args) {
    if (a == "--") {
      break;
    }
    for (const char* legacy : {"-src", "-dst", "-vnf"}) {
      std::string_view l = legacy;
      if (a == l || (a.size() > l.size() && a.compare(0, l.size(), l) == 0 && a[l.size()] == '=')) {
        a.insert(0, "-");
      }
    }
  }
  return args;
}

Result<std::vector<std::string>> split_words(std::string_view line) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        word += line[++i];
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (in_word) {
        out.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) {
    return make_error(ErrorCode::kInvalidArgument, "unterminated {} quote", quote);
  }
  if (in_word) {
    out.push_back(std::move(word));
  }
  return out;
}

}  // namespace chainlab::cli
