// Deterministic, seeded synthetic graph history for benchmarks.
//
// N nodes of the built-in kinds, skewed (Pareto-like) out-degrees with mean
// about 5 over the built-in edge types, then H history revisions, each a mix
// of node and edge property updates, deletes and inserts. The same seed gives
// the same stream of change ops, byte for byte, on every machine.
//
// Node keys encode the generator's node index ("tech/000000042"), so results
// from critgraph, SQLite and the raw RocksDB baseline (which uses index + 1
// as its id) can be compared as sets of indices.
#ifndef CRITGRAPH_BENCH_SYNTHETIC_H_
#define CRITGRAPH_BENCH_SYNTHETIC_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/change.h"

namespace critgraph::bench {

struct SynthConfig {
  std::string name;          // "small", "medium", ... (cache key part)
  uint64_t nodes = 10'000;   // nodes in the initial revision
  double mean_degree = 5.0;  // mean out-degree of the initial revision
  uint32_t revisions = 20;   // history revisions after the initial one
  // Node + edge ops per history revision. If change_fraction > 0 it wins:
  // ops = change_fraction * (nodes + edges of the initial revision).
  uint64_t changes_per_revision = 1000;
  double change_fraction = 0;
  uint64_t seed = 1;

  uint64_t OpsPerRevision() const;
  // "<name>-n<nodes>-h<revisions>-c<ops>-s<seed>": the dataset cache key.
  std::string CacheKey() const;
};

// Presets: tiny (1k nodes), small (10k, 20 revisions), s100k (100k, 20),
// medium (1M nodes, ~5M edges, 100 revisions), large (10M, ~50M edges, 100).
// Every preset changes ~1000 entities per history revision, so a one-revision
// diff is a ~1k-change diff at every size. InvalidArgument for other names.
absl::StatusOr<SynthConfig> ConfigForSize(std::string_view size, uint64_t seed);

// Edge type / kind names used by the generator (the built-in ones).
inline constexpr int kNumEdgeTypes = 5;
inline constexpr int kNumKinds = 5;
const char* EdgeTypeName(
    int t);  // part_of, maps_to, depends_on, covers, supersedes
int KindOfIndex(uint64_t index);  // 0..4, fixed per node for its lifetime
const char* KindName(int k);      // domain, technology, ...

// The external key of node `index` and back (nullopt if not a synthetic key).
std::string NodeKey(uint64_t index);
std::optional<uint64_t> NodeIndexOfKey(std::string_view key);

// A canonical, deterministic text of a node's content (kind, names, props)
// and of an edge's props: what the SQLite baseline stores in its `props`
// column, and how results are compared across engines.
std::string CanonicalNode(const Node& n);
std::string CanonicalProps(const Properties& p);

// Summary of a generated stream.
struct SynthStats {
  uint64_t ops = 0;  // node/edge/delete ops (not commits)
  uint64_t node_ops = 0, edge_ops = 0;
  uint64_t commits = 0;
  uint64_t initial_nodes = 0, initial_edges = 0;
  uint64_t head_nodes = 0, head_edges = 0;  // alive after the last revision
  uint64_t node_index_limit = 0;            // every index used is below this
};

// Receives the ops in order. Revision 1 is the initial load; the commit op
// closes each revision (message "synthetic r<k>", effective date derived
// from k). Returning non-OK stops generation with that status.
using OpSink = std::function<absl::Status(const ChangeOp&)>;

// Generates the whole stream for `config` into `sink`.
absl::StatusOr<SynthStats> Generate(const SynthConfig& config,
                                    const OpSink& sink);

// Same stream, stopping after `max_revisions` commits.
absl::StatusOr<SynthStats> GeneratePrefix(const SynthConfig& config,
                                          uint32_t max_revisions,
                                          const OpSink& sink);

}  // namespace critgraph::bench

#endif  // CRITGRAPH_BENCH_SYNTHETIC_H_
