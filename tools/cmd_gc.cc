// gc: retention. Removes the revisions no --keep rule keeps (critgraph::Gc).
#include <iostream>
#include <string>
#include <vector>

#include "critgraph/gc.h"
#include "critgraph/io/json_out.h"
#include "tools/cli_common.h"
#include "tools/commands.h"

namespace critgraph::cli {
namespace {

// "1, 4, 9-12".
std::string Ranges(const std::vector<Revision>& revs) {
  std::string out;
  for (size_t i = 0; i < revs.size();) {
    size_t j = i;
    while (j + 1 < revs.size() && revs[j + 1] == revs[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(revs[i]);
    if (j > i) out += "-" + std::to_string(revs[j]);
    i = j + 1;
  }
  return out.empty() ? "none" : out;
}

std::string RevArray(const std::vector<Revision>& revs) {
  std::string s = "[";
  for (size_t i = 0; i < revs.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(revs[i]);
  }
  return s + "]";
}

}  // namespace

int CmdGc(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("gc", "unexpected argument '" + args.positional[0] +
                                "' (revisions to keep go in --keep)");
  }
  auto json = args.Json();
  if (!json.ok()) return UsageError("gc", StatusText(json.status()));
  GcRules rules;
  rules.keep_tags = args.Flag("keep-tags");
  rules.dry_run = args.Flag("dry-run");
  if (auto v = args.Value("keep-last")) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || n == 0 || (*v)[0] == '-') {
      return UsageError("gc",
                        "--keep-last wants a number >= 1, got '" + *v + "'");
    }
    rules.keep_last = n;
  }
  rules.keep_since = args.Value("keep-since");
  rules.keep = args.List("keep");
  auto db = OpenDb(ctx.db_path, /*read_only=*/false);
  if (!db.ok()) return FailStatus(db.status());
  auto report = Gc(**db, rules);
  if (!report.ok()) {
    if (report.status().code() == absl::StatusCode::kInvalidArgument) {
      return UsageError("gc", StatusText(report.status()));
    }
    return FailStatus(report.status());
  }
  const GcReport& r = *report;
  if (*json) {
    std::string s =
        std::string("{\"dry_run\":") + (r.dry_run ? "true" : "false") +
        ",\"date\":\"" + r.date + "\",\"kept\":" + RevArray(r.kept) +
        ",\"removed\":" + RevArray(r.removed) + ",\"tags_removed\":";
    io::AppendStringArray(&s, r.tags_removed);
    s += ",\"versions_deleted\":" + std::to_string(r.versions_deleted) +
         ",\"bytes_deleted\":" + std::to_string(r.bytes_deleted) +
         ",\"sst_bytes_before\":" + std::to_string(r.sst_bytes_before) +
         ",\"sst_bytes_after\":" + std::to_string(r.sst_bytes_after) + "}\n";
    std::cout << s;
    return kExitOk;
  }
  const char* verb = r.dry_run ? "would remove" : "removed";
  std::cout << (r.dry_run ? "dry run: " : "") << verb << " " << r.removed.size()
            << " revisions: " << Ranges(r.removed) << "\n"
            << "kept " << r.kept.size() - 1 << " revisions: "
            << Ranges(std::vector<Revision>(r.kept.begin() + 1, r.kept.end()))
            << "\n";
  if (!r.tags_removed.empty()) {
    std::cout << (r.dry_run ? "would delete" : "deleted") << " tags:";
    for (const auto& t : r.tags_removed) std::cout << " " << t;
    std::cout << "\n";
  }
  std::cout << (r.dry_run ? "would delete " : "deleted ") << r.versions_deleted
            << " node/edge versions: " << r.bytes_deleted
            << " bytes of keys and values freed (before compression)\n";
  if (!r.dry_run) {
    std::cout << "table files: " << r.sst_bytes_before << " -> "
              << r.sst_bytes_after << " bytes after compaction\n";
  } else {
    std::cout << "table files now: " << r.sst_bytes_before << " bytes\n";
  }
  return kExitOk;
}

}  // namespace critgraph::cli
