// The report as one HTML document: no script, nothing fetched; styles and
// pictures inline.
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "critgraph/io/json_out.h"
#include "critgraph/io/report.h"
#include "io/report_model.h"
#include "io/report_pictures.h"
#include "io/report_text.h"
#include "util/status_macros.h"

namespace critgraph::io {

namespace {

using report::EnglishName;
using report::Html;
using report::IdOf;
using report::ListReport;
using report::NameIn;

std::string Style() {
  return absl::StrCat(
      "<style>\n"
      ":root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0}\n"
      "body{font-family:",
      report::kFontFamily,
      ";color:var(--ink);margin:0 auto;max-width:1200px;padding:0 24px;"
      "line-height:1.45;font-size:14px}\n"
      "h1{font-size:26px;margin:24px 0 4px}h2{font-size:20px;margin:32px 0 "
      "8px;border-bottom:2px solid var(--line)}h3{font-size:16px;margin:20px "
      "0 6px}h4{font-size:14px;margin:14px 0 4px}\n"
      ".muted{color:var(--muted)}\n"
      "table{border-collapse:collapse;width:100%;margin:6px 0 14px;"
      "table-layout:auto}\n"
      "th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;"
      "vertical-align:top;overflow-wrap:anywhere}\n"
      "th{background:#f8fafc}td.n{text-align:right;"
      "font-variant-numeric:tabular-nums}\n"
      "tr.unmapped td{background:#fef3c7}\n"
      "table.changes td:first-child{white-space:nowrap}\n"
      ".k-added{color:#15803d}.k-removed{color:#b91c1c}.k-renamed{color:"
      "#7c3aed}.k-split{color:#d97706}.k-merged{color:#2563eb}"
      ".k-replaced{color:#db2777}\n"
      "figure{margin:8px 0;overflow-x:auto}figure svg{max-width:100%;"
      "height:auto;display:block}\n"
      ".matrix td,.matrix th{text-align:center}\n"
      ".matrix td.cell{min-width:3.5em}\n"
      "code{font-size:12px;color:var(--muted)}\n"
      "footer{margin:40px 0 24px;padding-top:8px;border-top:2px solid "
      "var(--line);color:var(--muted);font-size:12px}\n"
      "nav a{margin-right:12px}\n"
      "@media print{body{max-width:none;padding:0}nav{display:none}"
      "section.list,figure,table{break-inside:avoid-page}"
      "h2,h3{break-after:avoid}}\n"
      "</style>\n");
}

std::string Names(const Node& node) {
  return absl::StrCat("<td>", Html(EnglishName(node)), "</td><td lang=\"ja\">",
                      Html(NameIn(node, "ja")), "</td>");
}

// Added / removed nodes / events, one row each.
// Entries by key at the two ends, when known (the report's versions): an
// entry that continues unchanged is named by them, else by its key.
using EntryMap = std::map<std::string, Node>;

std::string ChangeRows(const DiffResult& diff,
                       const std::vector<LineageEvent>& lineage,
                       const std::string& list_key, const EntryMap* before,
                       const EntryMap* after) {
  std::string rows;
  std::set<std::string> in_event;
  for (const auto& e : lineage) {
    for (const auto& k : e.from) in_event.insert(k);
    for (const auto& k : e.to) in_event.insert(k);
  }
  auto node_row = [&](const char* kind, const Node& n) {
    absl::StrAppend(&rows, "<tr><td class=\"k-", kind, "\">", kind,
                    "</td><td><code>", Html(n.key), "</code></td>", Names(n),
                    "</tr>\n");
  };
  for (const auto& n : diff.nodes_added) {
    if (n.key != list_key) node_row("added", n);
  }
  for (const auto& n : diff.nodes_removed) {
    if (n.key != list_key) node_row("removed", n);
  }
  const EntryMap* before_entries = before;
  const EntryMap* after_entries = after;
  auto name_of = [&](const std::string& key, bool after) -> std::string {
    const auto& nodes = after ? diff.nodes_added : diff.nodes_removed;
    for (const auto& n : nodes) {
      if (n.key == key) return EnglishName(n);
    }
    for (const auto& m : diff.nodes_modified) {
      if (m.key == key) return EnglishName(after ? m.after : m.before);
    }
    const EntryMap* known = after ? after_entries : before_entries;
    if (known != nullptr) {
      auto it = known->find(key);
      if (it != known->end()) return EnglishName(it->second);
    }
    return key;
  };
  for (const auto& e : lineage) {
    const std::string kind(LineageKindName(e.kind));
    std::string what;
    if (!e.names.empty()) {
      for (const auto& c : e.names) {
        absl::StrAppend(&what, what.empty() ? "" : "<br>", Html(c.lang), ": ",
                        Html(c.before.value_or("")), " \u2192 ",
                        Html(c.after.value_or("")));
      }
    } else {
      std::string from, to;
      for (const auto& k : e.from) {
        absl::StrAppend(&from, from.empty() ? "" : "; ",
                        Html(name_of(k, false)));
      }
      for (const auto& k : e.to) {
        absl::StrAppend(&to, to.empty() ? "" : "; ", Html(name_of(k, true)));
      }
      what = from + " \u2192 " + to;
    }
    std::string keys;
    for (const auto& k : e.from) keys += Html(k) + " ";
    keys += "\u2192";
    for (const auto& k : e.to) keys += " " + Html(k);
    absl::StrAppend(&rows, "<tr class=\"event\"><td class=\"k-", kind, "\">",
                    kind, "</td><td><code>", keys,
                    "</code></td><td colspan=\"2\">", what, "</td></tr>\n");
  }
  return rows;
}

std::string ChangeTable(const DiffResult& diff,
                        const std::vector<LineageEvent>& lineage,
                        const std::string& list_key,
                        const EntryMap* before = nullptr,
                        const EntryMap* after = nullptr) {
  std::string rows = ChangeRows(diff, lineage, list_key, before, after);
  if (rows.empty())
    return "<p class=\"muted\">No entry added or removed.</p>\n";
  return absl::StrCat(
      "<table class=\"changes\"><thead><tr><th>change</th><th>key</th>"
      "<th>English</th><th>日本語</th></tr></thead><tbody>\n",
      rows, "</tbody></table>\n");
}

absl::StatusOr<std::string> ListSection(const ListReport& list) {
  std::string s =
      absl::StrCat("<section class=\"list\" id=\"list-", IdOf(list.key),
                   "\">\n<h3>", Html(EnglishName(list.node)), " <code>",
                   Html(list.key), "</code></h3>\n");
  const std::string ja = NameIn(list.node, "ja");
  if (!ja.empty()) absl::StrAppend(&s, "<p lang=\"ja\">", Html(ja), "</p>\n");
  if (list.versions.empty()) {
    return s +
           "<p class=\"muted\">No version in the chosen range.</p>\n"
           "</section>\n";
  }
  if (list.versions.size() < 2) {
    absl::StrAppend(&s,
                    "<p class=\"muted\">One version in the range: no "
                    "lineage to draw.</p>\n");
  } else {
    ASSIGN_OR_RETURN(std::string svg,
                     RenderDotToSvg(report::LineageDot(list),
                                    "the lineage picture of " + list.key));
    absl::StrAppend(&s, "<figure class=\"lineage\" data-list=\"",
                    Html(list.key), "\">",
                    report::InlineSvg(svg, "graph lineage-svg"),
                    "<figcaption class=\"muted\">Columns are versions; green: "
                    "added, red: removed next, purple: renamed; coloured "
                    "arrows: splits (orange), merges (blue).</figcaption>"
                    "</figure>\n");
  }
  for (size_t i = 0; i < list.versions.size(); ++i) {
    const auto& v = list.versions[i];
    const auto& c = list.changes[i];
    absl::StrAppend(&s, "<h4 class=\"version\" data-rev=\"", v.rev, "\">",
                    Html(v.label), " <span class=\"muted\">(revision ", v.rev,
                    ", ", v.date, "): <span class=\"count\">", v.headline,
                    "</span> ", Html(list.headline_kind), ", +", c.added,
                    " \u2212", c.removed, "</span></h4>\n");
    // The first version's table lists its entries (all added).
    const EntryMap* before = i == 0 ? nullptr : &list.versions[i - 1].entries;
    s += ChangeTable(c.diff, c.lineage, list.key, before, &v.entries);
  }
  return s + "</section>\n";
}

std::string OverviewTable(const report::Model& model) {
  std::string s =
      "<table class=\"versions\"><thead><tr><th>list</th><th>version</th>"
      "<th>effective</th><th>revision</th><th>entries</th><th>+</th>"
      "<th>\u2212</th></tr></thead><tbody>\n";
  for (const auto& l : model.lists) {
    for (size_t i = 0; i < l.versions.size(); ++i) {
      const auto& v = l.versions[i];
      absl::StrAppend(&s, "<tr data-list=\"", Html(l.key), "\"><td>",
                      Html(l.key), "</td><td>", Html(v.label), "</td><td>",
                      v.date, "</td><td class=\"n\">", v.rev,
                      "</td><td class=\"n count\">", v.headline, " ",
                      Html(l.headline_kind), "</td><td class=\"n k-added\">+",
                      l.changes[i].added,
                      "</td><td class=\"n k-removed\">\u2212",
                      l.changes[i].removed, "</td></tr>\n");
    }
  }
  return s + "</tbody></table>\n";
}

std::string MatrixTable(const report::Model& model) {
  std::string s =
      "<table class=\"matrix\" id=\"crosswalk-matrix\"><thead><tr><th>A \\ "
      "B</th>";
  for (const auto& m : model.matrices) {
    absl::StrAppend(&s, "<th>", Html(m.list_a), "</th>");
  }
  s += "</tr></thead><tbody>\n";
  uint64_t max_links = 1;
  for (const auto& m : model.matrices) {
    for (const auto& r : m.rows) max_links = std::max(max_links, r.links);
  }
  for (const auto& m : model.matrices) {
    absl::StrAppend(&s, "<tr><th>", Html(m.list_a), " <span class=\"muted\">(",
                    m.entries_a, ")</span></th>");
    for (const auto& other : model.matrices) {
      const CrosswalkMatrixRow* row = nullptr;
      for (const auto& r : m.rows) {
        if (r.list_b == other.list_a) row = &r;
      }
      if (row == nullptr) {
        s += "<td class=\"diag\">\u2014</td>";
        continue;
      }
      const int alpha = static_cast<int>(10 + 80 * row->links / max_links);
      absl::StrAppend(
          &s, "<td class=\"cell\" data-a=\"", Html(m.list_a), "\" data-b=\"",
          Html(row->list_b), "\" data-links=\"", row->links,
          "\" data-mapped-a=\"", m.entries_a == 0 ? 0 : row->mapped_a,
          "\" style=\"background:rgba(37,99,235,0.", alpha < 10 ? "0" : "",
          alpha, ")", alpha > 50 ? ";color:#fff" : "", "\" title=\"",
          row->mapped_a, " of ", m.entries_a, " entries of ", Html(m.list_a),
          " map to ", Html(row->list_b), "\"><b>", row->links, "</b><br><span>",
          row->mapped_a, "/", m.entries_a, "</span></td>");
    }
    s += "</tr>\n";
  }
  return s + "</tbody></table>\n";
}

std::string PairTable(const CrosswalkTable& t) {
  std::string s = absl::StrCat(
      "<div class=\"crosswalk-pair\" data-a=\"", Html(t.list_a), "\" data-b=\"",
      Html(t.list_b), "\"><h3>", Html(t.list_a), " \u00d7 ", Html(t.list_b),
      " <span class=\"muted\">", t.links, " links; ", t.mapped_a, "/",
      t.entries_a, " and ", t.mapped_b, "/", t.entries_b,
      " entries mapped</span></h3>\n"
      "<table class=\"crosswalk\"><thead><tr><th>",
      Html(t.list_a), "</th><th>", Html(t.list_b),
      "</th><th>relation</th><th>confidence</th></tr></thead><tbody>\n");
  for (const auto& row : t.rows) {
    if (row.links.empty()) {
      absl::StrAppend(&s, "<tr class=\"unmapped\"><td>", Html(row.entry.name),
                      "</td><td colspan=\"3\">unmapped</td></tr>\n");
      continue;
    }
    for (size_t i = 0; i < row.links.size(); ++i) {
      const auto& l = row.links[i];
      auto prop = [&](const char* name) {
        auto it = l.props.find(name);
        return it == l.props.end() ? std::string() : PropertyText(it->second);
      };
      absl::StrAppend(&s, "<tr>",
                      i == 0
                          ? absl::StrCat("<td rowspan=\"", row.links.size(),
                                         "\">", Html(row.entry.name), "</td>")
                          : "",
                      "<td>", l.outgoing ? "" : "\u2190 ", Html(l.other.name),
                      "</td><td>", Html(prop("relation")), "</td><td>",
                      Html(prop("confidence")), "</td></tr>\n");
    }
  }
  for (const auto& b : t.unmapped_b) {
    absl::StrAppend(&s, "<tr class=\"unmapped\"><td>unmapped</td><td>",
                    Html(b.name), "</td><td colspan=\"2\"></td></tr>\n");
  }
  return s + "</tbody></table></div>\n";
}

}  // namespace

absl::StatusOr<std::string> ReportHtml(const DB& db,
                                       const ReportOptions& options) {
  ASSIGN_OR_RETURN(report::Model model, report::BuildModel(db, options));
  std::string s = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\">"
      "<title>critgraph report \u2014 revision ",
      Html(model.revision_label), "</title>\n", Style(),
      "</head><body>\n<header><h1>How the critical-technology lists "
      "evolved</h1><p class=\"muted\">critgraph report at revision ",
      Html(model.revision_label), ", ", model.lists.size(),
      " lists.</p></header>\n<nav><a href=\"#overview\">Overview</a><a "
      "href=\"#lists\">Lists</a><a href=\"#crosswalk\">Crosswalk</a><a "
      "href=\"#dependencies\">Dependencies</a></nav>\n"
      "<section id=\"overview\"><h2>Overview</h2>\n<figure>",
      report::TimelineSvg(model),
      "<figcaption class=\"muted\">Each dot is a version at its effective "
      "date: its entry count above, entries added and removed "
      "below.</figcaption></figure>\n",
      OverviewTable(model),
      "</section>\n<section id=\"lists\"><h2>Lists</h2>\n");
  for (const auto& l : model.lists) {
    ASSIGN_OR_RETURN(std::string section, ListSection(l));
    s += section;
  }
  absl::StrAppend(&s,
                  "</section>\n<section id=\"crosswalk\"><h2>Crosswalk</h2>\n"
                  "<p class=\"muted\">Links (maps_to, either direction) "
                  "between the entries of two lists; below each count, the "
                  "entries of the row's list that have one.</p>\n",
                  MatrixTable(model));
  for (const auto& t : model.pairs) s += PairTable(t);
  s += "</section>\n<section id=\"dependencies\"><h2>Dependencies</h2>\n";
  if (model.dependencies.empty()) {
    s += "<p class=\"muted\">No technology depends on a material at this "
         "revision.</p>\n";
  } else {
    ASSIGN_OR_RETURN(std::string svg,
                     RenderDotToSvg(report::DependenciesDot(model),
                                    "the dependencies picture"));
    absl::StrAppend(&s,
                    "<p class=\"muted\">Materials (orange) and the "
                    "technologies (blue) that depend on them, ",
                    model.dependencies.size(),
                    " depends_on edges.</p><figure class=\"dependencies\">",
                    report::InlineSvg(svg, "graph dependencies-svg"),
                    "</figure>\n");
  }
  absl::StrAppend(&s, "</section>\n<footer id=\"footer\">Revision <b>",
                  Html(model.revision_label), "</b> \u00b7 digest <code>",
                  model.info.digest.ToHex(), "</code> \u00b7 generated ",
                  Html(model.generated_at),
                  " by critgraph report</footer>\n</body></html>\n");
  return s;
}

