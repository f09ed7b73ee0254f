#include "util/bounded_read.hpp"

#include <algorithm>
#include <cerrno>
#include <memory>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace detwasm::util {

namespace {

std::string name_of(const std::string& path) { return path == "-" ? "standard input" : path; }

[[noreturn]] void too_large(const std::string& path, uint64_t limit, std::string_view what) {
  throw InputError(name_of(path) + ": larger than " + std::string(what) + " of " + std::to_string(limit) + " bytes",
                   true);
}

struct Fd {
  int fd = -1;
  bool owned = false;
  ~Fd() {
    if (owned) ::close(fd);
  }
};

}  // namespace

std::vector<uint8_t> read_bounded(const std::string& path, uint64_t limit, std::string_view what) {
  Fd in;
  if (path == "-") {
    in.fd = STDIN_FILENO;
  } else {
    in.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    in.owned = in.fd >= 0;
  }
  if (in.fd < 0) throw InputError("cannot read " + name_of(path) + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(in.fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw InputError("cannot read " + name_of(path) + ": it is a directory");
    // A regular file says its size: no need to read one that is too large.
    if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > limit) too_large(path, limit, what);
  }
  // Chunks that are never zero-filled nor moved while the input grows; one
  // copy at the end, for an input within the limit.
  constexpr size_t kChunk = size_t{1} << 20;
  std::vector<std::unique_ptr<uint8_t[]>> chunks;
  uint64_t total = 0;
  size_t in_last = kChunk;
  for (;;) {
    if (in_last == kChunk) {
      chunks.emplace_back(new uint8_t[kChunk]);
      in_last = 0;
    }
    // Room for one byte past the limit, to see that it is passed.
    uint64_t left = limit - total;  // total <= limit here
    size_t want = std::min<uint64_t>(kChunk - in_last, left + (left < kChunk ? 1 : 0));
    ssize_t n = ::read(in.fd, chunks.back().get() + in_last, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError("cannot read " + name_of(path) + ": " + std::strerror(errno));
    if (n == 0) break;
    in_last += static_cast<size_t>(n);
    total += static_cast<uint64_t>(n);
    if (total > limit) too_large(path, limit, what);
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(total));
  for (size_t i = 0; i < chunks.size(); ++i) {
    size_t n = i + 1 == chunks.size() ? in_last : kChunk;
    if (n > 0) std::memcpy(bytes.data() + i * kChunk, chunks[i].get(), n);  // an empty input has no data()
  }
  return bytes;
}

}  // namespace detwasm::util
