// Parsing of revision names: "7", "HEAD", "HEAD~2", "@2024-02-12", "a-tag".
#ifndef CRITGRAPH_STORAGE_REVISION_NAME_H_
#define CRITGRAPH_STORAGE_REVISION_NAME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace critgraph::storage {

struct RevisionName {
  enum class Form { kNumber, kHead, kDate, kTag };
  Form form = Form::kHead;
  uint64_t number = 0;  // kNumber: the revision; kHead: N of HEAD~N
  std::string text;     // kDate: YYYY-MM-DD; kTag: the tag
};

// Pure syntax: InvalidArgument for a malformed name. Whether it names an
// existing revision is DBImpl::Resolve's job.
absl::StatusOr<RevisionName> ParseRevisionName(std::string_view name);

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_REVISION_NAME_H_
