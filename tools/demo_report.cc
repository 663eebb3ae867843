#include "tools/demo_report.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "critgraph/diff.h"
#include "critgraph/history.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/crosswalk.h"
#include "critgraph/io/history_format.h"
#include "critgraph/io/json_out.h"
#include "critgraph/traversal.h"
#include "tools/cli_common.h"
#include "tools/revisions.h"
#include "util/status_macros.h"

namespace critgraph::cli {

namespace {

std::string Q(const std::string& s) {
  std::string out;
  io::AppendJsonString(&out, s);
  return out;
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

std::string PadLeft(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

absl::Status PrintLogSection(const DB& db, std::ostream& out) {
  out << "== Revision log ==\n";
  out << "  rev  " << Pad("tag", 30) << Pad("effective", 12)
      << "nodes  edges  message\n";
  auto log = db.Log();
  for (auto it = log.rbegin(); it != log.rend(); ++it) {
    std::string tags;
    for (const auto& t : it->tags) tags += (tags.empty() ? "" : ",") + t;
    out << "  " << PadLeft(std::to_string(it->number), 3) << "  "
        << Pad(tags, 30) << Pad(it->effective_date.value_or("-"), 12)
        << PadLeft(std::to_string(it->node_count), 5) << "  "
        << PadLeft(std::to_string(it->edge_count), 5) << "  " << it->message
        << "\n";
  }
  out << "\n";
  return absl::OkStatus();
}

// Members of a list at one revision by kind: Reach in over part_of.
absl::StatusOr<std::map<std::string, uint64_t>> MemberCounts(
    const DB& db, Revision rev, const std::string& list) {
  auto snap = db.GetSnapshot(rev);
  if (!snap.ok()) return snap.status();
  std::map<std::string, uint64_t> counts;
  auto has = (*snap)->HasNode(list);
  if (!has.ok()) return has.status();
  if (!*has) return counts;
  ReachSpec spec;
  spec.sources = {list};
  spec.direction = Direction::kIn;
  spec.edge_types = {"part_of"};
  auto reached = Reach(**snap, spec);
  if (!reached.ok()) return reached.status();
  for (const auto& n : *reached) {
    if (n.depth == 0) continue;
    auto node = (*snap)->GetNode(n.key);
    if (!node.ok()) return node.status();
    ++counts[node->kind];
  }
  return counts;
}

std::string CountsText(const std::map<std::string, uint64_t>& before,
                       const std::map<std::string, uint64_t>& after) {
  std::set<std::string> kinds;
  for (const auto& [k, n] : before) kinds.insert(k);
  for (const auto& [k, n] : after) kinds.insert(k);
  std::string s;
  for (const auto& k : kinds) {
    auto get = [&](const std::map<std::string, uint64_t>& m) {
      auto it = m.find(k);
      return it == m.end() ? uint64_t{0} : it->second;
    };
    if (!s.empty()) s += ", ";
    s += k + " " + std::to_string(get(before)) + " -> " +
         std::to_string(get(after));
  }
  return s;
}

struct ListVersionStep {
  const char* title;
  const char* list;
  const char* from_tag;
  const char* to_tag;
};

absl::Status PrintListDiff(const DB& db, const ListVersionStep& step,
                           std::ostream& out) {
  auto from = db.Resolve(step.from_tag);
  if (!from.ok()) return from.status();
  auto to = db.Resolve(step.to_tag);
  if (!to.ok()) return to.status();
  DiffOptions opts;
  opts.scope_root = step.list;
  opts.direction = Direction::kIn;
  opts.edge_types = {"part_of"};
  auto diff = Diff(db, *from, *to, opts);
  if (!diff.ok()) return diff.status();
  auto before = MemberCounts(db, *from, step.list);
  if (!before.ok()) return before.status();
  auto after = MemberCounts(db, *to, step.list);
  if (!after.ok()) return after.status();

  uint64_t renamed = 0;
  for (const auto& m : diff->nodes_modified) {
    for (const auto& n : m.names) renamed += n.lang == "en" ? 1 : 0;
  }
  out << "-- " << step.title << ": " << step.from_tag << " (" << *from
      << ") -> " << step.to_tag << " (" << *to << ") --\n";
  out << "  members: " << CountsText(*before, *after) << "\n";
  out << "  " << diff->nodes_added.size() << " added, "
      << diff->nodes_removed.size() << " removed, " << renamed << " renamed, "
      << diff->nodes_modified.size() - renamed << " otherwise modified\n";
  for (const auto& n : diff->nodes_added) {
    out << "  + " << Q(io::DisplayName(n)) << "  [" << n.key << ", " << n.kind
        << "]\n";
  }
  for (const auto& n : diff->nodes_removed) {
    out << "  - " << Q(io::DisplayName(n)) << "  [" << n.key << ", " << n.kind
        << "]\n";
  }
  for (const auto& m : diff->nodes_modified) {
    std::vector<std::string> also;
    std::string line;
    for (const auto& n : m.names) {
      if (n.lang == "en") {
        line = "  ~ renamed " + Q(n.before.value_or("")) + " -> " +
               Q(n.after.value_or("")) + "  [" + m.key + "]";
      } else {
        also.push_back("name:" + n.lang);
      }
    }
    for (const auto& p : m.props) also.push_back(p.name);
    if (m.kind_before != m.kind_after) also.push_back("kind");
    if (line.empty())
      line = "  ~ " + Q(io::DisplayName(m.after)) + "  [" + m.key + "]";
    out << line;
    if (!also.empty()) {
      out << "  (also changed:";
      for (const auto& a : also) out << " " << a;
      out << ")";
    }
    out << "\n";
  }
  out << "\n";
  return absl::OkStatus();
}

absl::Status PrintMapsToSection(const DB& db, std::ostream& out) {
  auto snap = db.GetSnapshot(db.Head());
  if (!snap.ok()) return snap.status();
  out << "== Japan's 20 technology areas -> foreign-list entries (maps_to, "
         "curated; both directions) ==\n";
  auto members = (*snap)->InEdges("jp-20-areas", {std::string("part_of")});
  if (!members.ok()) return members.status();
  const std::vector<std::string> maps_to = {"maps_to"};
  uint64_t links = 0;
  for (const auto& m : *members) {
    auto area = (*snap)->GetNode(m.from);
    if (!area.ok()) return area.status();
    auto outs = (*snap)->OutEdges(m.from, maps_to);
    if (!outs.ok()) return outs.status();
    auto ins = (*snap)->InEdges(m.from, maps_to);
    if (!ins.ok()) return ins.status();
    std::vector<std::pair<std::string, const Edge*>> targets;
    for (const auto& e : *outs) targets.emplace_back(e.to, &e);
    for (const auto& e : *ins) targets.emplace_back(e.from, &e);
    std::sort(targets.begin(), targets.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    out << "  " << Q(io::DisplayName(*area)) << "  [" << area->key
        << "]: " << targets.size() << "\n";
    for (const auto& [key, edge] : targets) {
      auto other = (*snap)->GetNode(key);
      if (!other.ok()) return other.status();
      out << "      " << (edge->from == m.from ? "-> " : "<- ") << key << "  "
          << Q(io::DisplayName(*other));
      auto conf = edge->props.find("confidence");
      auto rel = edge->props.find("relation");
      std::string extra;
      if (rel != edge->props.end()) extra += io::PropertyText(rel->second);
      if (conf != edge->props.end()) {
        extra += (extra.empty() ? "" : ", ") + io::PropertyText(conf->second);
      }
      if (!extra.empty()) out << "  (" << extra << ")";
      out << "\n";
      ++links;
    }
  }
  out << "  " << members->size() << " areas, " << links << " links\n\n";
  return absl::OkStatus();
}

absl::Status PrintMineralsSection(const DB& db, std::ostream& out) {
  auto snap = db.GetSnapshot(db.Head());
  if (!snap.ok()) return snap.status();
  ReachSpec spec;
  spec.sources = {"jp-materials/critical-minerals",
                  "jp-materials/permanent-magnets"};
  spec.direction = Direction::kIn;
  spec.edge_types = {"depends_on", "part_of"};
  spec.kinds = {"material", "technology"};
  auto reached = Reach(**snap, spec);
  if (!reached.ok()) return reached.status();
  out << "== K Program technologies that depend on critical minerals or "
         "permanent magnets ==\n";
  out << "  reach from jp-materials/critical-minerals and "
         "jp-materials/permanent-magnets,\n  direction in over depends_on "
         "and part_of, kinds material and technology, at revision "
      << (*snap)->revision() << "\n";
  std::set<std::string> rare_earth_items = {
      "jp-materials/critical-minerals/rare-earths",
      "jp-materials/permanent-magnets/neodymium-magnets",
      "jp-materials/permanent-magnets/samarium-cobalt-magnets",
      "jp-materials/permanent-magnets/rare-earth-saving-magnets"};
  uint64_t count = 0;
  uint64_t rare = 0;
  for (const auto& n : *reached) {
    auto node = (*snap)->GetNode(n.key);
    if (!node.ok()) return node.status();
    if (node->kind != "technology") continue;
    ++count;
    auto deps = (*snap)->OutEdges(n.key, {std::string("depends_on")});
    if (!deps.ok()) return deps.status();
    std::vector<std::string> via;
    bool rare_earth = false;
    for (const auto& e : *deps) {
      if (e.to.rfind("jp-materials/critical-minerals", 0) == 0 ||
          e.to.rfind("jp-materials/permanent-magnets", 0) == 0) {
        via.push_back(e.to.substr(std::string("jp-materials/").size()));
        rare_earth = rare_earth || rare_earth_items.count(e.to) > 0;
      }
    }
    rare += rare_earth ? 1 : 0;
    out << "  " << (rare_earth ? "* " : "  ") << Q(io::DisplayName(*node))
        << "  [" << n.key << "]\n      depends on:";
    for (const auto& v : via) out << " " << v;
    out << "\n";
  }
  out << "  " << count << " technologies; marked * (" << rare
      << "): rare earths or rare-earth magnets\n\n";
  return absl::OkStatus();
}

// One entry's history through its lineage: the 2024 clean-energy entry
// merged two 2022 entries, which split the 2020 energy entry
// (`critgraph history KEY --follow`).
absl::Status PrintHistorySection(const DB& db, std::ostream& out) {
  const std::string key = "us-cet/clean-energy-generation-storage";
  HistoryOptions options;
  options.follow = true;
  auto history = History(db, key, options);
  if (!history.ok()) return history.status();
  out << "== One entry's history with its lineage (history " << key
      << " --follow) ==\n";
  io::PrintHistoryText(out, key, RevisionLabel(db, db.Head()), *history,
                       /*colour=*/false);
  out << "\n";
  return absl::OkStatus();
}

// One crosswalk table (`critgraph crosswalk jp-20-areas eu-cta`).
absl::Status PrintCrosswalkSection(const DB& db, std::ostream& out) {
  auto snap = db.GetSnapshot(db.Head());
  if (!snap.ok()) return snap.status();
  auto table = io::Crosswalk(**snap, "jp-20-areas", "eu-cta");
  if (!table.ok()) return table.status();
  out << "== Crosswalk: Japan's 20 areas x EU critical technology areas "
         "(crosswalk jp-20-areas eu-cta) ==\n";
  io::WriteCrosswalk(out, *table, io::CrosswalkFormat::kText,
                     RevisionLabel(db, db.Head()));
  out << "\n";
  return absl::OkStatus();
}

}  // namespace

absl::Status PrintDemoReport(const DB& db, std::ostream& out) {
  RETURN_IF_ERROR(PrintLogSection(db, out));
  out << "== List changes between versions (scoped diffs: members of the "
         "list, direction in over part_of) ==\n";
  static const ListVersionStep kSteps[] = {
      {"US CET", "us-cet", "us-cet-2020", "us-cet-2022"},
      {"US CET", "us-cet", "us-cet-2022", "us-cet-2024"},
      {"K Program", "jp-kprogram", "kprogram-vision-1", "kprogram-vision-2"},
      {"K Program", "jp-kprogram", "kprogram-vision-2",
       "kprogram-vision-2-rev-2025-03"},
      {"Specified critical materials", "jp-materials", "materials-2022",
       "materials-2024"},
  };
  for (const auto& step : kSteps) {
    RETURN_IF_ERROR(PrintListDiff(db, step, out));
  }
  RETURN_IF_ERROR(PrintMapsToSection(db, out));
  RETURN_IF_ERROR(PrintMineralsSection(db, out));
  RETURN_IF_ERROR(PrintHistorySection(db, out));
  RETURN_IF_ERROR(PrintCrosswalkSection(db, out));
  return absl::OkStatus();
}

}  // namespace critgraph::cli
