#include "critgraph/io/history_format.h"

#include "critgraph/io/change_stream.h"
#include "critgraph/io/json_out.h"
#include "io/change_json.h"
#include "util/str_cat.h"

namespace critgraph::io {
namespace {

void AppendBool(std::string* out, bool b) { out->append(b ? "true" : "false"); }

// "10 (us-cet-2024, x)" or "10".
std::string RevisionText(const HistoryEntry& e) {
  std::string s = StrCat(e.revision);
  if (!e.tags.empty()) {
    s += " (";
    for (size_t i = 0; i < e.tags.size(); ++i) {
      if (i) s += ", ";
      s += e.tags[i];
    }
    s += ")";
  }
  return s;
}

std::string LineageText(const std::vector<std::string>& lineage) {
  std::string s;
  for (size_t i = 0; i < lineage.size(); ++i) {
    if (i) s += " > ";
    s += lineage[i];
  }
  return s;
}

char Sign(HistoryAction a) {
  switch (a) {
    case HistoryAction::kAdded:
      return '+';
    case HistoryAction::kRemoved:
      return '-';
    case HistoryAction::kModified:
      return '~';
  }
  return '?';
}

}  // namespace

std::string HistoryJson(std::string_view key, Revision at,
                        const HistoryOptions& options,
                        const std::vector<HistoryEntry>& entries) {
  std::string out = "{\"key\":";
  AppendJsonString(&out, key);
  StrAppend(&out, ",\"at\":", at, ",\"edges\":");
  AppendBool(&out, options.edges);
  out.append(",\"follow\":");
  AppendBool(&out, options.follow);
  out.append(",\"history\":[");
  for (size_t i = 0; i < entries.size(); ++i) {
    const HistoryEntry& e = entries[i];
    if (i) out.push_back(',');
    StrAppend(&out, "{\"revision\":", e.revision, ",\"tags\":");
    AppendStringArray(&out, e.tags);
    out.append(",\"effective\":");
    if (e.effective_date) {
      AppendJsonString(&out, *e.effective_date);
    } else {
      out.append("null");
    }
    out.append(",\"message\":");
    AppendJsonString(&out, e.message);
    out.append(",\"author\":");
    AppendJsonString(&out, e.author);
    out.append(",\"subject\":");
    AppendJsonString(&out, e.subject);
    out.append(",\"lineage\":");
    AppendStringArray(&out, e.lineage);
    StrAppend(&out, ",\"action\":\"", HistoryActionName(e.action), "\"");
    if (e.is_edge()) {
      out.append(",\"entity\":\"edge\",\"edge\":");
      AppendEdgeId(&out, e.edge().id);
      out.append(",\"changes\":");
      AppendPropChangesJson(&out, e.edge().props);
    } else {
      const NodeChange& c = e.node();
      out.append(",\"entity\":\"node\",\"key\":");
      AppendJsonString(&out, c.key);
      out.append(",\"kind\":");
      AppendJsonString(&out, c.kind_after);
      out.append(",\"changes\":");
      AppendNodeChangesJson(&out, c);
    }
    if (e.lineage_step) out.append(",\"lineage_step\":true");
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

void PrintHistoryText(std::ostream& out, std::string_view key,
                      const std::string& at_label,
                      const std::vector<HistoryEntry>& entries, bool colour) {
  const char* add = colour ? "\033[32m" : "";
  const char* del = colour ? "\033[31m" : "";
  const char* mod = colour ? "\033[33m" : "";
  const char* dim = colour ? "\033[2m" : "";
  const char* off = colour ? "\033[0m" : "";
  out << "history of " << key << " up to revision " << at_label << ": "
      << entries.size() << (entries.size() == 1 ? " change" : " changes")
      << "\n";
  Revision last = 0;
  for (const HistoryEntry& e : entries) {
    if (e.revision != last) {
      last = e.revision;
      out << dim << "revision " << RevisionText(e);
      if (e.effective_date) out << "  effective " << *e.effective_date;
      if (!e.message.empty()) out << "  " << e.message;
      out << off << "\n";
    }
    const char* on = e.action == HistoryAction::kAdded     ? add
                     : e.action == HistoryAction::kRemoved ? del
                                                           : mod;
    out << "  " << on << Sign(e.action);
    if (e.is_edge()) {
      const EdgeId& id = e.edge().id;
      out << " edge " << id.from << " -" << id.type << "-> " << id.to;
    } else {
      const NodeChange& c = e.node();
      out << " node " << c.key << " (" << c.kind_after << ")";
    }
    out << off;
    if (e.lineage_step) {
      out << "  [lineage step: " << e.edge().id.from << " supersedes "
          << e.edge().id.to << "]";
    } else if (e.lineage.size() > 1) {
      out << "  [lineage: " << LineageText(e.lineage) << "]";
    }
    out << "\n";
    if (e.is_edge()) {
      PrintPropChangeLines(out, e.edge().props, "      ");
    } else {
      PrintNodeChangeLines(out, e.node(), "      ");
    }
  }
}

}  // namespace critgraph::io
