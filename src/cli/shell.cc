#include "cli/shell.h"

#include "cli/parse.h"
#include "cli/remote.h"
#include "cli/views.h"

namespace chainlab::cli {

std::vector<std::string> substitute_names(std::vector<std::string> argv,
                                          const std::map<std::string, std::string>& ip_of) {
  for (size_t i = 1; i < argv.size(); ++i) {
    auto it = ip_of.find(argv[i]);
    if (it != ip_of.end() && !it->second.empty()) {
      argv[i] = it->second;
    }
  }
  return argv;
}

bool Shell::handle(std::string_view line) {
  auto words = split_words(line);
  if (!words.ok()) {
    error(words.error().message);
    return true;
  }
  if (words->empty()) {
    return true;
  }
  const std::string& verb = (*words)[0];
  last_status_ = 0;
  if (verb == "exit" || verb == "quit") {
    return false;
  }
  if (verb == "help" || verb == "?") {
    help();
  } else if (verb == "nodes" && words->size() == 1) {
    nodes();
  } else if (verb == "links" && words->size() == 1) {
    links();
  } else if (verb == "pingall" && words->size() == 1) {
    pingall();
  } else if (words->size() >= 2) {
    run_in(*words);
  } else {
    error("unknown command '" + verb + "' (try help)");
  }
  std::fflush(out_);
  return true;
}

void Shell::error(const std::string& message) {
  std::fprintf(err_, "error: %s\n", message.c_str());
  last_status_ = 1;
}

void Shell::help() {
  std::fprintf(out_,
               "nodes            PoPs and instances\n"
               "links            topology links\n"
               "pingall          every instance pings every other instance once\n"
               "NAME CMD...      run CMD in instance NAME (instance names become their IPs)\n"
               "help             this text\n"
               "exit             leave (also Ctrl-D)\n");
}

void Shell::nodes() {
  auto pops = client_.get("/restapi/datacenter");
  if (!pops.ok()) {
    return error(pops.error().message);
  }
  auto list = client_.get("/restapi/compute");
  if (!list.ok()) {
    return error(list.error().message);
  }
  std::fprintf(out_, "%s", datacenter_list_table(*pops).render().c_str());
  Table instances = compute_list_table(*list);
  if (instances.empty()) {
    std::fprintf(out_, "\nno compute instances\n");
  } else {
    std::fprintf(out_, "\n%s", instances.render().c_str());
  }
}

void Shell::links() {
  auto graph = client_.get("/restapi/network/d3jsgraph");
  if (!graph.ok()) {
    return error(graph.error().message);
  }
  const nlohmann::json& g = *graph;
  std::vector<std::string> node_names;
  if (g.is_object() && g.contains("nodes") && g["nodes"].is_array()) {
    for (const auto& n : g["nodes"]) {
      node_names.push_back(field(n, "name"));
    }
  }
  auto end = [&node_names](const nlohmann::json& l, const char* key) {
    if (l.is_object() && l.contains(key) && l[key].is_number_unsigned() &&
        l[key].get<size_t>() < node_names.size()) {
      return node_names[l[key].get<size_t>()];
    }
    return field(l, key);
  };
  Table table({"SOURCE", "TARGET", "VALUE"});
  if (g.is_object() && g.contains("links") && g["links"].is_array()) {
    for (const auto& l : g["links"]) {
      table.add({end(l, "source"), end(l, "target"), field(l, "value")});
    }
  }
  std::fprintf(out_, "%s", table.empty() ? "no links\n" : table.render().c_str());
}

bool Shell::instances(std::vector<std::string>& names, std::map<std::string, std::string>& ip_of) {
  auto list = client_.get("/restapi/compute");
  if (!list.ok()) {
    error(list.error().message);
    return false;
  }
  if (list->is_array()) {
    for (const auto& entry : *list) {
      if (entry.is_array() && entry.size() >= 2 && entry[0].is_string()) {
        names.push_back(entry[0].get<std::string>());
        ip_of[names.back()] = first_ip(entry[1]);
      }
    }
  }
  return true;
}

void Shell::pingall() {
  std::vector<std::string> names;
  std::map<std::string, std::string> ip_of;
  if (!instances(names, ip_of)) {
    return;
  }
  if (names.size() < 2) {
    std::fprintf(out_, "pingall needs at least two instances (have %zu)\n", names.size());
    return;
  }
  std::vector<std::vector<bool>> ok(names.size(), std::vector<bool>(names.size(), false));
  for (size_t i = 0; i < names.size(); ++i) {
    std::fprintf(err_, "%s ->", names[i].c_str());
    for (size_t j = 0; j < names.size(); ++j) {
      if (i == j) {
        continue;
      }
      const std::string& ip = ip_of[names[j]];
      if (!ip.empty()) {
        auto r = exec_in(client_, names[i], {"ping", "-c1", "-W1", ip}, 10);
        ok[i][j] = r.ok() && r->exit_code == 0;
      }
      last_status_ = ok[i][j] ? last_status_ : 1;
      std::fprintf(err_, " %s", ok[i][j] ? names[j].c_str() : "X");
      std::fflush(err_);
    }
    std::fprintf(err_, "\n");
  }
  std::fprintf(out_, "%s", ping_matrix_text(names, ok).c_str());
}

void Shell::run_in(const std::vector<std::string>& words) {
  std::vector<std::string> names;
  std::map<std::string, std::string> ip_of;
  if (!instances(names, ip_of)) {
    return;
  }
  if (ip_of.find(words[0]) == ip_of.end()) {
    return error("unknown command or instance '" + words[0] + "' (try help or nodes)");
  }
  std::vector<std::string> argv(words.begin() + 1, words.end());
  argv = substitute_names(std::move(argv), ip_of);
  auto r = exec_in(client_, words[0], argv, 60);
  if (!r.ok()) {
    return error(r.error().message);
  }
  std::fwrite(r->output.data(), 1, r->output.size(), out_);
  if (r->timed_out) {
    return error("timed out after 60 s");
  }
  last_status_ = r->exit_code;
}

}  // namespace chainlab::cli
