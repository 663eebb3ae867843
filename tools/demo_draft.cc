// The demo's draft walkthrough (tools/demo_draft.h).
#include "tools/demo_draft.h"

#include "critgraph/draft.h"
#include "critgraph/io/merge_format.h"
#include "util/status_macros.h"

namespace critgraph::cli {
namespace {

constexpr char kDraft[] = "quantum-briefing-notes";

// The analyst's notes, drafted against the 2022 list.
absl::Status StageNotes(const Snapshot& base, Transaction& txn) {
  auto quantum = base.GetNode("us-cet/quantum");
  if (!quantum.ok()) return quantum.status();
  Node q = *quantum;
  q.names["en"] = "Quantum Information Science and Technology";
  q.props["analyst_note"] =
      std::string("Pair with jp-20-areas quantum in the briefing.");
  RETURN_IF_ERROR(txn.PutNode(q));
  auto fintech = base.GetNode("us-cet/financial-technologies");
  if (!fintech.ok()) return fintech.status();
  Node f = *fintech;
  f.props["analyst_note"] = std::string("Watch: may leave the list.");
  return txn.PutNode(f);
}

}  // namespace

absl::Status RunDemoDraft(DB& db, const std::string& author,
                          std::ostream& out) {
  auto base = db.Resolve("us-cet-2022");
  if (!base.ok()) return base.status();
  auto created = CreateDraft(db, kDraft, *base);
  if (!created.ok()) return created.status();
  {
    auto draft = OpenDraft(db, kDraft);
    if (!draft.ok()) return draft.status();
    auto base_snap = (*draft)->GetSnapshot();
    if (!base_snap.ok()) return base_snap.status();
    auto txn = (*draft)->Begin();
    if (!txn.ok()) return txn.status();
    RETURN_IF_ERROR(StageNotes(**base_snap, **txn));
    CommitInfo ci;
    ci.author = author;
    ci.message = "analyst notes on the 2022 US CET list";
    auto committed = (*txn)->Commit(ci);
    if (!committed.ok()) return committed.status();
  }
  out << "== A draft proposal and its merge (docs/DRAFTS.md) ==\n"
      << "Draft " << kDraft << " holds an analyst's notes written against "
      << "us-cet-2022 (revision " << *base << "): a preferred name for "
      << "us-cet/quantum, and notes on it and on "
         "us-cet/financial-technologies. "
      << "Since then the 2024 list renamed us-cet/quantum officially.\n\n"
      << "$ critgraph merge " << kDraft << " --dry-run\n";
  MergeOptions options;
  options.dry_run = true;
  MergeReport report;
  absl::Status st = Merge(db, kDraft, options, &report);
  if (!st.ok() && !absl::IsFailedPrecondition(st)) return st;
  io::PrintMergeReportText(out, report, "merge");
  out << "\n$ critgraph merge " << kDraft
      << " --prefer head   # the official name wins; both notes land\n";
  options.dry_run = false;
  options.prefer = MergePrefer::kHead;
  options.commit.author = author;
  options.commit.message = "merge draft quantum-briefing-notes (prefer head)";
  RETURN_IF_ERROR(Merge(db, kDraft, options, &report));
  io::PrintMergeReportText(out, report, "merge");
  out << "The draft is kept: critgraph diff HEAD draft:" << kDraft << "\n\n";
  return absl::OkStatus();
}

}  // namespace critgraph::cli
