// The SQLite baseline of the benchmark harness (bench/harness.h): versioned
// node and edge tables, the loader and the same queries as critgraph's.
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench/harness.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::bench {
namespace {

void BindText(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()),
                    SQLITE_TRANSIENT);
}
std::string ColumnText(sqlite3_stmt* s, int i) {
  const unsigned char* p = sqlite3_column_text(s, i);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         sqlite3_column_bytes(s, i))
           : std::string();
}

}  // namespace

// ---- SQLite ----

absl::StatusOr<std::unique_ptr<Sqlite>> Sqlite::Open(const std::string& path,
                                                     bool create) {
  auto s = std::unique_ptr<Sqlite>(new Sqlite);
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &s->db_, flags, nullptr) != SQLITE_OK) {
    return s->Error(StrCat("open ", path));
  }
  // Page cache the size of critgraph's default block cache (256 MiB).
  if (auto st = s->Exec("PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
      !st.ok()) {
    return st;
  }
  if (create) {
    auto st = s->Exec(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
        "CREATE TABLE IF NOT EXISTS nodes(key TEXT NOT NULL, kind TEXT NOT "
        "NULL, props TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to "
        "INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS edges(src TEXT NOT NULL, type TEXT NOT "
        "NULL, dst TEXT NOT NULL, props TEXT NOT NULL, valid_from INTEGER NOT "
        "NULL, valid_to INTEGER NOT NULL);");
    if (!st.ok()) return st;
  }
  return s;
}

Sqlite::~Sqlite() {
  if (db_) sqlite3_close_v2(db_);
}

absl::Status Sqlite::Error(const std::string& what) const {
  return absl::InternalError(
      StrCat("sqlite: ", what, ": ", db_ ? sqlite3_errmsg(db_) : "no db"));
}

absl::Status Sqlite::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    return absl::InternalError(StrCat("sqlite: ", sql, ": ", msg));
  }
  return absl::OkStatus();
}

sqlite3_stmt* Sqlite::Prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite prepare failed: %s: %s\n", sql.c_str(),
                 sqlite3_errmsg(db_));
    std::abort();
  }
  return s;
}

SqliteLoader::SqliteLoader(Sqlite* db) : db_(db) {
  ins_node_ = db_->Prepare(
      "INSERT INTO nodes(key, kind, props, valid_from, valid_to) "
      "VALUES(?1, ?2, ?3, ?4, ?5)");
  ins_edge_ = db_->Prepare(
      "INSERT INTO edges(src, type, dst, props, valid_from, valid_to) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  (void)db_->Exec("BEGIN");
}

SqliteLoader::~SqliteLoader() {
  for (auto* s : {ins_node_, ins_edge_, close_node_, close_edge_}) {
    if (s) sqlite3_finalize(s);
  }
}

absl::Status SqliteLoader::Apply(const ChangeOp& op) {
  auto step = [&](sqlite3_stmt* s, const char* what) -> absl::Status {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return db_->Error(what);
    return absl::OkStatus();
  };
  const bool history = rev_ > 1;
  switch (op.kind) {
    case ChangeOp::Kind::kNode:
    case ChangeOp::Kind::kDeleteNode: {
      const std::string& key =
          op.kind == ChangeOp::Kind::kNode ? op.node.key : op.key;
      if (history) {
        BindText(close_node_, 1, key);
        sqlite3_bind_int64(close_node_, 2, rev_);
        RETURN_IF_ERROR(step(close_node_, "close node"));
      }
      if (op.kind == ChangeOp::Kind::kDeleteNode) return absl::OkStatus();
      BindText(ins_node_, 1, key);
      BindText(ins_node_, 2, op.node.kind);
      BindText(ins_node_, 3, CanonicalNode(op.node));
      sqlite3_bind_int64(ins_node_, 4, rev_);
      sqlite3_bind_int64(ins_node_, 5, kForever);
      return step(ins_node_, "insert node");
    }
    case ChangeOp::Kind::kEdge:
    case ChangeOp::Kind::kDeleteEdge: {
      if (history) {
        BindText(close_edge_, 1, op.edge.from);
        BindText(close_edge_, 2, op.edge.type);
        BindText(close_edge_, 3, op.edge.to);
        sqlite3_bind_int64(close_edge_, 4, rev_);
        RETURN_IF_ERROR(step(close_edge_, "close edge"));
      }
      if (op.kind == ChangeOp::Kind::kDeleteEdge) return absl::OkStatus();
      BindText(ins_edge_, 1, op.edge.from);
      BindText(ins_edge_, 2, op.edge.type);
      BindText(ins_edge_, 3, op.edge.to);
      BindText(ins_edge_, 4, CanonicalProps(op.edge.props));
      sqlite3_bind_int64(ins_edge_, 5, rev_);
      sqlite3_bind_int64(ins_edge_, 6, kForever);
      return step(ins_edge_, "insert edge");
    }
    case ChangeOp::Kind::kCommit: {
      RETURN_IF_ERROR(db_->Exec("COMMIT"));
      if (rev_ == 1) {
        // Bulk load done: index now (faster than maintaining during load).
        auto st = db_->Exec(
            "CREATE INDEX nodes_key ON nodes(key, valid_from);"
            "CREATE INDEX edges_src ON edges(src, type, dst, valid_from);");
        if (!st.ok()) return st;
        close_node_ = db_->Prepare(StrCat(
            "UPDATE nodes SET valid_to = ?2 WHERE key = ?1 AND valid_to = ",
            kForever));
        close_edge_ = db_->Prepare(StrCat(
            "UPDATE edges SET valid_to = ?4 WHERE src = ?1 AND type = ?2 AND "
            "dst = ?3 AND valid_to = ",
            kForever));
      }
      ++rev_;
      return db_->Exec("BEGIN");
    }
    default:
      return absl::InvalidArgumentError("unexpected op");
  }
}

absl::StatusOr<IndexSet> SqlReach(Sqlite& sql, Revision rev, uint64_t source) {
  static const char* kSql =
      "WITH RECURSIVE r(k) AS (SELECT ?1 UNION SELECT e.dst FROM edges e "
      "JOIN r ON e.src = r.k WHERE e.valid_from <= ?2 AND e.valid_to > ?2) "
      "SELECT k FROM r";
  sqlite3_stmt* s = sql.Prepare(kSql);
  BindText(s, 1, NodeKey(source));
  sqlite3_bind_int64(s, 2, static_cast<int64_t>(rev));
  IndexSet out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    auto idx = NodeIndexOfKey(ColumnText(s, 0));
    if (idx) out.push_back(*idx);
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return sql.Error("reach");
  std::sort(out.begin(), out.end());
  return out;
}

sqlite3_stmt* SqlPointStmt(Sqlite& sql) {
  return sql.Prepare(
      "SELECT props FROM nodes WHERE key = ?1 AND valid_from <= ?2 AND "
      "valid_to > ?2");
}

absl::StatusOr<std::string> SqlPoint(Sqlite& sql, sqlite3_stmt* s, Revision rev,
                                     uint64_t index) {
  BindText(s, 1, NodeKey(index));
  sqlite3_bind_int64(s, 2, static_cast<int64_t>(rev));
  std::string out;
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    out = ColumnText(s, 0);
    rc = sqlite3_step(s);
  }
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) return sql.Error("point read");
  return out;
}

