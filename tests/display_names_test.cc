// io::DisplayNames: the same answers whether it looks each key up or makes
// one pass over the revision, checked against names computed here from the
// written nodes.
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "critgraph/db.h"
#include "critgraph/io/json_out.h"
#include "gtest/gtest.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using testing::TempDir;

// The rule, written out independently: "en", else "ja", else the first
// language in order, else none.
std::string ExpectedName(const Names& names) {
  if (auto it = names.find("en"); it != names.end()) return it->second;
  if (auto it = names.find("ja"); it != names.end()) return it->second;
  return names.empty() ? "" : names.begin()->second;
}

TEST(DisplayNames, LookupsAndOnePassAgreeWithTheWrittenNames) {
  auto db = *DB::Open(TempDir("display_names"), {});
  std::mt19937_64 rng(3);
  // Two revisions: names change in the second, so each must read its own.
  std::vector<std::map<std::string, std::string>> want(3);
  for (Revision r = 1; r <= 2; ++r) {
    auto txn = *db->Begin();
    for (int i = 0; i < 300; ++i) {
      Node n{.key = "n" + std::to_string(i), .kind = "technology"};
      switch (rng() % 5) {
        case 0:
          break;  // no names
        case 1:
          n.names["en"] = "E" + std::to_string(i * r);
          n.names["ja"] = "J";
          break;
        case 2:
          n.names["ja"] = "日本" + std::to_string(r);
          n.names["de"] = "D";
          break;
        case 3:
          n.names["fr"] = "F\"" + std::to_string(r);
          n.names["zh"] = "Z";
          break;
        default:
          n.names["en"] = "";
          break;
      }
      ASSERT_TRUE(txn->PutNode(n).ok());
      want[r][n.key] = ExpectedName(n.names);
    }
    ASSERT_TRUE(txn->Commit({}).ok());
  }
  for (Revision r = 1; r <= 2; ++r) {
    auto snap = *db->GetSnapshot(r);
    // Few keys: looked up one by one. All keys, a duplicate and a missing
    // one: one pass.
    std::vector<std::vector<std::string_view>> cases = {{"n7", "n8"}, {}};
    for (const auto& [key, name] : want[r]) cases[1].push_back(key);
    cases[1].push_back("n7");
    cases[1].push_back("missing");
    for (const auto& keys : cases) {
      auto names = io::DisplayNames(*snap, keys);
      ASSERT_TRUE(names.ok()) << names.status();
      ASSERT_EQ(names->size(), keys.size());
      for (size_t i = 0; i < keys.size(); ++i) {
        auto it = want[r].find(std::string(keys[i]));
        const std::string expected = it == want[r].end() ? "" : it->second;
        EXPECT_EQ((*names)[i], expected)
            << "revision " << r << " key " << keys[i];
      }
    }
  }
}

}  // namespace
}  // namespace critgraph
