#include "app/mdo.h"

#include <cstdio>
#include <filesystem>

#include "app/run_token.h"
#include "common/ids.h"
#include "common/random.h"
#include "endpoints/escape/escape_endpoint.h"
#include "endpoints/openstack/cloud_api_client.h"
#include "endpoints/unode/nffg_api_client.h"
#include "frontends/escape/mdo/cloud_adapter.h"
#include "frontends/escape/mdo/description_feed.h"
#include "frontends/escape/mdo/local_adapter.h"
#include "frontends/escape/mdo/node_adapter.h"
#include "frontends/escape/mdo/static_adapter.h"
#include "substrate/cleanup.h"

namespace chainlab::app {
namespace {

// "chainlab-node": the node's NF-FG API over HTTP, its description bus when `bus` is set.
Result<std::unique_ptr<escape::DomainAdapter>> make_node_domain(const escape::AdapterSpec& spec) {
  CL_ASSIGN_OR_RETURN(escape::NodeSettings s, escape::read_node_settings(spec));
  CL_ASSIGN_OR_RETURN(auto api, endpoints::NffgApiClient::create(s.url, s.user, s.password));
  std::string bus = s.bus;
  auto adapter = std::make_unique<escape::NodeAdapter>(spec.name, std::move(s), std::move(api));
  if (!bus.empty()) {
    CL_ASSIGN_OR_RETURN(
        auto feed, escape::DescriptionFeed::connect(bus, [a = adapter.get()](nlohmann::json d) {
          a->set_description(std::move(d));
        }));
    adapter->keep_feed(std::shared_ptr<escape::DescriptionFeed>(std::move(feed)));
  }
  return std::unique_ptr<escape::DomainAdapter>(std::move(adapter));
}

// "openstack": the cloud's Keystone, Nova and Heat over HTTP.
Result<std::unique_ptr<escape::DomainAdapter>> make_cloud_domain(const escape::AdapterSpec& spec) {
  CL_ASSIGN_OR_RETURN(escape::CloudSettings s, escape::read_cloud_settings(spec));
  CL_ASSIGN_OR_RETURN(auto api, endpoints::CloudApiClient::create(s));
  return std::unique_ptr<escape::DomainAdapter>(
      std::make_unique<escape::CloudAdapter>(spec.name, std::move(s), std::move(api)));
}

// "local": the emulation of the entry's `topology` file, started here with the endpoints it
// lists (kept in `emulations`), as the domain.
Result<std::unique_ptr<escape::DomainAdapter>> make_local_domain(
    const escape::AdapterSpec& spec, std::vector<RunningEmulation>& emulations,
    const Environment& env) {
  auto file = spec.settings.value("topology", nlohmann::json());
  if (!file.is_string()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "domains.{}.topology: is required (a topology "
                      "file)",
                      spec.name);
  }
  std::string path = file.get<std::string>();
  path = !path.empty() && path[0] != '/' ? spec.base_dir + "/" + path : path;
  CL_ASSIGN_OR_RETURN(emulator::Topology topology, emulator::Topology::load_file(path));
  ServeOptions serve;
  CL_ASSIGN_OR_RETURN(RunningEmulation running, start_emulation(topology, serve, env, Cancel()));
  for (const auto& served : running.served) {
    std::printf("  %s %s: %s\n", spec.name.c_str(), served.label.c_str(),
                endpoint_url(served).c_str());
  }
  emulations.push_back(std::move(running));
  return escape::make_local_adapter(spec, *emulations.back().emulation);
}

Result<std::vector<std::unique_ptr<escape::DomainAdapter>>> make_domains(
    const escape::MdoConfig& config, RunningMdo& running, const Environment& env) {
  escape::AdapterRegistry registry("domain adapter kind");
  CL_RETURN_IF_ERROR(escape::register_static_adapter(registry));
  CL_RETURN_IF_ERROR(registry.add("chainlab-node", &make_node_domain));
  CL_RETURN_IF_ERROR(registry.add("openstack", &make_cloud_domain));
  CL_RETURN_IF_ERROR(registry.add("local", [&](const escape::AdapterSpec& spec) {
    return make_local_domain(spec, running.emulations, env);
  }));
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

Result<std::unique_ptr<escape::Orchestrator>> make_orchestrator(const escape::MdoConfig& config,
                                                                RunningMdo& running,
                                                                const Environment& env) {
  CL_ASSIGN_OR_RETURN(auto domains, make_domains(config, running, env));
  return escape::Orchestrator::create(std::move(domains), config.mapping);
}

Status check_listen(const escape::MdoConfig& config, const MdoStartOptions& options) {
  if (options.no_auth && !is_loopback_host(config.listen)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--no-auth is only allowed on a loopback listen address, not {}",
                      config.listen);
  }
  return ok_status();
}

// The orchestrator, its API and the token file into `running` (whatever fails, the caller stops
// what was made).
Status start_parts(RunningMdo& running, const escape::MdoConfig& config,
                   const MdoStartOptions& options, const Environment& env) {
  CL_ASSIGN_OR_RETURN(auto orchestrator, make_orchestrator(config, running, env));
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
  return write_api_file(running.journal->dir(), running.auth->policy().token,
                        {{"mdo (ESCAPE API)", running.url()}});
}

}  // namespace

std::string RunningMdo::url() const {
  return fmt::format("http://{}:{}", listener->host(), listener->port());
}

Result<RunningMdo> start_mdo(const escape::MdoConfig& config, const MdoStartOptions& options,
                             const Environment& env) {
  CL_RETURN_IF_ERROR(check_listen(config, options));
  RunningMdo running;
  if (Status s = start_parts(running, config, options, env); !s.ok()) {
    stop_mdo(running);  // the emulations of local domains, the listener, made so far
    return std::move(s).error();
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
    (void)substrate::cleanup_run_dir(dir);  // nothing is journalled: the directory goes
  }
  while (!running.emulations.empty()) {
    stop_emulation(running.emulations.back());
    running.emulations.pop_back();
  }
}

}  // namespace chainlab::app
