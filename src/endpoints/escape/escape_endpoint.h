// ESCAPE's REST API over the multi-domain orchestrator (escape::MdoService; docs/mdo.md), as
// ESCAPE's Flask API answers (/<prefix>/<layer>/<rpc>, prefix "escape"):
//   service layer        GET|POST  /service/ping            200 "OK"
//                        GET|POST  /service/topology        200 the view shown upward (NFFG)
//                        POST      /service/sg              202 + message-id header, no body:
//                                                           the body's mode, else ADD
//                        PUT       /service/sg              the same, DELETE when no mode
//                        GET       /service/status?message-id=ID
//   orchestration layer  GET|POST  /orchestration/ping
//                        GET|POST  /orchestration/get-config     the full global view (NFFG)
//                        POST|PUT  /orchestration/edit-config    as POST /service/sg
//                        GET       /orchestration/status?message-id=ID
//                        GET       /orchestration/mapping-info/<service or message id>
//                        GET|POST  /orchestration/mappings       every service's mapping-info
// A write takes its message id from the query or the header `message-id` (else a new uuid) and
// a `call-back` URL from the query, which is POSTed when the request ends (post_callback).
// status: 200 done, 202 in progress, 404 unknown, 500 "ERROR"; with Accept: application/json
// the body is {"message-id", "status", "message"} (why it failed). Errors are text with the
// code's status. Bodies are NFFG JSON: ESCAPE's Virtualizer XML is not spoken (415). Every route
// needs the MdO's token (or root on loopback): a deployment runs code.
#pragma once

#include <string>

#include "endpoints/http/http.h"
#include "frontends/escape/mdo/mdo_service.h"

namespace chainlab::endpoints {

class EscapeEndpoint final : public Endpoint {
 public:
  // `service` outlives the endpoint.
  EscapeEndpoint(escape::MdoService& service, std::string prefix)
      : service_(service), prefix_(std::move(prefix)) {}

  std::string name() const override { return "escape"; }
  void register_routes(httplib::Server& server) override;
  size_t max_body_bytes() const override { return escape::kMaxNffgBytes; }
  void write_error(httplib::Response& res, const Error& error) const override;

 private:
  escape::MdoService& service_;
  std::string prefix_;
};

// A call-back URL a client may name (common/http_url.h: http(s), a host, a port that fits, at
// most 2048 bytes, no spaces or control characters). InvalidArgument otherwise.
Status check_callback_url(const std::string& url);

// POSTs the end of a job to `url` as ESCAPE does: query parameters message-id and response-code
// (200 or 500), a text body "OK" or why it failed (ESCAPE sends "TODO"), and the message-id
// header too. 3 s timeouts (ESCAPE's); a failure is only logged to stderr.
void post_callback(const std::string& url, const std::string& message_id,
                   const escape::JobStatus& status);

}  // namespace chainlab::endpoints
