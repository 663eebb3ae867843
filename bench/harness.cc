// Common part of the benchmark harness (bench/harness.h): environment,
// cached datasets, the critgraph side of each query and the cross-engine
// checks. The baselines: bench/sqlite_baseline.cc, bench/rocksdb_baseline.cc.
#include "bench/harness.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "critgraph/diff.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/traversal.h"
#include "storage/db_impl.h"
#include "storage/keys.h"
#include "storage/snapshot_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

#ifndef CRITGRAPH_BENCH_DEFAULT_DATA
#define CRITGRAPH_BENCH_DEFAULT_DATA "bench-data"
#endif

namespace critgraph::bench {
namespace fs = std::filesystem;

namespace {

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

absl::Status WriteMeta(const std::string& path, const SynthStats& s) {
  std::ofstream f(path);
  f << s.ops << ' ' << s.node_ops << ' ' << s.edge_ops << ' ' << s.commits
    << ' ' << s.initial_nodes << ' ' << s.initial_edges << ' ' << s.head_nodes
    << ' ' << s.head_edges << ' ' << s.node_index_limit << '\n';
  f.close();
  if (!f) return absl::InternalError(StrCat("cannot write ", path));
  return absl::OkStatus();
}

bool ReadMeta(const std::string& path, SynthStats* s) {
  std::ifstream f(path);
  return static_cast<bool>(f >> s->ops >> s->node_ops >> s->edge_ops >>
                           s->commits >> s->initial_nodes >> s->initial_edges >>
                           s->head_nodes >> s->head_edges >>
                           s->node_index_limit);
}

absl::Status CompactCritgraph(const std::string& path) {
  auto db = DB::Open(path);
  if (!db.ok()) return db.status();
  const storage::DBImpl* impl = &storage::Impl(**db);
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (int c = 0; c < static_cast<int>(storage::Cf::kCount); ++c) {
    auto s = impl->rdb()->CompactRange(o, impl->cf(static_cast<storage::Cf>(c)),
                                       nullptr, nullptr);
    if (!s.ok()) return absl::InternalError(s.ToString());
  }
  return absl::OkStatus();
}

}  // namespace

// ---- Environment ----

std::string EnvSize() {
  const char* s = std::getenv("CRITGRAPH_BENCH_SIZE");
  return s && *s ? s : "small";
}
uint64_t EnvSeed() {
  const char* s = std::getenv("CRITGRAPH_BENCH_SEED");
  return s && *s ? std::strtoull(s, nullptr, 10) : 42;
}
std::string DataRoot() {
  const char* s = std::getenv("CRITGRAPH_BENCH_DATA");
  return s && *s ? s : CRITGRAPH_BENCH_DEFAULT_DATA;
}
uint64_t PeakRssBytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<uint64_t>(u.ru_maxrss) * 1024;
}
uint64_t DiskBytes(const std::string& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return fs::file_size(path, ec);
  uint64_t total = 0;
  for (auto& e : fs::recursive_directory_iterator(path, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

// ---- Datasets ----

absl::StatusOr<Dataset> EnsureDataset(const SynthConfig& config) {
  Dataset d;
  d.config = config;
  d.dir = StrCat(DataRoot(), "/", config.CacheKey());
  const std::string done = d.dir + "/DONE";
  if (fs::exists(done) && ReadMeta(done, &d.stats)) return d;
  std::fprintf(stderr, "[bench] building dataset %s in %s\n",
               config.CacheKey().c_str(), d.dir.c_str());
  std::error_code ec;
  fs::remove_all(d.dir, ec);
  fs::create_directories(d.dir, ec);
  if (ec)
    return absl::InternalError(StrCat("mkdir ", d.dir, ": ", ec.message()));

  Options opt;
  opt.sync = false;
  auto db = DB::Open(d.critgraph_path(), opt);
  if (!db.ok()) return db.status();
  auto sql = Sqlite::Open(d.sqlite_path(), /*create=*/true);
  if (!sql.ok()) return sql.status();
  auto raw = RawStore::Open(d.raw_path(), /*create=*/true);
  if (!raw.ok()) return raw.status();
  auto loader = std::make_unique<SqliteLoader>(sql->get());
  std::unique_ptr<Transaction> txn;
  double t_crit = 0, t_sql = 0, t_raw = 0, t0 = Now();
  auto stats = Generate(config, [&](const ChangeOp& op) -> absl::Status {
    double a = Now();
    if (!txn) {
      auto t = (*db)->Begin();
      if (!t.ok()) return t.status();
      txn = *std::move(t);
    }
    if (op.kind == ChangeOp::Kind::kCommit) {
      auto rev = txn->Commit(op.commit);
      if (!rev.ok()) return rev.status();
      txn.reset();
      if (*rev % 10 == 1) {
        std::fprintf(stderr, "[bench]   committed r%llu (%.0fs)\n",
                     static_cast<unsigned long long>(*rev), Now() - t0);
      }
    } else
      RETURN_IF_ERROR(io::ApplyChange(*txn, op));
    double b = Now();
    RETURN_IF_ERROR(loader->Apply(op));
    double c = Now();
    RETURN_IF_ERROR((*raw)->Apply(op));
    double e = Now();
    t_crit += b - a;
    t_sql += c - b;
    t_raw += e - c;
    return absl::OkStatus();
  });
  if (!stats.ok()) return stats.status();
  loader.reset();
  (void)(*sql)->Exec("COMMIT");
  RETURN_IF_ERROR((*sql)->Exec("ANALYZE"));
  sql->reset();
  double a = Now();
  RETURN_IF_ERROR((*raw)->Compact());
  raw->reset();
  db->reset();
  double b = Now();
  RETURN_IF_ERROR(CompactCritgraph(d.critgraph_path()));
  double c = Now();
  std::fprintf(stderr,
               "[bench] built %s: %llu ops, %llu revisions; load seconds: "
               "critgraph %.1f (+%.1f compaction), sqlite %.1f, raw %.1f "
               "(+%.1f compaction)\n",
               config.CacheKey().c_str(),
               static_cast<unsigned long long>(stats->ops),
               static_cast<unsigned long long>(stats->commits), t_crit, c - b,
               t_sql, t_raw, b - a);
  d.stats = *stats;
  RETURN_IF_ERROR(WriteMeta(done, d.stats));
  return d;
}

absl::Status EnsureJsonl(const Dataset& d) {
  if (fs::exists(d.jsonl_path())) return absl::OkStatus();
  const std::string tmp = d.jsonl_path() + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return absl::InternalError(StrCat("cannot write ", tmp));
  std::string line;
  auto st = Generate(d.config, [&](const ChangeOp& op) -> absl::Status {
    line = io::ToChangeLine(op);
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), f) != line.size()) {
      return absl::InternalError("write jsonl");
    }
    return absl::OkStatus();
  });
  std::fclose(f);
  if (!st.ok()) return st.status();
  std::error_code ec;
  fs::rename(tmp, d.jsonl_path(), ec);
  if (ec) return absl::InternalError(ec.message());
  return absl::OkStatus();
}

