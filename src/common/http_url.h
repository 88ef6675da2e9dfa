// http(s) URLs from outside (a call-back a client names, a service's URL in a Keystone catalog,
// a domain's URL in a config), checked before any HTTP library sees them: cpp-httplib parses
// the port with std::stoi and throws on one that does not fit.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace chainlab {

struct HttpUrl {
  std::string base;  // "http://host:port" (the port as given, or none)
  std::string path;  // "" or "/..." with the query
};

// InvalidArgument unless `url` is http:// or https://, at most 2048 bytes, without spaces or
// control characters, with a host, and a port (when given) of 1..65535.
Result<HttpUrl> parse_http_url(std::string_view url);

}  // namespace chainlab
