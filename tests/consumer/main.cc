// A tiny embedder built against the installed critgraph package.
#include <iostream>
#include <sstream>

#include "critgraph/critgraph.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/export.h"
#include "critgraph/io/import.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto db = critgraph::DB::Open(argv[1]);
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  auto txn = (*db)->Begin();
  if (!txn.ok()) return 1;
  critgraph::Node n{
      "jp-materials/rare-earths", "material", {{"ja", "レアアース"}}, {}};
  if (!(*txn)->PutNode(n).ok()) return 1;
  auto rev = (*txn)->Commit({.message = "from the consumer"});
  if (!rev.ok()) return 1;
  auto snap = (*db)->GetSnapshot(*rev);
  if (!snap.ok() ||
      !(*snap)->HasNode("jp-materials/rare-earths").value_or(false)) {
    return 1;
  }
  // The engine headers are installed too: reach from the new node.
  critgraph::ReachSpec spec;
  spec.sources = {"jp-materials/rare-earths"};
  auto reached = critgraph::Reach(**snap, spec);
  if (!reached.ok() || reached->size() != 1) return 1;
  auto diff = critgraph::Diff(**db, 0, *rev);
  if (!diff.ok() || diff->nodes_added.size() != 1) return 1;
  // The io layer (critgraph::critgraph_io): parse a change line, import a
  // two-revision stream, export it back as JSONL.
  auto op = critgraph::io::ParseChangeLine(
      R"({"op":"node","key":"jp-materials/gallium","kind":"material"})");
  if (!op.ok() || op->node.key != "jp-materials/gallium") return 1;
  std::istringstream stream(critgraph::io::ToChangeLine(*op) +
                            "\n{\"op\":\"commit\",\"tag\":\"c1\"}\n"
                            "{\"op\":\"del_node\",\"key\":"
                            "\"jp-materials/gallium\"}\n");
  auto imported =
      critgraph::io::ImportChangeStream(**db, stream, "consumer", {});
  if (!imported.ok() || imported->revisions.size() != 2) {
    std::cerr << imported.status() << "\n";
    return 1;
  }
  // The installed history header: gallium was added, then removed.
  auto history = critgraph::History(**db, "jp-materials/gallium");
  if (!history.ok() || history->size() != 2 ||
      (*history)[0].action != critgraph::HistoryAction::kRemoved) {
    return 1;
  }
  auto head = (*db)->GetSnapshot((*db)->Head());
  std::ostringstream jsonl;
  if (!head.ok() || !critgraph::io::ExportJsonl(**head, jsonl).ok() ||
      jsonl.str().find("rare-earths") == std::string::npos) {
    return 1;
  }
  // The installed backup header: a checkpoint at HEAD, with HEAD's digest.
  auto copy = critgraph::Backup(**db, std::string(argv[1]) + ".copy");
  if (!copy.ok() || copy->revision != (*db)->Head() ||
      !(copy->digest == (*head)->digest())) {
    std::cerr << copy.status() << "\n";
    return 1;
  }
  std::cout << "consumer ok: revision " << *rev << " digest "
            << (*snap)->digest().ToHex() << "\n";
  return 0;
}
