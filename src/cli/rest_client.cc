#include "cli/rest_client.h"

#include <httplib.h>

#include "common/http_url.h"

namespace chainlab::cli {

std::string first_set(const std::string& flag_value, const std::string& env_value,
                      const char* fallback) {
  if (!flag_value.empty()) {
    return flag_value;
  }
  return env_value.empty() ? fallback : env_value;
}

std::string resolve_endpoint(const std::string& flag_value, const std::string& env_value) {
  return first_set(flag_value, env_value, kDefaultEndpoint);
}

Error error_from_response(int status, const std::string& body) {
  ErrorCode code = error_code_for_status(status);
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded() && j.is_object()) {
    auto it = j.find("error");
    if (it != j.end() && it->is_string()) {
      return Error{code, it->get<std::string>()};
    }
  }
  if (!j.is_discarded() && j.is_string() && !j.get<std::string>().empty()) {
    return Error{code, j.get<std::string>()};
  }
  std::string text = body;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.empty()) {
    return make_error(code, "HTTP {}", status);
  }
  return make_error(code, "HTTP {}: {}", status, text);
}

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string with_query(const std::string& path, const Query& query) {
  std::string out = path;
  char sep = '?';
  for (const auto& [key, value] : query) {
    out += sep;
    out += url_encode(key);
    out += '=';
    out += url_encode(value);
    sep = '&';
  }
  return out;
}

Result<std::string> check_endpoint_url(const std::string& endpoint) {
  std::string url = endpoint;
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  const bool http = url.rfind("http://", 0) == 0;
  const bool https = url.rfind("https://", 0) == 0;
  if (!http && !https) {
    return make_error(ErrorCode::kInvalidArgument,
                      "endpoint '{}': expected http://HOST[:PORT], e.g. {}", endpoint,
                      kDefaultEndpoint);
  }
  auto parsed = parse_http_url(url);  // a port httplib's std::stoi would throw on, too
  if (!parsed.ok() || !parsed->path.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "endpoint '{}': expected http://HOST[:PORT] without a path", endpoint);
  }
  return url;
}

Result<RestClient> RestClient::create(const std::string& endpoint) {
  CL_ASSIGN_OR_RETURN(std::string url, check_endpoint_url(endpoint));
  auto client = std::make_unique<httplib::Client>(url);
  if (!client->is_valid()) {
    return make_error(ErrorCode::kInvalidArgument, "endpoint '{}' is not a valid URL", endpoint);
  }
  client->set_connection_timeout(std::chrono::seconds(5));
  client->set_read_timeout(std::chrono::seconds(30));
  client->set_write_timeout(std::chrono::seconds(30));
  return RestClient(url, std::move(client));
}

RestClient::RestClient(std::string endpoint, std::unique_ptr<httplib::Client> client)
    : endpoint_(std::move(endpoint)), client_(std::move(client)) {}
RestClient::RestClient(RestClient&&) noexcept = default;
RestClient& RestClient::operator=(RestClient&&) noexcept = default;
RestClient::~RestClient() = default;

void RestClient::set_token(const std::string& token) {
  if (!token.empty()) {
    client_->set_default_headers({{"Authorization", "Bearer " + token}});
  }
}

void RestClient::set_read_timeout(std::chrono::seconds timeout) {
  client_->set_read_timeout(timeout);
}

Result<nlohmann::json> RestClient::get(const std::string& path, const Query& query) {
  return call(Method::kGet, path, nullptr, query);
}
Result<nlohmann::json> RestClient::put(const std::string& path, const nlohmann::json& body,
                                       const Query& query) {
  return call(Method::kPut, path, body, query);
}
Result<nlohmann::json> RestClient::post(const std::string& path, const nlohmann::json& body,
                                        const Query& query) {
  return call(Method::kPost, path, body, query);
}
Result<nlohmann::json> RestClient::del(const std::string& path, const nlohmann::json& body,
                                       const Query& query) {
  return call(Method::kDelete, path, body, query);
}

Error RestClient::transport_error(int error, const std::string& path) const {
  const auto err = static_cast<httplib::Error>(error);
  if (err == httplib::Error::Connection) {
    return make_error(ErrorCode::kUnavailable,
                      "cannot connect: is `chainlab run` running? (endpoint {})", endpoint_);
  }
  return make_error(ErrorCode::kUnavailable, "request {} failed: {} (endpoint {})", path,
                    httplib::to_string(err), endpoint_);
}

Status RestClient::get_stream(const std::string& path, const Query& query,
                              const std::function<bool(std::string_view)>& sink) {
  int status = 0;
  std::string error_body;
  bool stopped = false;
  httplib::Result res = client_->Get(
      with_query(path, query), httplib::Headers{{"Accept", "text/plain"}},
      [&status](const httplib::Response& r) {
        status = r.status;
        return true;
      },
      [&](const char* data, size_t len) {
        if (status < 200 || status > 299) {
          if (error_body.size() < 65536) {  // an error message, not a log
            error_body.append(data, len);
          }
          return true;
        }
        stopped = !sink(std::string_view(data, len));
        return !stopped;
      });
  if (!res && !(stopped && res.error() == httplib::Error::Canceled)) {
    return transport_error(static_cast<int>(res.error()), path);
  }
  if (status < 200 || status > 299) {
    return error_from_response(status, error_body);
  }
  return ok_status();
}

Result<nlohmann::json> RestClient::call(Method method, const std::string& path,
                                        const nlohmann::json& body, const Query& query) {
  const std::string target = with_query(path, query);
  const std::string text = body.is_null() ? std::string() : body.dump();
  const char* type = "application/json";
  httplib::Headers headers = {{"Accept", "application/json"}};
  httplib::Result res = [&] {
    switch (method) {
      case Method::kPut:
        return client_->Put(target, headers, text, type);
      case Method::kPost:
        return client_->Post(target, headers, text, type);
      case Method::kDelete:
        return client_->Delete(target, headers, text, type);
      case Method::kGet:
        break;
    }
    return client_->Get(target, headers);
  }();
  if (!res) {
    return transport_error(static_cast<int>(res.error()), path);
  }
  if (res->status < 200 || res->status > 299) {
    return error_from_response(res->status, res->body);
  }
  if (res->body.empty()) {
    return nlohmann::json(nullptr);
  }
  nlohmann::json j = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return make_error(ErrorCode::kInternal, "{}: the server's answer is not JSON: {}", path,
                      res->body.substr(0, 200));
  }
  return j;
}

}  // namespace chainlab::cli
