#include "bench/synthetic.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "absl/container/flat_hash_map.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::bench {
namespace {

// splitmix64: tiny, fast, and identical on every platform (unlike the
// standard library's distributions).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ULL + 0x1234567) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() {  // in (0, 1]
    return (static_cast<double>(Next() >> 11) + 1.0) * 0x1.0p-53;
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t s_;
};

constexpr const char* kEdgeTypes[kNumEdgeTypes] = {
    "part_of", "maps_to", "depends_on", "covers", "supersedes"};
constexpr const char* kKinds[kNumKinds] = {"domain", "technology", "material",
                                           "foreign_list_entry", "list"};
constexpr const char* kKeyPrefix[kNumKinds] = {"dom", "tech", "mat", "fle",
                                               "list"};
constexpr const char* kTitles[kNumKinds] = {"Domain", "Technology", "Material",
                                            "Entry", "List"};

// Packed edge: src(30) | type(3) | dst(30); sorts as (src, type, dst).
constexpr int kIdxBits = 30;
uint64_t Pack(uint64_t src, int type, uint64_t dst) {
  return (src << (kIdxBits + 3)) | (static_cast<uint64_t>(type) << kIdxBits) |
         dst;
}
uint64_t Src(uint64_t e) { return e >> (kIdxBits + 3); }
int Type(uint64_t e) { return static_cast<int>((e >> kIdxBits) & 7); }
uint64_t Dst(uint64_t e) { return e & ((uint64_t{1} << kIdxBits) - 1); }

std::string DateOf(uint32_t rev) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04u-%02u-01", 2000 + rev / 12, rev % 12 + 1);
  return buf;
}

void AppendDouble(std::string* out, double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out->append(buf, r.ptr);
}

class Generator {
 public:
  Generator(const SynthConfig& c, const OpSink& sink)
      : c_(c), sink_(sink), rng_(c.seed) {}

  absl::StatusOr<SynthStats> Run(uint32_t max_revisions) {
    if (c_.nodes < 2 || c_.nodes >= (uint64_t{1} << kIdxBits) / 2) {
      return absl::InvalidArgumentError("node count out of range");
    }
    limit_ = c_.nodes;
    alive_.assign(c_.nodes, 1);
    out_adj_.resize(c_.nodes);
    in_adj_.resize(c_.nodes);
    alive_count_ = c_.nodes;
    // Revision 1: every node, then every node's out-edges.
    for (uint64_t i = 0; i < c_.nodes; ++i) {
      RETURN_IF_ERROR(EmitNode(i));
    }
    const uint64_t cap =
        std::max<uint64_t>(2, std::min<uint64_t>(c_.nodes / 10, 5000));
    // Pareto(alpha=2, xm) has mean 2*xm; flooring loses ~0.5.
    const double xm = (c_.mean_degree + 0.5) / 2.0;
    for (uint64_t src = 0; src < c_.nodes; ++src) {
      uint64_t d = static_cast<uint64_t>(xm / std::sqrt(rng_.Uniform()));
      d = std::min(d, cap);
      for (uint64_t j = 0; j < d; ++j) {
        RETURN_IF_ERROR(TryInsertEdge(src));
      }
    }
    stats_.initial_nodes = alive_count_;
    stats_.initial_edges = edges_.size();
    RETURN_IF_ERROR(Commit(1));
    ops_per_rev_ = c_.change_fraction > 0
                       ? static_cast<uint64_t>(
                             c_.change_fraction *
                             static_cast<double>(c_.nodes + edges_.size()))
                       : c_.changes_per_revision;
    ops_per_rev_ = std::max<uint64_t>(ops_per_rev_, 6);
    for (uint32_t r = 2; r <= c_.revisions + 1 && r <= max_revisions; ++r) {
      RETURN_IF_ERROR(HistoryRevision(r));
    }
    stats_.head_nodes = alive_count_;
    stats_.head_edges = edges_.size();
    stats_.node_index_limit = limit_;
    return stats_;
  }

 private:
  absl::Status Emit() {
    ++stats_.ops;
    return sink_(op_);
  }

  void FillNode(uint64_t i) {
    const int k = KindOfIndex(i);
    op_ = ChangeOp{};
    op_.kind = ChangeOp::Kind::kNode;
    op_.node.key = NodeKey(i);
    op_.node.kind = kKinds[k];
    op_.node.names["en"] = StrCat(kTitles[k], " ", i);
    if (i % 3 == 0) op_.node.names["ja"] = StrCat("技術 ", i);
    op_.node.props["rank"] = static_cast<int64_t>(rng_.Below(1'000'000));
    op_.node.props["score"] =
        static_cast<double>(rng_.Below(1'000'000)) / 1000.0;
    op_.node.props["status"] =
        std::string(rng_.Below(10) == 0 ? "proposed" : "active");
  }

  absl::Status EmitNode(uint64_t i) {
    FillNode(i);
    ++stats_.node_ops;
    return Emit();
  }

