// log [-n N] [--since DATE] [--until DATE] [--list KEY] [--stat] [--json]
#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "critgraph/diff.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/diff_format.h"
#include "critgraph/io/json_out.h"
#include "critgraph/lists.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/revisions.h"

namespace critgraph::cli {

namespace {

// Which revisions `log` lists: the newest `max_count` of those whose
// effective date is within [since, until]. A date bound leaves out undated
// revisions: they took effect at no known day.
struct LogFilter {
  std::optional<uint64_t> max_count;
  std::optional<std::string> since, until;
};

// `db` checks the dates (the "@DATE" revision-name parser: YYYY-MM-DD, a
// real day).
absl::StatusOr<LogFilter> LogFilterFromArgs(const Args& args, const DB& db) {
  LogFilter f;
  if (auto n = args.Value("n")) {
    uint64_t count = 0;
    if (n->empty() || !absl::ascii_isdigit((*n)[0]) ||
        !absl::SimpleAtoi(*n, &count)) {
      return absl::InvalidArgumentError("-n wants a number >= 0, got '" + *n +
                                        "'");
    }
    f.max_count = count;
  }
  for (auto [name, bound] :
       {std::pair{"since", &f.since}, std::pair{"until", &f.until}}) {
    auto v = args.Value(name);
    if (!v) continue;
    if (auto rev = db.Resolve("@" + *v);
        rev.status().code() == absl::StatusCode::kInvalidArgument) {
      return absl::InvalidArgumentError(std::string("--") + name +
                                        " wants YYYY-MM-DD, got '" + *v + "'");
    }
    *bound = *v;
  }
  if (f.since && f.until && *f.since > *f.until) {
    return absl::InvalidArgumentError("--since " + *f.since +
                                      " is after --until " + *f.until);
  }
  return f;
}

std::vector<RevisionInfo> FilterLog(std::vector<RevisionInfo> log,
                                    const LogFilter& f) {
  std::vector<RevisionInfo> out;
  for (RevisionInfo& r : log) {
    if (f.max_count && out.size() >= *f.max_count) break;
    if (f.since || f.until) {
      if (!r.effective_date) continue;
      if (f.since && *r.effective_date < *f.since) continue;
      if (f.until && *r.effective_date > *f.until) continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

int CmdLog(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("log",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  auto json_or = args.Json();
  if (!json_or.ok()) return UsageError("log", StatusText(json_or.status()));
  const bool json = *json_or;
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  // --list KEY: only the revisions that changed that list.
  std::optional<std::vector<Revision>> only;
  if (auto list = args.Value("list")) {
    auto revs = RevisionsChangingList(**db, *list);
    if (!revs.ok()) return FailStatus(revs.status());
    only = *std::move(revs);
  }
  auto filter = LogFilterFromArgs(args, **db);
  if (!filter.ok()) return UsageError("log", StatusText(filter.status()));
  const bool stat = args.Flag("stat");
  std::string s;
  if (json) s = "[";
  bool first = true;
  std::vector<RevisionInfo> revisions = (*db)->Log();
  if (only) {  // the list's revisions first, so -n counts those
    std::erase_if(revisions, [&](const RevisionInfo& r) {
      return !std::binary_search(only->begin(), only->end(), r.number);
    });
  }
  for (const RevisionInfo& r : FilterLog(revisions, *filter)) {
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
      s += std::string(",\"backdated\":") + (r.backdated ? "true" : "false");
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
    if (r.backdated) std::cout << " (backdated)";
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
