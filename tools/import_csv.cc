#include "import_csv.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "cli_common.h"
#include "critgraph/change.h"
#include "csv.h"
#include "progress.h"

namespace critgraph::cli {

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
      if (auto st = need(r, n); !st.ok()) return st;
    }
  } else {
    for (auto [r, n] :
         {std::pair{ColRole::kKey, "key"}, std::pair{ColRole::kKind, "kind"}}) {
      if (auto st = need(r, n); !st.ok()) return st;
    }
  }
  return cols;
}

bool IsBlankRecord(const std::vector<CsvField>& r) {
  return r.size() == 1 && r[0].text.empty() && !r[0].quoted;
}

// Reads `file` and calls fn(line, node_or_edge_fields) per data record.
template <typename Fn>
absl::Status ForEachRecord(const std::string& file, bool edges, Fn fn) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(file + ": cannot open");
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(file, ec);
  Progress progress("import " + file, ec ? 0 : size, "bytes");
  CsvReader reader(in, kMaxChangeLineBytes);
  std::vector<CsvField> record;
  auto first = reader.Next(&record);
  if (!first.ok()) return Bad(file, 1, StatusText(first.status()));
  if (!*first) return Bad(file, 1, "empty file: expected a header row");
  auto cols = ParseHeader(file, record, edges);
  if (!cols.ok()) return cols.status();
  for (;;) {
    auto more = reader.Next(&record);
    if (!more.ok()) {
      return absl::InvalidArgumentError(file + ":" +
                                        StatusText(more.status()).substr(5));
    }
    if (!*more) break;
    progress.Update(reader.bytes_read());
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
                           "': " + StatusText(v.status()));
          }
          if (!props->emplace(c.name, *std::move(v)).second) {
            return Bad(file, line,
                       "property '" + c.name + "' has values in two columns");
          }
          break;
        }
      }
    }
    if (auto st = edges ? fn(line, &edge) : fn(line, &node); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

absl::Status FromDb(const std::string& file, uint64_t line,
                    const absl::Status& st) {
  switch (st.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
      return Bad(file, line, StatusText(st));
    default:
      return absl::Status(
          st.code(), file + ":" + std::to_string(line) + ": " + StatusText(st));
  }
}

}  // namespace

absl::StatusOr<CsvImportResult> ImportCsv(DB& db,
                                          const CsvImportOptions& options) {
  auto txn = db.Begin();
  if (!txn.ok()) return txn.status();
  CsvImportResult result;
  std::set<std::string> kinds;
  std::set<std::string> types;
  auto fail = [&](absl::Status st) {
    (*txn)->Rollback();
    return st;
  };
  if (options.nodes_path) {
    const std::string& file = *options.nodes_path;
    auto st = ForEachRecord(file, false, [&](uint64_t line, auto* rec) {
      if constexpr (std::is_same_v<decltype(rec), Node*>) {
        if (kinds.insert(rec->kind).second) {
          if (auto s = (*txn)->RegisterNodeKind(rec->kind); !s.ok()) {
            return FromDb(file, line, s);
          }
        }
        if (auto s = (*txn)->PutNode(*rec); !s.ok()) {
          return FromDb(file, line, s);
        }
        ++result.nodes;
      }
      return absl::OkStatus();
    });
    if (!st.ok()) return fail(st);
  }
  if (options.edges_path) {
    const std::string& file = *options.edges_path;
    auto st = ForEachRecord(file, true, [&](uint64_t line, auto* rec) {
      if constexpr (std::is_same_v<decltype(rec), Edge*>) {
        if (types.insert(rec->type).second) {
          if (auto s = (*txn)->RegisterEdgeType(rec->type); !s.ok()) {
            return FromDb(file, line, s);
          }
        }
        if (auto s = (*txn)->PutEdge(*rec); !s.ok()) {
          return FromDb(file, line, s);
        }
        ++result.edges;
      }
      return absl::OkStatus();
    });
    if (!st.ok()) return fail(st);
  }
  CommitInfo info;
  info.message = options.message;
  info.author = options.author;
  info.effective_date = options.effective;
  if (options.tag) info.tags.push_back(*options.tag);
  auto rev = (*txn)->Commit(info);
  if (!rev.ok()) {
    auto code = rev.status().code();
    std::string msg = "commit: " + StatusText(rev.status());
    return fail(code == absl::StatusCode::kInvalidArgument ||
                        code == absl::StatusCode::kAlreadyExists
                    ? absl::InvalidArgumentError(msg)
                    : absl::Status(code, msg));
  }
  result.revision = *rev;
  return result;
}

}  // namespace critgraph::cli
