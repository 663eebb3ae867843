// critgraph: the command-line tool. See docs/CLI.md.
#include <iostream>
#include <string>
#include <vector>

#include "tools/args.h"
#include "tools/cli_common.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  using namespace critgraph::cli;
  std::ios::sync_with_stdio(false);
  std::vector<std::string> words(argv + 1, argv + argc);
  auto global = ParseGlobal(words);
  if (!global.ok()) {
    Fail(kExitUsage, StatusText(global.status()));
    std::cerr << "run `critgraph --help` for usage\n";
    return kExitUsage;
  }
  if (global->version) {
    std::cout << "critgraph 0.1.0\n";
    return kExitOk;
  }
  if (global->command.empty()) {
    if (global->help) {
      std::cout << GlobalHelp();
      return kExitOk;
    }
    std::cerr << GlobalHelp();
    return kExitUsage;
  }
  if (global->command == "help") {
    if (global->rest.empty()) {
      std::cout << GlobalHelp();
      return kExitOk;
    }
    if (const Command* c = FindCommand(global->rest[0])) {
      std::cout << CommandHelp(*c);
      return kExitOk;
    }
    Fail(kExitUsage, "help: unknown command '" + global->rest[0] + "'");
    std::cerr << "run `critgraph --help` for the list of commands\n";
    return kExitUsage;
  }
  const Command* cmd = FindCommand(global->command);
  if (cmd == nullptr) {
    Fail(kExitUsage, "unknown command '" + global->command + "'");
    std::cerr << "run `critgraph --help` for the list of commands\n";
    return kExitUsage;
  }
  if (global->help) {
    std::cout << CommandHelp(*cmd);
    return kExitOk;
  }
  auto args = ParseArgs(global->rest, cmd->options);
  if (!args.ok()) {
    Fail(kExitUsage, global->command + ": " + StatusText(args.status()));
    std::cerr << CommandHelp(*cmd);
    return kExitUsage;
  }
  Context ctx{global->db_path, global->db_given,
              ColorWanted(global->color, StdoutIsTty())};
  int code = cmd->run(ctx, *args);
  std::cout.flush();
  return code;
}
