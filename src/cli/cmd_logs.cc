// `chainlab logs NAME [-f] [--tail N]`: an instance's stdout/stderr, as `docker logs` (REST:
// GET /restapi/compute/<pop>/<name>/logs). The PoP is looked up from the instance list unless
// given with -d. With -f it follows the output until the instance's processes exit, it is
// stopped, or Ctrl-C.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/views.h"

namespace chainlab::cli {
namespace {

struct LogsOptions {
  RemoteOptions remote;
  std::string name;
  std::string pop;
  bool follow = false;
  std::string tail = "all";
};

int run_logs(const LogsOptions& opt) {
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  std::string pop = opt.pop;
  if (pop.empty()) {
    auto found = pop_of_instance(*client, opt.name);
    if (!found.ok()) {
      return fail(found.error());
    }
    pop = *found;
  }
  Query query = {{"tail", opt.tail}};
  if (opt.follow) {
    query.emplace_back("follow", "1");
    client->set_read_timeout(std::chrono::hours(24 * 365));  // a silent instance is no error
  }
  std::string path = "/restapi/compute/" + url_encode(pop) + "/" + url_encode(opt.name) + "/logs";
  auto streamed = client->get_stream(path, query, [](std::string_view chunk) {
    // A closed stdout (`| head`) ends the command quietly.
    return std::fwrite(chunk.data(), 1, chunk.size(), stdout) == chunk.size() &&
           std::fflush(stdout) == 0;
  });
  if (!streamed.ok()) {
    return fail(streamed.error());
  }
  return 0;
}

}  // namespace

void add_logs_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<LogsOptions>();
  auto* cmd = app.add_subcommand("logs", "Print an instance's stdout/stderr: logs NAME (REST)");
  cmd->add_option("name", opt->name, "Instance name")->required();
  cmd->add_flag("-f,--follow", opt->follow, "Keep printing what the instance writes");
  cmd->add_option("-n,--tail", opt->tail, "Only the last N lines (0..100000) or 'all'")
      ->capture_default_str();
  cmd->add_option("-d,--datacenter", opt->pop, "The instance's PoP (default: looked up)");
  opt->remote.env = ctx.env;
  cmd->add_option("-e,--endpoint", opt->remote.endpoint,
                  "REST endpoint of `chainlab run` (default $CHAINLAB_ENDPOINT or " +
                      std::string(kDefaultEndpoint) + ")");
  cmd->callback([opt, &ctx] { ctx.exit_code = run_logs(*opt); });
}

}  // namespace chainlab::cli
