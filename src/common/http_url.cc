#include "common/http_url.h"

#include <algorithm>
#include <charconv>

namespace chainlab {
namespace {

constexpr size_t kMaxUrl = 2048;

Error bad_url(std::string_view url, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument, "'{}' is not an http(s) URL: {}",
                    url.substr(0, 200), why);
}

// The port after the host's last ':' (IPv6 literals: after ']'), when there is one.
bool port_ok(std::string_view authority) {
  size_t bracket = authority.rfind(']');
  size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
    return true;
  }
  std::string_view digits = authority.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  return ec == std::errc() && end == digits.data() + digits.size() && port >= 1 && port <= 65535;
}

}  // namespace

Result<HttpUrl> parse_http_url(std::string_view url) {
  size_t start = url.starts_with("http://") ? 7 : url.starts_with("https://") ? 8 : 0;
  if (start == 0) {
    return bad_url(url, "expected http:// or https://");
  }
  if (url.size() > kMaxUrl || std::any_of(url.begin(), url.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      })) {
    return bad_url(url, "longer than 2048 bytes, or spaces or control characters in it");
  }
  size_t slash = url.find('/', start);
  std::string_view authority =
      url.substr(start, slash == std::string_view::npos ? slash : slash - start);
  if (authority.empty() || authority.front() == ':' ||
      authority.find('@') != std::string_view::npos) {
    return bad_url(url, "no host (or user info in it)");
  }
  if (!port_ok(authority)) {
    return bad_url(url, "the port is not a number in 1..65535");
  }
  size_t base_end = start + authority.size();
  return HttpUrl{std::string(url.substr(0, base_end)), std::string(url.substr(base_end))};
}

}  // namespace chainlab
