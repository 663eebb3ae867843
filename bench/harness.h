// Benchmark harness: cached datasets in three stores built from one
// synthetic stream (critgraph, the SQLite baseline, the raw RocksDB
// adjacency baseline), the same queries against each, and result checks.
#ifndef CRITGRAPH_BENCH_HARNESS_H_
#define CRITGRAPH_BENCH_HARNESS_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/synthetic.h"
#include "critgraph/db.h"
#include "rocksdb/db.h"

namespace critgraph::bench {

// ---- Environment ----
// CRITGRAPH_BENCH_SIZE (default "small"), CRITGRAPH_BENCH_SEED (default 42),
// CRITGRAPH_BENCH_DATA (default <build dir>/bench-data).
std::string EnvSize();
uint64_t EnvSeed();
std::string DataRoot();
// Peak resident set size of this process, bytes (getrusage ru_maxrss).
uint64_t PeakRssBytes();
// Total size of the files under `path` (a file or a directory).
uint64_t DiskBytes(const std::string& path);

// ---- SQLite baseline ----
// Versioned tables, as a user would design them:
//   nodes(key TEXT, kind TEXT, props TEXT, valid_from INT, valid_to INT)
//   edges(src TEXT, type TEXT, dst TEXT, props TEXT, valid_from, valid_to)
// with indexes nodes(key, valid_from) and edges(src, type, dst, valid_from).
// An element is visible at R when valid_from <= R < valid_to; valid_to of
// the live version is kForever. `props` holds CanonicalNode / CanonicalProps.
inline constexpr int64_t kForever = INT64_MAX;

class Sqlite {
 public:
  static absl::StatusOr<std::unique_ptr<Sqlite>> Open(const std::string& path,
                                                      bool create);
  ~Sqlite();
  sqlite3* db() const { return db_; }
  absl::Status Exec(const std::string& sql);
  sqlite3_stmt* Prepare(const std::string& sql);  // aborts on error
  absl::Status Error(const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
};

// Loads a change stream into SQLite. Revision 1 is bulk-inserted without
// indexes; the indexes are created at its commit, then history revisions
// close the old row (valid_to = R) and insert the new one.
class SqliteLoader {
 public:
  explicit SqliteLoader(Sqlite* db);
  ~SqliteLoader();
  absl::Status Apply(const ChangeOp& op);

 private:
  Sqlite* db_;
  int64_t rev_ = 1;
  sqlite3_stmt *ins_node_, *ins_edge_, *close_node_ = nullptr,
                                       *close_edge_ = nullptr;
};

// ---- Raw RocksDB baseline ----
// One column family "out_edges" keyed src(8) | type(4) | dst(8) | ~rev(8)
// (src/dst = synthetic node index + 1, type = edge type index + 1), value =
// CanonicalProps of the edge or "" for a deletion; the same RocksDB options
// as critgraph's out_edges (prefix extractor 8, bloom 10, LZ4/ZSTD, XXH3).
class RawStore {
 public:
  static absl::StatusOr<std::unique_ptr<RawStore>> Open(const std::string& path,
                                                        bool create);
  ~RawStore();
  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* cf() const { return cf_; }
  absl::Status Apply(const ChangeOp& op);  // buffered
  absl::Status Flush();
  absl::Status Compact();

  // BFS along out-edges at `rev` from node index `source`; each level's
  // frontier is sorted and expanded in key order with one prefix seek per
  // node. Returns the reached indices (sorted); `edges` = alive edges
  // scanned.
  std::vector<uint64_t> Reach(uint64_t source, Revision rev,
                              uint64_t* edges) const;
  // Out-neighbours (type, dst index) of one node at `rev`.
  std::vector<std::pair<int, uint64_t>> Neighbours(uint64_t node,
                                                   Revision rev) const;

