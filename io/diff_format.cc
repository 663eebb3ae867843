#include "critgraph/io/diff_format.h"

#include <map>
#include <set>
#include <string_view>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/export.h"
#include "critgraph/io/json_out.h"
#include "io/change_json.h"
#include "util/str_cat.h"

namespace critgraph::io {

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

// ---- JSON. ----

// {"key":..,"kind":..,"names":{..}}: what an added or removed node is,
// without its props (the patch format carries those).
void AppendNodeSummary(std::string* out, const Node& n) {
  out->append("{\"key\":");
  AppendJsonString(out, n.key);
  out->append(",\"kind\":");
  AppendJsonString(out, n.kind);
  out->append(",\"names\":");
  AppendNames(out, n.names);
  out->push_back('}');
}

void AppendKeyArray(std::string* out, const std::vector<std::string>& keys) {
  out->push_back('[');
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(out, keys[i]);
  }
  out->push_back(']');
}

std::string JoinKeys(const std::vector<std::string>& keys) {
  std::string s;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) s += ", ";
    s += keys[i];
  }
  return s;
}

}  // namespace

std::string ChangeText(const std::optional<PropertyValue>& before,
                       const std::optional<PropertyValue>& after) {
  return (before ? ValueText(*before) : "(none)") + " -> " +
         (after ? ValueText(*after) : "(none)");
}

std::string DiffJson(const DiffResult& diff) {
  std::string out;
  StrAppend(&out, "{\"from\":", diff.from, ",\"to\":", diff.to, ",\"nodes\":{");
  auto key_list = [&](const char* name, const std::vector<Node>& nodes) {
    StrAppend(&out, "\"", name, "\":[");
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (i) out.push_back(',');
      AppendJsonString(&out, nodes[i].key);
    }
    out.push_back(']');
  };
  key_list("added", diff.nodes_added);
  out.push_back(',');
  key_list("removed", diff.nodes_removed);
  out.append(",\"modified\":[");
  for (size_t i = 0; i < diff.nodes_modified.size(); ++i) {
    const NodeChange& c = diff.nodes_modified[i];
    if (i) out.push_back(',');
    out.append("{\"key\":");
    AppendJsonString(&out, c.key);
    out.append(",\"changes\":");
    AppendNodeChangesJson(&out, c);
    out.push_back('}');
  }
  out.push_back(']');
  for (auto [name, nodes] : {std::pair{"added_nodes", &diff.nodes_added},
                             std::pair{"removed_nodes", &diff.nodes_removed}}) {
    StrAppend(&out, ",\"", name, "\":[");
    for (size_t i = 0; i < nodes->size(); ++i) {
      if (i) out.push_back(',');
      AppendNodeSummary(&out, (*nodes)[i]);
    }
    out.push_back(']');
  }
  out.append("},\"edges\":{");
  // Mirrors the node half: edges are named by an EdgeId rather than a key and
  // have no kind or names to diff, so only the outline is shared.
  auto edge_list = [&](const char* name, const std::vector<Edge>& edges) {
    StrAppend(&out, "\"", name, "\":[");
    for (size_t i = 0; i < edges.size(); ++i) {
      if (i) out.push_back(',');
      AppendEdgeId(&out, EdgeId{edges[i].from, edges[i].type, edges[i].to});
    }
    out.push_back(']');
  };
  edge_list("added", diff.edges_added);
  out.push_back(',');
  edge_list("removed", diff.edges_removed);
  out.append(",\"modified\":[");
  for (size_t i = 0; i < diff.edges_modified.size(); ++i) {
    const EdgeChange& c = diff.edges_modified[i];
    if (i) out.push_back(',');
    out.append("{\"edge\":");
    AppendEdgeId(&out, c.id);
    out.append(",\"changes\":");
    AppendPropChangesJson(&out, c.props);
    out.push_back('}');
  }
  out.append("]}}");
  return out;
}

std::string DiffJson(const DiffResult& diff,
                     const std::vector<LineageEvent>& lineage) {
  std::string out = DiffJson(diff);
  out.pop_back();  // the closing brace
  out.append(",\"lineage\":");
  out.append(LineageJson(lineage));
  out.push_back('}');
  return out;
}

