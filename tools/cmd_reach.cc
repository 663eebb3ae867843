// reach KEY..., path FROM TO, reach-diff A B KEY... (traversal filters:
// --direction, --edge-types, --kinds, --max-depth; --at; --json).
#include <iostream>
#include <string_view>
#include <tuple>
#include <vector>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/json_out.h"
#include "critgraph/lists.h"
#include "critgraph/traversal.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/list_scope.h"
#include "tools/revisions.h"

namespace critgraph::cli {

namespace {

// Fills the filters of a ReachSpec from the options; false after printing a
// usage error.
absl::Status SpecFromArgs(const Args& args, ReachSpec* spec) {
  auto dir = args.GetDirection();
  if (!dir.ok()) return dir.status();
  spec->direction = *dir;
  spec->edge_types = args.List("edge-types");
  spec->kinds = args.List("kinds");
  auto depth = args.MaxDepth();
  if (!depth.ok()) return depth.status();
  spec->max_depth = *depth;
  if (auto plan = args.Value("plan")) {
    auto parsed = ParseReachPlan(*plan);
    if (!parsed) {
      return absl::InvalidArgumentError(
          "--plan: want auto, seek, scan or adjacency, got '" + *plan + "'");
    }
    spec->plan = *parsed;
  }
  return absl::OkStatus();
}

// How the reach ran, for the text header: "plan seek", "plan scan from
// depth 3", "plan adjacency"; "(auto)" when the cost model chose.
std::string PlanText(const ReachSpec& spec, const ReachReport& report) {
  std::string s = "plan " + std::string(ReachPlanName(report.plan));
  if (report.scan_from_depth) {
    s += " from depth " + std::to_string(*report.scan_from_depth);
  }
  if (spec.plan == ReachPlan::kAuto) s += " (auto)";
  return s;
}

// The display names of `keys` at `snap` as JSON strings ("" for none): the
// form both the JSON and the text output print. One pass over the revision
// when the keys are many (io::DisplayNames).
absl::StatusOr<std::vector<std::string>> QuotedNames(
    const Snapshot& snap, const std::vector<std::string_view>& keys) {
  auto names = io::DisplayNames(snap, keys);
  if (!names.ok()) return names.status();
  for (std::string& name : *names) {
    if (name.empty()) continue;
    std::string q;
    io::AppendJsonString(&q, name);
    name = std::move(q);
  }
  return names;
}

absl::StatusOr<std::vector<std::string>> QuotedNames(
    const Snapshot& snap, const std::vector<ReachedNode>& nodes) {
  std::vector<std::string_view> keys;
  keys.reserve(nodes.size());
  for (const auto& n : nodes) keys.push_back(n.key);
  return QuotedNames(snap, keys);
}

// [{"key","depth","name","parent"}...]: name is the display name at `snap`
// (null if the node has none), parent the BFS parent (null for sources).
absl::Status AppendReached(std::string* s, const Snapshot& snap,
                           const std::vector<ReachedNode>& nodes) {
  auto names = QuotedNames(snap, nodes);
  if (!names.ok()) return names.status();
  *s += '[';
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i) *s += ',';
    *s += "{\"key\":";
    io::AppendJsonString(s, nodes[i].key);
    *s += ",\"depth\":" + std::to_string(nodes[i].depth) + ",\"name\":";
    const std::string& name = (*names)[i];
    *s += name.empty() ? "null" : name;
    *s += ",\"parent\":";
    if (nodes[i].parent) {
      io::AppendJsonString(s, *nodes[i].parent);
    } else {
      *s += "null";
    }
    *s += '}';
  }
  *s += ']';
  return absl::OkStatus();
}

const char* DirectionName(Direction d) {
  return d == Direction::kOut ? "out" : d == Direction::kIn ? "in" : "both";
}

std::string FilterText(const ReachSpec& spec) {
  std::string s = std::string("direction ") + DirectionName(spec.direction);
  auto list = [&](const char* label, const std::vector<std::string>& v) {
    if (v.empty()) return;
    s += std::string(", ") + label + " ";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  };
  list("edge types", spec.edge_types);
  list("kinds", spec.kinds);
  if (spec.max_depth) s += ", max depth " + std::to_string(*spec.max_depth);
  return s;
}

}  // namespace

