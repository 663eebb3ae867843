// Crosswalk outputs: text, CSV, JSON, Markdown of a table and of a matrix.
// Shapes: docs/FORMATS.md, "Crosswalk".
#include <algorithm>
#include <string>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/crosswalk.h"
#include "critgraph/io/csv.h"
#include "critgraph/io/json_out.h"

namespace critgraph::io {

namespace {

std::string Quoted(const std::string& s) {
  std::string q;
  AppendJsonString(&q, s);
  return q;
}

std::string TypesText(const std::vector<std::string>& types) {
  if (types.empty()) return "all but part_of";
  std::string s;
  for (size_t i = 0; i < types.size(); ++i) s += (i ? "," : "") + types[i];
  return s;
}

void AppendEntry(std::string* s, const CrosswalkEntry& e) {
  *s += "{\"key\":";
  AppendJsonString(s, e.key);
  *s += ",\"name\":";
  AppendJsonString(s, e.name);
}

// A Markdown table cell: pipes escaped, line breaks as spaces.
std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void CsvRow(std::ostream& out, const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    AppendCsvField(&line, cells[i]);
  }
  out << line << "\n";
}

std::string CountsLine(const CrosswalkTable& t) {
  return std::to_string(t.entries_a) + " entries in " + t.list_a + ", " +
         std::to_string(t.entries_b) + " in " + t.list_b + "; " +
         std::to_string(t.links) + " links; mapped " +
         std::to_string(t.mapped_a) + " of " + t.list_a + ", " +
         std::to_string(t.mapped_b) + " of " + t.list_b + "; unmapped " +
         std::to_string(t.unmapped_a()) + " of " + t.list_a + ", " +
         std::to_string(t.unmapped_b.size()) + " of " + t.list_b;
}

const std::vector<std::string> kFlatHeader = {
    "a_key", "a_name",    "b_key",    "b_name",
    "type",  "direction", "relation", "confidence"};

}  // namespace

std::optional<CrosswalkFormat> ParseCrosswalkFormat(std::string_view name) {
  if (name == "text") return CrosswalkFormat::kText;
  if (name == "csv") return CrosswalkFormat::kCsv;
  if (name == "json") return CrosswalkFormat::kJson;
  if (name == "markdown") return CrosswalkFormat::kMarkdown;
  return std::nullopt;
}

std::string CrosswalkJson(const CrosswalkTable& t) {
  std::string s = "{\"revision\":" + std::to_string(t.revision) +
                  ",\"list_a\":" + Quoted(t.list_a) +
                  ",\"list_b\":" + Quoted(t.list_b) + ",\"edge_types\":";
  AppendStringArray(&s, t.edge_types);
  s += ",\"rows\":[";
  for (size_t i = 0; i < t.rows.size(); ++i) {
    if (i) s += ',';
    AppendEntry(&s, t.rows[i].entry);
    s += ",\"links\":[";
    for (size_t j = 0; j < t.rows[i].links.size(); ++j) {
      const CrosswalkLink& l = t.rows[i].links[j];
      if (j) s += ',';
      AppendEntry(&s, l.other);
      s += ",\"type\":" + Quoted(l.type) + ",\"direction\":\"" +
           (l.outgoing ? "out" : "in") + "\",\"props\":";
      AppendProps(&s, l.props);
      s += '}';
    }
    s += "]}";
  }
  s += "],\"unmapped_a\":[";
  bool first = true;
  for (const CrosswalkRow& row : t.rows) {
    if (!row.links.empty()) continue;
    if (!first) s += ',';
    first = false;
    AppendEntry(&s, row.entry);
    s += '}';
  }
  s += "],\"unmapped_b\":[";
  for (size_t i = 0; i < t.unmapped_b.size(); ++i) {
    if (i) s += ',';
    AppendEntry(&s, t.unmapped_b[i]);
    s += '}';
  }
  s += "],\"counts\":{\"entries_a\":" + std::to_string(t.entries_a) +
       ",\"entries_b\":" + std::to_string(t.entries_b) +
       ",\"links\":" + std::to_string(t.links) +
       ",\"mapped_a\":" + std::to_string(t.mapped_a) +
       ",\"mapped_b\":" + std::to_string(t.mapped_b) +
       ",\"unmapped_a\":" + std::to_string(t.unmapped_a()) +
       ",\"unmapped_b\":" + std::to_string(t.unmapped_b.size()) + "}}";
  return s;
}

std::string CrosswalkMatrixJson(const CrosswalkMatrix& m) {
  std::string s = "{\"revision\":" + std::to_string(m.revision) +
                  ",\"list_a\":" + Quoted(m.list_a) + ",\"edge_types\":";
  AppendStringArray(&s, m.edge_types);
  s += ",\"entries_a\":" + std::to_string(m.entries_a) + ",\"lists\":[";
  for (size_t i = 0; i < m.rows.size(); ++i) {
    const CrosswalkMatrixRow& r = m.rows[i];
    if (i) s += ',';
    s += "{\"list_b\":" + Quoted(r.list_b) +
         ",\"entries_b\":" + std::to_string(r.entries_b) +
         ",\"links\":" + std::to_string(r.links) +
         ",\"mapped_a\":" + std::to_string(r.mapped_a) +
         ",\"mapped_b\":" + std::to_string(r.mapped_b) + "}";
  }
  return s + "]}";
}

