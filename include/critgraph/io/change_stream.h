// The JSONL change stream (docs/FORMATS.md): parsing and serializing one
// line, applying one op to a transaction, and the JSON encoders of strings
// and property values that every JSON output of critgraph shares.
#ifndef CRITGRAPH_IO_CHANGE_STREAM_H_
#define CRITGRAPH_IO_CHANGE_STREAM_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/change.h"
#include "critgraph/transaction.h"
#include "critgraph/types.h"

namespace critgraph::io {

// Lines longer than this are refused by ParseChangeLine and the importers.
inline constexpr size_t kMaxChangeLineBytes = size_t{32} << 20;

// Parses one JSON line (without its newline). InvalidArgument naming the
// reason for malformed JSON, an unknown "op" or field, a missing or wrongly
// typed field, invalid UTF-8, or a property value that is not a string,
// integer, number, bool or array of strings. Integers become int64, other
// numbers double. Does not check keys, kinds or dates against a database.
absl::StatusOr<ChangeOp> ParseChangeLine(std::string_view line);

// Serializes one op as a single JSON line without the trailing newline.
// Deterministic: names and props in key order, doubles in shortest
// round-trip form (always with a '.' or exponent so they re-parse as double).
std::string ToChangeLine(const ChangeOp& op);

// critgraph::ApplyChange (critgraph/change.h), also under this name.
using ::critgraph::ApplyChange;

// Appends `s` to `out` as a JSON string literal (quotes included).
void AppendJsonString(std::string* out, std::string_view s);

// Appends a property value as JSON: string, integer, number (shortest
// round-trip form, always with '.' or an exponent), boolean, or array of
// strings — the encoding the change stream uses.
void AppendJsonValue(std::string* out, const PropertyValue& v);

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_CHANGE_STREAM_H_
