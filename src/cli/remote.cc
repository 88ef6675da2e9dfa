#include "cli/remote.h"

#include <cstdio>

#include "cli/views.h"

namespace chainlab::cli {

void add_endpoint_options(CLI::App& cmd, RemoteOptions& opt, const app::Environment& env,
                          const std::string& what, const std::string& env_var,
                          const std::string& fallback) {
  opt.env = env;
  cmd.add_option("-e,--endpoint", opt.endpoint,
                 what + " of `chainlab run` (default $" + env_var + " or " + fallback + ")");
  cmd.add_flag("--json", opt.json, "Print the server's raw JSON");
}

void add_remote_options(CLI::App& cmd, RemoteOptions& opt, const app::Environment& env) {
  add_endpoint_options(cmd, opt, env, "REST endpoint", "CHAINLAB_ENDPOINT", kDefaultEndpoint);
}

Result<RestClient> connect_to(const std::string& url, const app::Environment& env) {
  CL_ASSIGN_OR_RETURN(RestClient client, RestClient::create(url));
  client.set_token(app::client_token(env, url));
  return client;
}

Result<std::string> pop_of_instance(RestClient& client, const std::string& name) {
  CL_ASSIGN_OR_RETURN(nlohmann::json list, client.get("/restapi/compute"));
  if (list.is_array()) {
    for (const auto& entry : list) {
      if (entry.is_array() && entry.size() >= 2 && entry[0] == name) {
        return field(entry[1], "datacenter");
      }
    }
  }
  return make_error(ErrorCode::kNotFound, "no instance named '{}'", name);
}

Result<RestClient> connect(const RemoteOptions& opt) {
  return connect_to(resolve_endpoint(opt.endpoint, opt.env.endpoint), opt.env);
}

void print_json(const nlohmann::json& j) {
  std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

Result<ExecOutcome> exec_in(RestClient& client, const std::string& name,
                            const std::vector<std::string>& argv, int timeout_s) {
  client.set_read_timeout(std::chrono::seconds(timeout_s + 15));
  nlohmann::json body = {{"cmd", argv}, {"timeout", timeout_s}};
  CL_ASSIGN_OR_RETURN(nlohmann::json answer,
                      client.post("/restapi/compute/exec/" + url_encode(name), body));
  ExecOutcome out;
  if (!answer.is_object()) {
    return make_error(ErrorCode::kInternal, "exec: unexpected answer {}", answer.dump());
  }
  if (auto it = answer.find("exit_code"); it != answer.end() && it->is_number_integer()) {
    out.exit_code = it->get<int>();
  }
  if (auto it = answer.find("output"); it != answer.end() && it->is_string()) {
    out.output = it->get<std::string>();
  }
  if (auto it = answer.find("timed_out"); it != answer.end() && it->is_boolean()) {
    out.timed_out = it->get<bool>();
  }
  return out;
}

}  // namespace chainlab::cli
