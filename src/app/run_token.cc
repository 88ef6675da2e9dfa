#include "app/run_token.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <nlohmann/json.hpp>

#include "common/fd.h"
#include "common/files.h"
#include "common/json_bounded.h"
#include "substrate/sock_diag.h"

namespace chainlab::app {
namespace {

constexpr size_t kMaxApiFile = 64 * 1024;

struct HostPort {
  std::string host;
  std::string port;
};

HostPort split_url(std::string url) {
  if (auto scheme = url.find("://"); scheme != std::string::npos) {
    url = url.substr(scheme + 3);
  }
  url = url.substr(0, url.find('/'));
  if (!url.empty() && url.front() == '[') {
    auto close = url.find(']');
    std::string host = url.substr(1, close - 1);
    return {host, close + 2 <= url.size() ? url.substr(close + 2) : "80"};
  }
  auto colon = url.rfind(':');
  if (colon == std::string::npos) {
    return {url, "80"};
  }
  return {url.substr(0, colon), url.substr(colon + 1)};
}

bool local(const std::string& host) {
  return host == "localhost" || substrate::is_loopback_address(host);
}

bool same_server(const std::string& a, const std::string& b) {
  HostPort x = split_url(a);
  HostPort y = split_url(b);
  return x.port == y.port && (x.host == y.host || (local(x.host) && local(y.host)));
}

// The token in one api.json if its run is alive and serves `url`.
std::string token_in(const std::string& path, const std::string& url) {
  auto text = read_file(path);
  if (!text.ok() || text->size() > kMaxApiFile) {
    return "";
  }
  auto j = parse_json(*text, path);
  if (!j.ok() || !j->is_object() || !j->value("pid", nlohmann::json()).is_number_integer() ||
      !j->value("token", nlohmann::json()).is_string()) {
    return "";
  }
  pid_t pid = (*j)["pid"].get<pid_t>();
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH)) {
    return "";
  }
  for (const auto& e : j->value("endpoints", nlohmann::json::array())) {
    if (e.is_object() && e.value("url", nlohmann::json()).is_string() &&
        same_server(e["url"].get<std::string>(), url)) {
      return (*j)["token"].get<std::string>();
    }
  }
  return "";
}

}  // namespace

Status write_api_file(const std::string& run_dir, const std::string& token,
                      const std::vector<ApiEndpoint>& endpoints) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : endpoints) {
    list.push_back({{"label", e.label}, {"url", e.url}});
  }
  nlohmann::json doc = {{"pid", ::getpid()}, {"token", token}, {"endpoints", list}};
  std::string path = run_dir + "/api.json";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) {
    return errno_error(errno, "create " + path);
  }
  std::string text = doc.dump(2) + "\n";
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return errno_error(errno, "write " + path);
  }
  return ok_status();
}

std::string find_run_token(const std::string& url, const std::string& state_dir) {
  auto runs = list_dir(state_dir + "/runs");
  if (!runs.ok()) {
    return "";
  }
  for (const auto& run : *runs) {
    if (std::string token = token_in(state_dir + "/runs/" + run + "/api.json", url);
        !token.empty()) {
      return token;
    }
  }
  return "";
}

}  // namespace chainlab::app
