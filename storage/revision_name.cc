#include "storage/revision_name.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "storage/validate.h"
#include "util/str_cat.h"

namespace critgraph::storage {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<RevisionName> ParseRevisionName(std::string_view name) {
  RevisionName out;
  if (name == "HEAD") {
    out.form = RevisionName::Form::kHead;
    return out;
  }
  if (name.substr(0, 5) == "HEAD~") {
    std::string_view n = name.substr(5);
    if (!AllDigits(n) ||
        !absl::SimpleAtoi(absl::string_view(n.data(), n.size()), &out.number)) {
      return absl::InvalidArgumentError(
          StrCat("malformed revision name '", name, "': expected HEAD~N"));
    }
    out.form = RevisionName::Form::kHead;
    return out;
  }
  if (!name.empty() && name[0] == '@') {
    if (auto st = ValidateDate(name.substr(1)); !st.ok()) {
      return absl::InvalidArgumentError(
          StrCat("malformed revision name: ", st.message()));
    }
    out.form = RevisionName::Form::kDate;
    out.text = std::string(name.substr(1));
    return out;
  }
  if (AllDigits(name)) {
    if (!absl::SimpleAtoi(absl::string_view(name.data(), name.size()),
                          &out.number)) {
      return absl::InvalidArgumentError(
          StrCat("revision number '", name, "' is out of range"));
    }
    out.form = RevisionName::Form::kNumber;
    return out;
  }
  if (auto st = ValidateTagName(name); !st.ok()) {
    return absl::InvalidArgumentError(StrCat(
        "malformed revision name: expected a number, a tag, HEAD, HEAD~N or "
        "@YYYY-MM-DD; ",
        st.message()));
  }
  out.form = RevisionName::Form::kTag;
  out.text = std::string(name);
  return out;
}

}  // namespace critgraph::storage
