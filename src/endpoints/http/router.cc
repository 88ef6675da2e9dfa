#include "endpoints/http/router.h"

#include <httplib.h>

#include <iterator>

#include "endpoints/http/http.h"

namespace chainlab::endpoints {

Reply Reply::empty(int status) {
  Reply r;
  r.status_ = status;
  return r;
}

Reply Reply::text(std::string body, std::string content_type, int status) {
  Reply r;
  r.status_ = status;
  r.text_.emplace(std::move(body), std::move(content_type));
  return r;
}

Reply&& Reply::header(std::string name, std::string value) && {
  headers_.emplace_back(std::move(name), std::move(value));
  return std::move(*this);
}

void Reply::write(httplib::Response& res) const {
  for (const auto& [name, value] : headers_) {
    res.set_header(name, value);
  }
  if (json_) {
    send_json(res, *json_, status_);
    return;
  }
  res.status = status_;
  if (text_) {
    res.set_content(text_->first, text_->second);
  }
}

void Router::add(Method method, const std::string& pattern, Handler handler) {
  add_raw(method, pattern,
          [&endpoint = endpoint_, handler = std::move(handler)](const httplib::Request& req,
                                                                httplib::Response& res) {
            Result<Reply> reply = handler(req);
            if (!reply.ok()) {
              endpoint.write_error(res, reply.error());
              return;
            }
            reply->write(res);
          });
}

void Router::add_raw(Method method, const std::string& pattern, RawHandler handler) {
  if (!guard_) {
    on(method, pattern, std::move(handler));
    return;
  }
  on(method, pattern,
     [&endpoint = endpoint_, guard = guard_, handler = std::move(handler)](
         const httplib::Request& req, httplib::Response& res) {
       if (Status s = guard(req, res); !s.ok()) {
         endpoint.write_error(res, s.error());
         return;
       }
       handler(req, res);
     });
}

void Router::on(Method method, const std::string& pattern, RawHandler handler) {
  using Register =
      httplib::Server& (httplib::Server::*)(const std::string&, httplib::Server::Handler);
  // In the order of Method.
  constexpr Register kRegister[] = {&httplib::Server::Get, &httplib::Server::Post,
                                    &httplib::Server::Put, &httplib::Server::Patch,
                                    &httplib::Server::Delete};
  static_assert(std::size(kRegister) == static_cast<std::size_t>(Method::kDelete) + 1);
  (server_.*kRegister[static_cast<std::size_t>(method)])(pattern, std::move(handler));
}

}  // namespace chainlab::endpoints
