// Command-line parsing for the critgraph CLI: global options (--db, --help)
// anywhere on the line, then per-command options and positionals.
#ifndef CRITGRAPH_TOOLS_ARGS_H_
#define CRITGRAPH_TOOLS_ARGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/types.h"

namespace critgraph::cli {

struct OptionSpec {
  std::string name;  // without the leading "--"
  bool takes_value = false;
  // One line for the command's --help ("" leaves the option out of the
  // options list, e.g. an alias already described by its twin).
  std::string help;
  // The value's placeholder in --help ("N", "REV", "FILE"); "VALUE" if empty.
  std::string value_name;
};

// Parsed options of one command.
class Args {
 public:
  std::vector<std::string> positional;

  bool Flag(const std::string& name) const { return flags_.count(name) > 0; }
  std::optional<std::string> Value(const std::string& name) const;
  std::string ValueOr(const std::string& name, std::string def) const;

  // Helpers for common options; InvalidArgument with a usable message.
  absl::StatusOr<std::optional<uint32_t>> MaxDepth() const;
  absl::StatusOr<Direction> GetDirection() const;  // default out
  // Comma-separated list option ("a,b,c"); empty if absent.
  std::vector<std::string> List(const std::string& name) const;
  // JSON output asked for: --json, or --format json (its alias). --format
  // text is the default; any other --format is InvalidArgument. For commands
  // whose options are JsonOptions().
  absl::StatusOr<bool> Json() const;

 private:
  friend absl::StatusOr<Args> ParseArgs(const std::vector<std::string>&,
                                        const std::vector<OptionSpec>&);
  std::set<std::string> flags_;
  std::map<std::string, std::string> values_;
};

// --json and --format text|json, for every command whose output has a JSON
// form (Args::Json reads them).
std::vector<OptionSpec> JsonOptions();

// Parses `argv` (the words after the command name) against `specs`.
// Accepts "--name value", "--name=value"; a one-letter option `n` is also
// "-n value"; "--" ends options; "-" is a positional. Unknown options are
// InvalidArgument.
absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& argv,
                               const std::vector<OptionSpec>& specs);

// The global part of the command line.
struct GlobalArgs {
  std::string db_path;            // --db, else $CRITGRAPH_DB, else critgraph.db
  bool db_given = false;          // --db was on the command line
  bool help = false;              // --help / -h anywhere
  bool version = false;           // --version before the command
  std::string color = "auto";     // --color auto|always|never, anywhere
  std::string command;            // first positional word ("" if none)
  std::vector<std::string> rest;  // everything else, in order
};

// Extracts --db DIR / --db=DIR, --color WHEN / --color=WHEN and --help/-h
// from anywhere in the line. InvalidArgument for a --color other than auto,
// always or never.
absl::StatusOr<GlobalArgs> ParseGlobal(const std::vector<std::string>& argv);

// Whether output may be coloured: --color always / never, else (auto) only
// when stdout is a terminal and $NO_COLOR is unset or empty
// (https://no-color.org).
bool ColorWanted(const std::string& color, bool stdout_is_tty);

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_ARGS_H_
