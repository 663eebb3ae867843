// StrCat that also accepts std::string_view.
//
// Debian's Abseil is built with its own absl::string_view (not an alias of
// std::string_view), so absl::StrCat rejects std::string_view arguments. The
// public API speaks std::string_view; this adapter bridges the two.
#ifndef CRITGRAPH_UTIL_STR_CAT_H_
#define CRITGRAPH_UTIL_STR_CAT_H_

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace critgraph {
namespace internal {

inline absl::AlphaNum ToAlphaNum(std::string_view s) {
  return absl::AlphaNum(absl::string_view(s.data(), s.size()));
}
template <typename T>
absl::AlphaNum ToAlphaNum(const T& v) {
  return absl::AlphaNum(v);
}

}  // namespace internal

template <typename... Args>
std::string StrCat(const Args&... args) {
  return absl::StrCat(internal::ToAlphaNum(args)...);
}

template <typename... Args>
void StrAppend(std::string* dst, const Args&... args) {
  absl::StrAppend(dst, internal::ToAlphaNum(args)...);
}

}  // namespace critgraph

#endif  // CRITGRAPH_UTIL_STR_CAT_H_
