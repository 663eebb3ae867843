// critgraph command-line tool (bootstrap version: init, demo, log).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "critgraph/critgraph.h"

namespace {

std::string DbPath(std::vector<std::string>& args) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--db") {
      std::string p = args[i + 1];
      args.erase(args.begin() + i, args.begin() + i + 2);
      return p;
    }
  }
  if (const char* env = std::getenv("CRITGRAPH_DB")) return env;
  return "critgraph.db";
}

int Fail(const absl::Status& st) {
  std::cerr << "critgraph: " << st << "\n";
  return 4;
}

int PrintLog(critgraph::DB& db) {
  for (const auto& r : db.Log()) {
    std::cout << "revision " << r.number << "  digest " << r.digest.ToHex()
              << "  nodes " << r.node_count << "  edges " << r.edge_count;
    if (r.effective_date) std::cout << "  effective " << *r.effective_date;
    for (const auto& t : r.tags) std::cout << "  tag " << t;
    std::cout << "\n    " << r.message << "\n";
  }
  return 0;
}

int Demo(const std::string& path) {
  auto db = critgraph::DB::Open(path);
  if (!db.ok()) return Fail(db.status());
  struct Step {
    const char* tag;
    const char* date;
    std::vector<std::pair<const char*, const char*>> entries;
  };
  std::vector<Step> steps = {
      {"demo-2020", "2020-10-15",
       {{"us-cet/quantum", "Quantum Information Science"},
        {"us-cet/ai", "Artificial Intelligence"}}},
      {"demo-2022", "2022-02-08",
       {{"us-cet/quantum", "Quantum Information Technologies"},
        {"us-cet/ai", "Artificial Intelligence"},
        {"us-cet/hypersonics", "Hypersonics"}}},
  };
  for (const auto& step : steps) {
    if ((*db)->Resolve(step.tag).ok()) continue;
    auto txn = (*db)->Begin();
    if (!txn.ok()) return Fail(txn.status());
    critgraph::Node list{"us-cet", "list", {{"en", "US CET"}}, {}};
    if (auto st = (*txn)->PutNode(list); !st.ok()) return Fail(st);
    for (const auto& [key, name] : step.entries) {
      critgraph::Node n{key, "foreign_list_entry", {{"en", name}}, {}};
      if (auto st = (*txn)->PutNode(n); !st.ok()) return Fail(st);
      if (auto st = (*txn)->PutEdge({key, "part_of", "us-cet", {}}); !st.ok()) {
        return Fail(st);
      }
    }
    critgraph::CommitInfo info;
    info.message = std::string("demo revision ") + step.tag;
    info.effective_date = step.date;
    info.tags = {step.tag};
    auto rev = (*txn)->Commit(info);
    if (!rev.ok()) return Fail(rev.status());
  }
  return PrintLog(**db);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string path = DbPath(args);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: critgraph [--db DIR] init|demo|log\n";
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "demo") return Demo(path);
  if (args[0] == "init") {
    auto db = critgraph::DB::Open(path);
    return db.ok() ? 0 : Fail(db.status());
  }
  if (args[0] == "log") {
    auto db = critgraph::DB::OpenReadOnly(path);
    if (!db.ok()) return Fail(db.status());
    return PrintLog(**db);
  }
  std::cerr << "critgraph: unknown command '" << args[0] << "'\n";
  return 2;
}
