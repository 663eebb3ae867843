#include "util/hash.h"

#include <xxhash.h>

namespace critgraph {

Digest StableHash128(std::string_view data) {
  XXH128_hash_t h = XXH3_128bits_withSeed(data.data(), data.size(), 0);
  return Digest{h.high64, h.low64};
}

Digest DigestAdd(Digest a, Digest b) {
  unsigned __int128 x = (static_cast<unsigned __int128>(a.hi) << 64) | a.lo;
  unsigned __int128 y = (static_cast<unsigned __int128>(b.hi) << 64) | b.lo;
  unsigned __int128 s = x + y;
  return Digest{static_cast<uint64_t>(s >> 64), static_cast<uint64_t>(s)};
}

Digest DigestSub(Digest a, Digest b) {
  unsigned __int128 x = (static_cast<unsigned __int128>(a.hi) << 64) | a.lo;
  unsigned __int128 y = (static_cast<unsigned __int128>(b.hi) << 64) | b.lo;
  unsigned __int128 s = x - y;
  return Digest{static_cast<uint64_t>(s >> 64), static_cast<uint64_t>(s)};
}

}  // namespace critgraph