absl::StatusOr<Stores*> GetStores(const SynthConfig& config) {
  static auto* cache = new std::map<std::string, std::unique_ptr<Stores>>;
  auto& slot = (*cache)[config.CacheKey()];
  if (slot) return slot.get();
  auto d = EnsureDataset(config);
  if (!d.ok()) return d.status();
  auto s = std::make_unique<Stores>();
  s->data = *d;
  auto db = DB::OpenReadOnly(d->critgraph_path());
  if (!db.ok()) return db.status();
  s->db = *std::move(db);
  auto sql = Sqlite::Open(d->sqlite_path(), /*create=*/false);
  if (!sql.ok()) return sql.status();
  s->sql = *std::move(sql);
  auto raw = RawStore::Open(d->raw_path(), /*create=*/false);
  if (!raw.ok()) return raw.status();
  s->raw = *std::move(raw);
  slot = std::move(s);
  return slot.get();
}

// ---- Queries ----

absl::StatusOr<IndexSet> CritReach(const DB& db, Revision rev,
                                   uint64_t source) {
  auto snap = db.GetSnapshot(rev);
  if (!snap.ok()) return snap.status();
  ReachSpec spec;
  spec.sources = {NodeKey(source)};
  auto r = Reach(**snap, spec);
  if (!r.ok()) return r.status();
  IndexSet out;
  out.reserve(r->size());
  for (const auto& n : *r) out.push_back(*NodeIndexOfKey(n.key));
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::string> CritPoint(const Snapshot& snap, uint64_t index) {
  auto n = snap.GetNode(NodeKey(index));
  if (absl::IsNotFound(n.status())) return std::string();
  if (!n.ok()) return n.status();
  return CanonicalNode(*n);
}

absl::StatusOr<NeighbourList> CritNeighbours(const Snapshot& snap,
                                             uint64_t index) {
  auto e = snap.OutEdges(NodeKey(index));
  if (absl::IsNotFound(e.status())) return NeighbourList();
  if (!e.ok()) return e.status();
  NeighbourList out;
  out.reserve(e->size());
  for (const auto& edge : *e) {
    out.emplace_back(edge.type, *NodeIndexOfKey(edge.to));
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<ChangedSet> CritDiff(const DB& db, Revision a, Revision b) {
  auto d = Diff(db, a, b);
  if (!d.ok()) return d.status();
  ChangedSet out;
  for (const auto& n : d->nodes_added) out.nodes.insert(n.key);
  for (const auto& n : d->nodes_removed) out.nodes.insert(n.key);
  for (const auto& n : d->nodes_modified) out.nodes.insert(n.key);
  for (const auto& e : d->edges_added) {
    out.edges.insert(EdgeIdText(e.from, e.type, e.to));
  }
  for (const auto& e : d->edges_removed) {
    out.edges.insert(EdgeIdText(e.from, e.type, e.to));
  }
  for (const auto& e : d->edges_modified) {
    out.edges.insert(EdgeIdText(e.id.from, e.id.type, e.id.to));
  }
  return out;
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> CritExport(const Snapshot& s) {
  uint64_t nodes = 0, edges = 0;
  // Touch the key, as SqlExport touches its first column.
  RETURN_IF_ERROR(s.ForEachNodeView([&](const NodeView& n) {
    nodes += !n.key.empty();
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(s.ForEachEdgeView([&](const EdgeView& e) {
    edges += !e.from.empty();
    return absl::OkStatus();
  }));
  return std::make_pair(nodes, edges);
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> CritExportMaterialized(
    const Snapshot& s) {
  uint64_t nodes = 0, edges = 0;
  RETURN_IF_ERROR(s.ForEachNode([&](const Node&) {
    ++nodes;
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(s.ForEachEdge([&](const Edge&) {
    ++edges;
    return absl::OkStatus();
  }));
  return std::make_pair(nodes, edges);
}

absl::StatusOr<uint64_t> PickReachSource(const DB& db, Revision old_rev,
                                         Revision head) {
  auto a = db.GetSnapshot(old_rev);
  if (!a.ok()) return a.status();
  auto b = db.GetSnapshot(head);
  if (!b.ok()) return b.status();
  for (uint64_t i = 1; i < 1000; ++i) {
    auto x = CritNeighbours(**a, i);
    if (!x.ok()) return x.status();
    auto y = CritNeighbours(**b, i);
    if (!y.ok()) return y.status();
    if (x->size() >= 2 && y->size() >= 2) return i;
  }
  return absl::NotFoundError("no reach source");
}

std::vector<uint64_t> SampleIndices(const Dataset& d, size_t count,
                                    uint64_t salt) {
  std::vector<uint64_t> out;
  uint64_t x = d.config.seed * 1000003 + salt;
  for (size_t i = 0; i < count; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    out.push_back((x >> 17) % d.stats.node_index_limit);
  }
  return out;
}

absl::Status CheckAll(Stores& s) {
  const Revision head = s.data.head();
  const Revision old = 1;
  auto src = PickReachSource(*s.db, old, head);
  if (!src.ok()) return src.status();
  for (Revision rev : {old, head}) {
    auto c = CritReach(*s.db, rev, *src);
    if (!c.ok()) return c.status();
    auto q = SqlReach(*s.sql, rev, *src);
    if (!q.ok()) return q.status();
    auto r = s.raw->Reach(*src, rev, nullptr);
    if (*c != *q || *c != r) {
      return absl::InternalError(StrCat("reach mismatch at r", rev,
                                        ": critgraph ", c->size(), ", sqlite ",
                                        q->size(), ", raw ", r.size()));
    }
    std::fprintf(stderr, "[check] reach r%llu from %s: %zu nodes, all equal\n",
                 static_cast<unsigned long long>(rev), NodeKey(*src).c_str(),
                 c->size());
  }
  sqlite3_stmt* ps = SqlPointStmt(*s.sql);
  sqlite3_stmt* ns = SqlNeighboursStmt(*s.sql);
  for (Revision rev : {old, head / 2, head}) {
    auto snap = s.db->GetSnapshot(rev);
    if (!snap.ok()) return snap.status();
    size_t found = 0, edges = 0;
    for (uint64_t i : SampleIndices(s.data, 200, rev)) {
      auto c = CritPoint(**snap, i);
      if (!c.ok()) return c.status();
      auto q = SqlPoint(*s.sql, ps, rev, i);
      if (!q.ok()) return q.status();
      if (*c != *q) {
        return absl::InternalError(StrCat("point read mismatch at r", rev,
                                          " for ", NodeKey(i), ": '", *c,
                                          "' vs sqlite '", *q, "'"));
      }
      found += !c->empty();
      auto cn = CritNeighbours(**snap, i);
      if (!cn.ok()) return cn.status();
      auto qn = SqlNeighbours(*s.sql, ns, rev, i);
      if (!qn.ok()) return qn.status();
      if (*cn != *qn || *cn != RawNeighbours(*s.raw, rev, i)) {
        return absl::InternalError(
            StrCat("neighbour mismatch at r", rev, " for ", NodeKey(i)));
      }
      edges += cn->size();
    }
    std::fprintf(stderr,
                 "[check] r%llu: 200 point reads (%zu found) and neighbour "
                 "lists (%zu edges) equal\n",
                 static_cast<unsigned long long>(rev), found, edges);
  }
  sqlite3_finalize(ps);
  sqlite3_finalize(ns);
  for (Revision from : {head - 1, head > 5 ? head - 5 : Revision{1}}) {
    auto c = CritDiff(*s.db, from, head);
    if (!c.ok()) return c.status();
    auto q = SqlDiff(*s.sql, from, head);
    if (!q.ok()) return q.status();
    if (*c != *q) {
      return absl::InternalError(StrCat("diff mismatch r", from, "..r", head,
                                        ": critgraph ", c->size(),
                                        " vs sqlite ", q->size()));
    }
    std::fprintf(stderr, "[check] diff r%llu..r%llu: %llu changes, equal\n",
                 static_cast<unsigned long long>(from),
                 static_cast<unsigned long long>(head),
                 static_cast<unsigned long long>(c->size()));
  }
  auto snap = s.db->GetSnapshot(head);
  if (!snap.ok()) return snap.status();
  auto ce = CritExport(**snap);
  if (!ce.ok()) return ce.status();
  auto qe = SqlExport(*s.sql, head);
  if (!qe.ok()) return qe.status();
  if (*ce != *qe || ce->first != s.data.stats.head_nodes ||
      ce->second != s.data.stats.head_edges) {
    return absl::InternalError(StrCat("export mismatch: critgraph ", ce->first,
                                      "/", ce->second, " sqlite ", qe->first,
                                      "/", qe->second));
  }
  std::fprintf(stderr,
               "[check] export at HEAD: %llu nodes, %llu edges, equal\n",
               static_cast<unsigned long long>(ce->first),
               static_cast<unsigned long long>(ce->second));
  return absl::OkStatus();
}

}  // namespace critgraph::bench
