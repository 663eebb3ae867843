// draft create|list|log|drop|rebase, and merge (critgraph/draft.h).
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "critgraph/draft.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/json_out.h"
#include "critgraph/io/merge_format.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/revisions.h"

namespace critgraph::cli {
namespace {

std::string InfoJson(const DraftInfo& d) {
  std::string s = "{\"name\":";
  io::AppendJsonString(&s, d.name);
  s += ",\"base\":" + std::to_string(d.base) + ",\"base_digest\":\"" +
       d.base_digest.ToHex() + "\",\"start\":" + std::to_string(d.start) +
       ",\"head\":" + std::to_string(d.head) +
       ",\"commits\":" + std::to_string(d.commits) + ",\"created\":\"" +
       FormatTime(d.created_micros) + "\",\"path\":";
  io::AppendJsonString(&s, d.path);
  return s + "}";
}

// --prefer, --resolve FILE, --message/--tag/--effective into MergeOptions.
// Returns a usage error text, or "".
std::string ReadMergeOptions(const Args& args, MergeOptions* o) {
  o->dry_run = args.Flag("dry-run");
  if (auto p = args.Value("prefer")) {
    if (*p == "draft") {
      o->prefer = MergePrefer::kDraft;
    } else if (*p == "head") {
      o->prefer = MergePrefer::kHead;
    } else {
      return "--prefer wants draft or head, got '" + *p + "'";
    }
  }
  if (auto file = args.Value("resolve")) {
    std::ifstream in(*file);
    if (!in) return "cannot read resolution file '" + *file + "'";
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto op = io::ParseChangeLine(line);
      if (!op.ok()) {
        return *file + ":" + std::to_string(n) + ": " + StatusText(op.status());
      }
      o->resolutions.push_back(*std::move(op));
    }
  }
  if (auto m = args.Value("message")) o->commit.message = *m;
  if (auto t = args.Value("tag")) o->commit.tags.push_back(*t);
  o->commit.effective_date = args.Value("effective");
  return "";
}

int PrintReport(const absl::Status& st, const MergeReport& r, bool json,
                std::string_view verb) {
  // The report is worth showing whenever the merge could be planned.
  const bool planned = st.ok() || absl::IsFailedPrecondition(st);
  if (planned && r.draft_head != 0) {
    if (json) {
      std::cout << io::MergeReportJson(r, verb) << "\n";
    } else {
      io::PrintMergeReportText(std::cout, r, verb);
    }
  }
  if (st.ok()) return kExitOk;
  if (planned && r.unresolved > 0) {
    // A dry run is there to show the conflicts: it did its job.
    if (r.dry_run) return kExitOk;
    std::cerr << "critgraph: " << StatusText(st) << "\n";
    return kExitConflict;
  }
  return FailStatus(st);
}

absl::StatusOr<std::optional<Revision>> OptionalRevision(
    const DB& db, const std::optional<std::string>& name) {
  if (!name) return std::optional<Revision>();
  auto rev = ResolveRevision(db, *name);
  if (!rev.ok()) return rev.status();
  return std::optional<Revision>(*rev);
}

}  // namespace