std::string LineageJson(const std::vector<LineageEvent>& lineage) {
  std::string out = "[";
  for (size_t i = 0; i < lineage.size(); ++i) {
    const LineageEvent& ev = lineage[i];
    if (i) out.push_back(',');
    out.append("{\"kind\":");
    AppendJsonString(&out, std::string(LineageKindName(ev.kind)));
    out.append(",\"from\":");
    AppendKeyArray(&out, ev.from);
    out.append(",\"to\":");
    AppendKeyArray(&out, ev.to);
    if (!ev.via.empty()) {
      out.append(",\"via\":");
      AppendKeyArray(&out, ev.via);
    }
    if (!ev.names.empty()) {
      out.append(",\"names\":{");
      for (size_t j = 0; j < ev.names.size(); ++j) {
        if (j) out.push_back(',');
        AppendJsonString(&out, ev.names[j].lang);
        out.push_back(':');
        AppendStringOldNewJson(&out, ev.names[j].before, ev.names[j].after);
      }
      out.push_back('}');
    }
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

std::string LineageText(const LineageEvent& ev) {
  std::string s;
  switch (ev.kind) {
    case LineageEvent::Kind::kSplit:
      s = JoinKeys(ev.from) + " split into " + JoinKeys(ev.to);
      break;
    case LineageEvent::Kind::kMerge:
      s = JoinKeys(ev.to) + " merged from " + JoinKeys(ev.from);
      break;
    case LineageEvent::Kind::kRename:
      if (ev.from == ev.to) {
        s = JoinKeys(ev.from) + " renamed:";
        for (const auto& n : ev.names) {
          s += " " + n.lang + " " + Quoted(n.before.value_or("")) + " -> " +
               Quoted(n.after.value_or(""));
          if (&n != &ev.names.back()) s += ";";
        }
      } else {
        s = JoinKeys(ev.from) + " renamed to " + JoinKeys(ev.to);
      }
      break;
    case LineageEvent::Kind::kReplace:
      s = JoinKeys(ev.from) + " replaced by " + JoinKeys(ev.to);
      break;
  }
  if (!ev.via.empty()) s += " (via " + JoinKeys(ev.via) + ")";
  return s;
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
  PrintDiffText(out, diff, {}, from_label, to_label, colour);
}

void PrintDiffText(std::ostream& out, const DiffResult& diff,
                   const std::vector<LineageEvent>& lineage,
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
  if (!lineage.empty()) {
    // Counts in the order of LineageEvent::Kind, then one line per event.
    std::map<LineageEvent::Kind, int> counts;
    for (const auto& ev : lineage) ++counts[ev.kind];
    out << "lineage:";
    const char* sep = " ";
    for (const auto& [kind, n] : counts) {
      out << sep << n << " " << LineageKindName(kind);
      sep = ", ";
    }
    out << "\n";
    for (const auto& ev : lineage) out << "= " << LineageText(ev) << "\n";
  }
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
    PrintNodeChangeLines(out, m, "    ");
  }
  auto edge_line = [&](const char* colour_on, char sign, const EdgeId& e) {
    out << colour_on << sign << " edge " << e.from << " -" << e.type << "-> "
        << e.to << c.off << "\n";
  };
  for (const auto& e : diff.edges_added) edge_line(c.add, '+', e.id());
  for (const auto& e : diff.edges_removed) edge_line(c.del, '-', e.id());
  for (const auto& m : diff.edges_modified) {
    edge_line(c.mod, '~', m.id);
    PrintPropChangeLines(out, m.props, "    ");
  }
}

std::string DiffPatchLines(const DiffResult& diff) {
  std::string out;
  for (const auto& op : diff.ToPatch()) {
    out += ToChangeLine(op);
    out += '\n';
  }
  return out;
}

std::string DiffPatchJsonl(const DiffResult& diff, const std::string& message) {
  std::string out = DiffPatchLines(diff);
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

}  // namespace critgraph::io