void WriteCrosswalk(std::ostream& out, const CrosswalkTable& t,
                    CrosswalkFormat format, const std::string& label) {
  switch (format) {
    case CrosswalkFormat::kJson:
      out << CrosswalkJson(t) << "\n";
      return;
    case CrosswalkFormat::kCsv:
      CsvRow(out, kFlatHeader);
      for (const CrosswalkFlatRow& r : FlattenCrosswalk(t)) {
        CsvRow(out, {r.a_key, r.a_name, r.b_key, r.b_name, r.type, r.direction,
                     r.relation, r.confidence});
      }
      return;
    case CrosswalkFormat::kMarkdown:
      out << "| " << t.list_a << " | name | " << t.list_b
          << " | name | type | direction | relation | confidence |\n"
          << "|---|---|---|---|---|---|---|---|\n";
      for (const CrosswalkFlatRow& r : FlattenCrosswalk(t)) {
        out << "| " << Cell(r.a_key) << " | " << Cell(r.a_name) << " | "
            << Cell(r.b_key) << " | " << Cell(r.b_name) << " | " << Cell(r.type)
            << " | " << Cell(r.direction) << " | " << Cell(r.relation) << " | "
            << Cell(r.confidence) << " |\n";
      }
      out << "\n" << CountsLine(t) << " (revision " << t.revision << ")\n";
      return;
    case CrosswalkFormat::kText:
      break;
  }
  out << "crosswalk " << t.list_a << " -> " << t.list_b << " at revision "
      << label << "; edge types " << TypesText(t.edge_types) << "\n";
  for (const CrosswalkRow& row : t.rows) {
    if (row.links.empty()) continue;
    out << row.entry.key;
    if (!row.entry.name.empty()) out << "  " << Quoted(row.entry.name);
    out << "\n";
    for (const CrosswalkLink& l : row.links) {
      out << "    " << (l.outgoing ? "->" : "<-") << " " << l.other.key;
      if (!l.other.name.empty()) out << "  " << Quoted(l.other.name);
      std::string rel =
          l.props.count("relation") ? PropertyText(l.props.at("relation")) : "";
      std::string conf = l.props.count("confidence")
                             ? PropertyText(l.props.at("confidence"))
                             : "";
      if (!rel.empty() || !conf.empty()) {
        out << "  " << rel << (rel.empty() || conf.empty() ? "" : ", ") << conf;
      }
      if (t.edge_types.size() != 1) out << "  (" << l.type << ")";
      out << "\n";
    }
  }
  auto unmapped = [&](const std::string& list, uint64_t n, auto&& each) {
    out << "unmapped in " << list << " (" << n << ")" << (n ? ":" : "") << "\n";
    each();
  };
  unmapped(t.list_a, t.unmapped_a(), [&] {
    for (const CrosswalkRow& row : t.rows) {
      if (!row.links.empty()) continue;
      out << "  " << row.entry.key;
      if (!row.entry.name.empty()) out << "  " << Quoted(row.entry.name);
      out << "\n";
    }
  });
  unmapped(t.list_b, t.unmapped_b.size(), [&] {
    for (const CrosswalkEntry& e : t.unmapped_b) {
      out << "  " << e.key;
      if (!e.name.empty()) out << "  " << Quoted(e.name);
      out << "\n";
    }
  });
  out << CountsLine(t) << "\n";
}

void WriteCrosswalkMatrix(std::ostream& out, const CrosswalkMatrix& m,
                          CrosswalkFormat format, const std::string& label) {
  const std::vector<std::string> header = {"list_a",    "entries_a", "list_b",
                                           "entries_b", "links",     "mapped_a",
                                           "mapped_b"};
  switch (format) {
    case CrosswalkFormat::kJson:
      out << CrosswalkMatrixJson(m) << "\n";
      return;
    case CrosswalkFormat::kCsv:
      CsvRow(out, header);
      for (const CrosswalkMatrixRow& r : m.rows) {
        CsvRow(out, {m.list_a, std::to_string(m.entries_a), r.list_b,
                     std::to_string(r.entries_b), std::to_string(r.links),
                     std::to_string(r.mapped_a), std::to_string(r.mapped_b)});
      }
      return;
    case CrosswalkFormat::kMarkdown:
      out << "| list | entries | links | mapped in " << Cell(m.list_a)
          << " | mapped in list |\n|---|---|---|---|---|\n";
      for (const CrosswalkMatrixRow& r : m.rows) {
        out << "| " << Cell(r.list_b) << " | " << r.entries_b << " | "
            << r.links << " | " << r.mapped_a << " of " << m.entries_a << " | "
            << r.mapped_b << " of " << r.entries_b << " |\n";
      }
      return;
    case CrosswalkFormat::kText:
      break;
  }
  out << "crosswalk " << m.list_a << " (" << m.entries_a
      << " entries) against every other list at revision " << label
      << "; edge types " << TypesText(m.edge_types) << "\n";
  size_t width = 4;
  for (const auto& r : m.rows) width = std::max(width, r.list_b.size());
  std::string head = "list";
  head.resize(width + 2, ' ');
  out << "  " << head << "entries  links  mapped in " << m.list_a
      << "  mapped in list\n";
  for (const CrosswalkMatrixRow& r : m.rows) {
    std::string name = r.list_b;
    name.resize(width + 2, ' ');
    std::string entries = std::to_string(r.entries_b);
    entries.resize(9, ' ');
    std::string links = std::to_string(r.links);
    links.resize(7, ' ');
    std::string mapped_a =
        std::to_string(r.mapped_a) + " of " + std::to_string(m.entries_a);
    mapped_a.resize(12 + m.list_a.size(), ' ');
    out << "  " << name << entries << links << mapped_a << r.mapped_b << " of "
        << r.entries_b << "\n";
  }
}

}  // namespace critgraph::io