int CmdReach(const Context& ctx, const Args& args) {
  const auto list = args.Value("list");
  if (args.positional.empty() && !list) {
    return UsageError("reach", "want KEY... (or --list L)");
  }
  ReachSpec spec;
  if (auto st = SpecFromArgs(args, &spec); !st.ok()) {
    return UsageError("reach", StatusText(st));
  }
  spec.sources = args.positional;
  if (list && args.positional.empty() &&
      (args.Value("direction") || args.Value("edge-types"))) {
    return UsageError("reach",
                      "--list without KEY walks the list's entries: no "
                      "--direction or --edge-types");
  }
  auto json = args.Json();
  if (!json.ok()) return UsageError("reach", StatusText(json.status()));
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  const std::string at_name = args.ValueOr("at", "HEAD");
  auto snap = SnapshotAt(**db, at_name);
  if (!snap.ok()) return FailStatus(snap.status());
  const Revision rev = (*snap)->revision();
  if (list) {
    if (auto st = CheckList(**snap, *list); !st.ok()) return FailStatus(st);
    WarnIfOnlyRoot({snap->get()}, ListScopeSpec(*list), true);
  }
  ReachReport report;
  auto reached = list ? ReachInList(**snap, spec, *list, &report)
                      : Reach(**snap, spec, &report);
  if (!reached.ok()) return FailStatus(reached.status());
  if (list && spec.sources.empty()) {  // the header names the walk that ran
    const ReachSpec own = ListScopeSpec(*list);
    spec.direction = own.direction;
    spec.edge_types = own.edge_types;
  }
  if (*json) {
    std::string s = "{\"revision\":" + std::to_string(rev) + ",\"nodes\":";
    if (auto st = AppendReached(&s, **snap, *reached); !st.ok()) {
      return FailStatus(st);
    }
    s += ",\"plan\":\"" + std::string(ReachPlanName(report.plan)) + "\"";
    if (report.scan_from_depth) {
      s += ",\"scan_from_depth\":" + std::to_string(*report.scan_from_depth);
    }
    std::cout << s << "}\n";
    return kExitOk;
  }
  std::cout << reached->size() << (reached->size() == 1 ? " node" : " nodes")
            << " reached at revision " << AtLabel(**db, at_name, rev) << "; "
            << FilterText(spec) << (list ? "; list " + *list : "") << "; "
            << PlanText(spec, report) << "\n";
  auto names = QuotedNames(**snap, *reached);
  if (!names.ok()) return FailStatus(names.status());
  for (size_t i = 0; i < reached->size(); ++i) {
    const ReachedNode& n = (*reached)[i];
    std::cout << "  " << n.depth << "  " << n.key;
    const std::string& name = (*names)[i];
    if (!name.empty()) std::cout << "  " << name;
    if (n.parent) std::cout << "  via " << *n.parent;
    std::cout << "\n";
  }
  return kExitOk;
}

