// Reading input whose size the reader does not trust: a file, a pipe, a
// device or standard input. At most `limit` bytes are ever held; the first
// byte past it ends the read with an error that names the limit, so
// /dev/zero or an endless pipe is refused at once.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace detwasm::util {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message, bool too_large = false)
      : std::runtime_error(message), too_large_(too_large) {}
  bool too_large() const { return too_large_; }  // else it could not be read

 private:
  bool too_large_;
};

// Reads `path` ("-" is standard input). `what` names the limit in the error,
// such as "the module size limit (--max-module-size)". Throws InputError if
// the input cannot be read or holds more than `limit` bytes.
std::vector<uint8_t> read_bounded(const std::string& path, uint64_t limit, std::string_view what);

}  // namespace detwasm::util
