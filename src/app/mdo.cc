#include "app/mdo.h"

#include <cstdio>
#include <filesystem>

#include "app/run_token.h"
#include "common/ids.h"
#include "common/random.h"
#include "endpoints/escape/escape_endpoint.h"
#include "frontends/escape/mdo/static_adapter.h"
#include "substrate/sock_diag.h"

namespace chainlab::app {
namespace {

Result<std::vector<std::unique_ptr<escape::DomainAdapter>>> make_domains(
    const escape::MdoConfig& config) {
  escape::AdapterRegistry registry("domain adapter kind");
  CL_RETURN_IF_ERROR(escape::register_static_adapter(registry));
  if (config.domains.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "no domains: give --topology FILE or a config with domains");
  }
  std::vector<std::unique_ptr<escape::DomainAdapter>> out;
  for (const auto& spec : config.domains) {
    CL_ASSIGN_OR_RETURN(auto domain, registry.create(spec.kind, spec));
    std::printf("domain %s (%s)\n", spec.name.c_str(), spec.kind.c_str());
    out.push_back(std::move(domain));
  }
  return out;
}

Status check_listen(const escape::MdoConfig& config, const MdoStartOptions& options) {
  if (options.no_auth && !substrate::is_loopback_address(config.listen) &&
      config.listen != "localhost") {
    return make_error(ErrorCode::kInvalidArgument,
                      "--no-auth is only allowed on a loopback listen address, not {}",
                      config.listen);
  }
  return ok_status();
}

}  // namespace

std::string RunningMdo::url() const {
  return fmt::format("http://{}:{}", listener->host(), listener->port());
}

Result<RunningMdo> start_mdo(const escape::MdoConfig& config, const MdoStartOptions& options,
                             const Environment& env) {
  CL_RETURN_IF_ERROR(check_listen(config, options));
  RunningMdo running;
  CL_ASSIGN_OR_RETURN(auto domains, make_domains(config));
  CL_ASSIGN_OR_RETURN(auto orchestrator,
                      escape::Orchestrator::create(std::move(domains), config.mapping));
  running.service = std::make_unique<escape::MdoService>(
      std::move(orchestrator), config.view, RandomIds::instance(), &endpoints::post_callback);
  endpoints::AccessPolicy policy;
  policy.token = random_hex(32);
  policy.open = options.no_auth;
  running.auth = std::make_unique<endpoints::Authenticator>(std::move(policy));
  running.endpoint = std::make_unique<endpoints::EscapeEndpoint>(*running.service, config.prefix);
  endpoints::ListenOptions listen;
  listen.host = config.listen;
  listen.port = config.port;
  listen.auth = running.auth.get();
  CL_ASSIGN_OR_RETURN(running.listener, endpoints::HttpListener::start(listen, *running.endpoint));
  CL_ASSIGN_OR_RETURN(running.journal, substrate::Journal::begin(env.state_dir));
  Status token = write_api_file(running.journal->dir(), running.auth->policy().token,
                                {{"mdo (ESCAPE API)", running.url()}});
  if (!token.ok()) {
    stop_mdo(running);
    return std::move(token).error();
  }
  return running;
}

void stop_mdo(RunningMdo& running) {
  if (running.listener) {
    running.listener->stop();
  }
  running.listener.reset();
  running.endpoint.reset();
  running.service.reset();
  if (running.journal) {
    std::string dir = running.journal->dir();
    running.journal.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

}  // namespace chainlab::app
