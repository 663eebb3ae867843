// Fuzz targets. Each is a plain function so the same code runs under
// libFuzzer (scripts/dev.sh fuzz) and, over the committed corpus, as a
// regression test in every build (fuzz_corpus_test).
#ifndef CRITGRAPH_TESTS_FUZZ_FUZZ_TARGETS_H_
#define CRITGRAPH_TESTS_FUZZ_FUZZ_TARGETS_H_

#include <cstddef>
#include <cstdint>

namespace critgraph::fuzz {

// Each returns 0; a property violation aborts.
int FuzzChangeLine(const uint8_t* data, size_t size);
int FuzzRevisionName(const uint8_t* data, size_t size);
int FuzzRecord(const uint8_t* data, size_t size);
int FuzzCsv(const uint8_t* data, size_t size);

}  // namespace critgraph::fuzz

#define CRITGRAPH_FUZZ_CHECK(cond)                                             \
  do {                                                                         \
    if (!(cond)) {                                                             \
      __builtin_printf("fuzz property failed: %s at %s:%d\n", #cond, __FILE__, \
                       __LINE__);                                              \
      __builtin_abort();                                                       \
    }                                                                          \
  } while (0)

#endif  // CRITGRAPH_TESTS_FUZZ_FUZZ_TARGETS_H_