int CmdPath(const Context& ctx, const Args& args) {
  if (args.positional.size() != 2) return UsageError("path", "want FROM TO");
  ReachSpec spec;
  if (auto st = SpecFromArgs(args, &spec); !st.ok()) {
    return UsageError("path", StatusText(st));
  }
  auto json = args.Json();
  if (!json.ok()) return UsageError("path", StatusText(json.status()));
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  const std::string at_name = args.ValueOr("at", "HEAD");
  auto snap = SnapshotAt(**db, at_name);
  if (!snap.ok()) return FailStatus(snap.status());
  const Revision rev = (*snap)->revision();
  auto path =
      ShortestPath(**snap, args.positional[0], args.positional[1], spec);
  if (!path.ok()) return FailStatus(path.status());
  if (*json) {
    std::string s = "{\"revision\":" + std::to_string(rev) + ",\"path\":";
    if (*path) {
      io::AppendStringArray(&s, **path);
    } else {
      s += "null";
    }
    std::cout << s << "}\n";
    return kExitOk;
  }
  if (!*path) {
    std::cout << "no path from " << args.positional[0] << " to "
              << args.positional[1] << " at revision "
              << AtLabel(**db, at_name, rev) << "; " << FilterText(spec)
              << "\n";
    return kExitOk;
  }
  std::cout << "path of " << (*path)->size() - 1
            << ((*path)->size() == 2 ? " edge" : " edges") << " at revision "
            << AtLabel(**db, at_name, rev) << "; " << FilterText(spec) << "\n";
  auto names = QuotedNames(
      **snap, std::vector<std::string_view>((*path)->begin(), (*path)->end()));
  if (!names.ok()) return FailStatus(names.status());
  for (size_t i = 0; i < (*path)->size(); ++i) {
    std::cout << "  " << (**path)[i];
    const std::string& name = (*names)[i];
    if (!name.empty()) std::cout << "  " << name;
    std::cout << "\n";
  }
  return kExitOk;
}

int CmdReachDiff(const Context& ctx, const Args& args) {
  if (args.positional.size() < 3) {
    return UsageError("reach-diff", "want A B KEY...");
  }
  ReachSpec spec;
  if (auto st = SpecFromArgs(args, &spec); !st.ok()) {
    return UsageError("reach-diff", StatusText(st));
  }
  spec.sources.assign(args.positional.begin() + 2, args.positional.end());
  auto json = args.Json();
  if (!json.ok()) return UsageError("reach-diff", StatusText(json.status()));
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  auto sa = SnapshotAt(**db, args.positional[0]);
  if (!sa.ok()) return FailStatus(sa.status());
  auto sb = SnapshotAt(**db, args.positional[1]);
  if (!sb.ok()) return FailStatus(sb.status());
  const Revision a = (*sa)->revision(), b = (*sb)->revision();
  auto diff = DiffReach(**sa, **sb, spec);
  if (!diff.ok()) return FailStatus(diff.status());
  if (*json) {
    std::string s = "{\"from\":" + std::to_string(a) +
                    ",\"to\":" + std::to_string(b) + ",\"entered\":";
    if (auto st = AppendReached(&s, **sb, diff->entered); !st.ok()) {
      return FailStatus(st);
    }
    s += ",\"left\":";
    if (auto st = AppendReached(&s, **sa, diff->left); !st.ok()) {
      return FailStatus(st);
    }
    s += ",\"depth_changed\":[";
    for (size_t i = 0; i < diff->depth_changed.size(); ++i) {
      const auto& d = diff->depth_changed[i];
      if (i) s += ',';
      s += "{\"key\":";
      io::AppendJsonString(&s, d.key);
      s += ",\"old_depth\":" + std::to_string(d.old_depth) +
           ",\"new_depth\":" + std::to_string(d.new_depth) + "}";
    }
    std::cout << s << "]}\n";
    return kExitOk;
  }
  std::cout << "reach-diff " << AtLabel(**db, args.positional[0], a) << " -> "
            << AtLabel(**db, args.positional[1], b) << " (" << FilterText(spec)
            << "): " << diff->entered.size() << " entered, "
            << diff->left.size() << " left, " << diff->depth_changed.size()
            << " depth changed\n";
  for (const auto& [mark, snap, nodes] :
       {std::tuple{'+', sb->get(), &diff->entered},
        std::tuple{'-', sa->get(), &diff->left}}) {
    auto names = QuotedNames(*snap, *nodes);
    if (!names.ok()) return FailStatus(names.status());
    for (size_t i = 0; i < nodes->size(); ++i) {
      std::cout << mark << " " << (*nodes)[i].key << "  depth "
                << (*nodes)[i].depth;
      if (!(*names)[i].empty()) std::cout << "  " << (*names)[i];
      std::cout << "\n";
    }
  }
  for (const auto& d : diff->depth_changed) {
    std::cout << "~ " << d.key << "  depth " << d.old_depth << " -> "
              << d.new_depth << "\n";
  }
  return kExitOk;
}

}  // namespace critgraph::cli
