// Merge reports as text and JSON (critgraph/io/merge_format.h).
#include "critgraph/io/merge_format.h"

#include "critgraph/io/change_stream.h"
#include "critgraph/io/json_out.h"

namespace critgraph::io {
namespace {

std::string Counts(const ChangeCounts& c) {
  return "{\"added\":" + std::to_string(c.added) +
         ",\"removed\":" + std::to_string(c.removed) +
         ",\"modified\":" + std::to_string(c.modified) + "}";
}

std::string EdgeText(const EdgeId& id) {
  return id.from + " -" + id.type + "-> " + id.to;
}

}  // namespace

std::string ConflictSideLine(const MergeConflict& c, std::string_view side) {
  ChangeOp op;
  if (c.is_edge) {
    const auto& e = side == "base"   ? c.base_edge
                    : side == "head" ? c.head_edge
                                     : c.draft_edge;
    op.kind = e ? ChangeOp::Kind::kEdge : ChangeOp::Kind::kDeleteEdge;
    op.edge = e ? *e : Edge{c.edge.from, c.edge.type, c.edge.to, {}};
  } else {
    const auto& n = side == "base"   ? c.base_node
                    : side == "head" ? c.head_node
                                     : c.draft_node;
    op.kind = n ? ChangeOp::Kind::kNode : ChangeOp::Kind::kDeleteNode;
    if (n) op.node = *n;
    op.key = c.key;
  }
  return ToChangeLine(op);
}

std::string MergeReportJson(const MergeReport& r, std::string_view verb) {
  std::string s = "{\"draft\":";
  AppendJsonString(&s, r.draft);
  s += ",\"operation\":";
  AppendJsonString(&s, verb);
  s += ",\"base\":" + std::to_string(r.base) +
       ",\"head\":" + std::to_string(r.head) +
       ",\"draft_head\":" + std::to_string(r.draft_head) +
       ",\"dry_run\":" + (r.dry_run ? "true" : "false") + ",\"committed\":" +
       (r.committed ? std::to_string(*r.committed) : "null") + ",\"digest\":";
  if (r.digest) {
    AppendJsonString(&s, r.digest->ToHex());
  } else {
    s += "null";
  }
  s += ",\"nodes\":" + Counts(r.nodes) + ",\"edges\":" + Counts(r.edges) +
       ",\"unresolved\":" + std::to_string(r.unresolved) + ",\"conflicts\":[";
  for (size_t i = 0; i < r.conflicts.size(); ++i) {
    const MergeConflict& c = r.conflicts[i];
    if (i) s += ',';
    s += "{\"kind\":";
    AppendJsonString(&s, ConflictKindName(c.kind));
    s += ",\"entity\":";
    s += c.is_edge ? "\"edge\"" : "\"node\"";
    s += ",\"key\":";
    AppendJsonString(&s, c.key);
    s += ",\"edge\":";
    if (c.is_edge) {
      AppendEdgeId(&s, c.edge);
    } else {
      s += "null";
    }
    s += ",\"fields\":";
    AppendStringArray(&s, c.fields);
    s += ",\"resolution\":";
    if (c.resolution.empty()) {
      s += "null";
    } else {
      AppendJsonString(&s, c.resolution);
    }
    for (std::string_view side : {"base", "head", "draft"}) {
      s += ",\"";
      s += side;
      s += "\":" + ConflictSideLine(c, side);
    }
    s += '}';
  }
  s += "]}";
  return s;
}

void PrintMergeReportText(std::ostream& out, const MergeReport& r,
                          std::string_view verb) {
  out << (r.dry_run ? "dry run: " : "") << verb << " draft " << r.draft
      << " (base " << r.base << ", draft revision " << r.draft_head << ") "
      << (verb == "rebase" ? "onto revision " : "into HEAD ") << r.head << "\n";
  if (r.conflicts.empty()) {
    out << "no conflicts\n";
  } else {
    out << r.conflicts.size() << " conflict"
        << (r.conflicts.size() == 1 ? "" : "s");
    if (r.unresolved) out << ", " << r.unresolved << " unresolved";
    out << ":\n";
    for (const MergeConflict& c : r.conflicts) {
      out << "  " << ConflictKindName(c.kind) << "  "
          << (c.is_edge ? "edge " + EdgeText(c.edge) : "node " + c.key);
      if (c.kind == MergeConflict::Kind::kEdgeToDeletedNode) {
        out << "  (node " << c.key << " deleted on the other side)";
      }
      for (const auto& f : c.fields) out << "  " << f;
      out << "  ["
          << (c.resolution.empty() ? "unresolved" : "took " + c.resolution)
          << "]\n";
      for (std::string_view side : {"base", "head", "draft"}) {
        out << "      " << side
            << (side == "base"   ? ":  "
                : side == "head" ? ":  "
                                 : ": ")
            << ConflictSideLine(c, side) << "\n";
      }
    }
  }
  if (r.unresolved) {
    out << "nothing changed: resolve with --prefer draft|head, or --resolve "
           "FILE of change-stream lines (copy the side you want above)\n";
    return;
  }
  out << (r.dry_run ? "would change" : "changes") << ": nodes +"
      << r.nodes.added << " -" << r.nodes.removed << " ~" << r.nodes.modified
      << ", edges +" << r.edges.added << " -" << r.edges.removed << " ~"
      << r.edges.modified << "\n";
  if (r.committed) {
    out << (verb == "rebase" ? "draft revision " : "committed revision ")
        << *r.committed << " (digest " << r.digest->ToHex() << ")\n";
  } else if (!r.dry_run) {
    out << "nothing to " << verb << ": the result equals "
        << (verb == "rebase" ? "the new base" : "HEAD") << "\n";
  }
}

}  // namespace critgraph::io
