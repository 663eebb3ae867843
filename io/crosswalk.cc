// Crosswalk tables: building the table of two lists and the matrix of one
// list against all others. Formats: io/crosswalk_format.cc. See
// include/critgraph/io/crosswalk.h.
#include "critgraph/io/crosswalk.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "critgraph/io/json_out.h"
#include "critgraph/lists.h"
#include "util/status_macros.h"

namespace critgraph::io {

namespace {

// The entries (scope without the list node) of `list`, as a set.
absl::StatusOr<absl::flat_hash_set<std::string>> EntrySet(
    const Snapshot& snapshot, std::string_view list) {
  ASSIGN_OR_RETURN(std::vector<ReachedNode> entries,
                   ListEntries(snapshot, list));
  absl::flat_hash_set<std::string> set;
  for (auto& e : entries) set.insert(std::move(e.key));
  return set;
}

absl::StatusOr<CrosswalkEntry> EntryOf(const Snapshot& snapshot,
                                       const std::string& key) {
  ASSIGN_OR_RETURN(Node node, snapshot.GetNode(key));
  return CrosswalkEntry{key, DisplayName(node)};
}

// Whether an edge of `type` links entries: the listed types, or any type
// but part_of when none is listed.
bool Links(const std::vector<std::string>& types, const std::string& type) {
  if (types.empty()) return type != kMembershipEdgeType;
  return std::find(types.begin(), types.end(), type) != types.end();
}

absl::Status CheckTypes(const Snapshot& snapshot,
                        const std::vector<std::string>& types) {
  const auto known = snapshot.EdgeTypes();
  for (const auto& t : types) {
    if (!std::binary_search(known.begin(), known.end(), t)) {
      return absl::InvalidArgumentError("unknown edge type '" + t +
                                        "' at revision " +
                                        std::to_string(snapshot.revision()));
    }
  }
  return absl::OkStatus();
}

// The table without the per-entry names when `names` is false (the matrix
// needs only counts).
absl::StatusOr<CrosswalkTable> Build(const Snapshot& snapshot,
                                     std::string_view list_a,
                                     std::string_view list_b,
                                     const CrosswalkOptions& options,
                                     bool names) {
  if (list_a == list_b) {
    return absl::InvalidArgumentError("crosswalk of list '" +
                                      std::string(list_a) + "' with itself");
  }
  RETURN_IF_ERROR(CheckTypes(snapshot, options.edge_types));
  ASSIGN_OR_RETURN(auto a_set, EntrySet(snapshot, list_a));
  ASSIGN_OR_RETURN(auto b_set, EntrySet(snapshot, list_b));
  CrosswalkTable t;
  t.revision = snapshot.revision();
  t.list_a = std::string(list_a);
  t.list_b = std::string(list_b);
  t.edge_types = options.edge_types;
  t.entries_a = a_set.size();
  t.entries_b = b_set.size();
  std::vector<std::string> a_keys(a_set.begin(), a_set.end());
  std::sort(a_keys.begin(), a_keys.end());
  std::set<std::string> b_mapped;
  std::set<EdgeId> seen;  // an edge between two entries of both lists once
  auto entry = [&](const std::string& key) -> absl::StatusOr<CrosswalkEntry> {
    if (!names) return CrosswalkEntry{key, ""};
    return EntryOf(snapshot, key);
  };
  for (const std::string& a : a_keys) {
    CrosswalkRow row;
    ASSIGN_OR_RETURN(row.entry, entry(a));
    ASSIGN_OR_RETURN(std::vector<Edge> out, snapshot.OutEdges(a));
    ASSIGN_OR_RETURN(std::vector<Edge> in, snapshot.InEdges(a));
    for (auto [edges, outgoing] : {std::pair{&out, true}, {&in, false}}) {
      for (Edge& e : *edges) {
        const std::string& other = outgoing ? e.to : e.from;
        if (!Links(options.edge_types, e.type) || !b_set.contains(other)) {
          continue;
        }
        CrosswalkLink link;
        ASSIGN_OR_RETURN(link.other, entry(other));
        link.type = e.type;
        link.outgoing = outgoing;
        link.props = std::move(e.props);
        b_mapped.insert(other);
        if (seen.insert(e.id()).second) ++t.links;
        row.links.push_back(std::move(link));
      }
    }
    std::sort(row.links.begin(), row.links.end(),
              [](const CrosswalkLink& x, const CrosswalkLink& y) {
                return std::tie(x.other.key, x.type, y.outgoing) <
                       std::tie(y.other.key, y.type, x.outgoing);
              });
    if (!row.links.empty()) ++t.mapped_a;
    t.rows.push_back(std::move(row));
  }
  t.mapped_b = b_mapped.size();
  std::vector<std::string> b_keys(b_set.begin(), b_set.end());
  std::sort(b_keys.begin(), b_keys.end());
  for (const std::string& b : b_keys) {
    if (b_mapped.count(b)) continue;
    ASSIGN_OR_RETURN(CrosswalkEntry e, entry(b));
    t.unmapped_b.push_back(std::move(e));
  }
  return t;
}

std::string StringProp(const Properties& props, const char* name) {
  auto it = props.find(name);
  if (it == props.end()) return "";
  if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  return PropertyText(it->second);
}

}  // namespace

absl::StatusOr<CrosswalkTable> Crosswalk(const Snapshot& snapshot,
                                         std::string_view list_a,
                                         std::string_view list_b,
                                         const CrosswalkOptions& options) {
  return Build(snapshot, list_a, list_b, options, /*names=*/true);
}

std::vector<CrosswalkFlatRow> FlattenCrosswalk(const CrosswalkTable& table) {
  std::vector<CrosswalkFlatRow> out;
  for (const CrosswalkRow& row : table.rows) {
    for (const CrosswalkLink& l : row.links) {
      out.push_back({row.entry.key, row.entry.name, l.other.key, l.other.name,
                     l.type, l.outgoing ? "out" : "in",
                     StringProp(l.props, "relation"),
                     StringProp(l.props, "confidence")});
    }
  }
  for (const CrosswalkRow& row : table.rows) {
    if (row.links.empty()) out.push_back({row.entry.key, row.entry.name});
  }
  for (const CrosswalkEntry& b : table.unmapped_b) {
    out.push_back({"", "", b.key, b.name});
  }
  return out;
}

absl::StatusOr<CrosswalkMatrix> CrosswalkAll(const Snapshot& snapshot,
                                             std::string_view list_a,
                                             const CrosswalkOptions& options) {
  RETURN_IF_ERROR(CheckList(snapshot, list_a));
  ASSIGN_OR_RETURN(std::vector<Node> lists, snapshot.NodesOfKind(kListKind));
  CrosswalkMatrix m;
  m.revision = snapshot.revision();
  m.list_a = std::string(list_a);
  m.edge_types = options.edge_types;
  ASSIGN_OR_RETURN(std::vector<ReachedNode> a_entries,
                   ListEntries(snapshot, list_a));
  m.entries_a = a_entries.size();
  for (const Node& b : lists) {  // sorted by key
    if (b.key == list_a) continue;
    ASSIGN_OR_RETURN(CrosswalkTable t,
                     Build(snapshot, list_a, b.key, options, /*names=*/false));
    m.rows.push_back({b.key, t.entries_b, t.links, t.mapped_a, t.mapped_b});
  }
  return m;
}

}  // namespace critgraph::io
