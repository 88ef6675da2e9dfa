// `chainlab sg add|delete|status|list` and `chainlab view`: clients of the multi-domain
// orchestrator's ESCAPE API (docs/mdo.md). `sg add FILE` posts an NFFG service request and
// follows it to its end (a progress line; --no-wait prints the message id and returns), then
// shows where each NF went; `sg delete FILE|SERVICE` removes a service; `sg status MESSAGE_ID`
// asks how a request went; `sg list` shows every deployed service; `view` shows the global view
// (infras by domain with their NFs, SAPs), --json as the NFFG itself. Exit codes: 0 done, 1
// failed or refused.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "cli/command_util.h"
#include "cli/escape_client.h"
#include "cli/remote.h"
#include "common/files.h"
#include "common/json_at.h"
#include "common/json_bounded.h"
#include "frontends/escape/nffg.h"

namespace chainlab::cli {
namespace {

using nlohmann::json;

struct SgOptions {
  RemoteOptions remote;
  std::string prefix = "escape";
  std::string target;  // file, service id or message id
  bool no_wait = false;
  double timeout = 600;
};

Result<EscapeClient> client_of(const SgOptions& opt) {
  return EscapeClient::connect(
      opt.remote.endpoint.empty() ? kDefaultMdoEndpoint : opt.remote.endpoint, opt.remote.env,
      opt.prefix);
}

// The NFFG to send: the file (for a delete with its mode set to DELETE: ESCAPE's request files
// say ADD), or for a delete of a service id a request naming only it.
Result<std::string> request_text(const std::string& target, bool remove) {
  if (!remove) {
    return read_file(target, escape::kMaxNffgBytes);
  }
  if (!std::filesystem::is_regular_file(target)) {
    return json{{"parameters", {{"id", target}, {"version", "1.0"}, {"mode", "DELETE"}}}}.dump();
  }
  CL_ASSIGN_OR_RETURN(std::string text, read_file(target, escape::kMaxNffgBytes));
  CL_ASSIGN_OR_RETURN(json doc, parse_json(text, target));
  if (!doc.is_object() || (doc.contains("parameters") && !doc["parameters"].is_object())) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not an NFFG", target);
  }
  doc["parameters"]["mode"] = "DELETE";
  return doc.dump();
}

// Polls the status (by the clock, every 50 ms) until the request ends or `timeout_s` passes.
Result<RequestStatus> follow(EscapeClient& c, const std::string& id, double timeout_s, bool quiet) {
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    CL_ASSIGN_OR_RETURN(RequestStatus s, c.status(id));
    double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!quiet) {
      std::printf("\rrequest %s: %s %.1f s", id.c_str(), s.code == 202 ? "in progress" : "done", t);
      std::fflush(stdout);
    }
    if (s.code != 202) {
      if (!quiet) {
        std::printf("\n");
      }
      return s;
    }
    if (t > timeout_s) {
      return make_error(ErrorCode::kUnavailable, "request {} still in progress after {:.0f} s", id,
                        timeout_s);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// A string of the answer, "" when it is not there or not a string.
std::string text_at(const json& j, std::initializer_list<std::string_view> path) {
  const json& v = json_at(j, path);
  return v.is_string() ? v.get<std::string>() : "";
}

void print_mapping(const json& m) {
  Table t({"NF", "INFRA", "DOMAIN"});
  const json& mapping = json_at(m, {"mapping"});
  for (const auto& e : mapping.is_array() ? mapping : json::array()) {
    t.add(
        {text_at(e, {"nf", "id"}), text_at(e, {"bisbis", "id"}), text_at(e, {"bisbis", "domain"})});
  }
  std::printf("service %s\n%s", text_at(m, {"service_id"}).c_str(),
              t.empty() ? "  (no NFs)\n" : t.render().c_str());
}

int run_send(const SgOptions& opt, bool remove) {
  auto text = request_text(opt.target, remove);
  auto c = text.ok() ? client_of(opt) : Result<EscapeClient>(text.error());
  auto id = c.ok() ? c->send(*text, remove) : Result<std::string>(c.error());
  if (!id.ok()) {
    return fail(id.error());
  }
  if (opt.no_wait) {
    std::printf("%s\n", opt.remote.json ? json{{"message-id", *id}}.dump().c_str() : id->c_str());
    return 0;
  }
  auto s = follow(*c, *id, opt.timeout, opt.remote.json);
  if (!s.ok() || s->code != 200) {
    return fail(s.ok() ? make_error(ErrorCode::kFailedPrecondition, "request {} failed: {}", *id,
                                    s->message)
                       : s.error());
  }
  auto m = remove ? Result<json>(json(nullptr)) : c->get("/orchestration/mapping-info/" + *id);
  if (opt.remote.json) {
    print_json({{"message-id", *id}, {"status", "SUCCESS"}, {"mapping", m.ok() ? *m : nullptr}});
  } else if (m.ok() && !remove) {
    print_mapping(*m);
  }
  return 0;
}

int run_status(const SgOptions& opt) {
  auto c = client_of(opt);
  auto s = c.ok() ? c->status(opt.target) : Result<RequestStatus>(c.error());
  if (!s.ok()) {
    return fail(s.error());
  }
  const char* name = s->code == 200 ? "SUCCESS" : s->code == 202 ? "IN_PROGRESS" : "ERROR";
  if (opt.remote.json) {
    print_json({{"message-id", opt.target}, {"status", name}, {"message", s->message}});
  } else {
    std::printf("%s%s%s\n", name, s->message.empty() ? "" : ": ", s->message.c_str());
  }
  return s->code == 500 ? 1 : 0;
}

int run_list(const SgOptions& opt) {
  auto c = client_of(opt);
  auto m = c.ok() ? c->get("/orchestration/mappings") : Result<json>(c.error());
  if (!m.ok()) {
    return fail(m.error());
  }
  if (opt.remote.json) {
    print_json(*m);
    return 0;
  }
  Table t({"SERVICE", "NFS", "DOMAINS"});
  for (const auto& s : m->is_array() ? *m : json::array()) {
    std::string domains;
    const json& list = json_at(s, {"domains"});
    for (const auto& d : list.is_array() ? list : json::array()) {
      domains += (domains.empty() ? "" : ",") + (d.is_string() ? d.get<std::string>() : d.dump());
    }
    const json& nfs = json_at(s, {"mapping"});
    t.add({text_at(s, {"service_id"}), std::to_string(nfs.is_array() ? nfs.size() : 0), domains});
  }
  std::printf("%s", t.empty() ? "no services\n" : t.render().c_str());
  return 0;
}

std::string amount(const json& resources, const char* key) {
  return resources.contains(key) && resources[key].is_number()
             ? fmt::format("{:g}", resources[key].get<double>())
             : "-";
}

int run_view(const SgOptions& opt) {
  auto c = client_of(opt);
  auto v = c.ok() ? c->get("/orchestration/get-config") : Result<json>(c.error());
  if (!v.ok()) {
    return fail(v.error());
  }
  if (opt.remote.json) {
    print_json(*v);
    return 0;
  }
  auto g = escape::nffg_from_json(*v);
  if (!g.ok()) {
    return fail(g.error());
  }
  Table infras({"INFRA", "DOMAIN", "TYPE", "CPU", "MEM", "STORAGE", "NFS"});
  for (const auto& infra : g->node_infras) {
    json r = infra.resources ? json{{"cpu", infra.resources->cpu.value_or(-1)},
                                    {"mem", infra.resources->mem.value_or(-1)},
                                    {"storage", infra.resources->storage.value_or(-1)}}
                             : json::object();
    std::string nfs;
    for (const auto& l : g->edge_links) {
      if (l.dst_node == infra.id && g->nf(l.src_node) != nullptr) {
        nfs += (nfs.empty() ? "" : ",") + l.src_node.str();
      }
    }
    infras.add({infra.id.str(), infra.domain.value_or("-"), infra.type, amount(r, "cpu"),
                amount(r, "mem"), amount(r, "storage"), nfs.empty() ? "-" : nfs});
  }
  std::printf("%s%zu SAPs, %zu links, %zu NFs\n", infras.render().c_str(), g->node_saps.size(),
              g->edge_links.size(), g->node_nfs.size());
  return 0;
}

void add_leaf(CLI::App& parent, CliContext& ctx, const char* name, const char* help,
              const char* target_help, int (*run)(const SgOptions&)) {
  auto opt = std::make_shared<SgOptions>();
  auto* cmd = parent.add_subcommand(name, help);
  if (target_help != nullptr) {
    cmd->add_option("target", opt->target, target_help)->required();
  }
  opt->remote.env = ctx.env;
  cmd->add_option(
      "-e,--endpoint", opt->remote.endpoint,
      std::string("The ESCAPE API of `chainlab mdo` (default ") + kDefaultMdoEndpoint + ")");
  cmd->add_flag("--json", opt->remote.json, "Print the server's raw JSON");
  cmd->add_option("--prefix", opt->prefix, "The API's path prefix (the config's api.prefix)")
      ->capture_default_str();
  if (std::string(name) == "add" || std::string(name) == "delete") {
    cmd->add_flag("--no-wait", opt->no_wait, "Print the message id and return at once");
    cmd->add_option("--timeout", opt->timeout, "Seconds to follow the request (default 600)")
        ->check(CLI::Range(0.1, 86400.0));
  }
  cmd->callback([opt, &ctx, run] { ctx.exit_code = run(*opt); });
}

}  // namespace

void add_sg_command(CLI::App& app, CliContext& ctx) {
  auto* sg = app.add_subcommand("sg",
                                "Service requests to the multi-domain orchestrator (ESCAPE "
                                "API)");
  sg->require_subcommand(1);
  add_leaf(*sg, ctx, "add", "Deploy an NFFG service request and follow it", "NFFG file",
           [](const SgOptions& o) { return run_send(o, false); });
  add_leaf(*sg, ctx, "delete", "Delete a service (an NFFG file or a service id)",
           "NFFG file or service id", [](const SgOptions& o) { return run_send(o, true); });
  add_leaf(*sg, ctx, "status", "How a request went", "message id", &run_status);
  add_leaf(*sg, ctx, "list", "The deployed services", nullptr, &run_list);
  add_leaf(app, ctx, "view", "The multi-domain orchestrator's global view", nullptr, &run_view);
}

}  // namespace chainlab::cli
