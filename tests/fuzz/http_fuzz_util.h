// A synthetic HTTP request for the endpoint fuzz targets: the routes' body readers and request
// parsers take an httplib::Request, which is a plain struct that needs no server or socket.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "endpoints/http/http.h"
#include "endpoints/openstack/common.h"
#include "fuzz_util.h"

namespace chainlab::fuzz {

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// %XX and '+' decoded as a query string is (so any byte can reach a parameter).
inline std::string url_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

// `query` ("a=1&b=%FF"), then `body` as the request body.
inline httplib::Request make_request(std::string_view query, std::string body) {
  httplib::Request req;
  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t amp = query.find('&', pos);
    std::string_view kv = query.substr(pos, amp == std::string_view::npos ? amp : amp - pos);
    size_t eq = kv.find('=');
    if (!kv.empty()) {
      req.params.emplace(url_decode(kv.substr(0, eq)),
                         eq == std::string_view::npos ? "" : url_decode(kv.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    pos = amp + 1;
  }
  req.body = std::move(body);
  return req;
}

// What a route does with a refusal: the error becomes a 4xx response, as JSON (son-emu and
// gatekeeper shape, or the OpenStack service's own).
inline void check_refusal(const Error& e, std::string_view what,
                          std::optional<endpoints::ErrorStyle> style = std::nullopt) {
  check_input_error(e, what);
  httplib::Response res;
  if (style) {
    endpoints::send_openstack_error(res, *style, e);
  } else {
    endpoints::send_error(res, e);
  }
  check(res.status >= 400 && res.status < 500, "a refusal is a 4xx", e.message);
}

// True when `r` holds a value; a refusal is checked with check_refusal.
template <typename T>
bool accepted(const Result<T>& r, std::string_view what,
              std::optional<endpoints::ErrorStyle> style = std::nullopt) {
  if (!r.ok()) {
    check_refusal(r.error(), what, style);
  }
  return r.ok();
}

// request_params merges the query into the JSON the routes store and answer with: it must hold
// only what JSON can serialise (valid UTF-8), or every later answer that includes it fails.
inline void check_serialisable(const nlohmann::json& params, std::string_view what) {
  try {
    (void)params.dump();
  } catch (const nlohmann::json::exception& e) {
    fail(what, e.what());
  }
}

// The usual shape of an endpoint target's input: a selector byte, a query line, the body.
struct RequestInput {
  uint8_t selector = 0;
  httplib::Request request;
};

inline RequestInput read_request(const uint8_t* data, size_t size) {
  Input in(data, size);
  RequestInput r;
  r.selector = in.byte();
  std::string query = in.line();
  r.request = make_request(query, in.rest());
  return r;
}

}  // namespace chainlab::fuzz
