// The call-back of ESCAPE's API: the end of a job POSTed to the URL its request named.
#include <httplib.h>

#include <cstdio>

#include "common/http_url.h"
#include "endpoints/escape/escape_endpoint.h"

namespace chainlab::endpoints {

void post_callback(const std::string& url, const std::string& message_id,
                   const escape::JobStatus& status) {
  bool ok = status.state == escape::JobState::kSuccess;
  std::string code = ok ? "200" : "500";
  auto t = parse_http_url(url);  // checked when the request came; checked again before use
  if (!t.ok()) {
    std::fprintf(stderr, "call-back for %s: %s\n", message_id.c_str(), t.error().message.c_str());
    return;
  }
  t->path = t->path.empty() ? "/" : t->path;
  httplib::Client client(t->base);
  client.set_connection_timeout(3);
  client.set_read_timeout(3);
  client.set_write_timeout(3);
  std::string sep = t->path.find('?') == std::string::npos ? "?" : "&";
  std::string path = t->path + sep +
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