int CmdDraft(const Context& ctx, const Args& args) {
  if (args.positional.empty()) {
    return UsageError("draft", "want create, list, log, drop or rebase");
  }
  const std::string& sub = args.positional[0];
  auto json = args.Json();
  if (!json.ok()) return UsageError("draft", StatusText(json.status()));
  const bool wants_name = sub != "list";
  if (sub != "create" && sub != "list" && sub != "log" && sub != "drop" &&
      sub != "rebase") {
    return UsageError("draft", "unknown subcommand '" + sub +
                                   "' (create, list, log, drop or rebase)");
  }
  if (args.positional.size() != (wants_name ? 2u : 1u)) {
    return UsageError("draft", wants_name ? "draft " + sub + " wants NAME"
                                          : "draft list takes no argument");
  }
  if (args.Value("from") && sub != "create") {
    return UsageError("draft", "--from goes with draft create");
  }
  if (args.Value("onto") && sub != "rebase") {
    return UsageError("draft", "--onto goes with draft rebase");
  }
  const std::string name = wants_name ? args.positional[1] : "";
  // Main is only read (drafts live in their own databases), so drafts never
  // wait for the main writer; a copy of main is taken through a follower
  // when another process writes it.
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());

  if (sub == "create") {
    auto base = OptionalRevision(**db, args.Value("from"));
    if (!base.ok()) return FailStatus(base.status());
    auto info = CreateDraft(**db, name, *base);
    if (!info.ok()) return FailStatus(info.status());
    if (*json) {
      std::cout << InfoJson(*info) << "\n";
    } else {
      std::cout << "created draft " << name << " on revision "
                << RevisionLabel(**db, info->base)
                << "; read it as draft:" << name
                << ", write it with import --draft " << name << "\n";
    }
    return kExitOk;
  }
  if (sub == "list") {
    auto drafts = ListDrafts(**db);
    if (!drafts.ok()) return FailStatus(drafts.status());
    if (*json) {
      std::string s = "[";
      for (size_t i = 0; i < drafts->size(); ++i) {
        if (i) s += ',';
        s += InfoJson((*drafts)[i]);
      }
      std::cout << s << "]\n";
      return kExitOk;
    }
    if (drafts->empty()) std::cout << "no drafts\n";
    for (const auto& d : *drafts) {
      std::cout << d.name << "  base " << RevisionLabel(**db, d.base) << "  "
                << d.commits << (d.commits == 1 ? " commit" : " commits")
                << "  created " << FormatTime(d.created_micros) << "\n";
    }
    return kExitOk;
  }
  if (sub == "log") {
    auto info = GetDraftInfo(**db, name);
    if (!info.ok()) return FailStatus(info.status());
    // The draft commits: the draft database's revisions above start.
    auto draft_db = DB::OpenReadOnly(info->path);
    if (!draft_db.ok()) return FailStatus(draft_db.status());
    std::vector<RevisionInfo> log;
    for (auto& r : (*draft_db)->Log()) {
      if (r.number > info->start) log.push_back(std::move(r));
    }
    if (*json) {
      std::string s = "{\"draft\":" + InfoJson(*info) + ",\"commits\":[";
      for (size_t i = 0; i < log.size(); ++i) {
        if (i) s += ',';
        s += "{\"revision\":" + std::to_string(log[i].number) + ",\"time\":\"" +
             FormatTime(log[i].commit_time_micros) + "\",\"message\":";
        io::AppendJsonString(&s, log[i].message);
        s += ",\"nodes\":" + std::to_string(log[i].node_count) +
             ",\"edges\":" + std::to_string(log[i].edge_count) +
             ",\"changes\":" + std::to_string(log[i].change_count) + "}";
      }
      std::cout << s << "]}\n";
      return kExitOk;
    }
    std::cout << "draft " << name << " on revision "
              << RevisionLabel(**db, info->base) << ": " << log.size()
              << (log.size() == 1 ? " commit" : " commits") << "\n";
    for (const auto& r : log) {
      std::cout << "  " << r.number << "  " << FormatTime(r.commit_time_micros)
                << "  " << r.change_count << " changes  " << r.message << "\n";
    }
    return kExitOk;
  }
  if (sub == "drop") {
    auto st = DropDraft(**db, name);
    if (!st.ok()) return FailStatus(st);
    std::cout << "dropped draft " << name << "\n";
    return kExitOk;
  }
  // rebase
  MergeOptions options;
  if (std::string err = ReadMergeOptions(args, &options); !err.empty()) {
    return UsageError("draft", err);
  }
  auto onto = OptionalRevision(**db, args.Value("onto"));
  if (!onto.ok()) return FailStatus(onto.status());
  MergeReport report;
  auto st = Rebase(**db, name, *onto, options, &report);
  return PrintReport(st, report, *json, "rebase");
}

int CmdMerge(const Context& ctx, const Args& args) {
  if (args.positional.size() != 1) return UsageError("merge", "want NAME");
  auto json = args.Json();
  if (!json.ok()) return UsageError("merge", StatusText(json.status()));
  MergeOptions options;
  if (std::string err = ReadMergeOptions(args, &options); !err.empty()) {
    return UsageError("merge", err);
  }
  auto db = OpenDb(ctx.db_path, /*read_only=*/options.dry_run);
  if (!db.ok()) return FailStatus(db.status());
  MergeReport report;
  auto st = Merge(**db, args.positional[0], options, &report);
  if (absl::IsInvalidArgument(st) && report.draft_head == 0) {
    return FailStatus(st);
  }
  return PrintReport(st, report, *json, "merge");
}

}  // namespace critgraph::cli
