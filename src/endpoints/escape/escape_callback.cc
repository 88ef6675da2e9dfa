// The call-back of ESCAPE's API: the end of a job POSTed to the URL its request named.
#include <httplib.h>

#include <cstdio>

#include "endpoints/escape/escape_endpoint.h"

namespace chainlab::endpoints {

namespace {

struct Target {
  std::string base;  // scheme://host[:port]
  std::string path;  // "/..." with its query
};

Target split(const std::string& url) {
  size_t slash = url.find('/', url.find("://") + 3);
  if (slash == std::string::npos) {
    return {url, "/"};
  }
  return {url.substr(0, slash), url.substr(slash)};
}

}  // namespace

void post_callback(const std::string& url, const std::string& message_id,
                   const escape::JobStatus& status) {
  bool ok = status.state == escape::JobState::kSuccess;
  std::string code = ok ? "200" : "500";
  Target t = split(url);
  httplib::Client client(t.base);
  client.set_connection_timeout(3);
  client.set_read_timeout(3);
  client.set_write_timeout(3);
  std::string sep = t.path.find('?') == std::string::npos ? "?" : "&";
  std::string path = t.path + sep +
                     "message-id=" + httplib::detail::encode_query_param(message_id) +
                     "&response-code=" + code;
  std::string body = ok ? "OK" : status.error ? status.error->message : "ERROR";
  auto res = client.Post(path, {{"message-id", message_id}}, body, "text/plain");
  if (!res) {
    std::fprintf(stderr, "call-back %s for %s: %s\n", url.c_str(), message_id.c_str(),
                 httplib::to_string(res.error()).c_str());
  }
}

}  // namespace chainlab::endpoints