  absl::Status EmitEdge(uint64_t e) {
    op_ = ChangeOp{};
    op_.kind = ChangeOp::Kind::kEdge;
    op_.edge.from = NodeKey(Src(e));
    op_.edge.type = kEdgeTypes[Type(e)];
    op_.edge.to = NodeKey(Dst(e));
    op_.edge.props["w"] = static_cast<int64_t>(rng_.Below(1'000'000'000));
    ++stats_.edge_ops;
    return Emit();
  }

  uint64_t PickDst() {
    const double u = rng_.Uniform();
    if (rng_.Next() & 1) {
      return std::min<uint64_t>(limit_ - 1, static_cast<uint64_t>(u * limit_));
    }
    return std::min<uint64_t>(limit_ - 1,
                              static_cast<uint64_t>(u * u * u * limit_));
  }
  int PickType() {
    const uint64_t x = rng_.Below(100);
    return x < 35 ? 0 : x < 50 ? 1 : x < 80 ? 2 : x < 95 ? 3 : 4;
  }
  uint64_t PickAliveNode() {
    for (;;) {
      uint64_t i = rng_.Below(limit_);
      if (alive_[i]) return i;
    }
  }

  // Inserts one new edge from `src` (a few retries on collisions).
  absl::Status TryInsertEdge(uint64_t src) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      uint64_t dst = PickDst();
      if (dst == src || !alive_[dst]) continue;
      uint64_t e = Pack(src, PickType(), dst);
      if (pos_.contains(e)) continue;
      AddEdge(e);
      return EmitEdge(e);
    }
    return absl::OkStatus();
  }

  void AddEdge(uint64_t e) {
    pos_[e] = static_cast<uint32_t>(edges_.size());
    edges_.push_back(e);
    out_adj_[Src(e)].push_back(e);
    in_adj_[Dst(e)].push_back(e);
  }
  static void EraseFrom(std::vector<uint64_t>* v, uint64_t e) {
    for (size_t i = 0; i < v->size(); ++i) {
      if ((*v)[i] == e) {
        (*v)[i] = v->back();
        v->pop_back();
        return;
      }
    }
  }
  absl::Status DeleteEdge(uint64_t e) {
    auto it = pos_.find(e);
    const uint32_t p = it->second;
    pos_.erase(it);
    if (p + 1 != edges_.size()) {
      edges_[p] = edges_.back();
      pos_[edges_[p]] = p;
    }
    edges_.pop_back();
    EraseFrom(&out_adj_[Src(e)], e);
    EraseFrom(&in_adj_[Dst(e)], e);
    op_ = ChangeOp{};
    op_.kind = ChangeOp::Kind::kDeleteEdge;
    op_.edge.from = NodeKey(Src(e));
    op_.edge.type = kEdgeTypes[Type(e)];
    op_.edge.to = NodeKey(Dst(e));
    ++stats_.edge_ops;
    return Emit();
  }

  absl::Status Commit(uint32_t rev) {
    op_ = ChangeOp{};
    op_.kind = ChangeOp::Kind::kCommit;
    op_.commit.message = StrCat("synthetic r", rev);
    op_.commit.author = "critgraph_gen";
    op_.commit.effective_date = DateOf(rev);
    ++stats_.commits;
    return sink_(op_);
  }

  absl::Status HistoryRevision(uint32_t rev) {
    const uint64_t node_ops = ops_per_rev_ / 6;
    for (uint64_t k = 0; k < node_ops; ++k) {
      const uint64_t u = rng_.Below(100);
      if (u < 70) {  // property update
        RETURN_IF_ERROR(EmitNode(PickAliveNode()));
      } else if (u < 90) {  // insert, with one or two out-edges
        const uint64_t i = limit_++;
        alive_.push_back(1);
        out_adj_.emplace_back();
        in_adj_.emplace_back();
        ++alive_count_;
        RETURN_IF_ERROR(EmitNode(i));
        for (uint64_t j = 1 + rng_.Below(2); j > 0; --j) {
          RETURN_IF_ERROR(TryInsertEdge(i));
        }
      } else {  // delete a low-degree node and its edges
        uint64_t i = PickAliveNode();
        for (int t = 0; t < 8 && out_adj_[i].size() + in_adj_[i].size() > 20;
             ++t) {
          i = PickAliveNode();
        }
        if (out_adj_[i].size() + in_adj_[i].size() > 20) continue;
        while (!out_adj_[i].empty()) {
          RETURN_IF_ERROR(DeleteEdge(out_adj_[i].back()));
        }
        while (!in_adj_[i].empty()) {
          RETURN_IF_ERROR(DeleteEdge(in_adj_[i].back()));
        }
        alive_[i] = 0;
        --alive_count_;
        op_ = ChangeOp{};
        op_.kind = ChangeOp::Kind::kDeleteNode;
        op_.key = NodeKey(i);
        ++stats_.node_ops;
        RETURN_IF_ERROR(Emit());
      }
    }
    for (uint64_t k = node_ops; k < ops_per_rev_; ++k) {
      const uint64_t u = rng_.Below(100);
      if (u < 50 && !edges_.empty()) {  // property update
        const uint64_t e = edges_[rng_.Below(edges_.size())];
        RETURN_IF_ERROR(EmitEdge(e));
      } else if (u < 75 || edges_.empty()) {
        RETURN_IF_ERROR(TryInsertEdge(PickAliveNode()));
      } else {
        RETURN_IF_ERROR(DeleteEdge(edges_[rng_.Below(edges_.size())]));
      }
    }
    return Commit(rev);
  }

