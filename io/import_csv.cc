// ImportCsv: the nodes file, then the edges file, staged in one
// transaction and published as one revision (include/critgraph/io/import.h).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/csv.h"
#include "critgraph/io/import.h"
#include "io/import_internal.h"
#include "util/status_macros.h"

namespace critgraph::io {

namespace {

enum class ColRole { kKey, kKind, kFrom, kType, kTo, kName, kProp };

struct Column {
  ColRole role;
  std::string name;  // language or property name
  CsvType type = CsvType::kString;
};

absl::Status Bad(const std::string& file, uint64_t line,
                 const std::string& why) {
  return absl::InvalidArgumentError(file + ":" + std::to_string(line) + ": " +
                                    why);
}

absl::StatusOr<std::vector<Column>> ParseHeader(
    const std::string& file, const std::vector<CsvField>& header, bool edges) {
  std::vector<Column> cols;
  std::set<std::string> seen;
  for (const auto& f : header) {
    const std::string& h = f.text;
    if (!seen.insert(h).second) return Bad(file, 1, "column '" + h + "' twice");
    Column c;
    if (!edges && h == "key") {
      c.role = ColRole::kKey;
    } else if (!edges && h == "kind") {
      c.role = ColRole::kKind;
    } else if (edges && h == "from") {
      c.role = ColRole::kFrom;
    } else if (edges && h == "type") {
      c.role = ColRole::kType;
    } else if (edges && h == "to") {
      c.role = ColRole::kTo;
    } else {
      auto colon = h.rfind(':');
      if (colon == std::string::npos) {
        c.role = ColRole::kProp;
        c.name = h;
      } else {
        std::string prefix = h.substr(0, colon);
        std::string suffix = h.substr(colon + 1);
        if (auto t = ParseCsvType(suffix)) {
          c.role = ColRole::kProp;
          c.name = prefix;
          c.type = *t;
        } else if (!edges && prefix == "name") {
          c.role = ColRole::kName;
          c.name = suffix;
        } else {
          return Bad(file, 1,
                     "column '" + h + "': unknown type '" + suffix +
                         "' (string, int64, double, bool or string[])");
        }
      }
      if (c.name.empty()) return Bad(file, 1, "column '" + h + "' has no name");
    }
    cols.push_back(std::move(c));
  }
  auto need = [&](ColRole role, const char* name) -> absl::Status {
    for (const auto& c : cols) {
      if (c.role == role) return absl::OkStatus();
    }
    return Bad(file, 1, std::string("missing column '") + name + "'");
  };
  if (edges) {
    for (auto [r, n] :
         {std::pair{ColRole::kFrom, "from"}, std::pair{ColRole::kType, "type"},
          std::pair{ColRole::kTo, "to"}}) {
      RETURN_IF_ERROR(need(r, n));
    }
  } else {
    for (auto [r, n] :
         {std::pair{ColRole::kKey, "key"}, std::pair{ColRole::kKind, "kind"}}) {
      RETURN_IF_ERROR(need(r, n));
    }
  }
  return cols;
}

bool IsBlankRecord(const std::vector<CsvField>& r) {
  return r.size() == 1 && r[0].text.empty() && !r[0].quoted;
}

// InvalidArgument "cannot open FILE: <errno text>" (exit 3 in the CLI).
absl::Status CannotOpen(const std::string& file, int err) {
  return absl::InvalidArgumentError(
      "cannot open " + file +
      (err != 0 ? ": " + std::string(std::strerror(err)) : std::string()));
}

// Before a CSV row replaces node `rec->key`: its current properties that
// the row does not set are copied in (merge_props) or counted as dropped.
absl::Status KeepOrCountProps(Transaction& t, const ImportOptions& options,
                              Node* rec, ImportResult* result) {
  auto old = t.GetNode(rec->key);
  if (old.status().code() == absl::StatusCode::kNotFound) {
    return absl::OkStatus();
  }
  if (!old.ok()) return old.status();
  std::string dropped;
  for (auto& [name, value] : old->props) {
    if (rec->props.count(name) != 0) continue;
    if (options.merge_props) {
      rec->props.emplace(name, std::move(value));
    } else {
      dropped += (dropped.empty() ? "" : ", ") + name;
    }
  }
  if (!dropped.empty()) {
    if (result->dropped_props++ == 0) {
      result->dropped_example = rec->key + ": " + dropped;
    }
  }
  return absl::OkStatus();
}

// Reads `file` and calls fn(line, node_or_edge_fields) per data record;
// checks for cancellation between records. `*done` counts the bytes read
// of both files, for progress.
template <typename Fn>
absl::Status ForEachRecord(const std::string& file, bool edges,
                           const internal::StagedImport& staged,
                           const ImportOptions& options, uint64_t total,
                           uint64_t* done, Fn fn) {
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) return CannotOpen(file, errno);
  const uint64_t done_before = *done;
  CsvReader reader(in, kMaxChangeLineBytes);
  std::vector<CsvField> record;
  auto first = reader.Next(&record);
  if (!first.ok()) {
    return Bad(file, 1, std::string(first.status().message()));
  }
  if (!*first) return Bad(file, 1, "empty file: expected a header row");
  auto cols = ParseHeader(file, record, edges);
  if (!cols.ok()) return cols.status();
  for (;;) {
    auto more = reader.Next(&record);
    if (!more.ok()) {
      return absl::InvalidArgumentError(
          file + ":" + std::string(more.status().message()).substr(5));
    }
    if (!*more) break;
    RETURN_IF_ERROR(staged.CheckCancel());
    *done = done_before + reader.bytes_read();
    if (options.progress) options.progress(*done, total);
    if (IsBlankRecord(record)) continue;
    uint64_t line = reader.record_line();
    if (record.size() != cols->size()) {
      return Bad(file, line,
                 "expected " + std::to_string(cols->size()) + " fields, got " +
                     std::to_string(record.size()));
    }
    Node node;
    Edge edge;
    Properties* props = edges ? &edge.props : &node.props;
    for (size_t i = 0; i < cols->size(); ++i) {
      const Column& c = (*cols)[i];
      const CsvField& f = record[i];
      // One case per column role; each fills a different field of the node or
      // edge, so the cases share only their shape.
      switch (c.role) {
        case ColRole::kKey:
          node.key = f.text;
          break;
        case ColRole::kKind:
          node.kind = f.text;
          break;
        case ColRole::kFrom:
          edge.from = f.text;
          break;
        case ColRole::kType:
          edge.type = f.text;
          break;
        case ColRole::kTo:
          edge.to = f.text;
          break;
        case ColRole::kName:
          if (!f.text.empty() || f.quoted) node.names[c.name] = f.text;
          break;
        case ColRole::kProp: {
          if (f.text.empty() && !f.quoted) break;
          auto v = DecodeCsvValue(f, c.type);
          if (!v.ok()) {
            return Bad(file, line,
                       "column '" + c.name + ":" + CsvTypeName(c.type) +
                           "': " + std::string(v.status().message()));
          }
          if (!props->emplace(c.name, *std::move(v)).second) {
            return Bad(file, line,
                       "property '" + c.name + "' has values in two columns");
          }
          break;
        }
      }
    }
    RETURN_IF_ERROR(edges ? fn(line, &edge) : fn(line, &node));
  }
  return absl::OkStatus();
}

uint64_t FileSize(const std::optional<std::string>& path) {
  if (!path) return 0;
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(*path, ec);
  return ec ? 0 : size;
}

}  // namespace

