#include "critgraph/io/fd_stream.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace critgraph::io {

FdInputBuf::FdInputBuf(int fd, const std::atomic<bool>* cancel)
    : fd_(fd), cancel_(cancel), buf_(size_t{1} << 16) {
  setg(buf_.data(), buf_.data(), buf_.data());
}

std::streamsize FdInputBuf::ReadSome(char* dst, std::streamsize n) {
  if (interrupted_) return 0;
  for (;;) {
    ssize_t got = ::read(fd_, dst, static_cast<size_t>(n));
    if (got >= 0) return got;
    if (errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "read");
    }
    if (cancel_ != nullptr && cancel_->load()) {
      interrupted_ = true;
      return 0;
    }
  }
}

FdInputBuf::int_type FdInputBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  std::streamsize got =
      ReadSome(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  if (got <= 0) return traits_type::eof();
  setg(buf_.data(), buf_.data(), buf_.data() + got);
  return traits_type::to_int_type(*gptr());
}

// What is buffered, else one read(2) straight into `s`: a short count means
// "this is what there is now", not end of input.
std::streamsize FdInputBuf::xsgetn(char* s, std::streamsize n) {
  std::streamsize avail = egptr() - gptr();
  if (avail > 0) {
    std::streamsize k = avail < n ? avail : n;
    std::memcpy(s, gptr(), static_cast<size_t>(k));
    gbump(static_cast<int>(k));
    return k;
  }
  return n > 0 ? ReadSome(s, n) : 0;
}

}  // namespace critgraph::io
