#include <string_view>

#include "storage/record.h"
#include "tests/fuzz/fuzz_targets.h"

namespace critgraph::fuzz {

// Arbitrary bytes as node, edge and revision records: decoding never
// crashes, and whatever verifies re-encodes to an equal value.
int FuzzRecord(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto node = storage::DecodeNodeRecord(bytes); node.ok()) {
    auto again = storage::DecodeNodeRecord(storage::EncodeNodeRecord(
        node->key, node->kind, node->names, node->props));
    CRITGRAPH_FUZZ_CHECK(again.ok());
    CRITGRAPH_FUZZ_CHECK(again->key == node->key &&
                         again->names == node->names);
  }
  if (auto props = storage::DecodeEdgeRecord(bytes); props.ok()) {
    auto again = storage::DecodeEdgeRecord(storage::EncodeEdgeRecord(*props));
    CRITGRAPH_FUZZ_CHECK(again.ok() && again->size() == props->size());
  }
  (void)storage::DecodeRevisionRecord(bytes);
  (void)storage::DecodeNodeKind(bytes);
  return 0;
}

}  // namespace critgraph::fuzz

#ifdef CRITGRAPH_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return critgraph::fuzz::FuzzRecord(data, size);
}
#endif
