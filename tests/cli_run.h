// Running the built CLI from a test: the helpers every cli_*_test shares.
#ifndef CRITGRAPH_TESTS_CLI_RUN_H_
#define CRITGRAPH_TESTS_CLI_RUN_H_

#include <fstream>
#include <sstream>
#include <string>

namespace critgraph::testing {

// What one CLI run returned and printed.
struct RunResult {
  int code = -1;
  std::string out, err;
};

// `s` as one single-quoted shell word.
inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The whole file, bytes as they are ("" if it cannot be read).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace critgraph::testing

#endif  // CRITGRAPH_TESTS_CLI_RUN_H_
