// find [TEXT] [--kind K] [--list L] [--at REV] [--json | --format
// text|json]: nodes whose key or any name contains TEXT (case-insensitive).
#include <iostream>

#include "critgraph/find.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/json_out.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/revisions.h"

namespace critgraph::cli {

int CmdFind(const Context& ctx, const Args& args) {
  if (args.positional.size() > 1) {
    return UsageError("find", "want one TEXT (quote text with spaces)");
  }
  FindOptions options;
  if (!args.positional.empty()) options.text = args.positional[0];
  options.kind = args.Value("kind");
  options.list = args.Value("list");
  if (options.text.empty() && !options.kind && !options.list) {
    return UsageError("find", "want TEXT, --kind K or --list L");
  }
  const std::string format = args.ValueOr("format", "text");
  if (format != "text" && format != "json") {
    return UsageError("find",
                      "unknown --format '" + format + "' (text or json)");
  }
  const bool json = args.Flag("json") || format == "json";
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  const std::string at_name = args.ValueOr("at", "HEAD");
  auto snap = SnapshotAt(**db, at_name);
  if (!snap.ok()) return FailStatus(snap.status());
  const Revision rev = (*snap)->revision();
  auto found = Find(**snap, options);
  if (!found.ok()) return FailStatus(found.status());

  if (json) {
    std::string s = "{\"revision\":" + std::to_string(rev) + ",\"text\":";
    io::AppendJsonString(&s, options.text);
    for (auto [label, v] :
         {std::pair{"kind", &options.kind}, std::pair{"list", &options.list}}) {
      s += std::string(",\"") + label + "\":";
      if (*v) {
        io::AppendJsonString(&s, **v);
      } else {
        s += "null";
      }
    }
    s += ",\"matches\":[";
    for (size_t i = 0; i < found->size(); ++i) {
      const FindMatch& m = (*found)[i];
      if (i) s += ',';
      s += "{\"key\":";
      io::AppendJsonString(&s, m.node.key);
      s += ",\"kind\":";
      io::AppendJsonString(&s, m.node.kind);
      s += ",\"names\":";
      io::AppendNames(&s, m.node.names);
      s += ",\"matched\":";
      io::AppendStringArray(&s, m.matched);
      s += '}';
    }
    std::cout << s << "]}\n";
    return kExitOk;
  }
  std::string what;
  if (!options.text.empty()) {
    io::AppendJsonString(&what, options.text);
    what = " matching " + what;
  }
  if (options.kind) what += " of kind " + *options.kind;
  if (options.list) what += " in list " + *options.list;
  std::cout << found->size() << (found->size() == 1 ? " node" : " nodes")
            << what << " at revision " << AtLabel(**db, at_name, rev) << "\n";
  for (const FindMatch& m : *found) {
    std::cout << "  " << m.node.key << "  (" << m.node.kind << ")";
    std::string name = io::DisplayName(m.node);
    if (!name.empty()) {
      std::string q;
      io::AppendJsonString(&q, name);
      std::cout << "  " << q;
    }
    // A match in a name the display name does not show: show that name.
    for (const std::string& where : m.matched) {
      if (where.rfind("name:", 0) != 0) continue;
      const std::string& text = m.node.names.at(where.substr(5));
      if (text == name) continue;
      std::string q;
      io::AppendJsonString(&q, text);
      std::cout << "  " << where.substr(5) << ": " << q;
    }
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace critgraph::cli
