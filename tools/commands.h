// The critgraph CLI's commands: one function per command, and the table
// main() dispatches on (names, options, help texts).
#ifndef CRITGRAPH_TOOLS_COMMANDS_H_
#define CRITGRAPH_TOOLS_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "critgraph/db.h"
#include "critgraph/io/report.h"
#include "tools/args.h"

namespace critgraph::cli {

struct Context {
  std::string db_path;
  bool db_given = false;
  bool color = false;  // colour the output (--color, NO_COLOR, a terminal)
};

using CommandFn = int (*)(const Context&, const Args&);

struct Command {
  const char* name;
  const char* summary;  // one line for the global help
  const char* usage;    // the command's --help text
  std::vector<OptionSpec> options;
  CommandFn run;
  // One runnable example line for --help ("" prints none).
  const char* example = "";
};

// The command's --help: its usage text, then each option that has a help
// line (name, placeholder, description), then the example.
std::string CommandHelp(const Command& command);

const std::vector<Command>& AllCommands();
const Command* FindCommand(const std::string& name);
std::string GlobalHelp();

// Commands (cmd_*.cc).
int CmdInit(const Context&, const Args&);
int CmdImport(const Context&, const Args&);
int CmdLog(const Context&, const Args&);
int CmdTag(const Context&, const Args&);
int CmdTags(const Context&, const Args&);
int CmdShow(const Context&, const Args&);
int CmdExport(const Context&, const Args&);
int CmdDiff(const Context&, const Args&);
int CmdReach(const Context&, const Args&);
int CmdPath(const Context&, const Args&);
int CmdReachDiff(const Context&, const Args&);
int CmdStats(const Context&, const Args&);
int CmdVerify(const Context&, const Args&);
int CmdHistory(const Context&, const Args&);
int CmdDemo(const Context&, const Args&);
int CmdLists(const Context&, const Args&);
int CmdCrosswalk(const Context&, const Args&);
int CmdFind(const Context&, const Args&);
int CmdBackup(const Context&, const Args&);
int CmdRestore(const Context&, const Args&);
int CmdGc(const Context&, const Args&);
int CmdDraft(const Context&, const Args&);
int CmdMerge(const Context&, const Args&);
int CmdReport(const Context&, const Args&);

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_COMMANDS_H_

namespace critgraph::cli {

// Prints "critgraph: CMD: MESSAGE" and the command's usage to stderr;
// returns kExitUsage.
int UsageError(const std::string& cmd, const std::string& message);

// The HTML report (critgraph/io/report.h) written to `out_path`: `report`
// and `demo` both write it.
absl::Status WriteReportFile(const DB& db, const io::ReportOptions& options,
                             const std::string& out_path);

}  // namespace critgraph::cli
