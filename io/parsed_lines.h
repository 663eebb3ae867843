// The lines of a change stream, read and parsed: either on the calling
// thread (any stream) or a bounded distance ahead on a second thread (a
// regular file), so that parsing overlaps the transaction's staging and
// spills. Both give the importer the same sequence of ParsedLine values.
#ifndef CRITGRAPH_IO_PARSED_LINES_H_
#define CRITGRAPH_IO_PARSED_LINES_H_

#include <atomic>
#include <cstdint>
#include <istream>
#include <memory>

#include "absl/status/statusor.h"
#include "critgraph/io/change_stream.h"

namespace critgraph::io::internal {

struct ParsedLine {
  enum class Kind : uint8_t {
    kOp,         // `op` holds the parsed op or the parse error
    kTooLong,    // longer than kMaxChangeLineBytes; skipped
    kReadError,  // the stream failed; nothing follows
    kEnd,        // end of stream; nothing follows
  };
  Kind kind = Kind::kEnd;
  uint64_t line_number = 0;   // 1-based; of the last line read at kEnd/error
  uint64_t bytes_read = 0;    // of the stream, after this line
  bool unterminated = false;  // the line had no newline (the last one)
  absl::StatusOr<ChangeOp> op = ChangeOp{};
};

// A source of parsed lines. Blank lines are skipped. Not thread-safe: one
// consumer.
class ParsedLines {
 public:
  virtual ~ParsedLines() = default;
  // The next line; after kEnd or kReadError, keeps returning that.
  virtual const ParsedLine& Next() = 0;
};

// Reads and parses on the caller's thread.
std::unique_ptr<ParsedLines> ParseInline(std::istream& in);

// Reads and parses on a second thread, at most a few batches (of up to 1024
// lines or 4 MiB of line text each) ahead of the consumer, so memory stays
// bounded whatever the file size. Only for streams whose reads return
// promptly (regular files): the destructor waits for a read in progress.
// The reader stops early once `cancel` (may be null) is set; the consumer
// is expected to check `cancel` itself before each line it handles.
std::unique_ptr<ParsedLines> ParseAhead(std::istream& in,
                                        const std::atomic<bool>* cancel);

}  // namespace critgraph::io::internal

#endif  // CRITGRAPH_IO_PARSED_LINES_H_