 private:
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* default_ = nullptr;
  rocksdb::WriteBatch batch_;
  Revision rev_ = 1;
};

// ---- Datasets ----
struct Dataset {
  SynthConfig config;
  SynthStats stats;
  std::string dir;  // <root>/<cache key>
  std::string critgraph_path() const { return dir + "/critgraph"; }
  std::string sqlite_path() const { return dir + "/sqlite.db"; }
  std::string raw_path() const { return dir + "/raw"; }
  std::string jsonl_path() const { return dir + "/stream.jsonl"; }
  Revision head() const { return stats.commits; }
};

// Builds (once; cached under DataRoot() by config.CacheKey()) the critgraph
// database, the SQLite database and the raw RocksDB store for `config`, all
// from one generator pass, then compacts the RocksDB stores. Logs progress
// to stderr.
absl::StatusOr<Dataset> EnsureDataset(const SynthConfig& config);
// Writes the JSONL change stream of `config` to d.jsonl_path() if missing.
absl::Status EnsureJsonl(const Dataset& d);

// Opened stores of one dataset, shared by the benchmarks of a process.
struct Stores {
  Dataset data;
  std::unique_ptr<DB> db;
  std::unique_ptr<Sqlite> sql;
  std::unique_ptr<RawStore> raw;
};
// Opened once per process per config (kept until exit).
absl::StatusOr<Stores*> GetStores(const SynthConfig& config);

// ---- The same queries in the three engines ----
using IndexSet = std::vector<uint64_t>;  // sorted node indices

absl::StatusOr<IndexSet> CritReach(const DB& db, Revision rev, uint64_t source);
absl::StatusOr<IndexSet> SqlReach(Sqlite& sql, Revision rev, uint64_t source);

// Point read: CanonicalNode of the node at `rev`, or "" if absent.
absl::StatusOr<std::string> CritPoint(const Snapshot& snap, uint64_t index);
absl::StatusOr<std::string> SqlPoint(Sqlite& sql, sqlite3_stmt* stmt,
                                     Revision rev, uint64_t index);
sqlite3_stmt* SqlPointStmt(Sqlite& sql);

// Neighbours: sorted (type name, dst index) pairs at `rev`.
using NeighbourList = std::vector<std::pair<std::string, uint64_t>>;
absl::StatusOr<NeighbourList> CritNeighbours(const Snapshot& snap,
                                             uint64_t index);
absl::StatusOr<NeighbourList> SqlNeighbours(Sqlite& sql, sqlite3_stmt* stmt,
                                            Revision rev, uint64_t index);
sqlite3_stmt* SqlNeighboursStmt(Sqlite& sql);
NeighbourList RawNeighbours(const RawStore& raw, Revision rev, uint64_t index);

// Diff as sets of changed identities: node keys and "from|type|to" edges
// (EdgeIdText).
inline std::string EdgeIdText(std::string_view from, std::string_view type,
                              std::string_view to) {
  std::string out;
  out.reserve(from.size() + type.size() + to.size() + 2);
  out.append(from).append("|").append(type).append("|").append(to);
  return out;
}
struct ChangedSet {
  std::set<std::string> nodes;
  std::set<std::string> edges;
  uint64_t size() const { return nodes.size() + edges.size(); }
  friend bool operator==(const ChangedSet&, const ChangedSet&) = default;
};
absl::StatusOr<ChangedSet> CritDiff(const DB& db, Revision a, Revision b);
absl::StatusOr<ChangedSet> SqlDiff(Sqlite& sql, Revision a, Revision b);

// Export: visits every node and edge at `rev`; returns (nodes, edges).
// CritExport reads views of the stored records, as the exporters do;
// CritExportMaterialized builds a Node / Edge per element (ForEachNode,
// ForEachEdge), the exporters' path before issue 12, item 4.
absl::StatusOr<std::pair<uint64_t, uint64_t>> CritExport(const Snapshot& s);
absl::StatusOr<std::pair<uint64_t, uint64_t>> CritExportMaterialized(
    const Snapshot& s);
absl::StatusOr<std::pair<uint64_t, uint64_t>> SqlExport(Sqlite& sql,
                                                        Revision rev);

// A source node for reach: the smallest index alive with out-edges at both
// `old_rev` and `head` in critgraph.
absl::StatusOr<uint64_t> PickReachSource(const DB& db, Revision old_rev,
                                         Revision head);
// `count` node indices below the dataset's index limit, deterministic.
std::vector<uint64_t> SampleIndices(const Dataset& d, size_t count,
                                    uint64_t salt);

// Runs every cross-engine check on `stores` (reach at old and HEAD, point
// reads, neighbours, diffs of 1 and several revisions, export counts);
// returns the first mismatch as an error. Logs what it checked.
absl::Status CheckAll(Stores& stores);

}  // namespace critgraph::bench

#endif  // CRITGRAPH_BENCH_HARNESS_H_