absl::StatusOr<CsvFiles> CsvFilesInDir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::InvalidArgumentError("'" + dir + "' is not a directory");
  }
  CsvFiles files;
  if (std::filesystem::exists(dir + "/nodes.csv", ec)) {
    files.nodes = dir + "/nodes.csv";
  }
  if (std::filesystem::exists(dir + "/edges.csv", ec)) {
    files.edges = dir + "/edges.csv";
  }
  if (!files.nodes && !files.edges) {
    return absl::InvalidArgumentError(dir +
                                      " holds neither nodes.csv nor edges.csv");
  }
  return files;
}

absl::StatusOr<ImportResult> ImportCsv(DB& db, const CsvFiles& files,
                                       const ImportOptions& options) {
  if (!files.nodes && !files.edges) {
    return absl::InvalidArgumentError("CSV import needs a nodes or edges file");
  }
  for (const auto* p : {&files.nodes, &files.edges}) {
    errno = 0;
    if (*p && !std::ifstream(**p)) return CannotOpen(**p, errno);
  }
  std::string name = "CSV " + files.nodes.value_or("") +
                     (files.nodes && files.edges ? " + " : "") +
                     files.edges.value_or("");
  internal::StagedImport staged(db, options, name);
  auto txn = staged.txn();
  if (!txn.ok()) return txn.status();
  Transaction& t = **txn;
  ImportResult result;
  std::set<std::string> kinds;
  std::set<std::string> types;
  const uint64_t total = options.size_hint
                             ? options.size_hint
                             : FileSize(files.nodes) + FileSize(files.edges);
  uint64_t done = 0;
  // Stages one record: a node (its kind registered on first sight) or an
  // edge (likewise its type).
  auto stage = [&](const std::string& file, uint64_t line,
                   auto* rec) -> absl::Status {
    absl::Status s;
    if constexpr (std::is_same_v<decltype(rec), Node*>) {
      if (kinds.insert(rec->kind).second) s = t.RegisterNodeKind(rec->kind);
      if (s.ok()) s = KeepOrCountProps(t, options, rec, &result);
      if (s.ok()) s = t.PutNode(*rec);
      if (s.ok()) ++result.nodes;
    } else {
      if (types.insert(rec->type).second) s = t.RegisterEdgeType(rec->type);
      if (s.ok()) s = t.PutEdge(*rec);
      if (s.ok()) ++result.edges;
    }
    return s.ok() ? s : internal::AtLine(file, line, s);
  };
  for (const auto& [path, edges] :
       {std::pair{&files.nodes, false}, std::pair{&files.edges, true}}) {
    if (!*path) continue;
    const std::string& file = **path;
    auto st = ForEachRecord(
        file, edges, staged, options, total, &done,
        [&](uint64_t line, auto* rec) { return stage(file, line, rec); });
    if (!st.ok()) return staged.Fail(st);
  }
  result.ops = result.nodes + result.edges;
  if (result.dropped_props > 0 && !options.merge_props &&
      !options.replace_props) {
    return staged.Fail(absl::FailedPreconditionError(
        name + ": would drop properties of " +
        std::to_string(result.dropped_props) +
        (result.dropped_props == 1 ? " node" : " nodes") +
        " that the CSV has no value for (first: " + result.dropped_example +
        "); nothing imported. Keep them with merge_props (CLI: "
        "--merge-props) or drop them with replace_props (--replace-props)"));
  }
  CommitInfo info;
  info.message = options.message ? *options.message : "import " + name;
  info.effective_date = options.effective;
  if (options.tag) info.tags.push_back(*options.tag);
  if (auto rev = staged.Seal(info); !rev.ok()) {
    return staged.Fail(internal::At("commit", rev.status()));
  }
  if (auto st = staged.CheckCancel(); !st.ok()) return staged.Fail(st);
  if (auto st = staged.Publish(); !st.ok()) return staged.Fail(st);
  result.revisions = staged.revisions();
  return result;
}

}  // namespace critgraph::io
