// The report as Markdown, pictures as separate SVG files.
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "critgraph/io/diff_format.h"
#include "critgraph/io/json_out.h"
#include "critgraph/io/report.h"
#include "io/report_model.h"
#include "io/report_pictures.h"
#include "io/report_text.h"
#include "util/status_macros.h"

namespace critgraph::io {

namespace {

using report::EnglishName;
using report::NameIn;

// A table cell: pipes and newlines would break the row.
std::string Cell(const std::string& text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\n", " "}});
}

}  // namespace

absl::StatusOr<MarkdownReport> ReportMarkdown(const DB& db,
                                              const ReportOptions& options) {
  ASSIGN_OR_RETURN(report::Model model, report::BuildModel(db, options));
  MarkdownReport out;
  std::string& s = out.markdown;
  absl::StrAppend(
      &s, "# How the critical-technology lists evolved\n\n",
      "critgraph report at revision ", model.revision_label, ".\n\n",
      "## Overview\n\n![timeline](timeline.svg)\n\n",
      "| list | version | effective | revision | entries | + | - |\n",
      "|---|---|---|--:|--:|--:|--:|\n");
  out.pictures.emplace_back("timeline.svg", report::TimelineSvg(model));
  for (const auto& l : model.lists) {
    for (size_t i = 0; i < l.versions.size(); ++i) {
      const auto& v = l.versions[i];
      absl::StrAppend(&s, "| ", l.key, " | ", Cell(v.label), " | ", v.date,
                      " | ", v.rev, " | ", v.headline, " ", l.headline_kind,
                      " | +", l.changes[i].added, " | -", l.changes[i].removed,
                      " |\n");
    }
  }
  s += "\n## Lists\n";
  for (const auto& l : model.lists) {
    absl::StrAppend(&s, "\n### ", Cell(EnglishName(l.node)), " (`", l.key,
                    "`)\n\n");
    // As in the HTML: one version has no lineage to draw.
    if (l.versions.size() < 2) continue;
    const std::string file = "lineage-" + report::IdOf(l.key) + ".svg";
    ASSIGN_OR_RETURN(std::string svg,
                     RenderDotToSvg(report::LineageDot(l),
                                    "the lineage picture of " + l.key));
    out.pictures.emplace_back(file, std::move(svg));
    absl::StrAppend(&s, "![lineage of ", l.key, "](", file, ")\n");
    for (size_t i = 1; i < l.versions.size(); ++i) {
      const auto& c = l.changes[i];
      absl::StrAppend(&s, "\n#### ", Cell(l.versions[i].label), " (",
                      l.versions[i].date,
                      ")\n\n| change | key | English | "
                      "日本語 |\n|---|---|---|---|\n");
      for (const auto& n : c.diff.nodes_added) {
        absl::StrAppend(&s, "| added | `", n.key, "` | ", Cell(EnglishName(n)),
                        " | ", Cell(NameIn(n, "ja")), " |\n");
      }
      for (const auto& n : c.diff.nodes_removed) {
        absl::StrAppend(&s, "| removed | `", n.key, "` | ",
                        Cell(EnglishName(n)), " | ", Cell(NameIn(n, "ja")),
                        " |\n");
      }
      for (const auto& e : c.lineage) {
        absl::StrAppend(&s, "| ", std::string(LineageKindName(e.kind)), " | ",
                        Cell(LineageText(e)), " | | |\n");
      }
    }
  }
  s += "\n## Crosswalk\n\n| A \\ B |";
  for (const auto& m : model.matrices) absl::StrAppend(&s, " ", m.list_a, " |");
  s += "\n|---|";
  for (size_t i = 0; i < model.matrices.size(); ++i) s += "--:|";
  s += "\n";
  for (const auto& m : model.matrices) {
    absl::StrAppend(&s, "| ", m.list_a, " |");
    for (const auto& other : model.matrices) {
      std::string cell = "-";
      for (const auto& r : m.rows) {
        if (r.list_b == other.list_a) {
          cell = absl::StrCat(r.links, " (", r.mapped_a, "/", m.entries_a, ")");
        }
      }
      absl::StrAppend(&s, " ", cell, " |");
    }
    s += "\n";
  }
  for (const auto& t : model.pairs) {
    absl::StrAppend(&s, "\n### ", t.list_a, " x ", t.list_b, "\n\n");
    std::ostringstream table;
    WriteCrosswalk(table, t, CrosswalkFormat::kMarkdown, model.revision_label);
    s += table.str();
  }
  if (!model.dependencies.empty()) {
    ASSIGN_OR_RETURN(std::string svg,
                     RenderDotToSvg(report::DependenciesDot(model),
                                    "the dependencies picture"));
    out.pictures.emplace_back("dependencies.svg", std::move(svg));
    s += "\n## Dependencies\n\n![dependencies](dependencies.svg)\n";
  }
  absl::StrAppend(&s, "\n---\nRevision ", model.revision_label, ", digest `",
                  model.info.digest.ToHex(), "`, generated ",
                  model.generated_at, ".\n");
  return out;
}

}  // namespace critgraph::io
