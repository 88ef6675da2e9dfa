// son-emu topology scripts -> chainlab topologies (sonemu_import.h): parse, evaluate, finish, and
// the YAML that `chainlab topology import` writes.
#include "emulator/sonemu_import.h"

#include <pthread.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "common/files.h"
#include "emulator/pyscript.h"
#include "emulator/sonemu_eval.h"
#include "emulator/sonemu_model.h"
#include "emulator/topology_import.h"

namespace chainlab::emulator {

namespace {

std::string topology_name(const std::string& source) {
  std::string stem = std::filesystem::path(source).stem().string();
  return stem.empty() ? "sonemu" : stem;
}

Result<SonemuImport> translate(std::string_view text, const std::string& source) {
  pyscript::Limits limits;
  limits.max_bytes = kMaxSonemuScriptBytes;
  CL_ASSIGN_OR_RETURN(pyscript::Module module, pyscript::parse(text, source, limits));
  sonemu::Model model(source);
  sonemu::Interpreter interpreter(source, model);
  CL_RETURN_IF_ERROR(interpreter.run(module));
  CL_ASSIGN_OR_RETURN(sonemu::Translation t, model.finish(topology_name(source)));
  SonemuImport out;
  out.source = source;
  out.topology = std::move(t.topology);
  out.learning = t.learning;
  if (t.learning) {
    out.topology.emulator.connectivity = Connectivity::kLearning;
  }
  for (const sonemu::Diagnostic& d : model.warnings()) {
    out.warnings.push_back(SonemuWarning{d.line, d.message});
  }
  std::stable_sort(out.warnings.begin(), out.warnings.end(),
                   [](const SonemuWarning& a, const SonemuWarning& b) { return a.line < b.line; });
  return out;
}

// The parser and the evaluator recurse once per nesting level of the script. Their bounds
// (pyscript::Limits, Interpreter::kMaxNesting) keep that finite, but how deep the C++ stack gets
// depends on the build: sanitizers make frames several times larger. So they run on a thread of
// their own with a stack sized for the bounds in any build (reserved, touched only as needed).
constexpr size_t kStackBytes = 256u << 20;

struct Job {
  std::string_view text;
  const std::string* source = nullptr;
  std::optional<Result<SonemuImport>> result;
};

void* run_job(void* arg) {
  auto* job = static_cast<Job*>(arg);
  job->result.emplace(translate(job->text, *job->source));
  return nullptr;
}

}  // namespace

Result<SonemuImport> import_sonemu_script(std::string_view text, const std::string& source) {
  Job job{text, &source, std::nullopt};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStackBytes);
  pthread_t thread;
  int err = pthread_create(&thread, &attr, run_job, &job);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    return errno_error(err, "starting the son-emu script reader");
  }
  pthread_join(thread, nullptr);
  return std::move(*job.result);
}

Result<SonemuImport> import_sonemu_file(const std::string& path) {
  CL_RETURN_IF_ERROR(
      import::check_file_size(path, kMaxSonemuScriptBytes, " for a topology script"));
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return import_sonemu_script(text, path);
}

std::string format_warning(const SonemuImport& imported, const SonemuWarning& warning) {
  return fmt::format("{}:{}: {}", imported.source, warning.line, warning.message);
}

std::string sonemu_import_yaml(const SonemuImport& imported) {
  std::string source;
  for (char c : imported.source) {
    source += c == '\n' || c == '\r' ? '?' : c;  // a comment ends at a line break
  }
  std::string header = fmt::format(
      "# Translated from the son-emu topology script {} by `chainlab topology import`\n"
      "# (the script was read, not run; docs/sonemu-import.md).\n",
      source);
  if (!imported.warnings.empty()) {
    header += "# Warnings:\n";
    for (const SonemuWarning& w : imported.warnings) {
      header += fmt::format("#   {}:{}: {}\n", source, w.line, w.message);  // one line each
    }
  }
  return header + imported.topology.to_yaml();
}

}  // namespace chainlab::emulator
