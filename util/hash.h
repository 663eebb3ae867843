// The one place critgraph calls xxHash.
//
// StableHash128 is persisted (revision digests): its output for a given input
// must never change across versions, platforms or builds. Do not switch its
// algorithm or seed; add a new function instead. For in-memory hash tables use
// absl::Hash, which may change between runs.
#ifndef CRITGRAPH_UTIL_HASH_H_
#define CRITGRAPH_UTIL_HASH_H_

#include <string_view>

#include "critgraph/types.h"

namespace critgraph {

// XXH3-128 with seed 0.
Digest StableHash128(std::string_view data);

// Multiset-hash arithmetic modulo 2^128.
Digest DigestAdd(Digest a, Digest b);
Digest DigestSub(Digest a, Digest b);

}  // namespace critgraph

#endif  // CRITGRAPH_UTIL_HASH_H_
