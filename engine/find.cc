// Find: folded substring search over keys and names. See
// include/critgraph/find.h.
#include "critgraph/find.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "critgraph/lists.h"
#include "util/status_macros.h"

namespace critgraph {

namespace {

// Decodes one UTF-8 code point at s[*i]; advances *i. Returns -1 (and
// advances one byte) for an invalid or truncated sequence.
int32_t DecodeOne(std::string_view s, size_t* i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c = b(*i);
  int len = c < 0x80         ? 1
            : (c >> 5) == 6  ? 2
            : (c >> 4) == 14 ? 3
            : (c >> 3) == 30 ? 4
                             : 0;
  if (len == 0 || *i + len > s.size()) {
    ++*i;
    return -1;
  }
  int32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    if ((b(*i + k) & 0xC0) != 0x80) {
      ++*i;
      return -1;
    }
    cp = (cp << 6) | (b(*i + k) & 0x3F);
  }
  *i += len;
  return cp;
}

void AppendUtf8(std::string* out, int32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Simple lowercase mapping for the scripts analysts' lists use in Latin,
// Greek and Cyrillic letters; full-width ASCII to ASCII first.
int32_t FoldCodePoint(int32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFF01 - 0x21;  // full-width
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;  // Latin-1
  if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x131 && cp != 0x138 &&
      cp != 0x149 && cp != 0x178 && cp != 0x17F) {
    // Latin Extended-A pairs: even upper / odd lower, except where the
    // pairing shifts (U+0139..U+0148, U+0179..U+017E: odd upper).
    const bool odd_upper =
        (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
    if (odd_upper ? (cp % 2 == 1) : (cp % 2 == 0)) return cp + 1;
    return cp;
  }
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 32;  // Greek
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;                 // Cyrillic
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
  return cp;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The match of one node, or nullopt. `needle` is folded.
std::optional<FindMatch> MatchNode(const Node& node,
                                   const std::string& needle) {
  FindMatch m;
  if (!needle.empty()) {
    if (Contains(FoldForSearch(node.key), needle)) m.matched.push_back("key");
    for (const auto& [lang, text] : node.names) {
      if (Contains(FoldForSearch(text), needle)) {
        m.matched.push_back("name:" + lang);
      }
    }
    if (m.matched.empty()) return std::nullopt;
  }
  m.node = node;
  return m;
}

}  // namespace

std::string FoldForSearch(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    int32_t cp = DecodeOne(text, &i);
    if (cp < 0) {
      out.append(text.substr(start, i - start));  // invalid: kept as is
    } else {
      AppendUtf8(&out, FoldCodePoint(cp));
    }
  }
  return out;
}

absl::StatusOr<std::vector<FindMatch>> Find(const Snapshot& snapshot,
                                            const FindOptions& options) {
  if (options.kind) {
    const auto kinds = snapshot.NodeKinds();
    if (!std::binary_search(kinds.begin(), kinds.end(), *options.kind)) {
      return absl::InvalidArgumentError("unknown node kind '" + *options.kind +
                                        "' at revision " +
                                        std::to_string(snapshot.revision()));
    }
  }
  const std::string needle = FoldForSearch(options.text);
  std::vector<FindMatch> out;
  auto consider = [&](const Node& node) {
    if (options.kind && node.kind != *options.kind) return;
    if (auto m = MatchNode(node, needle)) out.push_back(*std::move(m));
  };
  if (options.list) {
    ASSIGN_OR_RETURN(std::vector<std::string> keys,
                     ListScopeKeys(snapshot, *options.list));
    for (const std::string& key : keys) {  // sorted
      if (key == *options.list) continue;
      ASSIGN_OR_RETURN(Node node, snapshot.GetNode(key));
      consider(node);
    }
  } else if (options.kind) {
    ASSIGN_OR_RETURN(std::vector<Node> nodes,
                     snapshot.NodesOfKind(*options.kind));  // sorted
    for (const Node& node : nodes) consider(node);
  } else {
    RETURN_IF_ERROR(snapshot.ForEachNode([&](const Node& node) {
      consider(node);
      return absl::OkStatus();
    }));
  }
  return out;
}

}  // namespace critgraph
