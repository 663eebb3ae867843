// A tiny embedder built against the installed critgraph package.
#include <iostream>

#include "critgraph/critgraph.h"

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
  std::cout << "consumer ok: revision " << *rev << " digest "
            << (*snap)->digest().ToHex() << "\n";
  return 0;
}
