#include <string_view>

#include "critgraph/io/change_stream.h"
#include "tests/fuzz/fuzz_targets.h"

namespace critgraph::fuzz {

// Never crashes; whatever parses survives a write/parse round trip.
int FuzzChangeLine(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto op = io::ParseChangeLine(line);
  if (!op.ok()) return 0;
  std::string again = io::ToChangeLine(*op);
  auto back = io::ParseChangeLine(again);
  CRITGRAPH_FUZZ_CHECK(back.ok());
  CRITGRAPH_FUZZ_CHECK(io::ToChangeLine(*back) == again);
  return 0;
}

}  // namespace critgraph::fuzz

#ifdef CRITGRAPH_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return critgraph::fuzz::FuzzChangeLine(data, size);
}
#endif
