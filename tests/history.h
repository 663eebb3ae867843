// A deterministic revision history whose content is a pure function of the
// revision number, so a test that only knows HEAD can check every revision:
// used by the crash, corruption and concurrency tests.
//
// Revision r holds the nodes of "generations" r-1 and r (n/<g>/<j>), a
// depends_on chain inside each generation, and one part_of edge from
// n/r/0 to n/(r-1)/0. Committing r deletes generation r-2 and adds r.
#ifndef CRITGRAPH_TESTS_HISTORY_H_
#define CRITGRAPH_TESTS_HISTORY_H_

#include <string>

#include "absl/status/status.h"
#include "critgraph/db.h"
#include "critgraph/gc.h"
#include "tests/model.h"
#include "util/str_cat.h"

namespace critgraph::testing {

inline std::string GenKey(Revision g, int j) { return StrCat("n/", g, "/", j); }

inline Node GenNode(Revision g, int j) {
  static const char* kKinds[] = {"technology", "material", "domain"};
  return Node{GenKey(g, j),
              kKinds[j % 3],
              {{"en", StrCat("node ", g, " ", j)}},
              {{"g", static_cast<int64_t>(g)}, {"j", static_cast<int64_t>(j)}}};
}

inline ModelState ExpectedState(Revision r, int width) {
  ModelState s;
  for (Revision g = r >= 2 ? r - 1 : 1; g <= r && r >= 1; ++g) {
    for (int j = 0; j < width; ++j) s.nodes[GenKey(g, j)] = GenNode(g, j);
    for (int j = 0; j + 1 < width; ++j) {
      Edge e{GenKey(g, j), "depends_on", GenKey(g, j + 1), {}};
      s.edges[e.id()] = e;
    }
  }
  if (r >= 2) {
    Edge e{GenKey(r, 0), "part_of", GenKey(r - 1, 0), {{"w", int64_t{1}}}};
    s.edges[e.id()] = e;
  }
  return s;
}

// Stages generation txn.pending_revision() of the history in `txn`.
inline absl::Status StageGeneration(Transaction& txn, int width) {
  const Revision r = txn.pending_revision();
  if (r >= 3) {
    for (int j = 0; j < width; ++j) {
      if (auto st = txn.DeleteNode(GenKey(r - 2, j)); !st.ok()) return st;
    }
  }
  for (int j = 0; j < width; ++j) {
    if (auto st = txn.PutNode(GenNode(r, j)); !st.ok()) return st;
  }
  for (int j = 0; j + 1 < width; ++j) {
    auto st = txn.PutEdge({GenKey(r, j), "depends_on", GenKey(r, j + 1), {}});
    if (!st.ok()) return st;
  }
  if (r >= 2) {
    auto st = txn.PutEdge(
        {GenKey(r, 0), "part_of", GenKey(r - 1, 0), {{"w", int64_t{1}}}});
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

inline CommitInfo GenerationInfo(Revision r) {
  CommitInfo info;
  info.message = StrCat("generation ", r);
  info.tags = {StrCat("gen-", r)};
  return info;
}

// Commits revisions Head()+1 .. Head()+count of the history in one
// transaction: each is sealed, and all are published with one head move.
inline absl::StatusOr<Revision> CommitGenerations(DB& db, int width,
                                                  int count) {
  auto txn = db.Begin();
  if (!txn.ok()) return txn.status();
  for (int i = 0; i < count; ++i) {
    if (auto st = StageGeneration(**txn, width); !st.ok()) return st;
    auto sealed = (*txn)->Seal(GenerationInfo((*txn)->pending_revision()));
    if (!sealed.ok()) return sealed.status();
  }
  return (*txn)->Publish();
}

// Commits revision Head()+1 of the history.
inline absl::StatusOr<Revision> CommitNextGeneration(DB& db, int width) {
  auto txn = db.Begin();
  if (!txn.ok()) return txn.status();
  if (auto st = StageGeneration(**txn, width); !st.ok()) return st;
  return (*txn)->Commit(GenerationInfo((*txn)->pending_revision()));
}

// What round i of crash_test's draft child commits to its draft: two new
// nodes joined by an edge.
inline absl::Status StageDraftRound(Transaction& txn, uint64_t i) {
  const std::string a = "m/" + std::to_string(i), b = a + "/b";
  if (auto st = txn.PutNode({a, "technology", {{"en", "merged " + a}}, {}});
      !st.ok()) {
    return st;
  }
  if (auto st = txn.PutNode({b, "material", {}, {{"round", int64_t(i)}}});
      !st.ok()) {
    return st;
  }
  return txn.PutEdge({a, "depends_on", b, {}});
}

// The retention rules crash_test's gc child applies: the two newest
// revisions and revisions 5, 12 and 20.
inline GcRules GcCrashRules() {
  GcRules rules;
  rules.keep_last = 2;
  rules.keep = {"5", "12", "20"};
  return rules;
}

}  // namespace critgraph::testing

#endif  // CRITGRAPH_TESTS_HISTORY_H_
