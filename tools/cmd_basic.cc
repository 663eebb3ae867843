// init, tag, tags, show, stats, verify.
#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/json_out.h"
#include "critgraph/lists.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/list_scope.h"
#include "tools/revisions.h"

namespace critgraph::cli {

int CmdInit(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("init",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  if (auto st = CheckDbDirForWriting(ctx.db_path, args.Flag("parents"));
      !st.ok()) {
    return FailStatus(st);
  }
  auto db =
      OpenDb(ctx.db_path, /*read_only=*/false, /*create_if_missing=*/true);
  if (!db.ok()) return FailStatus(db.status());
  if ((*db)->Head() == 0) {
    std::cout << "initialized critgraph database in " << ctx.db_path << "\n";
  } else {
    std::cout << "critgraph database in " << ctx.db_path
              << " already exists (head " << (*db)->Head() << ")\n";
  }
  return kExitOk;
}

namespace {

// tag --delete NAME [--force]: DB::DeleteTag, whose FailedPrecondition (a
// tag others may cite) is a usage error here, like moving a tag.
int DeleteTag(const Context& ctx, const Args& args) {
  if (args.positional.size() != 1) {
    return UsageError("tag", "--delete wants one NAME");
  }
  const std::string& name = args.positional[0];
  auto db = OpenDb(ctx.db_path, /*read_only=*/false);
  if (!db.ok()) return FailStatus(db.status());
  auto rev = (*db)->Resolve(name);
  auto st = (*db)->DeleteTag(name, args.Flag("force"));
  if (st.code() == absl::StatusCode::kFailedPrecondition &&
      !(*db)->read_only()) {
    return Fail(kExitUsage,
                "tag: " + StatusText(st) + "; pass --force to delete it");
  }
  if (st.code() == absl::StatusCode::kNotFound) {
    return Fail(kExitNotFound, "tag: " + StatusText(st));
  }
  if (!st.ok()) return FailStatus(st);
  std::cout << "deleted tag " << name << " (was revision " << *rev << ")\n";
  return kExitOk;
}

}  // namespace

int CmdTag(const Context& ctx, const Args& args) {
  if (args.Flag("delete")) return DeleteTag(ctx, args);
  if (args.positional.empty() || args.positional.size() > 2) {
    return UsageError("tag", "want NAME [REV]");
  }
  auto db = OpenDb(ctx.db_path, /*read_only=*/false);
  if (!db.ok()) return FailStatus(db.status());
  std::string rev_name =
      args.positional.size() > 1 ? args.positional[1] : "HEAD";
  auto rev = ResolveRevision(**db, rev_name);
  if (!rev.ok()) return FailStatus(rev.status());
  const std::string& name = args.positional[0];
  auto st = (*db)->Tag(name, *rev, args.Flag("force"));
  if (st.code() == absl::StatusCode::kAlreadyExists) {
    // The database's message ends in its own hint (force); say it once,
    // with the option's name.
    return Fail(kExitUsage, "tag: '" + name + "' already names revision " +
                                std::to_string(*(*db)->Resolve(name)) +
                                " (tags are immutable; use --force to move "
                                "it)");
  }
  if (!st.ok()) return FailStatus(st);
  std::cout << "tagged revision " << *rev << " as " << name << "\n";
  return kExitOk;
}

int CmdTags(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("tags",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  auto json = args.Json();
  if (!json.ok()) return UsageError("tags", StatusText(json.status()));
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  // Log() carries each revision's tags; a revision may have several.
  struct Row {
    std::string name;
    const RevisionInfo* rev;
  };
  const std::vector<RevisionInfo> log = (*db)->Log();
  std::vector<Row> rows;
  for (const RevisionInfo& r : log) {
    for (const std::string& t : r.tags) rows.push_back({t, &r});
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return a.name < b.name; });
  if (*json) {
    std::string s = "[";
    for (size_t i = 0; i < rows.size(); ++i) {
      s += i ? ",\n" : "\n";
      s += "{\"name\":";
      io::AppendJsonString(&s, rows[i].name);
      s += ",\"revision\":" + std::to_string(rows[i].rev->number) +
           ",\"effective\":";
      if (rows[i].rev->effective_date) {
        io::AppendJsonString(&s, *rows[i].rev->effective_date);
      } else {
        s += "null";
      }
      s += ",\"message\":";
      io::AppendJsonString(&s, rows[i].rev->message);
      s += "}";
    }
    s += rows.empty() ? "]\n" : "\n]\n";
    std::cout << s;
    return kExitOk;
  }
  size_t width = 4;
  for (const Row& r : rows) width = std::max(width, r.name.size());
  for (const Row& r : rows) {
    std::string name = r.name;
    name.resize(width + 2, ' ');
    std::string rev = std::to_string(r.rev->number);
    rev.resize(5, ' ');
    std::cout << name << rev << " "
              << r.rev->effective_date.value_or("-         ") << "  "
              << r.rev->message << "\n";
  }
  return kExitOk;
}

int CmdShow(const Context& ctx, const Args& args) {
  if (args.positional.size() != 1) return UsageError("show", "want one KEY");
  const std::string& key = args.positional[0];
  auto json = args.Json();
  if (!json.ok()) return UsageError("show", StatusText(json.status()));
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  auto snap = SnapshotAt(**db, args.ValueOr("at", "HEAD"));
  if (!snap.ok()) return FailStatus(snap.status());
  auto node = (*snap)->GetNode(key);
  if (!node.ok()) {
    if (node.status().code() == absl::StatusCode::kNotFound) {
      return Fail(kExitNotFound, "no node '" + key + "' at revision " +
                                     std::to_string((*snap)->revision()));
    }
    return FailStatus(node.status());
  }
  auto out_edges = (*snap)->OutEdges(key);
  if (!out_edges.ok()) return FailStatus(out_edges.status());
  auto in_edges = (*snap)->InEdges(key);
  if (!in_edges.ok()) return FailStatus(in_edges.status());
  if (*json) {
    std::string s =
        "{\"revision\":" + std::to_string((*snap)->revision()) + ",\"node\":";
    io::AppendNode(&s, *node);
    for (auto [label, edges] :
         {std::pair{"out", &*out_edges}, std::pair{"in", &*in_edges}}) {
      s += std::string(",\"") + label + "\":[";
      for (size_t i = 0; i < edges->size(); ++i) {
        if (i) s += ',';
        io::AppendEdge(&s, (*edges)[i]);
      }
      s += ']';
    }
    s += "}\n";
    std::cout << s;
    return kExitOk;
  }
  std::cout << node->key << "  (" << node->kind << ")  at revision "
            << AtLabel(**db, args.ValueOr("at", "HEAD"), (*snap)->revision())
            << "\n";
  for (const auto& [lang, text] : node->names) {
    std::cout << "  name " << lang << ": " << text << "\n";
  }
  for (const auto& [name, v] : node->props) {
    std::cout << "  " << name << ": " << io::PropertyText(v) << "\n";
  }
  auto print_edges = [](const char* title, const std::vector<Edge>& edges,
                        bool out) {
    if (edges.empty()) return;
    std::cout << "  " << title << " (" << edges.size() << "):\n";
    for (const auto& e : edges) {
      std::cout << "    " << e.type << (out ? " -> " : " <- ")
                << (out ? e.to : e.from);
      if (!e.props.empty()) {
        std::string p;
        io::AppendProps(&p, e.props);
        std::cout << "  " << p;
      }
      std::cout << "\n";
    }
  };
  print_edges("out", *out_edges, true);
  print_edges("in", *in_edges, false);
  return kExitOk;
}

int CmdStats(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("stats",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  auto json = args.Json();
  if (!json.ok()) return UsageError("stats", StatusText(json.status()));
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  auto snap = SnapshotAt(**db, args.ValueOr("at", "HEAD"));
  if (!snap.ok()) return FailStatus(snap.status());
  // Stored counts: O(kinds + types), no node or edge record is read. With
  // --list, the list's scope is counted instead (O(scope)).
  const auto list = args.Value("list");
  if (list) {
    if (auto st = CheckList(**snap, *list); !st.ok()) return FailStatus(st);
    WarnIfOnlyRoot({snap->get()}, ListScopeSpec(*list), true);
  }
  auto by_type = list ? CountByTypeInList(**snap, *list) : CountByType(**snap);
  if (!by_type.ok()) return FailStatus(by_type.status());
  const auto& kinds = by_type->nodes_by_kind;
  const auto& types = by_type->edges_by_type;
  RevisionInfo info = (*snap)->info();
  if (list) {  // the totals of the list's scope
    info.node_count = info.edge_count = 0;
    for (const auto& [k, n] : kinds) info.node_count += n;
    for (const auto& [t, n] : types) info.edge_count += n;
  }
  if (*json) {
    std::string s = "{\"revision\":" + std::to_string(info.number) +
                    ",\"digest\":\"" + info.digest.ToHex() +
                    "\",\"nodes\":" + std::to_string(info.node_count) +
                    ",\"edges\":" + std::to_string(info.edge_count);
    if (list) {
      s += ",\"list\":";
      io::AppendJsonString(&s, *list);
      s += ",\"entries\":" + std::to_string(info.node_count - 1);
    }
    for (auto [label, counts] : {std::pair{"nodes_by_kind", &kinds},
                                 std::pair{"edges_by_type", &types}}) {
      s += std::string(",\"") + label + "\":{";
      bool first = true;
      for (const auto& [name, n] : *counts) {
        if (!first) s += ',';
        first = false;
        io::AppendJsonString(&s, name);
        s += ':' + std::to_string(n);
      }
      s += '}';
    }
    s += "}\n";
    std::cout << s;
    return kExitOk;
  }
  std::cout << "revision " << RevisionLabel(**db, info.number) << "  digest "
            << info.digest.ToHex() << "\n";
  if (list) {
    std::cout << "list " << *list << "  entries " << info.node_count - 1
              << "\n";
  }
  std::cout << "nodes " << info.node_count << "\n";
  for (const auto& [k, n] : kinds) std::cout << "  " << k << " " << n << "\n";
  std::cout << "edges " << info.edge_count << "\n";
  for (const auto& [t, n] : types) std::cout << "  " << t << " " << n << "\n";
  return kExitOk;
}

int CmdVerify(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("verify",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  auto json = args.Json();
  if (!json.ok()) return UsageError("verify", StatusText(json.status()));
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  VerifyReport report;
  if (auto st = (*db)->Verify(&report); !st.ok()) return FailStatus(st);
  if (*json) {
    std::string s =
        std::string("{\"ok\":") + (report.ok() ? "true" : "false") +
        ",\"revisions_checked\":" + std::to_string(report.revisions_checked) +
        ",\"records_checked\":" + std::to_string(report.records_checked) +
        ",\"problems\":";
    io::AppendStringArray(&s, report.problems);
    std::cout << s << "}\n";
    return report.ok() ? kExitOk : kExitDbError;
  }
  for (const auto& p : report.problems) std::cout << "problem: " << p << "\n";
  std::cout << "checked " << report.revisions_checked << " revisions, "
            << report.records_checked << " records: "
            << (report.ok()
                    ? "ok"
                    : std::to_string(report.problems.size()) + " problems")
            << "\n";
  if (!report.ok()) return Fail(kExitDbError, "verify found problems");
  return kExitOk;
}

}  // namespace critgraph::cli
