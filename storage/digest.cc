#include "absl/strings/str_format.h"
#include "critgraph/types.h"
#include "util/str_cat.h"

namespace critgraph {

std::string Digest::ToHex() const {
  return absl::StrFormat("%016x%016x", hi, lo);
}

absl::StatusOr<Digest> Digest::FromHex(std::string_view hex) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        StrCat("invalid digest '", hex, "': expected 32 hex digits"));
  };
  if (hex.size() != 32) return bad();
  Digest d;
  for (size_t i = 0; i < 32; ++i) {
    char c = hex[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      return bad();
    }
    uint64_t& half = i < 16 ? d.hi : d.lo;
    half = (half << 4) | static_cast<uint64_t>(v);
  }
  return d;
}

}  // namespace critgraph
