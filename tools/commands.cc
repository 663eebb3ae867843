#include "tools/commands.h"

#include <algorithm>
#include <utility>

namespace critgraph::cli {

namespace {

const std::vector<OptionSpec> kFilterOptions = {{"direction", true},
                                                {"edge-types", true},
                                                {"kinds", true},
                                                {"max-depth", true},
                                                {"json", false}};

std::vector<OptionSpec> With(std::vector<OptionSpec> base,
                             std::vector<OptionSpec> more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

}  // namespace

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> kCommands = {
      {"init",
       "create an empty database",
       "usage: critgraph init [--db DIR]\n"
       "\n"
       "Creates an empty database in DIR (exit 0 if one is already there).\n",
       {},
       CmdInit},
      {"import",
       "import a JSONL change stream or CSV files",
       "usage: critgraph import FILE|- [--format jsonl] [--message M] [--tag "
       "T]\n"
       "                        [--effective YYYY-MM-DD] [--author A]\n"
       "       critgraph import --format csv --nodes F [--edges F] [...]\n"
       "       critgraph import DIR --format csv [...]   (DIR/nodes.csv, "
       "DIR/edges.csv)\n"
       "\n"
       "Imports into the database (created if missing). A JSONL stream may\n"
       "hold many commit lines; ops after the last one are committed as one\n"
       "more revision with --message/--tag/--effective. CSV files make one\n"
       "revision. All or nothing: on any error nothing is committed.\n"
       "Exit 3 on bad input, naming file:line and the reason; exit 130 on\n"
       "Ctrl-C (SIGINT) or SIGTERM, with nothing imported.\n",
       {{"format", true},
        {"nodes", true},
        {"edges", true},
        {"message", true},
        {"tag", true},
        {"effective", true},
        {"author", true}},
       CmdImport},
      {"log",
       "list the revisions, newest first",
       "usage: critgraph log [--stat] [--json] [--list LIST]\n"
       "\n"
       "--stat  what each revision changed, by node kind and edge type\n"
       "--json  a JSON array of "
       "{\"revision\",\"parent\",\"tags\",\"effective\","
       "\"message\",\"digest\",...}\n",
       {{"stat", false},
        {"json", false},
        {"list", true, "only the revisions that changed this list", "LIST"}},
       CmdLog},
      {"tag",
       "name a revision",
       "usage: critgraph tag NAME [REV] [--force]\n"
       "\n"
       "Tags REV (default HEAD) as NAME. --force moves an existing tag.\n",
       {{"force", false}},
       CmdTag},
      {"show",
       "show one node and its edges",
       "usage: critgraph show KEY [--at REV] [--json]\n",
       {{"at", true}, {"json", false}},
       CmdShow},
      {"export",
       "export a revision as JSONL, CSV, GraphML or DOT",
       "usage: critgraph export [--at REV] [--format jsonl|csv|graphml|dot] "
       "[--out PATH]\n"
       "                        [--list LIST]\n"
       "\n"
       "jsonl (default), graphml, dot: to PATH or stdout.\n"
       "csv: --out DIR is required; writes DIR/nodes.csv and DIR/edges.csv.\n",
       {{"at", true},
        {"format", true},
        {"out", true},
        {"list", true,
         "only this list's scope: the list, its entries, the "
         "edges between them",
         "LIST"}},
       CmdExport},
      {"diff",
       "what changed between two revisions",
       "usage: critgraph diff A B [--scope KEY | --list LIST] [--edge-types "
       "T,..]\n"
       "                      [--direction out|in|both] [--max-depth N] "
       "[--stat]\n"
       "                      [--format text|json|jsonl|dot]\n"
       "\n"
       "--scope KEY  only the subgraph reachable from KEY\n"
       "--list LIST  only one list's entries (same as --scope LIST\n"
       "             --direction in --edge-types part_of)\n"
       "--stat       counts only (text, or JSON with --format json)\n"
       "formats: text (coloured on a terminal), json, jsonl (an importable\n"
       "patch), dot (added green, removed red, modified orange)\n",
       {{"scope", true},
        {"edge-types", true},
        {"direction", true},
        {"max-depth", true},
        {"stat", false},
        {"format", true},
        {"list", true,
         "only this list's entries (= --scope LIST --direction "
         "in --edge-types part_of)",
         "LIST"}},
       CmdDiff},
      {"reach", "nodes reachable from KEY...",
       "usage: critgraph reach KEY... [--at REV] [--direction out|in|both]\n"
       "                       [--edge-types T,..] [--kinds K,..] "
       "[--max-depth N] [--json]\n"
       "                       [--plan auto|seek|scan|adjacency]\n"
       "       critgraph reach [KEY...] --list LIST [...]\n"
       "\n"
       "--plan  how neighbours are found (same result): seek = one seek per\n"
       "        node, scan = one pass over the edges, adjacency = build an\n"
       "        in-memory snapshot first; auto (default) seeks, then switches\n"
       "        to a pass once seeking would cost more. The plan that ran is\n"
       "        printed (JSON: \"plan\").\n",
       With(kFilterOptions, {{"at", true},
                             {"plan", true},
                             {"list", true,
                              "show only this list's entries; without KEY, "
                              "reach the list's entries",
                              "LIST"}}),
       CmdReach},
      {"path", "a shortest path between two nodes",
       "usage: critgraph path FROM TO [--at REV] [--direction out|in|both]\n"
       "                      [--edge-types T,..] [--kinds K,..] "
       "[--max-depth N] [--json]\n",
       With(kFilterOptions, {{"at", true}}), CmdPath},
      {"reach-diff", "how reachability from KEY... changed from A to B",
       "usage: critgraph reach-diff A B KEY... [--direction out|in|both]\n"
       "                            [--edge-types T,..] [--kinds K,..] "
       "[--max-depth N] [--json]\n"
       "                            [--plan auto|seek|scan|adjacency]\n",
       With(kFilterOptions, {{"plan", true}}), CmdReachDiff},
      {"stats",
       "counts by node kind and edge type",
       "usage: critgraph stats [--at REV] [--json] [--list LIST]\n",
       {{"at", true},
        {"json", false},
        {"list", true,
         "count only this list's scope (the list and its "
         "entries)",
         "LIST"}},
       CmdStats},
      {"lists",
       "each list with its entry count and last change",
       "usage: critgraph lists [--at REV] [--json]\n"
       "\n"
       "Every node of kind list: its entries (the nodes that reach it over\n"
       "part_of, transitively), and the newest revision that changed it\n"
       "(an entry joined or left, or an entry or the list itself changed).\n",
       {{"at", true, "the revision (default HEAD)", "REV"},
        {"json", false, "JSON instead of text"},
        {"format", true, "text (default) or json", "FORMAT"}},
       CmdLists,
       "critgraph lists --at us-cet-2022"},
      {"crosswalk",
       "the mapping table between two lists",
       "usage: critgraph crosswalk LIST_A LIST_B [--at REV] [--edge-types "
       "T,..]\n"
       "                           [--format text|csv|json|markdown]\n"
       "       critgraph crosswalk LIST_A --all [...]\n"
       "\n"
       "Each entry of LIST_A with the entries of LIST_B it is linked to "
       "(edges\n"
       "in either direction: -> from A to B, <- from B to A) and the links'\n"
       "relation and confidence; the unmapped entries of both; counts.\n"
       "--all: the counts of LIST_A against every other list.\n",
       {{"at", true, "the revision (default HEAD)", "REV"},
        {"edge-types", true, "the linking edge types (default maps_to)",
         "T,.."},
        {"format", true, "text (default), csv, json or markdown", "FORMAT"},
        {"json", false, "same as --format json"},
        {"all", false, "LIST_A against every other list (counts)"}},
       CmdCrosswalk,
       "critgraph crosswalk jp-20-areas us-cet"},
      {"find",
       "find nodes by key or name (any language)",
       "usage: critgraph find [TEXT] [--kind K] [--list L] [--at REV] "
       "[--json]\n"
       "\n"
       "Nodes whose key or any name contains TEXT, ignoring case (also\n"
       "full-width letters; Japanese and Chinese text match as written).\n"
       "Without TEXT, every node of --kind K and/or --list L.\n",
       {{"kind", true, "only nodes of this kind", "K"},
        {"list", true, "only this list's entries", "LIST"},
        {"at", true, "the revision (default HEAD)", "REV"},
        {"json", false, "JSON instead of text"},
        {"format", true, "text (default) or json", "FORMAT"}},
       CmdFind,
       "critgraph find quantum --kind foreign_list_entry"},
      {"verify",
       "check every revision's digest and every record",
       "usage: critgraph verify\n"
       "\n"
       "Exit 0 if the database verifies, 4 if problems were found.\n",
       {},
       CmdVerify},
      {"history",
       "every change of one node (and its edges, lineage)",
       "usage: critgraph history KEY [--edges] [--follow] [--at REV]\n"
       "                         [--json|--format text|json]\n"
       "\n"
       "Every revision up to REV (default HEAD) in which KEY was added,\n"
       "removed or changed, newest first: revision, tags, effective date,\n"
       "message, and each changed name and property old -> new. Deletes\n"
       "and re-adds included. Reads only KEY's own versions. Exit 1 if KEY\n"
       "has no version up to REV.\n",
       {{"edges", false,
         "also the changes of KEY's incoming and outgoing edges"},
        {"follow", false,
         "also the history of what KEY supersedes (supersedes edges, "
         "transitively)"},
        {"at", true, "history up to this revision (default HEAD)", "REV"},
        {"json", false, "one JSON document (docs/FORMATS.md)"},
        {"format", true, "text (default) or json", "FORMAT"}},
       CmdHistory,
       "critgraph history us-cet/quantum --edges"},
      {"demo",
       "build the bundled dataset's database and print a report",
       "usage: critgraph demo [--db DIR]\n"
       "\n"
       "Builds a fresh database from the bundled critical-technology dataset\n"
       "(compiled into this binary) in DIR (default ./critgraph.db) and\n"
       "prints the revision log, each list's changes between versions, the\n"
       "foreign-list entries Japan's 20 areas map to, and the K Program\n"
       "technologies that depend on critical minerals or magnets.\n"
       "DIR must not exist, be empty, or hold a database made by an earlier\n"
       "demo (it is then rebuilt); anything else is refused (exit 2).\n",
       {},
       CmdDemo},
  };
  return kCommands;
}

const Command* FindCommand(const std::string& name) {
  for (const auto& c : AllCommands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::string CommandHelp(const Command& command) {
  std::string out = command.usage;
  std::vector<std::pair<std::string, const std::string*>> lines;
  size_t width = 0;
  for (const OptionSpec& o : command.options) {
    if (o.help.empty()) continue;
    std::string left = "--" + o.name;
    if (o.takes_value) {
      left +=
          " " + (o.value_name.empty() ? std::string("VALUE") : o.value_name);
    }
    width = std::max(width, left.size());
    lines.emplace_back(std::move(left), &o.help);
  }
  if (!lines.empty()) {
    out += "\noptions:\n";
    for (auto& [left, help] : lines) {
      left.resize(width + 2, ' ');
      out += "  " + left + *help + "\n";
    }
  }
  if (command.example[0] != '\0') {
    out += std::string("\nexample:\n  ") + command.example + "\n";
  }
  return out;
}

std::string GlobalHelp() {
  std::string out =
      "usage: critgraph [--db DIR] COMMAND [options]   (--db may also follow "
      "the command)\n"
      "\n"
      "critgraph: a graph database of critical-technology lists with "
      "immutable revisions.\n"
      "The database is --db DIR, else $CRITGRAPH_DB, else ./critgraph.db.\n"
      "REV is a number, a tag, HEAD, HEAD~N or @YYYY-MM-DD.\n"
      "\n"
      "commands:\n";
  for (const auto& c : AllCommands()) {
    std::string name = c.name;
    name.resize(12, ' ');
    out += "  " + name + c.summary + "\n";
  }
  out +=
      "\n"
      "`critgraph COMMAND --help` for a command's options.\n"
      "exit codes: 0 ok, 1 unknown key or revision, 2 usage error, 3 bad "
      "input data,\n"
      "            4 database error (corruption, lock held, unknown format),\n"
      "            130 import interrupted (nothing imported)\n";
  return out;
}

}  // namespace critgraph::cli

#include <iostream>

#include "tools/cli_common.h"

namespace critgraph::cli {

int UsageError(const std::string& cmd, const std::string& message) {
  Fail(kExitUsage, cmd + ": " + message);
  if (const Command* c = FindCommand(cmd)) std::cerr << CommandHelp(*c);
  return kExitUsage;
}

}  // namespace critgraph::cli
