#include "critgraph/io/csv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "io/export_view.h"

namespace critgraph::io {

CsvReader::CsvReader(std::istream& in, size_t max_record_bytes)
    : buf_(in.rdbuf()), max_(max_record_bytes) {}

absl::StatusOr<bool> CsvReader::Next(std::vector<CsvField>* record) {
  record->clear();
  using Traits = std::char_traits<char>;
  int c = buf_->sgetc();
  if (c == Traits::eof()) return false;
  record_line_ = line_;
  size_t size = 0;
  CsvField field;
  if (at_start_) {
    at_start_ = false;
    // EF BB BF: a byte order mark, which Excel writes first. Bytes that
    // start like one but are not (EF BD B1 is a katakana) stay text.
    static constexpr unsigned char kBom[] = {0xEF, 0xBB, 0xBF};
    size_t matched = 0;
    while (matched < 3 && buf_->sgetc() == kBom[matched]) {
      field.text.push_back(static_cast<char>(buf_->sbumpc()));
      ++matched;
      ++bytes_;
    }
    if (matched == 3) field.text.clear();
    size = field.text.size();
    if (buf_->sgetc() == Traits::eof() && matched == 3) return false;
  }
  auto too_long = [&] {
    return absl::InvalidArgumentError("line " + std::to_string(record_line_) +
                                      ": record is longer than " +
                                      std::to_string(max_) + " bytes");
  };
  for (;;) {
    c = buf_->sbumpc();
    if (c == Traits::eof()) {
      record->push_back(std::move(field));
      return true;
    }
    ++bytes_;
    if (++size > max_) return too_long();
    char ch = static_cast<char>(c);
    if (ch == '"' && field.text.empty() && !field.quoted) {
      field.quoted = true;
      // Quoted field: read to the closing quote.
      for (;;) {
        int q = buf_->sbumpc();
        if (q == Traits::eof()) {
          return absl::InvalidArgumentError(
              "line " + std::to_string(record_line_) +
              ": unterminated quoted field (is the file truncated?)");
        }
        ++bytes_;
        if (++size > max_) return too_long();
        if (q == '\n') ++line_;
        if (q == '"') {
          if (buf_->sgetc() == '"') {
            buf_->sbumpc();
            ++bytes_;
            field.text.push_back('"');
            continue;
          }
          break;
        }
        field.text.push_back(static_cast<char>(q));
      }
      int next = buf_->sgetc();
      if (next != ',' && next != '\n' && next != '\r' &&
          next != Traits::eof()) {
        return absl::InvalidArgumentError(
            "line " + std::to_string(line_) +
            ": unexpected character after a closing quote");
      }
      continue;
    }
    if (ch == ',') {
      record->push_back(std::move(field));
      field = CsvField();
      continue;
    }
    if (ch == '\r' && buf_->sgetc() == '\n') continue;
    if (ch == '\n') {
      ++line_;
      record->push_back(std::move(field));
      return true;
    }
    if (field.quoted) {
      return absl::InvalidArgumentError(
          "line " + std::to_string(line_) +
          ": unexpected character after a closing quote");
    }
    if (ch == '"') {
      return absl::InvalidArgumentError(
          "line " + std::to_string(line_) +
          ": a quote inside an unquoted field (quote the field and double "
          "the quote)");
    }
    field.text.push_back(ch);
  }
}

void AppendCsvField(std::string* out, std::string_view text, bool force_quote) {
  // A plain loop, not find_first_of: that calls memchr over the four
  // characters for every byte, and export writes every cell through here.
  bool quote = force_quote;
  for (size_t i = 0; !quote && i < text.size(); ++i) {
    const char c = text[i];
    quote = c == ',' || c == '"' || c == '\r' || c == '\n';
  }
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  size_t run = 0;  // start of the text not yet written
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    out->append(text.substr(run, i + 1 - run));
    out->push_back('"');  // a quote is written twice
    run = i + 1;
  }
  out->append(text.substr(run));
  out->push_back('"');
}

std::optional<CsvType> ParseCsvType(std::string_view type) {
  if (type == "string") return CsvType::kString;
  if (type == "int64") return CsvType::kInt64;
  if (type == "double") return CsvType::kDouble;
  if (type == "bool") return CsvType::kBool;
  if (type == "string[]") return CsvType::kStringList;
  return std::nullopt;
}

// Same shape as GraphmlType: these are the CSV header spellings that
// ParseCsvType reads back, while GraphML has its own attr.type words.
const char* CsvTypeName(CsvType t) {
  switch (t) {
    case CsvType::kString:
      return "string";
    case CsvType::kInt64:
      return "int64";
    case CsvType::kDouble:
      return "double";
    case CsvType::kBool:
      return "bool";
    case CsvType::kStringList:
      return "string[]";
  }
  return "string";
}

CsvType CsvTypeOf(const PropertyValue& v) {
  return static_cast<CsvType>(v.index());
}

// The cell as export writes it (io/export_view.h).
std::string EncodeCsvValue(const PropertyValue& v, bool* force_quote) {
  ElementViews views;
  ScalarBuffer scalar;
  std::string list;
  const CsvCell cell = CsvCellOf(views.Of(v), &scalar, &list);
  *force_quote = cell.force_quote;
  return std::string(cell.text);
}

absl::StatusOr<PropertyValue> DecodeCsvValue(const CsvField& cell, CsvType t) {
  const std::string& s = cell.text;
  switch (t) {
    case CsvType::kString:
      return PropertyValue(s);
    case CsvType::kInt64: {
      int64_t v = 0;
      if (s.empty() || s[0] == '+' || !absl::SimpleAtoi(s, &v)) {
        return absl::InvalidArgumentError("'" + s + "' is not an int64");
      }
      return PropertyValue(v);
    }
    case CsvType::kDouble: {
      errno = 0;
      char* end = nullptr;
      double d = s.empty() ? 0 : std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(d) ||
          std::isspace(static_cast<unsigned char>(s[0]))) {
        return absl::InvalidArgumentError("'" + s + "' is not a double");
      }
      return PropertyValue(d);
    }
    case CsvType::kBool:
      if (s == "true") return PropertyValue(true);
      if (s == "false") return PropertyValue(false);
      return absl::InvalidArgumentError("'" + s +
                                        "' is not a bool (true or false)");
    case CsvType::kStringList: {
      std::vector<std::string> list;
      if (s.empty()) return PropertyValue(list);
      if (s == "\\e") return PropertyValue(std::vector<std::string>{""});
      std::string cur;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\') {
          if (i + 1 >= s.size() || (s[i + 1] != ';' && s[i + 1] != '\\')) {
            return absl::InvalidArgumentError("bad escape in string[] value '" +
                                              s + "' (use \\; or \\\\)");
          }
          cur.push_back(s[++i]);
        } else if (s[i] == ';') {
          list.push_back(std::move(cur));
          cur.clear();
        } else {
          cur.push_back(s[i]);
        }
      }
      list.push_back(std::move(cur));
      return PropertyValue(std::move(list));
    }
  }
  return absl::InternalError("bad type");
}

}  // namespace critgraph::io
