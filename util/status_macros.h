// RETURN_IF_ERROR and ASSIGN_OR_RETURN for absl::Status / absl::StatusOr.
#ifndef CRITGRAPH_UTIL_STATUS_MACROS_H_
#define CRITGRAPH_UTIL_STATUS_MACROS_H_

#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "util/str_cat.h"

// Evaluates `expr` (an absl::Status) once and returns it from the enclosing
// function if it is not OK.
#define RETURN_IF_ERROR(expr)                                                 \
  do {                                                                        \
    if (::absl::Status critgraph_status_ = (expr); !critgraph_status_.ok()) { \
      return critgraph_status_;                                               \
    }                                                                         \
  } while (false)

// `ASSIGN_OR_RETURN(lhs, expr)`: evaluates `expr` (an absl::StatusOr<T>)
// once; returns its status if not OK, else moves its value into `lhs`,
// which may be a declaration (`ASSIGN_OR_RETURN(auto x, F())`). Uses a
// fresh temporary per line, so it may appear twice in one scope but not
// twice on one line.
#define ASSIGN_OR_RETURN(lhs, expr) \
  CRITGRAPH_ASSIGN_OR_RETURN_IMPL_( \
      CRITGRAPH_STATUS_CONCAT_(critgraph_statusor_, __LINE__), lhs, expr)

#define CRITGRAPH_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) return std::move(tmp).status();         \
  lhs = *std::move(tmp)

namespace critgraph {

// `st` with "context: " in front of its message; OK stays OK.
inline absl::Status WithContext(const absl::Status& st,
                                std::string_view context) {
  if (st.ok()) return st;
  return absl::Status(st.code(), StrCat(context, ": ", st.message()));
}

}  // namespace critgraph

#define CRITGRAPH_STATUS_CONCAT_INNER_(a, b) a##b
#define CRITGRAPH_STATUS_CONCAT_(a, b) CRITGRAPH_STATUS_CONCAT_INNER_(a, b)

#endif  // CRITGRAPH_UTIL_STATUS_MACROS_H_
