// `chainlab nffg create FILE | update ID FILE | get ID | list | delete ID | status ID`: a client of
// a node's NF-FG API (docs/nffg.md). The node is `-e` (else $CHAINLAB_NFFG, else
// http://127.0.0.1:8080), the user `-u` (admin) with `-p` (else $CHAINLAB_NFFG_PASSWORD).
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "cli/command_util.h"
#include "cli/nffg_client.h"
#include "cli/remote.h"
#include "common/files.h"
#include "common/json_bounded.h"

namespace chainlab::cli {
namespace {

using nlohmann::json;

struct NffgOptions {
  app::Environment env;  // the process's, read once by main
  std::string endpoint;
  std::string user = "admin";
  std::string password;
  bool json = false;
  std::string id;
  std::string file;
};

Result<NffgClient> connect_node(const NffgOptions& opt) {
  std::string endpoint = !opt.endpoint.empty()   ? opt.endpoint
                         : !opt.env.nffg.empty() ? opt.env.nffg
                                                 : kDefaultNffgEndpoint;
  std::string password = !opt.password.empty() ? opt.password : opt.env.nffg_password;
  return NffgClient::login(endpoint, opt.user, password);
}

Result<json> read_graph(const std::string& path) {
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path, size_t{16} << 20));
  auto graph = parse_json(text, path);
  if (!graph.ok()) {
    return std::move(graph).error();
  }
  return graph;
}

// `then(client)` with a client logged in to the node, or the error of connecting.
template <typename F>
int with_node(const NffgOptions& opt, F&& then) {
  auto client = connect_node(opt);
  return client.ok() ? then(*client) : fail(client.error());
}

// Runs `step` with a line of progress around it (none with --json).
template <typename F>
auto timed(const NffgOptions& opt, const std::string& what, F&& step) {
  if (!opt.json) {
    std::printf("%s ... ", what.c_str());
    std::fflush(stdout);
  }
  auto start = std::chrono::steady_clock::now();
  auto out = step();
  if (!opt.json) {
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
    std::printf(out.ok() ? "%.0f ms\n" : "failed\n", ms.count());
  }
  return out;
}

int run_create(const NffgOptions& opt) {
  return if_valid(read_graph(opt.file), [&](const json& graph) {
    return with_node(opt, [&](NffgClient& client) {
      auto id = timed(opt, "deploying " + opt.file, [&] { return client.create(graph); });
      if (!id.ok()) {
        return fail(id.error());
      }
      opt.json ? print_json({{"nffg-uuid", *id}}) : (void)std::printf("%s\n", id->c_str());
      return 0;
    });
  });
}

int run_update(const NffgOptions& opt) {
  return if_valid(read_graph(opt.file), [&](const json& graph) {
    return with_node(opt, [&](NffgClient& client) {
      return exit_code_of(timed(opt, fmt::format("updating {} with {}", opt.id, opt.file),
                                [&] { return client.update(opt.id, graph); }));
    });
  });
}

int run_get(const NffgOptions& opt) {
  return with_node(opt, [&](NffgClient& client) {
    auto graph = client.get("/NF-FG/" + opt.id);
    return graph.ok() ? (print_json(*graph), 0) : fail(graph.error());
  });
}

// ID NAME VNFS END-POINTS RULES of each graph.
void print_graphs(const json& list) {
  Table table({"ID", "NAME", "VNFS", "END-POINTS", "RULES"});
  for (const json& g : list.value("NF-FG", json::array())) {
    const json& fg = g.value("forwarding-graph", json::object());
    table.add(
        {g.value("nffg-uuid", ""), fg.value("name", ""),
         std::to_string(fg.value("VNFs", json::array()).size()),
         std::to_string(fg.value("end-points", json::array()).size()),
         std::to_string(
             fg.value("big-switch", json::object()).value("flow-rules", json::array()).size())});
  }
  print_table(table, "no graph");
}

int run_list(const NffgOptions& opt) {
  return with_node(opt, [&](NffgClient& client) {
    auto list = client.get("/NF-FG");
    if (!list.ok()) {
      return fail(list.error());
    }
    opt.json ? print_json(*list) : print_graphs(*list);
    return 0;
  });
}

int run_delete(const NffgOptions& opt) {
  return with_node(opt, [&](NffgClient& client) {
    return exit_code_of(timed(opt, "deleting " + opt.id, [&] { return client.remove(opt.id); }));
  });
}

int run_status(const NffgOptions& opt) {
  return with_node(opt, [&](NffgClient& client) {
    auto s = client.get("/NF-FG/status/" + opt.id);
    if (!s.ok() || opt.json) {
      return s.ok() ? (print_json(*s), 0) : fail(s.error());
    }
    std::string message = s->contains("message") ? ": " + s->value("message", "") : "";
    std::printf("%s %d%%%s\n", s->value("status", "").c_str(), s->value("percentage_completed", 0),
                message.c_str());
    return 0;
  });
}

void node_options(CLI::App& cmd, NffgOptions& opt, const app::Environment& env) {
  opt.env = env;
  cmd.add_option("-e,--endpoint", opt.endpoint,
                 "NF-FG API of the node (default $CHAINLAB_NFFG or http://127.0.0.1:8080)");
  cmd.add_option("-u,--user", opt.user, "User to log in as")->capture_default_str();
  cmd.add_option("-p,--password", opt.password, "Password (default $CHAINLAB_NFFG_PASSWORD)");
  cmd.add_flag("--json", opt.json, "Print the node's JSON answers");
}

}  // namespace

void add_nffg_command(CLI::App& app, CliContext& ctx) {
  CLI::App* group = add_group(app, "nffg", "Deploy, update and remove NF-FGs on a node");
  auto [create, c] =
      add_leaf<NffgOptions>(*group, ctx, "create", "Deploy an NF-FG file", run_create);
  create->add_option("file", c->file, "NF-FG JSON")->required();
  node_options(*create, *c, ctx.env);
  auto [update, u] = add_leaf<NffgOptions>(
      *group, ctx, "update", "Replace a graph by the NF-FG file (applied as a diff)", run_update);
  update->add_option("id", u->id, "Graph id")->required();
  update->add_option("file", u->file, "NF-FG JSON")->required();
  node_options(*update, *u, ctx.env);
  for (auto [name, help, run] :
       {std::tuple{"get", "Print a graph", &run_get},
        std::tuple{"delete", "Remove a graph", &run_delete},
        std::tuple{"status", "A graph's deployment status", &run_status}}) {
    auto [cmd, o] = add_leaf<NffgOptions>(*group, ctx, name, help, run);
    cmd->add_option("id", o->id, "Graph id")->required();
    node_options(*cmd, *o, ctx.env);
  }
  auto [list, l] = add_leaf<NffgOptions>(*group, ctx, "list", "List the graphs", run_list);
  node_options(*list, *l, ctx.env);
}

}  // namespace chainlab::cli
