// Input validation shared by the transaction, the revision names and tools.
// Every function returns OK or InvalidArgument with a message naming the
// offending value.
#ifndef CRITGRAPH_STORAGE_VALIDATE_H_
#define CRITGRAPH_STORAGE_VALIDATE_H_

#include <string_view>

#include "absl/status/status.h"
#include "critgraph/types.h"

namespace critgraph::storage {

bool IsValidUtf8(std::string_view s);

// Non-empty, at most kMaxKeyBytes, valid UTF-8, no control characters.
absl::Status ValidateKey(std::string_view key);
// [a-z][a-z0-9_]*, at most kMaxTypeNameBytes.
absl::Status ValidateTypeName(std::string_view name);
// Names, properties and the encoded size limit. Does not check the kind.
absl::Status ValidateNodeContent(const Node& node);
// Property names, string sizes and UTF-8, and doubles: NaN and +-infinity
// are refused (InvalidArgument naming `owner` and the property).
absl::Status ValidateProperties(const Properties& props,
                                std::string_view owner);

// The canonical form of a double property value: -0.0 is stored (and
// hashed) as 0.0; every other accepted value (finite) as it is. With NaN
// refused, equal canonical values are bit-identical, so PropertyValue's ==,
// the diff and the digest agree. The rule: docs/FORMATS-ON-DISK.md,
// "Property value equality".
inline double CanonicalDouble(double d) { return d == 0 ? 0.0 : d; }
// A real calendar day written YYYY-MM-DD.
absl::Status ValidateDate(std::string_view date);
// Tags: 1..128 bytes of [A-Za-z0-9._-], not all digits, not "HEAD".
absl::Status ValidateTagName(std::string_view tag);

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_VALIDATE_H_
