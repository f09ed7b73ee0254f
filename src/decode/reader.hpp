// Bounds-checked reading of the Wasm binary format. Every failure throws a
// ModuleError carrying the absolute byte offset in the module.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include <detwasm/errors.hpp>
#include <detwasm/types.hpp>

#include "util/leb128.hpp"

namespace detwasm::internal {

[[noreturn]] inline void throw_malformed(uint64_t offset, const std::string& msg) {
  throw ModuleError(ModuleError::Kind::Malformed, offset, msg);
}
[[noreturn]] inline void throw_invalid(uint64_t offset, const std::string& msg) {
  throw ModuleError(ModuleError::Kind::Invalid, offset, msg);
}
[[noreturn]] inline void throw_limit(uint64_t offset, const std::string& msg) {
  throw ModuleError(ModuleError::Kind::LimitExceeded, offset, msg);
}
[[noreturn]] inline void throw_unsupported(uint64_t offset, const std::string& msg) {
  throw ModuleError(ModuleError::Kind::Unsupported, offset, msg);
}

class Reader {
 public:
  // `base_offset` is the module offset of `begin`, for error messages.
  Reader(const uint8_t* begin, const uint8_t* end, uint64_t base_offset)
      : begin_(begin), p_(begin), end_(end), base_(base_offset) {}

  uint64_t offset() const { return base_ + static_cast<uint64_t>(p_ - begin_); }
  const uint8_t* pos() const { return p_; }
  const uint8_t* end() const { return end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool at_end() const { return p_ == end_; }

  uint8_t u8() {
    if (p_ >= end_) throw_malformed(offset(), "unexpected end");
    return *p_++;
  }
  uint8_t peek_u8() const {
    if (p_ >= end_) throw_malformed(offset(), "unexpected end");
    return *p_;
  }

  uint32_t u32() { return leb<uint32_t>(); }
  int32_t s32() { return leb<int32_t>(); }
  int64_t s64() { return leb<int64_t>(); }
  uint64_t u64() { return leb<uint64_t>(); }

  uint32_t fixed_u32() {
    need(4);
    uint32_t v;
    std::memcpy(&v, p_, 4);
    p_ += 4;
    return v;
  }
  uint64_t fixed_u64() {
    need(8);
    uint64_t v;
    std::memcpy(&v, p_, 8);
    p_ += 8;
    return v;
  }

  const uint8_t* bytes(size_t n) {
    need(n);
    const uint8_t* r = p_;
    p_ += n;
    return r;
  }

  void skip(size_t n) { bytes(n); }

  // A vector count, checked against the configured limit and against the
  // bytes left (each element takes at least `min_elem_size` bytes), before
  // anything is allocated for it.
  uint32_t count(uint32_t limit, const char* what, size_t min_elem_size = 1) {
    uint64_t at = offset();
    uint32_t n = u32();
    if (n > limit) throw_limit(at, std::string("too many ") + what + " (" + std::to_string(n) + ")");
    if (min_elem_size && static_cast<uint64_t>(n) * min_elem_size > remaining())
      throw_malformed(at, std::string("length out of bounds: ") + what + " count exceeds the bytes left");
    return n;
  }

  std::string name() {
    uint64_t at = offset();
    uint32_t len = u32();
    if (len > remaining()) throw_malformed(at, "length out of bounds: unexpected end");
    const char* s = reinterpret_cast<const char*>(bytes(len));
    if (!valid_utf8(reinterpret_cast<const uint8_t*>(s), len)) throw_malformed(at, "malformed UTF-8 encoding");
    return std::string(s, len);
  }

  static bool valid_utf8(const uint8_t* s, size_t n);

 private:
  template <typename T>
  T leb() {
    // Most immediates fit one byte: decode those here, inline.
    if constexpr (sizeof(T) >= 2) {
      if (p_ < end_ && !(*p_ & 0x80)) [[likely]] {
        uint8_t b = *p_++;
        if constexpr (std::is_signed_v<T>) return static_cast<T>(static_cast<int8_t>(b << 1) >> 1);
        else return static_cast<T>(b);
      }
    }
    return leb_slow<T>();
  }
  template <typename T>
  [[gnu::noinline]] T leb_slow() {
    auto d = leb128::decode<T>(p_, end_);
    switch (d.status) {
      case leb128::Status::Ok:
        p_ += d.length;
        return d.value;
      case leb128::Status::Truncated:
        throw_malformed(offset() + d.length, "unexpected end");
      case leb128::Status::TooLong:
        throw_malformed(offset(), "integer representation too long");
      case leb128::Status::BadUnusedBits:
        throw_malformed(offset(), "integer too large");
    }
    throw_malformed(offset(), "bad LEB128");
  }
  void need(size_t n) const {
    if (remaining() < n) throw_malformed(offset(), "unexpected end");
  }

  const uint8_t* begin_;
  const uint8_t* p_;
  const uint8_t* end_;
  uint64_t base_;
};

inline bool Reader::valid_utf8(const uint8_t* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace detwasm::internal
