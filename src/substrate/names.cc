#include "substrate/names.h"

#include <algorithm>

namespace chainlab::substrate {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_ifname_char(char c) {
  return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

bool is_object_char(char c) {
  return is_ifname_char(c) || c == ':';
}

// Renders one byte for an error message: printable ASCII as is, anything else as \xNN.
std::string show_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) {
    return std::string(1, c);
  }
  return fmt::format("\\x{:02x}", u);
}

// The name as it may appear in a message: non-printable bytes escaped.
std::string show_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    out += show_char(c);
  }
  return out;
}

}  // namespace

Status validate_ifname(std::string_view name) {
  if (name.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "interface name is empty");
  }
  if (name.size() > kMaxIfnameLen) {
    return make_error(ErrorCode::kInvalidArgument,
                      "interface name '{}' is {} bytes long; at most {} are allowed",
                      show_name(name), name.size(), kMaxIfnameLen);
  }
  if (name == "." || name == "..") {
    return make_error(ErrorCode::kInvalidArgument, "interface name '{}' is reserved", name);
  }
  auto bad = std::find_if(name.begin(), name.end(), [](char c) { return !is_ifname_char(c); });
  if (bad != name.end()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "interface name '{}' has invalid character '{}' at position {}; "
                      "allowed are A-Z a-z 0-9 _ . -",
                      show_name(name), show_char(*bad), bad - name.begin());
  }
  return ok_status();
}

Status validate_object_name(std::string_view name, std::string_view what) {
  constexpr size_t kMaxLen = 64;
  if (name.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "{} is empty", what);
  }
  if (name.size() > kMaxLen) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{} '{}...' is {} bytes long; at most {} are allowed", what,
                      show_name(name.substr(0, 16)), name.size(), kMaxLen);
  }
  if (!is_alnum(name.front())) {
    return make_error(ErrorCode::kInvalidArgument, "{} '{}' must start with a letter or digit",
                      what, show_name(name));
  }
  auto bad = std::find_if(name.begin(), name.end(), [](char c) { return !is_object_char(c); });
  if (bad != name.end()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{} '{}' has invalid character '{}' at position {}; "
                      "allowed are A-Z a-z 0-9 _ . : -",
                      what, show_name(name), show_char(*bad), bad - name.begin());
  }
  return ok_status();
}

std::string base36(uint64_t n) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out += kDigits[n % 36];
    n /= 36;
  } while (n != 0);
  std::reverse(out.begin(), out.end());
  return out;
}

std::string NameAllocator::next(char kind) {
  uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed);
  std::string name = prefix_;
  name += kind;
  name += base36(n);
  return name;
}

}  // namespace chainlab::substrate
