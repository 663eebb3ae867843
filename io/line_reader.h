// Reads a stream line by line with bounded memory: a line longer than the
// limit is skipped up to its newline (never held whole) and reported.
#ifndef CRITGRAPH_IO_LINE_READER_H_
#define CRITGRAPH_IO_LINE_READER_H_

#include <cstdint>
#include <istream>
#include <string>

namespace critgraph::io {

class LineReader {
 public:
  enum class Result { kLine, kTooLong, kEnd, kError };

  // `max_line_bytes`: longest accepted line, without its newline.
  LineReader(std::istream& in, size_t max_line_bytes);

  // Reads the next line into *line (without "\n" or a trailing "\r").
  // kTooLong: the line exceeded the limit; it was skipped, *line is empty.
  // kEnd at end of stream; kError on a read error.
  Result Next(std::string* line);

  uint64_t line_number() const { return line_number_; }  // 1-based
  uint64_t bytes_read() const { return bytes_read_; }
  // True if the last line returned had no terminating newline.
  bool last_line_unterminated() const { return unterminated_; }

 private:
  bool Fill();

  std::istream& in_;
  size_t max_;
  std::string buf_;
  size_t pos_ = 0;
  size_t len_ = 0;
  bool eof_ = false;
  bool error_ = false;
  uint64_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
  bool unterminated_ = false;
};

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_LINE_READER_H_
