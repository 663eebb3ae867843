#include "io/line_reader.h"

#include <cstring>

namespace critgraph::io {

namespace {
constexpr size_t kChunk = size_t{1} << 20;
}

LineReader::LineReader(std::istream& in, size_t max_line_bytes)
    : in_(in), max_(max_line_bytes), buf_(kChunk, '\0') {}

bool LineReader::Fill() {
  if (eof_) return false;
  // sgetn, not istream::read: a short count is what a pipe has now, not
  // the end; 0 is the end.
  std::streamsize got = 0;
  try {
    got = in_.rdbuf()->sgetn(buf_.data(),
                             static_cast<std::streamsize>(buf_.size()));
  } catch (...) {
    error_ = true;
  }
  len_ = got > 0 ? static_cast<size_t>(got) : 0;
  pos_ = 0;
  bytes_read_ += len_;
  if (len_ == 0) eof_ = true;
  return len_ > 0;
}

LineReader::Result LineReader::Next(std::string* line) {
  line->clear();
  bool too_long = false;
  bool any = false;
  unterminated_ = false;
  for (;;) {
    if (pos_ >= len_) {
      if (!Fill()) {
        if (error_ || in_.bad()) return Result::kError;
        if (!any) return Result::kEnd;
        ++line_number_;
        unterminated_ = true;
        break;
      }
    }
    any = true;
    const char* start = buf_.data() + pos_;
    const void* nl = std::memchr(start, '\n', len_ - pos_);
    size_t n = nl ? static_cast<const char*>(nl) - start : len_ - pos_;
    if (!too_long) {
      if (line->size() + n > max_ + 1) {  // +1: room for a trailing '\r'
        too_long = true;
        line->clear();
        line->shrink_to_fit();
      } else {
        line->append(start, n);
      }
    }
    pos_ += n;
    if (nl) {
      ++pos_;
      ++line_number_;
      break;
    }
  }
  if (!too_long && !line->empty() && line->back() == '\r') line->pop_back();
  if (!too_long && line->size() > max_) too_long = true;
  if (too_long) {
    line->clear();
    return Result::kTooLong;
  }
  return Result::kLine;
}

}  // namespace critgraph::io
