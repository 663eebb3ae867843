#include "storage/validate.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "critgraph/options.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::storage {
namespace {

// Shows a possibly long or binary value in an error message.
std::string Quote(std::string_view s) {
  std::string out = "'";
  size_t n = 0;
  for (unsigned char c : s) {
    if (++n > 80) {
      StrAppend(&out, "...");
      break;
    }
    if (c < 0x20 || c == 0x7f) {
      StrAppend(&out, "\\x", absl::Hex(c, absl::kZeroPad2));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('\'');
  return out;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p < len) return false;
    for (int i = 1; i < len; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    p += len;
  }
  return true;
}

absl::Status ValidateKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("empty key");
  if (key.size() > kMaxKeyBytes) {
    return absl::InvalidArgumentError(
        StrCat("key ", Quote(key), " is ", key.size(),
               " bytes; the maximum is ", kMaxKeyBytes));
  }
  if (!IsValidUtf8(key)) {
    return absl::InvalidArgumentError(
        StrCat("key ", Quote(key), " is not valid UTF-8"));
  }
  for (unsigned char c : key) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          StrCat("key ", Quote(key), " contains a control character"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTypeName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= kMaxTypeNameBytes &&
            absl::ascii_islower(name[0]);
  for (char c : name) {
    ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_');
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        StrCat("invalid kind or edge type name ", Quote(name),
               ": use 1-64 characters [a-z0-9_], starting with a letter"));
  }
  return absl::OkStatus();
}

absl::Status ValidateProperties(const Properties& props,
                                std::string_view owner) {
  for (const auto& [prop_name, value] : props) {
    // A named reference: lambdas cannot capture structured bindings (C++17).
    const std::string& name = prop_name;
    if (name.empty() || name.size() > 256 || !IsValidUtf8(name)) {
      return absl::InvalidArgumentError(
          StrCat(owner, ": invalid property name ", Quote(name),
                 " (1-256 bytes of valid UTF-8)"));
    }
    auto check_string = [&](const std::string& s) -> absl::Status {
      if (s.size() > kMaxPropertyBytes) {
        return absl::InvalidArgumentError(
            StrCat(owner, ": property '", name, "' is ", s.size(),
                   " bytes; the maximum is ", kMaxPropertyBytes));
      }
      if (!IsValidUtf8(s)) {
        return absl::InvalidArgumentError(
            StrCat(owner, ": property '", name, "' is not valid UTF-8"));
      }
      return absl::OkStatus();
    };
    if (const auto* s = std::get_if<std::string>(&value)) {
      RETURN_IF_ERROR(check_string(*s));
    } else if (const auto* d = std::get_if<double>(&value)) {
      if (!std::isfinite(*d)) {
        return absl::InvalidArgumentError(
            StrCat(owner, ": property '", name, "' is ",
                   std::isnan(*d) ? "NaN" : "infinite",
                   "; a double property must be a finite number"));
      }
    } else if (const auto* l = std::get_if<std::vector<std::string>>(&value)) {
      size_t total = 0;
      for (const auto& s : *l) {
        RETURN_IF_ERROR(check_string(s));
        total += s.size();
      }
      if (total > kMaxPropertyBytes) {
        return absl::InvalidArgumentError(
            StrCat(owner, ": property '", name, "' is ", total,
                   " bytes; the maximum is ", kMaxPropertyBytes));
      }
    }
  }
  return absl::OkStatus();
}

// The name checks look like check_string above but carry their own limit
// (kMaxNameBytes) and wording that names the language tag.
absl::Status ValidateNodeContent(const Node& node) {
  RETURN_IF_ERROR(ValidateKey(node.key));
  const std::string owner = StrCat("node '", node.key, "'");
  size_t total = node.key.size();
  for (const auto& [lang, text] : node.names) {
    bool ok = !lang.empty() && lang.size() <= 35;
    for (char c : lang) ok = ok && (absl::ascii_isalnum(c) || c == '-');
    if (!ok) {
      return absl::InvalidArgumentError(
          StrCat(owner, ": invalid language tag ", Quote(lang),
                 " (1-35 characters [A-Za-z0-9-])"));
    }
    if (text.size() > kMaxNameBytes) {
      return absl::InvalidArgumentError(
          StrCat(owner, ": name '", lang, "' is ", text.size(),
                 " bytes; the maximum is ", kMaxNameBytes));
    }
    if (!IsValidUtf8(text)) {
      return absl::InvalidArgumentError(
          StrCat(owner, ": name '", lang, "' is not valid UTF-8"));
    }
    total += lang.size() + text.size();
  }
  RETURN_IF_ERROR(ValidateProperties(node.props, owner));
  if (total > kMaxRecordBytes) {
    return absl::InvalidArgumentError(StrCat(
        owner, " exceeds the record limit of ", kMaxRecordBytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status ValidateDate(std::string_view d) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        StrCat("invalid date ", Quote(d), ": expected YYYY-MM-DD"));
  };
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return bad();
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(d[i])) return bad();
  }
  int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 +
          (d[3] - '0');
  int m = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || day < 1 || day > kDays[m - 1]) return bad();
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && day == 29 && !leap) return bad();
  return absl::OkStatus();
}

absl::Status ValidateTagName(std::string_view tag) {
  bool ok = !tag.empty() && tag.size() <= 128 && tag != "HEAD";
  bool all_digits = true;
  for (char c : tag) {
    ok = ok && (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-');
    all_digits = all_digits && absl::ascii_isdigit(c);
  }
  if (!ok || all_digits) {
    return absl::InvalidArgumentError(StrCat(
        "invalid tag name ", Quote(tag),
        ": use 1-128 characters [A-Za-z0-9._-], not all digits, not HEAD"));
  }
  return absl::OkStatus();
}

}  // namespace critgraph::storage
