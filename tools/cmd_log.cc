// log [--stat] [--json] [--list KEY]
#include <algorithm>
#include <iostream>

#include "critgraph/diff.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/diff_format.h"
#include "critgraph/io/json_out.h"
#include "critgraph/lists.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/revisions.h"

namespace critgraph::cli {

int CmdLog(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("log",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  // --list KEY: only the revisions that changed that list.
  std::optional<std::vector<Revision>> only;
  if (auto list = args.Value("list")) {
    auto revs = RevisionsChangingList(**db, *list);
    if (!revs.ok()) return FailStatus(revs.status());
    only = *std::move(revs);
  }
  const bool stat = args.Flag("stat");
  const bool json = args.Flag("json");
  std::string s;
  if (json) s = "[";
  bool first = true;
  for (const RevisionInfo& r : (*db)->Log()) {
    if (only && !std::binary_search(only->begin(), only->end(), r.number)) {
      continue;
    }
    std::optional<DiffStat> rstat;
    if (stat) {
      auto st = RevisionStat(**db, r.number);
      if (!st.ok()) return FailStatus(st.status());
      rstat = *std::move(st);
    }
    if (json) {
      s += first ? "\n" : ",\n";
      first = false;
      s += "{\"revision\":" + std::to_string(r.number) +
           ",\"parent\":" + std::to_string(r.parent) + ",\"tags\":";
      io::AppendStringArray(&s, r.tags);
      s += ",\"effective\":";
      if (r.effective_date) {
        io::AppendJsonString(&s, *r.effective_date);
      } else {
        s += "null";
      }
      s += ",\"message\":";
      io::AppendJsonString(&s, r.message);
      s += ",\"digest\":\"" + r.digest.ToHex() + "\",\"author\":";
      io::AppendJsonString(&s, r.author);
      s += ",\"time\":\"" + FormatTime(r.commit_time_micros) +
           "\",\"nodes\":" + std::to_string(r.node_count) +
           ",\"edges\":" + std::to_string(r.edge_count) +
           ",\"changes\":" + std::to_string(r.change_count);
      if (rstat) s += ",\"stat\":" + io::DiffStatJson(*rstat);
      s += "}";
      continue;
    }
    std::cout << "revision " << r.number;
    if (!r.tags.empty()) {
      std::cout << "  tag";
      for (const auto& t : r.tags) std::cout << " " << t;
    }
    if (r.effective_date) std::cout << "  effective " << *r.effective_date;
    std::cout << "\n  date " << FormatTime(r.commit_time_micros) << "  author "
              << r.author << "\n  digest " << r.digest.ToHex() << "  nodes "
              << r.node_count << "  edges " << r.edge_count << "  changes "
              << r.change_count << "\n    " << r.message << "\n";
    if (rstat) io::PrintDiffStatText(std::cout, *rstat, "  ");
    std::cout << "\n";
  }
  if (json) {
    s += first ? "]\n" : "\n]\n";
    std::cout << s;
  }
  return kExitOk;
}

}  // namespace critgraph::cli
