#include "frontends/unode/node_config.h"

#include <ini.h>

#include <charconv>
#include <sstream>

#include <fmt/format.h>

#include "common/files.h"

namespace chainlab::unode {
namespace {

constexpr size_t kMaxConfigBytes = 1 << 20;

struct ConfigReader {
  NodeConfig config;
  std::vector<std::string>* warnings = nullptr;
  std::string source;
  std::string error;  // the first one (ini_parse_string gives its line)
};

// "[a b c]" -> {a, b, c}: the reference's list syntax.
std::vector<std::string> list_value(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  for (std::string word; in >> word;) {
    out.push_back(word);
  }
  return out;
}

bool set_port(ConfigReader& r, std::string_view value) {
  int port = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
  if (ec != std::errc() || end != value.data() + value.size() || port < 1 || port > 65535) {
    r.error = fmt::format("server_port: expected 1..65535, not '{}'", value);
    return false;
  }
  r.config.port = port;
  return true;
}

bool set_graphs(ConfigReader& r, std::string_view value) {
  for (const std::string& item : list_value(value)) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      r.error = fmt::format("nffgs: expected id=path, not '{}'", item);
      return false;
    }
    r.config.initial_graphs.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return true;
}

// One key of the file; false (with r.error) stops the parse.
bool take(ConfigReader& r, std::string_view section, std::string_view key, std::string_view value) {
  NodeConfig& c = r.config;
  if (section == "physical ports" && key == "ports_name") {
    c.interfaces = list_value(value);
  } else if (section == "rest server" && key == "server_port") {
    return set_port(r, value);
  } else if (section == "initial graphs" && key == "nffgs") {
    return set_graphs(r, value);
  } else if (section == "user authentication" && key == "admin_password") {
    c.admin_password = value;
  } else if (section == "chainlab" && key == "templates") {
    c.templates_dir = value;
  } else if (section == "chainlab" && key == "listen") {
    c.listen = value;
  } else if (r.warnings != nullptr) {
    std::string why = section == "user authentication" && key == "user_authentication"
                          ? "authentication is always on"
                          : "not used by chainlab";
    r.warnings->push_back(fmt::format("{}: [{}] {}: {}", r.source, section, key, why));
  }
  return true;
}

int on_key(void* user, const char* section, const char* key, const char* value) {
  return take(*static_cast<ConfigReader*>(user), section, key, value) ? 1 : 0;
}

}  // namespace

Result<NodeConfig> parse_node_config(const std::string& text, const std::string& source,
                                     std::vector<std::string>* warnings) {
  ConfigReader r;
  r.warnings = warnings;
  r.source = source;
  if (text.find('\0') != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not a text file", source);
  }
  int failed = ini_parse_string(text.c_str(), on_key, &r);
  if (failed != 0) {
    return make_error(ErrorCode::kInvalidArgument, "{}:{}: {}", source, failed,
                      r.error.empty() ? "not an INI line" : r.error);
  }
  return std::move(r.config);
}

Result<NodeConfig> read_node_config(const std::string& path, std::vector<std::string>* warnings) {
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path, kMaxConfigBytes));
  return parse_node_config(text, path, warnings);
}

}  // namespace chainlab::unode
