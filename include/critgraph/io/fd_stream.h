// A std::streambuf reading a file descriptor with read(2), one call at a
// time, so a line-by-line reader sees data as soon as it arrives (pipes,
// FIFOs, a terminal) and a signal can interrupt a blocking read.
#ifndef CRITGRAPH_IO_FD_STREAM_H_
#define CRITGRAPH_IO_FD_STREAM_H_

#include <atomic>
#include <streambuf>
#include <system_error>
#include <vector>

namespace critgraph::io {

class FdInputBuf : public std::streambuf {
 public:
  // Does not take ownership of `fd`. A read interrupted by a signal (EINTR)
  // is retried unless *cancel is true: then the buffer reports end of input
  // and interrupted() is true. A read error throws std::system_error (an
  // std::istream turns it into badbit; LineReader into a read error).
  explicit FdInputBuf(int fd, const std::atomic<bool>* cancel = nullptr);

  bool interrupted() const { return interrupted_; }

 protected:
  int_type underflow() override;
  std::streamsize xsgetn(char* s, std::streamsize n) override;

 private:
  // One read(2) into [dst, dst + n): bytes read, 0 at end or when
  // interrupted.
  std::streamsize ReadSome(char* dst, std::streamsize n);

  int fd_;
  const std::atomic<bool>* cancel_;
  std::vector<char> buf_;
  bool interrupted_ = false;
};

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_FD_STREAM_H_
