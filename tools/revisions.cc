#include "tools/revisions.h"

#include <ctime>

#include "critgraph/draft.h"
#include "tools/cli_common.h"

namespace critgraph::cli {

absl::StatusOr<Revision> ResolveRevision(const DB& db,
                                         const std::string& name) {
  if (DraftName(name)) {
    return absl::InvalidArgumentError(
        "'" + name +
        "' is a draft; this command reads revisions of the main history "
        "(drafts are read by show, export, find, reach, path, reach-diff, "
        "diff and crosswalk)");
  }
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

absl::StatusOr<std::unique_ptr<Snapshot>> SnapshotAt(const DB& db,
                                                     const std::string& name) {
  if (DraftName(name)) return db.GetSnapshot(name);
  auto rev = ResolveRevision(db, name);
  if (!rev.ok()) return rev.status();
  return db.GetSnapshot(*rev);
}

std::string AtLabel(const DB& db, const std::string& name, Revision rev) {
  if (DraftName(name)) {
    return name + " (draft revision " + std::to_string(rev) + ")";
  }
  return RevisionLabel(db, rev);
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
