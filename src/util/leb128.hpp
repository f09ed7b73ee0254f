// LEB128 reading and writing, checked as the Wasm binary format requires:
// at most ceil(N/7) bytes, and unused bits of the last byte must be zero
// (unsigned) or a sign extension (signed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

namespace detwasm::leb128 {

enum class Status : uint8_t { Ok, Truncated, TooLong, BadUnusedBits };

template <typename T>
struct Decoded {
  T value = 0;
  uint32_t length = 0;  // bytes consumed
  Status status = Status::Ok;
};

// Decodes an N-bit LEB128 (N = bits of T; signedness from T) from [p, end).
template <typename T>
Decoded<T> decode(const uint8_t* p, const uint8_t* end) {
  using U = std::make_unsigned_t<T>;
  constexpr unsigned kBits = sizeof(T) * 8;
  constexpr unsigned kMaxBytes = (kBits + 6) / 7;
  U result = 0;
  unsigned shift = 0;
  for (unsigned i = 0; i < kMaxBytes; ++i) {
    if (p + i >= end) return {0, i, Status::Truncated};
    uint8_t byte = p[i];
    if (i == kMaxBytes - 1) {
      // Last permitted byte: continuation bit must be clear, and the bits
      // beyond N must be zero (unsigned) or copies of the sign bit (signed).
      if (byte & 0x80) return {0, i + 1, Status::TooLong};
      unsigned used = kBits - shift;  // bits of this byte that carry value
      uint8_t extra = static_cast<uint8_t>(byte & 0x7F) >> used;
      if constexpr (std::is_signed_v<T>) {
        bool sign = (byte >> (used - 1)) & 1;
        uint8_t expect = sign ? static_cast<uint8_t>(0x7F >> used) : 0;
        if (extra != expect) return {0, i + 1, Status::BadUnusedBits};
      } else {
        if (extra != 0) return {0, i + 1, Status::BadUnusedBits};
      }
    }
    result |= static_cast<U>(byte & 0x7F) << shift;
    shift += 7;
    if (!(byte & 0x80)) {
      if constexpr (std::is_signed_v<T>) {
        if (shift < kBits && (byte & 0x40)) result |= ~U(0) << shift;
      }
      return {static_cast<T>(result), i + 1, Status::Ok};
    }
  }
  return {0, kMaxBytes, Status::TooLong};  // unreachable: last byte handled above
}

// Appends the shortest encoding of `value`.
template <typename T>
void encode(std::vector<uint8_t>& out, T value) {
  if constexpr (std::is_signed_v<T>) {
    int64_t v = value;
    while (true) {
      uint8_t byte = v & 0x7F;
      v >>= 7;  // arithmetic shift
      bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
      out.push_back(done ? byte : (byte | 0x80));
      if (done) return;
    }
  } else {
    uint64_t v = value;
    do {
      uint8_t byte = v & 0x7F;
      v >>= 7;
      out.push_back(v ? (byte | 0x80) : byte);
    } while (v);
  }
}

}  // namespace detwasm::leb128
