#include "tools/revisions.h"

#include <ctime>

#include "tools/cli_common.h"

namespace critgraph::cli {

absl::StatusOr<Revision> ResolveRevision(const DB& db,
                                         const std::string& name) {
  auto rev = db.Resolve(name);
  if (rev.ok()) return rev;
  if (rev.status().code() == absl::StatusCode::kNotFound &&
      rev.status().message().find(" was removed by gc on ") !=
          std::string_view::npos) {
    return rev.status();  // already names the revision, and what is left
  }
  if (rev.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("unknown revision '" + name + "' (head is " +
                               std::to_string(db.Head()) +
                               "): " + StatusText(rev.status()));
  }
  if (rev.status().code() == absl::StatusCode::kInvalidArgument) {
    return absl::InvalidArgumentError(
        "bad revision name '" + name +
        "' (a number, a tag, HEAD, HEAD~N or @YYYY-MM-DD): " +
        StatusText(rev.status()));
  }
  return rev.status();
}

std::string RevisionLabel(const DB& db, Revision rev) {
  std::string out = std::to_string(rev);
  auto info = db.GetRevision(rev);
  if (info.ok() && !info->tags.empty()) {
    out += " (";
    for (size_t i = 0; i < info->tags.size(); ++i) {
      if (i) out += ", ";
      out += info->tags[i];
    }
    out += ")";
  }
  return out;
}

std::string FormatTime(int64_t micros) {
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace critgraph::cli
