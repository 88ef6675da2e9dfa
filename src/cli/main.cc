#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"chainlab: emulate and orchestrate service function chains on one Linux machine"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
