#include "tools/commands.h"

#include <algorithm>
#include <utility>

namespace critgraph::cli {

namespace {

const std::vector<OptionSpec> kFilterOptions = {
    {"direction", true, "follow edges out (default), in or both",
     "out|in|both"},
    {"edge-types", true, "follow only these edge types (default all)", "T,.."},
    {"kinds", true, "reach and expand only nodes of these kinds", "K,.."},
    {"max-depth", true, "stop N edges from the sources (default unlimited)",
     "N"}};

const OptionSpec kAt = {"at", true, "the revision to read (default HEAD)",
                        "REV"};
const OptionSpec kPlan = {"plan", true,
                          "how neighbours are found; same answer (default "
                          "auto)",
                          "auto|seek|scan|adjacency"};
const OptionSpec kParents = {"parents", false,
                             "create missing parent folders of --db"};

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
       "usage: critgraph init [--db DIR] [--parents]\n"
       "\n"
       "Creates an empty database in DIR (exit 0 if one is already there).\n"
       "DIR must be new, empty or a database; its parent must exist.\n",
       {kParents},
       CmdInit,
       "critgraph init --db /tmp/lists.db"},
      {"import",
       "import a JSONL change stream or CSV files",
       "usage: critgraph import FILE|- [options]\n"
       "       critgraph import --format csv --nodes F [--edges F] [options]\n"
       "       critgraph import DIR --format csv [options]\n"
       "\n"
       "Imports into the database (created if missing). A JSONL stream may\n"
       "hold many commit lines; ops after the last one make one more\n"
       "revision. CSV files make one revision. All or nothing. Exit 3 on bad\n"
       "input (file:line and the reason), 130 on Ctrl-C.\n",
       {{"format", true, "jsonl (default) or csv", "jsonl|csv"},
        {"nodes", true, "CSV: the nodes file", "FILE"},
        {"edges", true, "CSV: the edges file", "FILE"},
        {"draft", true,
         "commit into this draft (critgraph draft) instead of main", "NAME"},
        {"message", true, "message of the revision of trailing ops", "M"},
        {"tag", true, "tag of that revision", "T"},
        {"effective", true, "effective date of that revision", "YYYY-MM-DD"},
        {"author", true, "author of commits that name none", "A"},
        {"backdate", false,
         "allow effective dates earlier than those committed"},
        {"merge-props", false, "CSV: keep properties a row has no value for"},
        {"replace-props", false, "CSV: drop properties a row has no value for"},
        kParents,
        {"json", false,
         "print the summary as JSON (--format names the input here)"}},
       CmdImport,
       "critgraph import data/critgraph-dataset.jsonl"},
      {"log", "list the revisions, newest first",
       "usage: critgraph log [-n N] [--since DATE] [--until DATE] [--list "
       "LIST]\n"
       "                     [--stat] [--json]\n",
       With({{"n", true, "only the newest N revisions", "N"},
             {"since", true, "only revisions effective on or after DATE",
              "YYYY-MM-DD"},
             {"until", true, "only revisions effective on or before DATE",
              "YYYY-MM-DD"},
             {"stat", false,
              "what each revision changed, by node kind and edge type"},
             {"list", true, "only the revisions that changed this list",
              "LIST"}},
            JsonOptions()),
       CmdLog, "critgraph log -n 3 --since 2022-01-01"},
      {"tag",
       "name a revision, or delete a tag",
       "usage: critgraph tag NAME [REV] [--force]\n"
       "       critgraph tag --delete NAME [--force]\n"
       "\n"
       "Tags REV (default HEAD) as NAME. Deleting a tag on a revision with\n"
       "an effective date, or on one other than HEAD, needs --force.\n",
       {{"force", false, "move an existing tag, or delete a cited one"},
        {"delete", false, "delete the tag NAME"}},
       CmdTag,
       "critgraph tag reviewed HEAD"},
      {"gc", "remove the revisions no --keep rule keeps (retention)",
       "usage: critgraph gc [--keep-tags] [--keep-last N] [--keep-since DATE]\n"
       "                    [--keep REV,..] [--dry-run] [--json]\n"
       "\n"
       "Removes every revision no rule keeps; revision 0 and HEAD are always\n"
       "kept, and at least one rule is required. Kept revisions keep their\n"
       "content, digest and metadata; diffs between them stay exact. A "
       "removed\n"
       "revision then answers 'revision 7 was removed by gc on DATE (kept:\n"
       "...)' (exit 1). Tags of removed revisions are deleted. Space comes\n"
       "back at once (compaction). Crash-safe: an interrupted gc is completed\n"
       "by the next command that opens the database for writing.\n",
       With({{"keep-tags", false, "keep every tagged revision"},
             {"keep-last", true, "keep the N newest revisions", "N"},
             {"keep-since", true,
              "keep revisions effective (else committed) on or after DATE, "
              "and @DATE",
              "YYYY-MM-DD"},
             {"keep", true, "keep these revisions", "REV,.."},
             {"dry-run", false,
              "only report what would be removed and the bytes freed"}},
            JsonOptions()),
       CmdGc, "critgraph gc --keep-tags --keep-last 10 --dry-run"},
      {"draft", "what-if proposals: create, list, log, drop or rebase a draft",
       "usage: critgraph draft create NAME [--from REV]\n"
       "       critgraph draft list [--json]\n"
       "       critgraph draft log NAME [--json]\n"
       "       critgraph draft drop NAME\n"
       "       critgraph draft rebase NAME [--onto REV] [--prefer draft|head]\n"
       "                              [--resolve FILE] [--dry-run] [--json]\n"
       "\n"
       "A draft is a named change set on top of a base revision (default\n"
       "HEAD), kept apart from the main history. Write it with import\n"
       "(its draft option names the draft); read it as draft:NAME wherever\n"
       "a revision is accepted: diff HEAD draft:NAME, and the at option of\n"
       "reach, path, export, show, find and crosswalk. Fold it into\n"
       "main with `critgraph merge NAME`. Rebase moves the draft onto a\n"
       "newer revision with merge's conflict rules, squashing its commits.\n"
       "Drafts never block the main writer. See docs/DRAFTS.md.\n",
       With({{"from", true, "create: the base revision (default HEAD)", "REV"},
             {"onto", true, "rebase: the new base (default HEAD)", "REV"},
             {"prefer", true, "rebase: resolve every conflict with one side",
              "draft|head"},
             {"resolve", true, "rebase: resolutions as change-stream lines",
              "FILE"},
             {"dry-run", false, "rebase: only report the conflicts"}},
            JsonOptions()),
       CmdDraft, "critgraph draft create cet-2026-proposal --from us-cet-2024"},
      {"merge", "merge a draft into main as one new revision (three-way)",
       "usage: critgraph merge NAME [--dry-run] [--prefer draft|head]\n"
       "                       [--resolve FILE] [--message M] [--tag T]\n"
       "                       [--effective DATE] [--json]\n"
       "\n"
       "Merges the draft's changes (base -> draft) into main's (base -> "
       "HEAD),\n"
       "per node and edge, per name and per property: disjoint edits merge\n"
       "cleanly. Conflicts: content (the same name or property changed\n"
       "differently), delete-modify, edge-to-deleted-node, kind. With any\n"
       "unresolved conflict nothing changes (exit 1) and the report lists\n"
       "them with each side as a change-stream line; resolve with --prefer\n"
       "or --resolve FILE (lines setting each conflicting entity). --dry-run\n"
       "prints the report and changes nothing. The merged revision has the\n"
       "digest a direct commit of the same content would have.\n",
       With({{"dry-run", false, "only report; change nothing"},
             {"prefer", true, "resolve every conflict with one side",
              "draft|head"},
             {"resolve", true, "resolutions as change-stream lines", "FILE"},
             {"message", true, "commit message (default: merge draft NAME)",
              "M"},
             {"tag", true, "tag the merged revision", "T"},
             {"effective", true, "effective date of the merged revision",
              "YYYY-MM-DD"}},
            JsonOptions()),
       CmdMerge, "critgraph merge cet-2026-proposal --dry-run"},
      {"tags", "list the tags",
       "usage: critgraph tags [--json]\n"
       "\n"
       "Each tag, by name: its revision, effective date and message.\n",
       JsonOptions(), CmdTags, "critgraph tags --json"},
      {"show", "show one node and its edges",
       "usage: critgraph show KEY [--at REV] [--json]\n",
       With({kAt}, JsonOptions()), CmdShow,
       "critgraph show us-cet/quantum --at us-cet-2022"},
      {"export",
       "export a revision as JSONL, CSV, GraphML or DOT",
       "usage: critgraph export [--at REV] [--format jsonl|csv|graphml|dot] "
       "[--out PATH]\n"
       "                        [--list LIST]\n",
       {kAt,
        {"format", true, "jsonl (default), csv, graphml or dot",
         "jsonl|csv|graphml|dot"},
        {"out", true, "write to PATH (default stdout); csv: a folder, required",
         "PATH"},
        {"list", true,
         "only this list's scope: the list, its entries, the edges between "
         "them",
         "LIST"}},
       CmdExport,
       "critgraph export --at us-cet-2024 --format csv --out /tmp/us-cet"},
      {"diff",
       "what changed between two revisions",
       "usage: critgraph diff A B [--scope KEY | --list LIST] [filters] "
       "[--stat] "
       "[--format F]\n",
       {{"scope", true, "only the subgraph reachable from KEY", "KEY"},
        {"edge-types", true, "with --scope: follow only these edge types",
         "T,.."},
        {"direction", true, "with --scope: follow edges out, in or both",
         "out|in|both"},
        {"max-depth", true, "with --scope: at most N edges from KEY", "N"},
        {"stat", false, "counts only (text, or JSON with --format json)"},
        {"format", true,
         "text (default; coloured on a terminal), json, jsonl (an importable "
         "patch), dot, html (one page: changes and lineage, English and "
         "Japanese names)",
         "text|json|jsonl|dot|html"},
        {"list", true,
         "only this list's entries (= --scope LIST --direction in "
         "--edge-types part_of)",
         "LIST"}},
       CmdDiff,
       "critgraph diff us-cet-2022 us-cet-2024 --list us-cet"},
      {"reach", "nodes reachable from KEY...",
       "usage: critgraph reach KEY... [--at REV] [filters] [--plan P] "
       "[--json]\n"
       "       critgraph reach [KEY...] --list LIST [...]\n"
       "\n"
       "Nodes by depth, with name and BFS parent. The plan that ran is\n"
       "printed (JSON: \"plan\").\n",
       With(With(kFilterOptions, JsonOptions()),
            {kAt,
             kPlan,
             {"list", true,
              "show only this list's entries; without KEY, reach the list's "
              "entries",
              "LIST"}}),
       CmdReach,
       "critgraph reach jp-materials/critical-minerals --direction in "
       "--edge-types depends_on,part_of"},
      {"path", "a shortest path between two nodes",
       "usage: critgraph path FROM TO [--at REV] [filters] [--json]\n",
       With(With(kFilterOptions, JsonOptions()), {kAt}), CmdPath,
       "critgraph path jp-kprogram/bio/fertilizer-advanced-tech "
       "jp-materials --direction out"},
      {"reach-diff", "how reachability from KEY... changed from A to B",
       "usage: critgraph reach-diff A B KEY... [filters] [--plan P] "
       "[--json]\n",
       With(With(kFilterOptions, JsonOptions()), {kPlan}), CmdReachDiff,
       "critgraph reach-diff us-cet-2022 us-cet-2024 us-cet --direction in"},
      {"stats", "counts by node kind and edge type",
       "usage: critgraph stats [--at REV] [--list LIST] [--json]\n",
       With({kAt, {"list", true, "count only this list's scope", "LIST"}},
            JsonOptions()),
       CmdStats, "critgraph stats --at @2023-01-01"},
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
      {"verify", "check every revision's digest and every record",
       "usage: critgraph verify [--json]\n"
       "\n"
       "Exit 0 if the database verifies, 4 if problems were found.\n",
       JsonOptions(), CmdVerify, "critgraph verify --db /tmp/lists.db"},
      {"backup",
       "copy the database at one revision while a writer runs",
       "usage: critgraph backup DEST [--incremental] [--json]\n"
       "       critgraph backup --list DIR [--json]\n"
       "\n"
       "Copies the database (--db) to DEST at one complete revision without\n"
       "stopping a writer: a checkpoint, itself a database directory (table\n"
       "files hard-linked on the same filesystem, copied elsewhere), or with\n"
       "--incremental one more backup in the backup directory DEST (files\n"
       "shared with its earlier backups; `critgraph restore` it). A commit in\n"
       "flight is left out. While another process writes the database, the\n"
       "copy holds what that writer has flushed (every commit if it runs\n"
       "with flush_on_commit). DEST must be new or empty (--incremental: or\n"
       "a backup directory). Prints the revision and its digest.\n",
       {{"incremental", false,
         "add a backup to the backup directory DEST (RocksDB BackupEngine)"},
        {"list", false, "list the backups in the backup directory DIR"},
        {"json", false, "JSON instead of text"},
        {"format", true, "text (default) or json", "FORMAT"}},
       CmdBackup,
       "critgraph backup /tmp/lists-copy.db"},
      {"restore",
       "restore a backup into a new database directory",
       "usage: critgraph restore SRC DEST [--backup-id N] [--json]\n"
       "\n"
       "SRC is a backup directory made by an incremental `critgraph backup`\n"
       "(its newest backup, or --backup-id N; exit 1 if it has no such\n"
       "backup) or a checkpoint made by `critgraph backup`. DEST must be new\n"
       "or empty. The restored database opens and verifies; an incremental\n"
       "backup's HEAD and digest are checked against those recorded with it\n"
       "(exit 4 if they differ). --db is not used.\n",
       {{"backup-id", true, "the backup to restore (default the newest)", "N"},
        {"json", false, "JSON instead of text"},
        {"format", true, "text (default) or json", "FORMAT"}},
       CmdRestore,
       "critgraph restore /tmp/lists-copy.db /tmp/lists-restored.db"},
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
      {"report",
       "a self-contained HTML (or Markdown) report of how the lists evolved",
       "usage: critgraph report --out PATH [--at REV] [--lists L,..]\n"
       "                        [--since DATE] [--format html|markdown]\n"
       "\n"
       "Writes one HTML file (no scripts, nothing fetched; prints well): a\n"
       "timeline of every list's versions, per list a lineage picture and\n"
       "the changes of each version (English and Japanese names), the\n"
       "crosswalk matrix and tables, the materials -> technologies\n"
       "dependencies, and the revision's digest. --format markdown writes\n"
       "PATH and its pictures as SVG files next to it. docs/REPORT.md.\n",
       {{"out", true, "the file to write (required)", "PATH"},
        {"at", true, "the revision (default HEAD)", "REV"},
        {"lists", true, "only these lists (default every list)", "L,.."},
        {"since", true,
         "only versions effective on or after DATE (and the one before)",
         "YYYY-MM-DD"},
        {"format", true, "html (default) or markdown", "html|markdown"}},
       CmdReport,
       "critgraph report --out /tmp/report.html"},
      {"demo",
       "build the bundled dataset's database and print a report",
       "usage: critgraph demo [--db DIR]\n"
       "\n"
       "Builds a fresh database from the bundled critical-technology dataset\n"
       "(compiled into this binary) in DIR (default ./critgraph.db) and\n"
       "prints the revision log, each list's changes between versions, the\n"
       "foreign-list entries Japan's 20 areas map to, the K Program\n"
       "technologies that depend on critical minerals or magnets, one entry's\n"
       "history with its lineage and one crosswalk table. Writes the HTML\n"
       "report (`critgraph report`) as critgraph-report.html next to DIR\n"
       "and prints its path.\n"
       "DIR must not exist, be empty, or hold a database made by an earlier\n"
       "demo (it is then rebuilt); anything else is refused (exit 2).\n",
       {},
       CmdDemo,
       "critgraph demo --db /tmp/demo.db"},
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
    std::string left = (o.name.size() == 1 ? "-" : "--") + o.name;
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
      "--color auto|always|never (anywhere; default auto: on a terminal\n"
      "unless $NO_COLOR is set) colours diff output.\n"
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
