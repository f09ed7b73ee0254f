// Little-endian fixed-width encoding for artifacts: a writer that appends,
// and a reader that checks every read against the end of its input and
// throws ArtifactError (Malformed) instead of reading past it.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <detwasm/errors.hpp>

namespace detwasm::artifact {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { put(v); }
  void u32(uint32_t v) { put(v); }
  void u64(uint64_t v) { put(v); }
  void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  // Trivially copyable values as they lie in memory (little-endian hosts).
  template <typename T>
  void array(std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T> && std::endian::native == std::endian::little);
    auto p = reinterpret_cast<const uint8_t*>(values.data());
    out_.insert(out_.end(), p, p + values.size_bytes());
  }
  void string(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  // A count that the reader bounds by the bytes left (each element takes at
  // least one byte).
  void count(size_t n) { u32(static_cast<uint32_t>(n)); }
  size_t size() const { return out_.size(); }
  std::vector<uint8_t>& buffer() { return out_; }

 private:
  template <typename T>
  void put(T v) {
    uint8_t b[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    out_.insert(out_.end(), b, b + sizeof(T));
  }
  std::vector<uint8_t> out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> in) : in_(in) {}
  uint8_t u8() { return get<uint8_t>(); }
  uint16_t u16() { return get<uint16_t>(); }
  uint32_t u32() { return get<uint32_t>(); }
  uint64_t u64() { return get<uint64_t>(); }
  std::span<const uint8_t> bytes(size_t n) {
    need(n);
    auto s = in_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  // `n` values written by ByteWriter::array.
  template <typename T>
  std::vector<T> array(size_t n) {
    static_assert(std::is_trivially_copyable_v<T> && std::endian::native == std::endian::little);
    if (n > left() / sizeof(T)) malformed("an array larger than the artifact");
    std::vector<T> out(n);
    if (n) std::memcpy(out.data(), in_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return out;
  }
  std::string string() {
    auto b = bytes(u32());
    return std::string(b.begin(), b.end());
  }
  // A count of elements of at least `min_bytes` each: never more than the
  // bytes left could hold, so a damaged count cannot make a huge allocation.
  uint32_t count(size_t min_bytes = 1) {
    uint32_t n = u32();
    if (n > left() / (min_bytes ? min_bytes : 1)) malformed("a count larger than the artifact");
    return n;
  }
  size_t left() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }
  [[noreturn]] void malformed(const std::string& what) const {
    throw ArtifactError(ArtifactError::Reason::Malformed, what + " at byte " + std::to_string(pos_));
  }

 private:
  void need(size_t n) const {
    if (n > left()) malformed("unexpected end");
  }
  template <typename T>
  T get() {
    need(sizeof(T));
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(static_cast<T>(in_[pos_ + i]) << (8 * i));
    pos_ += sizeof(T);
    return v;
  }
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
};

// Checks over whole arrays, written in fixed-size blocks without early exit
// so that the compiler vectorizes them at -O2: a large module's tables hold
// tens of thousands of entries.

// Whether `v` is strictly increasing and every value is below `limit`.
inline bool strictly_increasing_below(std::span<const uint32_t> v, uint64_t limit) {
  if (v.empty()) return true;
  if (v.back() >= limit) return false;
  const uint32_t* p = v.data();
  size_t n = v.size() - 1, i = 0;
  uint32_t bad = 0;
  for (; i + 16 <= n; i += 16)
    for (size_t j = 0; j < 16; ++j) bad |= p[i + j] >= p[i + j + 1];
  for (; i < n; ++i) bad |= p[i] >= p[i + 1];
  return bad == 0;
}

// The largest byte of `v` (0 for none).
inline uint8_t largest_byte(std::span<const uint8_t> v) {
  const uint8_t* p = v.data();
  size_t n = v.size(), i = 0;
  uint8_t m = 0;
  for (; i + 32 <= n; i += 32)
    for (size_t j = 0; j < 32; ++j) m = p[i + j] > m ? p[i + j] : m;
  for (; i < n; ++i) m = p[i] > m ? p[i] : m;
  return m;
}

}  // namespace detwasm::artifact
