#include "diff_format.h"

#include <map>
#include <set>

#include "critgraph/change.h"
#include "export.h"
#include "json_out.h"

namespace critgraph::cli {

namespace {

void AppendCounts(std::string* s, const ChangeCounts& c) {
  *s += "{\"added\":" + std::to_string(c.added) +
        ",\"removed\":" + std::to_string(c.removed) +
        ",\"modified\":" + std::to_string(c.modified) + "}";
}

std::string CountsText(const ChangeCounts& c) {
  return "+" + std::to_string(c.added) + " -" + std::to_string(c.removed) +
         " ~" + std::to_string(c.modified);
}

std::string Quoted(const std::string& s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

std::string ValueText(const PropertyValue& v) {
  std::string out;
  AppendJsonValue(&out, v);
  return out;
}

struct Colours {
  const char* add = "";
  const char* del = "";
  const char* mod = "";
  const char* dim = "";
  const char* off = "";
};

}  // namespace

std::string ChangeText(const std::optional<PropertyValue>& before,
                       const std::optional<PropertyValue>& after) {
  return (before ? ValueText(*before) : "(none)") + " -> " +
         (after ? ValueText(*after) : "(none)");
}

std::string DiffStatJson(const DiffStat& stat) {
  std::string s = "{\"nodes\":";
  AppendCounts(&s, stat.nodes);
  s += ",\"edges\":";
  AppendCounts(&s, stat.edges);
  for (auto [label, by] : {std::pair{"nodes_by_kind", &stat.nodes_by_kind},
                           std::pair{"edges_by_type", &stat.edges_by_type}}) {
    s += std::string(",\"") + label + "\":{";
    bool first = true;
    for (const auto& [name, c] : *by) {
      if (!first) s += ',';
      first = false;
      AppendJsonString(&s, name);
      s += ':';
      AppendCounts(&s, c);
    }
    s += '}';
  }
  s += '}';
  return s;
}

void PrintDiffStatText(std::ostream& out, const DiffStat& stat,
                       const std::string& indent) {
  out << indent << "nodes " << CountsText(stat.nodes) << ", edges "
      << CountsText(stat.edges) << "\n";
  for (const auto& [kind, c] : stat.nodes_by_kind) {
    out << indent << "  node " << kind << " " << CountsText(c) << "\n";
  }
  for (const auto& [type, c] : stat.edges_by_type) {
    out << indent << "  edge " << type << " " << CountsText(c) << "\n";
  }
}

void PrintDiffText(std::ostream& out, const DiffResult& diff,
                   const std::string& from_label, const std::string& to_label,
                   bool colour) {
  Colours c;
  if (colour) c = {"\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[0m"};
  DiffStat stat = diff.Stat();
  out << "diff " << from_label << " -> " << to_label << "\n";
  out << "nodes: " << stat.nodes.added << " added, " << stat.nodes.removed
      << " removed, " << stat.nodes.modified << " modified\n";
  out << "edges: " << stat.edges.added << " added, " << stat.edges.removed
      << " removed, " << stat.edges.modified << " modified\n";
  auto node_line = [&](const char* colour_on, char sign, const Node& n) {
    out << colour_on << sign << " node " << n.key << " (" << n.kind << ")";
    std::string name = DisplayName(n);
    if (!name.empty()) out << " " << Quoted(name);
    out << c.off << "\n";
  };
  for (const auto& n : diff.nodes_added) node_line(c.add, '+', n);
  for (const auto& n : diff.nodes_removed) node_line(c.del, '-', n);
  for (const auto& m : diff.nodes_modified) {
    out << c.mod << "~ node " << m.key << " (" << m.kind_after << ")" << c.off
        << "\n";
    if (m.kind_before != m.kind_after) {
      out << "    kind: " << m.kind_before << " -> " << m.kind_after << "\n";
    }
    for (const auto& nc : m.names) {
      out << "    name " << nc.lang << ": "
          << (nc.before ? Quoted(*nc.before) : "(none)") << " -> "
          << (nc.after ? Quoted(*nc.after) : "(none)") << "\n";
    }
    for (const auto& pc : m.props) {
      out << "    " << pc.name << ": " << ChangeText(pc.before, pc.after)
          << "\n";
    }
  }
  auto edge_line = [&](const char* colour_on, char sign, const EdgeId& e) {
    out << colour_on << sign << " edge " << e.from << " -" << e.type << "-> "
        << e.to << c.off << "\n";
  };
  for (const auto& e : diff.edges_added) edge_line(c.add, '+', e.id());
  for (const auto& e : diff.edges_removed) edge_line(c.del, '-', e.id());
  for (const auto& m : diff.edges_modified) {
    edge_line(c.mod, '~', m.id);
    for (const auto& pc : m.props) {
      out << "    " << pc.name << ": " << ChangeText(pc.before, pc.after)
          << "\n";
    }
  }
}

std::string DiffPatchJsonl(const DiffResult& diff, const std::string& message) {
  std::string out;
  for (const auto& op : diff.ToPatch()) {
    out += ToChangeLine(op);
    out += '\n';
  }
  ChangeOp commit;
  commit.kind = ChangeOp::Kind::kCommit;
  commit.commit.message = message;
  out += ToChangeLine(commit);
  out += '\n';
  return out;
}

std::string DiffDot(const DiffResult& diff) {
  std::string out = "digraph critgraph_diff {\n  graph [rankdir=LR, label=" +
                    DotQuote("critgraph diff " + std::to_string(diff.from) +
                             " -> " + std::to_string(diff.to)) +
                    "];\n  node [shape=box, style=\"rounded,filled\", "
                    "fontsize=10];\n  edge [fontsize=8];\n";
  std::set<std::string> drawn;
  auto node = [&](const std::string& key, const std::string& name,
                  const char* fill, const char* status) {
    drawn.insert(key);
    std::string label = name.empty() ? key : name + "\n" + key;
    out += "  " + DotQuote(key) + " [label=" + DotQuote(label) +
           ", fillcolor=" + fill + ", status=" + status + "];\n";
  };
  for (const auto& n : diff.nodes_added) {
    node(n.key, DisplayName(n), "palegreen", "added");
  }
  for (const auto& n : diff.nodes_removed) {
    node(n.key, DisplayName(n), "lightpink", "removed");
  }
  for (const auto& m : diff.nodes_modified) {
    node(m.key, DisplayName(m.after), "orange", "modified");
  }
  auto endpoint = [&](const std::string& key) {
    if (drawn.count(key)) return;
    drawn.insert(key);
    out += "  " + DotQuote(key) + " [fillcolor=lightgrey, status=unchanged];\n";
  };
  auto edge = [&](const EdgeId& e, const char* colour, const char* status) {
    endpoint(e.from);
    endpoint(e.to);
    out += "  " + DotQuote(e.from) + " -> " + DotQuote(e.to) +
           " [label=" + DotQuote(e.type) + ", color=" + colour +
           ", fontcolor=" + colour + ", status=" + status + "];\n";
  };
  for (const auto& e : diff.edges_added) edge(e.id(), "green", "added");
  for (const auto& e : diff.edges_removed) edge(e.id(), "red", "removed");
  for (const auto& m : diff.edges_modified) edge(m.id, "orange", "modified");
  out += "}\n";
  return out;
}

}  // namespace critgraph::cli
