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
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "storage/coding.h"
#include "storage/db_impl.h"
#include "storage/str_cat.h"

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

int EdgeTypeIndex(std::string_view name) {
  for (int t = 0; t < kNumEdgeTypes; ++t) {
    if (name == EdgeTypeName(t)) return t;
  }
  return -1;
}

std::string EdgeIdText(std::string_view from, std::string_view type,
                       std::string_view to) {
  return StrCat(from, "|", type, "|", to);
}

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

rocksdb::ColumnFamilyOptions RawCfOptions() {
  // Mirrors critgraph's options for its edge column families.
  rocksdb::BlockBasedTableOptions table;
  table.checksum = rocksdb::kXXH3;
  table.block_cache = rocksdb::NewLRUCache(size_t{256} << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.format_version = 5;
  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.write_buffer_size = size_t{64} << 20;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(8));
  cf.memtable_prefix_bloom_size_ratio = 0.02;
  return cf;
}

std::string RawKey(uint64_t src, uint32_t type, uint64_t dst, Revision rev) {
  std::string k;
  storage::PutBE64(&k, src);
  storage::PutBE32(&k, type);
  storage::PutBE64(&k, dst);
  storage::PutInvRev(&k, rev);
  return k;
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
  auto* impl = static_cast<storage::DBImpl*>(db->get());
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
        if (auto st = step(close_node_, "close node"); !st.ok()) return st;
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
        if (auto st = step(close_edge_, "close edge"); !st.ok()) return st;
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
      if (auto st = db_->Exec("COMMIT"); !st.ok()) return st;
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

// ---- Raw RocksDB ----

absl::StatusOr<std::unique_ptr<RawStore>> RawStore::Open(
    const std::string& path, bool create) {
  auto r = std::unique_ptr<RawStore>(new RawStore);
  rocksdb::DBOptions dbo;
  dbo.create_if_missing = create;
  dbo.create_missing_column_families = create;
  dbo.max_background_jobs = 2;
  dbo.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  dbo.keep_log_file_num = 2;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {"out_edges", RawCfOptions()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  auto s = rocksdb::DB::Open(dbo, path, cfs, &handles, &r->db_);
  if (!s.ok()) return absl::InternalError(StrCat("raw open: ", s.ToString()));
  r->default_ = handles[0];
  r->cf_ = handles[1];
  return r;
}

RawStore::~RawStore() {
  if (db_) {
    db_->DestroyColumnFamilyHandle(cf_);
    db_->DestroyColumnFamilyHandle(default_);
    delete db_;
  }
}

absl::Status RawStore::Apply(const ChangeOp& op) {
  if (op.kind == ChangeOp::Kind::kCommit) {
    ++rev_;
    return Flush();
  }
  if (op.kind != ChangeOp::Kind::kEdge &&
      op.kind != ChangeOp::Kind::kDeleteEdge) {
    return absl::OkStatus();  // nodes: deletes arrive as explicit del_edges
  }
  auto src = NodeIndexOfKey(op.edge.from);
  auto dst = NodeIndexOfKey(op.edge.to);
  int type = EdgeTypeIndex(op.edge.type);
  if (!src || !dst || type < 0) return absl::InvalidArgumentError("raw: key");
  std::string key = RawKey(*src + 1, type + 1, *dst + 1, rev_);
  batch_.Put(cf_, key,
             op.kind == ChangeOp::Kind::kEdge ? CanonicalProps(op.edge.props)
                                              : std::string());
  if (batch_.Count() >= 100'000) return Flush();
  return absl::OkStatus();
}

absl::Status RawStore::Flush() {
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  auto s = db_->Write(wo, &batch_);
  batch_.Clear();
  if (!s.ok()) return absl::InternalError(s.ToString());
  return absl::OkStatus();
}

absl::Status RawStore::Compact() {
  if (auto st = Flush(); !st.ok()) return st;
  auto s = db_->Flush(rocksdb::FlushOptions(), cf_);
  if (!s.ok()) return absl::InternalError(s.ToString());
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  s = db_->CompactRange(o, cf_, nullptr, nullptr);
  if (!s.ok()) return absl::InternalError(s.ToString());
  return absl::OkStatus();
}

std::vector<uint64_t> RawStore::Reach(uint64_t source, Revision rev,
                                      uint64_t* edges) const {
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_));
  std::vector<uint8_t> seen;
  auto mark = [&](uint64_t id) {
    if (id >= seen.size())
      seen.resize(std::max<size_t>(id + 1, seen.size() * 2));
    if (seen[id]) return false;
    seen[id] = 1;
    return true;
  };
  std::vector<uint64_t> frontier{source + 1}, next, out{source};
  mark(source + 1);
  uint64_t scanned = 0;
  char prefix[8];
  while (!frontier.empty()) {
    std::sort(frontier.begin(), frontier.end());
    next.clear();
    for (uint64_t id : frontier) {
      for (int i = 7; i >= 0; --i)
        prefix[7 - i] = static_cast<char>(id >> (8 * i));
      it->Seek(rocksdb::Slice(prefix, 8));
      uint64_t last = ~uint64_t{0};
      uint32_t last_type = 0;
      for (; it->Valid(); it->Next()) {
        const char* p = it->key().data();
        if (storage::GetBE64(p) != id) break;
        if (storage::GetInvRev(p + 20) > rev) continue;
        const uint32_t type = storage::GetBE32(p + 8);
        const uint64_t dst = storage::GetBE64(p + 12);
        if (dst == last && type == last_type) continue;
        last = dst;
        last_type = type;
        if (it->value().empty()) continue;
        ++scanned;
        if (mark(dst)) {
          next.push_back(dst);
          out.push_back(dst - 1);
        }
      }
    }
    frontier.swap(next);
  }
  if (edges) *edges = scanned;
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<int, uint64_t>> RawStore::Neighbours(uint64_t node,
                                                           Revision rev) const {
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_));
  std::string prefix;
  storage::PutBE64(&prefix, node + 1);
  std::vector<std::pair<int, uint64_t>> out;
  uint64_t last = ~uint64_t{0};
  uint32_t last_type = 0;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const char* p = it->key().data();
    if (storage::GetBE64(p) != node + 1) break;
    if (storage::GetInvRev(p + 20) > rev) continue;
    const uint32_t type = storage::GetBE32(p + 8);
    const uint64_t dst = storage::GetBE64(p + 12);
    if (dst == last && type == last_type) continue;
    last = dst;
    last_type = type;
    if (it->value().empty()) continue;
    out.emplace_back(static_cast<int>(type) - 1, dst - 1);
  }
  return out;
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
    } else if (auto st = io::ApplyChange(*txn, op); !st.ok()) {
      return st;
    }
    double b = Now();
    if (auto st = loader->Apply(op); !st.ok()) return st;
    double c = Now();
    if (auto st = (*raw)->Apply(op); !st.ok()) return st;
    double e = Now();
    t_crit += b - a;
    t_sql += c - b;
    t_raw += e - c;
    return absl::OkStatus();
  });
  if (!stats.ok()) return stats.status();
  loader.reset();
  (void)(*sql)->Exec("COMMIT");
  if (auto st = (*sql)->Exec("ANALYZE"); !st.ok()) return st;
  sql->reset();
  double a = Now();
  if (auto st = (*raw)->Compact(); !st.ok()) return st;
  raw->reset();
  db->reset();
  double b = Now();
  if (auto st = CompactCritgraph(d.critgraph_path()); !st.ok()) return st;
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
  if (auto st = WriteMeta(done, d.stats); !st.ok()) return st;
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

absl::StatusOr<std::string> CritPoint(const Snapshot& snap, uint64_t index) {
  auto n = snap.GetNode(NodeKey(index));
  if (absl::IsNotFound(n.status())) return std::string();
  if (!n.ok()) return n.status();
  return CanonicalNode(*n);
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

NeighbourList RawNeighbours(const RawStore& raw, Revision rev, uint64_t index) {
  NeighbourList out;
  for (auto [t, dst] : raw.Neighbours(index, rev)) {
    out.emplace_back(EdgeTypeName(t), dst);
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

absl::StatusOr<std::pair<uint64_t, uint64_t>> CritExport(const Snapshot& s) {
  uint64_t nodes = 0, edges = 0;
  auto st = s.ForEachNode([&](const Node&) {
    ++nodes;
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  st = s.ForEachEdge([&](const Edge&) {
    ++edges;
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return std::make_pair(nodes, edges);
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
