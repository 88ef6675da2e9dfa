// `chainlab topology import FILE [-o FILE.yaml]`: translates a son-emu topology script (.py,
// read, never run; src/emulator/sonemu_import.h) or a Topology Zoo file (.graphml, .gml) to
// chainlab's topology YAML. Also how `chainlab run FILE.py` reads a son-emu script.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/run_support.h"
#include "common/files.h"
#include "emulator/sonemu_import.h"

namespace chainlab::cli {
namespace {

struct ImportOptions {
  std::string file;
  std::string output;
};

bool is_python(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".py" || ext == ".PY";
}

// The son-emu script as YAML text; its warnings go to stderr.
Result<std::string> sonemu_yaml(const std::string& path) {
  CL_ASSIGN_OR_RETURN(emulator::SonemuImport imported, emulator::import_sonemu_file(path));
  for (const auto& w : imported.warnings) {
    std::fprintf(stderr, "warning: %s\n", emulator::format_warning(imported, w).c_str());
  }
  return emulator::sonemu_import_yaml(imported);
}

int import_topology(const ImportOptions& opt) {
  Result<std::string> yaml = std::string();
  if (is_python(opt.file)) {
    yaml = sonemu_yaml(opt.file);
  } else {
    auto t = emulator::Topology::load_file(opt.file);
    yaml = t.ok() ? Result<std::string>(t->to_yaml()) : Result<std::string>(t.error());
  }
  if (!yaml.ok()) {
    std::fprintf(stderr, "error: %s\n", yaml.error().message.c_str());
    return 1;
  }
  if (opt.output.empty()) {
    std::fputs(yaml->c_str(), stdout);
    return 0;
  }
  if (auto s = write_file(opt.output, *yaml, /*create=*/true); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr, "wrote %s\n", opt.output.c_str());
  return 0;
}

}  // namespace

Result<emulator::Topology> load_sonemu_topology(const std::string& path) {
  CL_ASSIGN_OR_RETURN(std::string yaml, sonemu_yaml(path));
  // Through the YAML `topology import` writes, so that both give the same emulation.
  return emulator::Topology::from_yaml(yaml, path + " (translated)");
}

bool is_sonemu_script(const std::string& path) {
  return is_python(path);
}

void add_topology_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<ImportOptions>();
  auto* cmd = app.add_subcommand("topology", "Topology files");
  cmd->require_subcommand(1);
  auto* imp = cmd->add_subcommand(
      "import",
      "Translate a son-emu topology script (.py; read, not run) or a Topology Zoo file "
      "(.graphml, .gml) to chainlab's topology YAML");
  imp->add_option("file", opt->file, "The script or file")->required();
  imp->add_option("-o,--output", opt->output, "Write the YAML to this file (default: stdout)");
  imp->callback([opt, &ctx] { ctx.exit_code = import_topology(*opt); });
}

}  // namespace chainlab::cli
