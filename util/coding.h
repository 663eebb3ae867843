// Fixed-width big-endian integer encodings: byte order is numeric order,
// which the key layout (storage/keys.h) relies on.
#ifndef CRITGRAPH_UTIL_CODING_H_
#define CRITGRAPH_UTIL_CODING_H_

#include <cstdint>
#include <string>

namespace critgraph {

inline void PutBE64(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}
// Same loop as PutBE64 at half the width: these two widths are all the key
// layout uses, so a width template would add a parameter and save nothing.
inline void PutBE32(std::string* dst, uint32_t v) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 4);
}
// Into a caller's buffer (8 / 4 bytes), for keys built on the read path
// without a heap allocation.
inline void EncodeBE64(uint64_t v, char* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}
inline void EncodeBE32(uint32_t v, char* out) {
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}
inline uint64_t GetBE64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
inline uint32_t GetBE32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

}  // namespace critgraph

#endif  // CRITGRAPH_UTIL_CODING_H_
