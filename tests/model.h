// An independent in-memory model of a versioned graph, and test helpers.
// The model keeps a full copy of every revision: trivially correct, slow.
#ifndef CRITGRAPH_TESTS_MODEL_H_
#define CRITGRAPH_TESTS_MODEL_H_

#include <sys/types.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "critgraph/db.h"

namespace critgraph::testing {

struct ModelState {
  std::map<std::string, Node> nodes;
  std::map<EdgeId, Edge> edges;
};

class Model {
 public:
  Model() : revisions_(1) {}
  ModelState& working() { return working_; }
  const ModelState& at(Revision r) const { return revisions_.at(r); }
  Revision head() const { return revisions_.size() - 1; }

  void PutNode(const Node& n) { working_.nodes[n.key] = n; }
  void DeleteNode(const std::string& key);
  void PutEdge(const Edge& e) { working_.edges[e.id()] = e; }
  void DeleteEdge(const EdgeId& id) { working_.edges.erase(id); }
  Revision Commit() {
    revisions_.push_back(working_);
    return head();
  }
  void Rollback() { working_ = revisions_.back(); }

 private:
  std::vector<ModelState> revisions_;
  ModelState working_;
};

// Digest of a model state computed from its content alone.
Digest ModelDigest(const ModelState& s);

// Live nodes per kind and edges per edge type of a model state, zero counts
// omitted (the form of RevisionInfo::nodes_by_kind / edges_by_type).
std::map<std::string, uint64_t> ModelNodesByKind(const ModelState& s);
std::map<std::string, uint64_t> ModelEdgesByType(const ModelState& s);

// Reads everything of `snap` into a model state.
ModelState ReadAll(const Snapshot& snap);

// Returns "" when `snap` equals `want` in nodes, edges (both directions),
// kinds and digest; otherwise a description of the first difference.
std::string CompareSnapshot(const Snapshot& snap, const ModelState& want);

// Starts args[0] with args[1..] as a child process (posix_spawn, this
// process's environment); a failure to start fails the test and returns -1.
pid_t Spawn(std::vector<std::string> args);

// A fresh, empty directory for a test database.
std::string TempDir(const std::string& name);

// Random operations over a small key space, applied to both a transaction
// and the model. Returns the number of ops applied.
int RandomOps(std::mt19937_64& rng, Transaction& txn, Model& model, int count,
              int key_space);

}  // namespace critgraph::testing

#endif  // CRITGRAPH_TESTS_MODEL_H_