  const SynthConfig& c_;
  const OpSink& sink_;
  Rng rng_;
  ChangeOp op_;
  SynthStats stats_;
  uint64_t limit_ = 0, alive_count_ = 0, ops_per_rev_ = 0;
  std::vector<uint8_t> alive_;
  std::vector<uint64_t> edges_;
  absl::flat_hash_map<uint64_t, uint32_t> pos_;
  std::vector<std::vector<uint64_t>> out_adj_, in_adj_;
};

}  // namespace

uint64_t SynthConfig::OpsPerRevision() const {
  if (change_fraction > 0) {
    return static_cast<uint64_t>(change_fraction * static_cast<double>(nodes) *
                                 (1.0 + mean_degree));
  }
  return changes_per_revision;
}

std::string SynthConfig::CacheKey() const {
  return StrCat(name, "-n", nodes, "-h", revisions, "-c", OpsPerRevision(),
                "-s", seed);
}

absl::StatusOr<SynthConfig> ConfigForSize(std::string_view size,
                                          uint64_t seed) {
  SynthConfig c;
  c.name = std::string(size);
  c.seed = seed;
  if (size == "tiny") {
    c.nodes = 1'000;
    c.revisions = 10;
    c.changes_per_revision = 300;
  } else if (size == "small") {
    c.nodes = 10'000;
    c.revisions = 20;
  } else if (size == "s100k") {
    c.nodes = 100'000;
    c.revisions = 20;
  } else if (size == "medium") {
    c.nodes = 1'000'000;
    c.revisions = 100;
  } else if (size == "large") {
    c.nodes = 10'000'000;
    c.revisions = 100;
  } else {
    return absl::InvalidArgumentError(StrCat(
        "unknown size '", size, "' (tiny, small, s100k, medium or large)"));
  }
  return c;
}

const char* EdgeTypeName(int t) { return kEdgeTypes[t]; }
const char* KindName(int k) { return kKinds[k]; }

int KindOfIndex(uint64_t i) {
  const uint64_t h = (i * 0x9E3779B97F4A7C15ULL) >> 57;  // 0..127
  return h < 10 ? 0 : h < 90 ? 1 : h < 105 ? 2 : h < 125 ? 3 : 4;
}

std::string NodeKey(uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s/%09llu", kKeyPrefix[KindOfIndex(index)],
                static_cast<unsigned long long>(index));
  return buf;
}

std::optional<uint64_t> NodeIndexOfKey(std::string_view key) {
  const size_t slash = key.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  uint64_t v = 0;
  auto r = std::from_chars(key.data() + slash + 1, key.data() + key.size(), v);
  if (r.ec != std::errc() || r.ptr != key.data() + key.size()) {
    return std::nullopt;
  }
  return v;
}

std::string CanonicalProps(const Properties& props) {
  std::string out;
  for (const auto& [name, value] : props) {
    out += name;
    out += '=';
    switch (value.index()) {
      case 0:
        out += "s:";
        out += std::get<std::string>(value);
        break;
      case 1:
        StrAppend(&out, "i:", std::get<int64_t>(value));
        break;
      case 2:
        out += "d:";
        AppendDouble(&out, std::get<double>(value));
        break;
      case 3:
        out += std::get<bool>(value) ? "b:1" : "b:0";
        break;
      default:
        out += "l:";
        for (const auto& s : std::get<std::vector<std::string>>(value)) {
          out += s;
          out += ',';
        }
    }
    out += ';';
  }
  return out;
}

std::string CanonicalNode(const Node& n) {
  std::string out = n.kind;
  out += '|';
  for (const auto& [lang, text] : n.names) {
    out += lang;
    out += '=';
    out += text;
    out += ';';
  }
  out += '|';
  out += CanonicalProps(n.props);
  return out;
}

absl::StatusOr<SynthStats> Generate(const SynthConfig& config,
                                    const OpSink& sink) {
  return GeneratePrefix(config, ~uint32_t{0}, sink);
}

absl::StatusOr<SynthStats> GeneratePrefix(const SynthConfig& config,
                                          uint32_t max_revisions,
                                          const OpSink& sink) {
  Generator g(config, sink);
  return g.Run(max_revisions);
}

}  // namespace critgraph::bench
