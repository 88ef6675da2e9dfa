#include "endpoints/http/http_auth.h"

#include <httplib.h>

#include "common/random.h"
#include "substrate/sock_diag.h"

namespace chainlab::endpoints {
namespace {

// "http://127.0.0.1:5001" / "localhost:5001" / "[::1]:5001" -> the host part.
std::string host_part(std::string_view v) {
  if (auto scheme = v.find("://"); scheme != std::string_view::npos) {
    v.remove_prefix(scheme + 3);
  }
  if (!v.empty() && v.front() == '[') {
    auto close = v.find(']');
    return std::string(v.substr(1, close == std::string_view::npos ? v.size() : close - 1));
  }
  return std::string(v.substr(0, v.find_first_of(":/")));
}

bool local_name(const std::string& host) {
  return host == "localhost" || substrate::is_loopback_address(host);
}

// A browser page on another site (or a DNS-rebound name) must not borrow the trust given to
// root's own tools: they send no Origin, and a Host that is a loopback name.
bool not_from_a_web_page(const httplib::Request& req) {
  std::string origin = req.get_header_value("Origin");
  std::string host = req.get_header_value("Host");
  return (origin.empty() || local_name(host_part(origin))) &&
         (host.empty() || local_name(host_part(host)));
}

}  // namespace

bool Authenticator::has_token(const httplib::Request& req) const {
  if (policy_.token.empty()) {
    return false;
  }
  std::string bearer = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (bearer.size() > kBearer.size() && bearer.compare(0, kBearer.size(), kBearer) == 0 &&
      constant_time_equal(std::string_view(bearer).substr(kBearer.size()), policy_.token)) {
    return true;
  }
  std::string x_auth = req.get_header_value("X-Auth-Token");
  return !x_auth.empty() && constant_time_equal(x_auth, policy_.token);
}

bool Authenticator::allows(const httplib::Request& req) const {
  if (policy_.open || has_token(req)) {
    return true;
  }
  if (!policy_.root_on_loopback || !substrate::is_loopback_address(req.remote_addr) ||
      !not_from_a_web_page(req)) {
    return false;
  }
  auto uid = substrate::loopback_peer_uid(
      {req.local_addr, req.local_port, req.remote_addr, req.remote_port});
  return uid.ok() && *uid == 0;
}

}  // namespace chainlab::endpoints
