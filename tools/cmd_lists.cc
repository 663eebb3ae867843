// lists [--at REV] [--json | --format text|json]: each list with its entry
// count and the revision of its last change.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/json_out.h"
#include "critgraph/lists.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/revisions.h"

namespace critgraph::cli {

namespace {

// --json or --format json; --format text is the default.
absl::StatusOr<bool> WantJson(const Args& args) {
  const std::string format = args.ValueOr("format", "text");
  if (format != "text" && format != "json") {
    return absl::InvalidArgumentError("unknown --format '" + format +
                                      "' (text or json)");
  }
  return args.Flag("json") || format == "json";
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

}  // namespace

int CmdLists(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("lists",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  auto json = WantJson(args);
  if (!json.ok()) return UsageError("lists", StatusText(json.status()));
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  auto rev = ResolveRevision(**db, args.ValueOr("at", "HEAD"));
  if (!rev.ok()) return FailStatus(rev.status());
  auto snap = (*db)->GetSnapshot(*rev);
  if (!snap.ok()) return FailStatus(snap.status());
  auto lists = ListSummaries(**db, **snap);
  if (!lists.ok()) return FailStatus(lists.status());

  if (*json) {
    std::string s = "{\"revision\":" + std::to_string(*rev) + ",\"lists\":[";
    for (size_t i = 0; i < lists->size(); ++i) {
      const ListSummary& l = (*lists)[i];
      if (i) s += ',';
      s += "{\"key\":";
      io::AppendJsonString(&s, l.key);
      s += ",\"names\":";
      io::AppendNames(&s, l.node.names);
      s += ",\"entries\":" + std::to_string(l.entries) +
           ",\"entries_by_kind\":{";
      bool first = true;
      for (const auto& [kind, n] : l.entries_by_kind) {
        if (!first) s += ',';
        first = false;
        io::AppendJsonString(&s, kind);
        s += ':' + std::to_string(n);
      }
      s += "},\"last_change\":" + std::to_string(l.last_change) + "}";
    }
    std::cout << s << "]}\n";
    return kExitOk;
  }
  std::cout << lists->size() << (lists->size() == 1 ? " list" : " lists")
            << " at revision " << RevisionLabel(**db, *rev) << "\n";
  if (lists->empty()) return kExitOk;
  size_t key_w = 4, change_w = 11;
  std::vector<std::string> changes;
  for (const ListSummary& l : *lists) {
    key_w = std::max(key_w, l.key.size());
    changes.push_back(RevisionLabel(**db, l.last_change));
    change_w = std::max(change_w, changes.back().size());
  }
  std::cout << "  " << Pad("list", key_w + 2) << "entries  "
            << Pad("last change", change_w + 2) << "name\n";
  for (size_t i = 0; i < lists->size(); ++i) {
    const ListSummary& l = (*lists)[i];
    std::string n = std::to_string(l.entries);
    std::cout << "  " << Pad(l.key, key_w + 2)
              << std::string(n.size() < 7 ? 7 - n.size() : 0, ' ') << n << "  "
              << Pad(changes[i], change_w + 2) << io::DisplayName(l.node)
              << "\n";
  }
  return kExitOk;
}

}  // namespace critgraph::cli
