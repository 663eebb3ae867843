// Replays the committed fuzz corpus (seeds and every input a fuzzer ever
// found) through the fuzz targets in the ordinary build.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "tests/fuzz/fuzz_targets.h"

namespace critgraph::fuzz {
namespace {

int Replay(const std::string& name, int (*target)(const uint8_t*, size_t)) {
  std::filesystem::path dir =
      std::filesystem::path(CRITGRAPH_FUZZ_CORPUS) / name;
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string data = ss.str();
    target(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    ++n;
  }
  return n;
}

TEST(FuzzCorpus, ChangeLine) {
  EXPECT_GT(Replay("change_line", FuzzChangeLine), 5);
}
TEST(FuzzCorpus, RevisionName) {
  EXPECT_GT(Replay("revision_name", FuzzRevisionName), 5);
}
TEST(FuzzCorpus, Csv) { EXPECT_GT(Replay("csv", FuzzCsv), 3); }
TEST(FuzzCorpus, Record) { EXPECT_GT(Replay("record", FuzzRecord), 3); }

}  // namespace
}  // namespace critgraph::fuzz
