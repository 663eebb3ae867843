#include "tests/model.h"

#include <spawn.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "gtest/gtest.h"
#include "storage/record.h"
#include "util/hash.h"
#include "util/str_cat.h"

extern char** environ;

namespace critgraph::testing {

void Model::DeleteNode(const std::string& key) {
  working_.nodes.erase(key);
  for (auto it = working_.edges.begin(); it != working_.edges.end();) {
    if (it->first.from == key || it->first.to == key) {
      it = working_.edges.erase(it);
    } else {
      ++it;
    }
  }
}

Digest ModelDigest(const ModelState& s) {
  Digest d;
  for (const auto& [k, n] : s.nodes) {
    d = critgraph::DigestAdd(d, storage::NodeDigest(n));
  }
  for (const auto& [k, e] : s.edges) {
    d = critgraph::DigestAdd(d, storage::EdgeDigest(e));
  }
  return d;
}

std::map<std::string, uint64_t> ModelNodesByKind(const ModelState& s) {
  std::map<std::string, uint64_t> out;
  for (const auto& [key, n] : s.nodes) ++out[n.kind];
  return out;
}

std::map<std::string, uint64_t> ModelEdgesByType(const ModelState& s) {
  std::map<std::string, uint64_t> out;
  for (const auto& [id, e] : s.edges) ++out[e.type];
  return out;
}

ModelState ReadAll(const Snapshot& snap) {
  ModelState s;
  auto st = snap.ForEachNode([&](const Node& n) {
    s.nodes[n.key] = n;
    return absl::OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st;
  st = snap.ForEachEdge([&](const Edge& e) {
    s.edges[e.id()] = e;
    return absl::OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st;
  return s;
}

std::string CompareSnapshot(const Snapshot& snap, const ModelState& want) {
  const Revision r = snap.revision();
  ModelState got = ReadAll(snap);
  if (got.nodes != want.nodes) {
    for (const auto& [k, n] : want.nodes) {
      auto it = got.nodes.find(k);
      if (it == got.nodes.end()) return StrCat("rev ", r, ": missing node ", k);
      if (!(it->second == n)) return StrCat("rev ", r, ": node differs ", k);
    }
    for (const auto& [k, n] : got.nodes) {
      if (!want.nodes.count(k)) return StrCat("rev ", r, ": extra node ", k);
    }
  }
  if (got.edges != want.edges) {
    for (const auto& [id, e] : want.edges) {
      auto it = got.edges.find(id);
      if (it == got.edges.end()) {
        return StrCat("rev ", r, ": missing edge ", id.from, "-", id.type, "-",
                      id.to);
      }
      if (!(it->second == e)) return StrCat("rev ", r, ": edge differs");
    }
    return StrCat("rev ", r, ": extra edges");
  }
  // Point reads, per-node edge lists both ways, and kind lists.
  std::map<std::string, std::vector<Edge>> out, in;
  for (const auto& [id, e] : want.edges) {
    out[id.from].push_back(e);
    in[id.to].push_back(e);
  }
  std::map<std::string, std::vector<std::string>> by_kind;
  for (const auto& [k, n] : want.nodes) {
    auto got_node = snap.GetNode(k);
    if (!got_node.ok() || !(*got_node == n)) {
      return StrCat("rev ", r, ": GetNode(", k, ") differs");
    }
    by_kind[n.kind].push_back(k);
    auto o = snap.OutEdges(k);
    auto i = snap.InEdges(k);
    if (!o.ok() || !i.ok())
      return StrCat("rev ", r, ": edges of ", k, " ", o.status().ToString(),
                    " ", i.status().ToString());
    auto sorted = [](std::vector<Edge> v, bool by_to) {
      std::sort(v.begin(), v.end(), [&](const Edge& a, const Edge& b) {
        return by_to ? std::tie(a.type, a.to) < std::tie(b.type, b.to)
                     : std::tie(a.type, a.from) < std::tie(b.type, b.from);
      });
      return v;
    };
    if (*o != sorted(out[k], true)) {
      return StrCat("rev ", r, ": OutEdges(", k, ") differ");
    }
    if (*i != sorted(in[k], false)) {
      return StrCat("rev ", r, ": InEdges(", k, ") differ");
    }
  }
  for (const auto& kind : snap.NodeKinds()) {
    auto nodes = snap.NodesOfKind(kind);
    if (!nodes.ok()) return StrCat("rev ", r, ": NodesOfKind failed");
    std::vector<std::string> keys;
    for (const auto& n : *nodes) keys.push_back(n.key);
    if (keys != by_kind[kind]) {
      return StrCat("rev ", r, ": NodesOfKind(", kind, ") differs: got ",
                    keys.size(), " want ", by_kind[kind].size());
    }
  }
  if (!(snap.digest() == ModelDigest(want))) {
    return StrCat("rev ", r, ": digest differs");
  }
  if (snap.node_count() != want.nodes.size() ||
      snap.edge_count() != want.edges.size()) {
    return StrCat("rev ", r, ": counts differ: ", snap.node_count(), "/",
                  snap.edge_count(), " want ", want.nodes.size(), "/",
                  want.edges.size());
  }
  return "";
}

pid_t Spawn(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ),
            0);
  return pid;
}

std::string TempDir(const std::string& name) {
  const char* base = std::getenv("CRITGRAPH_TEST_TMP");
  std::filesystem::path root =
      base ? base : std::filesystem::temp_directory_path() / "critgraph_tests";
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string test =
      info ? StrCat(info->test_suite_name(), ".", info->name()) : "global";
  std::filesystem::path dir = root / StrCat(test, "-", name, "-", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir.parent_path());
  return dir.string();
}

int RandomOps(std::mt19937_64& rng, Transaction& txn, Model& model, int count,
              int key_space) {
  static const char* kKinds[] = {"domain", "technology", "material"};
  static const char* kTypes[] = {"part_of", "maps_to", "depends_on"};
  auto key = [&](int i) { return StrCat("k/", i); };
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  int applied = 0;
  for (int i = 0; i < count; ++i) {
    ModelState& w = model.working();
    int op = pick(10);
    if (op < 4) {
      Node n;
      n.key = key(pick(key_space));
      n.kind = kKinds[pick(3)];
      if (pick(2)) n.names["en"] = StrCat("name ", pick(5));
      if (pick(3) == 0) n.names["ja"] = "名前";
      switch (pick(5)) {
        case 0:
          n.props["n"] = static_cast<int64_t>(pick(4));
          break;
        case 1:
          n.props["x"] = 0.5 * pick(4);
          break;
        case 2:
          n.props["b"] = pick(2) == 1;
          break;
        case 3:
          n.props["l"] = std::vector<std::string>{"a", "b"};
          break;
        default:
          break;
      }
      EXPECT_TRUE(txn.PutNode(n).ok());
      model.PutNode(n);
    } else if (op < 5) {
      std::string k = key(pick(key_space));
      auto st = txn.DeleteNode(k);
      EXPECT_EQ(st.ok(), w.nodes.count(k) == 1) << st;
      if (st.ok()) model.DeleteNode(k);
    } else if (op < 9) {
      Edge e{key(pick(key_space)), kTypes[pick(3)], key(pick(key_space)), {}};
      if (pick(2)) e.props["w"] = static_cast<int64_t>(pick(3));
      auto st = txn.PutEdge(e);
      bool ends = w.nodes.count(e.from) && w.nodes.count(e.to);
      EXPECT_EQ(st.ok(), ends) << st;
      if (st.ok()) model.PutEdge(e);
    } else {
      if (w.edges.empty()) continue;
      auto it = w.edges.begin();
      std::advance(it, pick(static_cast<int>(w.edges.size())));
      EdgeId id = it->first;
      EXPECT_TRUE(txn.DeleteEdge(id.from, id.type, id.to).ok());
      model.DeleteEdge(id);
    }
    ++applied;
  }
  return applied;
}

}  // namespace critgraph::testing
