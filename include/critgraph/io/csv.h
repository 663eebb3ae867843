// RFC 4180 CSV reading and writing, plus the typed cells of critgraph's CSV
// format (docs/FORMATS.md, "CSV").
#ifndef CRITGRAPH_IO_CSV_H_
#define CRITGRAPH_IO_CSV_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/types.h"

namespace critgraph::io {

struct CsvField {
  std::string text;
  bool quoted = false;  // "" (quoted empty) is distinct from an empty cell
};

// Reads records one at a time with bounded memory (a record longer than
// `max_record_bytes` is an error). Accepts LF and CRLF line ends, quoted
// fields with embedded commas, quotes ("") and newlines.
class CsvReader {
 public:
  CsvReader(std::istream& in, size_t max_record_bytes);
  // False at end of input. InvalidArgument (without the file name) for a
  // malformed record: the message starts with "line N: ".
  absl::StatusOr<bool> Next(std::vector<CsvField>* record);
  // Line on which the last record returned started (1-based).
  uint64_t record_line() const { return record_line_; }
  uint64_t bytes_read() const { return bytes_; }

 private:
  std::streambuf* buf_;
  size_t max_;
  uint64_t line_ = 1;
  uint64_t record_line_ = 0;
  uint64_t bytes_ = 0;
  bool at_start_ = true;  // a UTF-8 BOM (Excel's "CSV UTF-8") is skipped
};

// Appends one field, quoted when needed (or when `force_quote`).
void AppendCsvField(std::string* out, std::string_view text,
                    bool force_quote = false);

// Property types of CSV header columns: "<name>:<type>".
enum class CsvType { kString, kInt64, kDouble, kBool, kStringList };
std::optional<CsvType> ParseCsvType(std::string_view type);
const char* CsvTypeName(CsvType t);
CsvType CsvTypeOf(const PropertyValue& v);

// Encodes a value for a cell; *force_quote is set for values that would
// otherwise read back as "absent" (the empty string, the empty list).
std::string EncodeCsvValue(const PropertyValue& v, bool* force_quote);
// Decodes a non-absent cell of the given type. InvalidArgument naming the
// problem.
absl::StatusOr<PropertyValue> DecodeCsvValue(const CsvField& cell, CsvType t);

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_CSV_H_
