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
absl::Status ValidateProperties(const Properties& props,
                                std::string_view owner);
// A real calendar day written YYYY-MM-DD.
absl::Status ValidateDate(std::string_view date);
// Tags: 1..128 bytes of [A-Za-z0-9._-], not all digits, not "HEAD".
absl::Status ValidateTagName(std::string_view tag);

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_VALIDATE_H_
