#include "common/names.h"

namespace chainlab {
namespace {

bool continues_utf8(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  return i > 0 && byte(i) >= 0x80 && byte(i) < 0xc0 && byte(i - 1) >= 0x80;
}

}  // namespace

std::string sanitize_name(std::string_view text, const NameRule& rule) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (rule.utf8_as_one && continues_utf8(text, i)) {
      continue;  // its character already became one replacement
    }
    if (rule.drop_leading && out.empty() && !is_ascii_alnum(text[i])) {
      continue;
    }
    out += rule.keep(text[i]) ? text[i] : rule.replacement;
    if (out.size() == rule.max_bytes) {
      break;  // enough: a `lead` in front keeps only max_bytes - 1 of these
    }
  }
  if (out.empty()) {
    return std::string(rule.fallback);
  }
  if (rule.lead != '\0' && !is_ascii_alnum(out.front())) {
    out.insert(out.begin(), rule.lead);
  }
  if (rule.max_bytes != 0 && out.size() > rule.max_bytes) {
    out.resize(rule.max_bytes);
  }
  return out;
}

}  // namespace chainlab