sqlite3_stmt* SqlNeighboursStmt(Sqlite& sql) {
  return sql.Prepare(
      "SELECT type, dst, props FROM edges WHERE src = ?1 AND valid_from <= "
      "?2 AND valid_to > ?2");
}

absl::StatusOr<NeighbourList> SqlNeighbours(Sqlite& sql, sqlite3_stmt* s,
                                            Revision rev, uint64_t index) {
  BindText(s, 1, NodeKey(index));
  sqlite3_bind_int64(s, 2, static_cast<int64_t>(rev));
  NeighbourList out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    out.emplace_back(ColumnText(s, 0), *NodeIndexOfKey(ColumnText(s, 1)));
  }
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) return sql.Error("neighbours");
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<ChangedSet> SqlDiff(Sqlite& sql, Revision a, Revision b) {
  // The rows of each side that the other side lacks (full rows, as a user
  // would fetch them), via EXCEPT between the two as-of views.
  static const char* kNodes =
      "SELECT key, props FROM (SELECT key, props FROM nodes WHERE valid_from "
      "<= ?1 AND valid_to > ?1 EXCEPT SELECT key, props FROM nodes WHERE "
      "valid_from <= ?2 AND valid_to > ?2)";
  static const char* kEdges =
      "SELECT src, type, dst, props FROM (SELECT src, type, dst, props FROM "
      "edges WHERE valid_from <= ?1 AND valid_to > ?1 EXCEPT SELECT src, "
      "type, dst, props FROM edges WHERE valid_from <= ?2 AND valid_to > ?2)";
  ChangedSet out;
  for (int side = 0; side < 2; ++side) {
    const int64_t x = static_cast<int64_t>(side == 0 ? a : b);
    const int64_t y = static_cast<int64_t>(side == 0 ? b : a);
    for (int which = 0; which < 2; ++which) {
      sqlite3_stmt* s = sql.Prepare(which == 0 ? kNodes : kEdges);
      sqlite3_bind_int64(s, 1, x);
      sqlite3_bind_int64(s, 2, y);
      int rc;
      while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (which == 0) {
          out.nodes.insert(ColumnText(s, 0));
        } else {
          out.edges.insert(
              EdgeIdText(ColumnText(s, 0), ColumnText(s, 1), ColumnText(s, 2)));
        }
      }
      sqlite3_finalize(s);
      if (rc != SQLITE_DONE) return sql.Error("diff");
    }
  }
  return out;
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> SqlExport(Sqlite& sql,
                                                        Revision rev) {
  uint64_t counts[2] = {0, 0};
  const char* q[2] = {
      "SELECT key, kind, props FROM nodes WHERE valid_from <= ?1 AND "
      "valid_to > ?1 ORDER BY key",
      "SELECT src, type, dst, props FROM edges WHERE valid_from <= ?1 AND "
      "valid_to > ?1 ORDER BY src, type, dst"};
  for (int i = 0; i < 2; ++i) {
    sqlite3_stmt* s = sql.Prepare(q[i]);
    sqlite3_bind_int64(s, 1, static_cast<int64_t>(rev));
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      // Touch the text, as a consumer would.
      counts[i] += sqlite3_column_bytes(s, 0) > 0;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return sql.Error("export");
  }
  return std::make_pair(counts[0], counts[1]);
}

}  // namespace critgraph::bench
