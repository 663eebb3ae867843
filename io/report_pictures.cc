#include "io/report_pictures.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "io/report_text.h"

namespace critgraph::io::report {

namespace {

// Days since 1970 of "YYYY-MM-DD" (civil calendar), for the time axis.
double DayNumber(const std::string& date) {
  int y = 1970, m = 1, d = 1;
  if (std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return 0;
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097.0 + doe - 719468;
}

const char* EventColour(LineageEvent::Kind kind) {
  switch (kind) {
    case LineageEvent::Kind::kSplit:
      return "#d97706";
    case LineageEvent::Kind::kMerge:
      return "#2563eb";
    case LineageEvent::Kind::kRename:
      return "#7c3aed";
    case LineageEvent::Kind::kReplace:
      return "#db2777";
  }
  return "#555555";
}

std::string EntryLabel(const Node& node) {
  std::string label = Wrap(EnglishName(node), 42);
  std::string ja = NameIn(node, "ja");
  if (!ja.empty()) label += "\n" + ja;
  return label;
}

}  // namespace

std::string TimelineSvg(const Model& model) {
  constexpr double kLeft = 190, kRight = 40, kWidth = 1100, kRow = 64,
                   kTop = 34;
  double lo = 1e18, hi = -1e18;
  for (const auto& l : model.lists) {
    for (const auto& v : l.versions) {
      lo = std::min(lo, DayNumber(v.date));
      hi = std::max(hi, DayNumber(v.date));
    }
  }
  int first_year = 2020, last_year = 2026;
  if (lo <= hi) {
    first_year = 1970 + static_cast<int>(lo / 365.2425);
    last_year = 1970 + static_cast<int>(hi / 365.2425) + 1;
  }
  const double x0 = DayNumber(absl::StrCat(first_year, "-01-01"));
  const double x1 = DayNumber(absl::StrCat(last_year, "-01-01"));
  auto x = [&](const std::string& date) {
    return kLeft + (DayNumber(date) - x0) / std::max(1.0, x1 - x0) *
                       (kWidth - kLeft - kRight);
  };
  const double height = kTop + kRow * model.lists.size() + 10;
  std::string s = absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" "
      "viewBox=\"0 0 ",
      kWidth, " ", height, "\" width=\"", kWidth, "\" height=\"", height,
      "\" font-family=\"", kFontFamily, "\" font-size=\"12\" role=\"img\">\n");
  for (int y = first_year; y <= last_year; ++y) {
    const double xx = x(absl::StrCat(y, "-01-01"));
    absl::StrAppend(
        &s, "<line x1=\"", xx, "\" y1=\"", kTop - 10, "\" x2=\"", xx,
        "\" y2=\"", height - 10, "\" stroke=\"#ddd\"/><text x=\"", xx,
        "\" y=\"16\" text-anchor=\"middle\" fill=\"#666\">", y, "</text>\n");
  }
  for (size_t i = 0; i < model.lists.size(); ++i) {
    const ListReport& l = model.lists[i];
    const double cy = kTop + kRow * i + kRow / 2;
    absl::StrAppend(&s, "<text x=\"8\" y=\"", cy + 4, "\" font-weight=\"600\">",
                    Html(l.key), "</text>\n");
    if (l.versions.empty()) continue;
    absl::StrAppend(&s, "<line x1=\"", x(l.versions.front().date), "\" y1=\"",
                    cy, "\" x2=\"", x(l.versions.back().date), "\" y2=\"", cy,
                    "\" stroke=\"#94a3b8\" stroke-width=\"3\"/>\n");
    for (size_t j = 0; j < l.versions.size(); ++j) {
      const ListVersion& v = l.versions[j];
      const VersionChange& c = l.changes[j];
      const double cx = x(v.date);
      absl::StrAppend(
          &s, "<g class=\"version\"><title>", Html(v.label), " ", v.date, ": ",
          v.headline, " ", Html(l.headline_kind), "</title><circle cx=\"", cx,
          "\" cy=\"", cy, "\" r=\"7\" fill=\"#1e3a8a\"/>", "<text x=\"", cx,
          "\" y=\"", cy - 12, "\" text-anchor=\"middle\" font-weight=\"600\">",
          v.headline, "</text><text x=\"", cx, "\" y=\"", cy + 22,
          "\" text-anchor=\"middle\" font-size=\"11\"><tspan "
          "fill=\"#15803d\">+",
          c.added, "</tspan> <tspan fill=\"#b91c1c\">\u2212", c.removed,
          "</tspan></text></g>\n");
    }
  }
  s += "</svg>\n";
  return s;
}

std::string LineageDot(const ListReport& list) {
  const auto& vs = list.versions;
  const size_t n = vs.size();
  // Which entries of column i are drawn alone.
  std::vector<std::set<std::string>> alone(n);
  // (column, key) -> the event kind that produced it / consumed it.
  std::map<std::pair<size_t, std::string>, std::string> note;
  auto headline = [&](size_t i, const std::string& key) {
    auto it = vs[i].entries.find(key);
    return it != vs[i].entries.end() && it->second.kind == list.headline_kind;
  };
  for (size_t i = 0; i < n; ++i) {
    for (const auto& [key, node] : vs[i].entries) {
      if (node.kind != list.headline_kind) continue;
      const bool added = i > 0 && !vs[i - 1].entries.count(key);
      const bool leaves = i + 1 < n && !vs[i + 1].entries.count(key);
      if (added || leaves) alone[i].insert(key);
    }
    if (i == 0) continue;
    for (const auto& e : list.changes[i].lineage) {
      for (const auto& k : e.from) {
        if (headline(i - 1, k)) alone[i - 1].insert(k);
      }
      for (const auto& k : e.to) {
        if (headline(i, k)) alone[i].insert(k);
        if (e.kind == LineageEvent::Kind::kRename && e.from == e.to) {
          note[{i, k}] = "renamed";
        } else {
          note[{i, k}] = std::string(LineageKindName(e.kind));
        }
      }
    }
  }
  auto node_id = [&](size_t i, const std::string& key) {
    if (alone[i].count(key)) return absl::StrCat("\"v", i, ":", Dot(key), "\"");
    return absl::StrCat("\"v", i, ":rest\"");
  };
  std::string d = absl::StrCat(
      "digraph lineage {\n  rankdir=LR; nodesep=0.12; ranksep=1.1; "
      "newrank=true;\n  node [shape=box style=\"rounded,filled\" "
      "fontname=\"",
      kGraphvizFont,
      "\" fontsize=10 margin=\"0.12,0.06\" fillcolor=\"#f1f5f9\" "
      "color=\"#94a3b8\"];\n  edge [arrowhead=none color=\"#cbd5e1\"];\n"
      "  graph [fontname=\"",
      kGraphvizFont, "\" fontsize=12];\n");
  for (size_t i = 0; i < n; ++i) {
    absl::StrAppend(&d, "  subgraph cluster_v", i, " {\n    label=\"",
                    Dot(vs[i].label), "\\n", vs[i].date, " \u00b7 ",
                    vs[i].headline, " ", Dot(list.headline_kind),
                    "\"; style=\"rounded\"; color=\"#e2e8f0\"; rank=same;\n",
                    // Chained below so that columns follow the versions.
                    "    \"v", i,
                    ":anchor\" [style=invis shape=point "
                    "width=0 label=\"\"];\n");
    uint64_t rest = 0;
    for (const auto& [key, node] : vs[i].entries) {
      if (node.kind != list.headline_kind) continue;
      if (!alone[i].count(key)) {
        ++rest;
        continue;
      }
      const bool added = i > 0 && !vs[i - 1].entries.count(key);
      const bool leaves = i + 1 < n && !vs[i + 1].entries.count(key);
      std::string fill = "#f1f5f9";
      if (added) fill = "#dcfce7";
      if (leaves) fill = "#fee2e2";
      auto it = note.find({i, key});
      std::string label = EntryLabel(node);
      if (it != note.end()) {
        label += "\n(" + it->second + ")";
        if (it->second == "renamed") fill = "#ede9fe";
      }
      absl::StrAppend(&d, "    ", node_id(i, key), " [label=\"", Dot(label),
                      "\" fillcolor=\"", fill, "\" tooltip=\"", Dot(key),
                      "\"];\n");
    }
    if (rest > 0) {
      absl::StrAppend(&d, "    \"v", i, ":rest\" [label=\"", rest,
                      " unchanged\" height=", 0.3 + 0.06 * rest,
                      " fillcolor=\"#e2e8f0\"];\n");
    }
    d += "  }\n";
  }
  for (size_t i = 1; i < n; ++i) {
    absl::StrAppend(&d, "  \"v", i - 1, ":anchor\" -> \"v", i,
                    ":anchor\" [style=invis];\n");
  }
  for (size_t i = 1; i < n; ++i) {
    std::map<std::pair<std::string, std::string>, uint64_t> flows;
    for (const auto& [key, node] : vs[i].entries) {
      if (node.kind != list.headline_kind || !headline(i - 1, key)) continue;
      ++flows[{node_id(i - 1, key), node_id(i, key)}];
    }
    for (const auto& [ends, count] : flows) {
      absl::StrAppend(&d, "  ", ends.first, " -> ", ends.second,
                      " [penwidth=", std::min<uint64_t>(1 + count, 14),
                      count > 1 ? absl::StrCat(" label=\"", count, "\"") : "",
                      "];\n");
    }
    for (const auto& e : list.changes[i].lineage) {
      if (e.from == e.to) continue;
      for (const auto& f : e.from) {
        if (!headline(i - 1, f)) continue;
        for (const auto& t : e.to) {
          if (!headline(i, t)) continue;
          absl::StrAppend(&d, "  ", node_id(i - 1, f), " -> ", node_id(i, t),
                          " [color=\"", EventColour(e.kind),
                          "\" penwidth=2.5 arrowhead=normal arrowsize=0.6];\n");
        }
      }
    }
  }
  d += "}\n";
  return d;
}

std::string DependenciesDot(const Model& model) {
  std::string d = absl::StrCat(
      "digraph dependencies {\n  rankdir=LR; nodesep=0.1; ranksep=1.4;\n"
      "  node [shape=box style=\"rounded,filled\" fontname=\"",
      kGraphvizFont,
      "\" fontsize=10 margin=\"0.12,0.05\"];\n  edge [color=\"#94a3b8\" "
      "arrowsize=0.6];\n");
  std::set<std::string> seen;
  for (const auto& dep : model.dependencies) {
    for (const Node* node : {&dep.to, &dep.from}) {
      if (!seen.insert(node->key).second) continue;
      const bool material = node == &dep.to;
      absl::StrAppend(&d, "  \"", Dot(node->key), "\" [label=\"",
                      Dot(EntryLabel(*node)), "\" fillcolor=\"",
                      material ? "#ffedd5" : "#dbeafe", "\" tooltip=\"",
                      Dot(node->key), "\"];\n");
    }
    absl::StrAppend(&d, "  \"", Dot(dep.to.key), "\" -> \"", Dot(dep.from.key),
                    "\";\n");
  }
  d += "}\n";
  return d;
}

}  // namespace critgraph::io::report