std::string CrosswalkHtmlFragment(const CrosswalkTable& table) {
  return absl::StrCat("<div class=\"critgraph\">", Style(), PairTable(table),
                      "</div>");
}

std::string DiffHtmlFragment(const DiffResult& diff,
                             const std::vector<LineageEvent>& lineage,
                             const std::string& from_label,
                             const std::string& to_label) {
  std::string s = absl::StrCat(
      "<div class=\"critgraph diff\">", Style(), "<h3>", Html(from_label),
      " \u2192 ", Html(to_label), "</h3><p class=\"muted\">nodes +",
      diff.nodes_added.size(), " \u2212", diff.nodes_removed.size(), " ~",
      diff.nodes_modified.size(), ", edges +", diff.edges_added.size(),
      " \u2212", diff.edges_removed.size(), " ~", diff.edges_modified.size(),
      "</p>\n", ChangeTable(diff, lineage, ""));
  if (!diff.nodes_modified.empty()) {
    s += "<table class=\"modified\"><thead><tr><th>modified</th><th>"
         "English</th><th>日本語</th><th>changed</th></tr></thead><tbody>\n";
    for (const auto& m : diff.nodes_modified) {
      std::string what;
      for (const auto& n : m.names) what += "name:" + n.lang + " ";
      for (const auto& p : m.props) what += p.name + " ";
      if (m.kind_before != m.kind_after) what += "kind";
      absl::StrAppend(&s, "<tr><td><code>", Html(m.key), "</code></td>",
                      Names(m.after), "<td>", Html(what), "</td></tr>\n");
    }
    s += "</tbody></table>\n";
  }
  return s + "</div>";
}

std::string DiffHtml(const DiffResult& diff,
                     const std::vector<LineageEvent>& lineage,
                     const std::string& from_label,
                     const std::string& to_label) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>diff ",
      Html(from_label), " \u2192 ", Html(to_label), "</title></head><body>\n",
      DiffHtmlFragment(diff, lineage, from_label, to_label),
      "\n</body></html>\n");
}

}  // namespace critgraph::io
