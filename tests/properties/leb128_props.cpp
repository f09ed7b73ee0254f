// LEB128 as the Wasm binary format reads it: round trips, and rejection of
// encodings that are too long or whose unused bits are wrong.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <type_traits>
#include <vector>

#include "util/leb128.hpp"

namespace detwasm::test {
namespace {

using leb128::Status;

template <typename T>
constexpr unsigned kMaxBytes = (sizeof(T) * 8 + 6) / 7;

// An encoding of `v` in exactly `k` bytes (k <= kMaxBytes<T>): the shortest
// one padded with continuation groups, which the format permits.
template <typename T>
std::vector<uint8_t> encode_padded(T v, unsigned k) {
  std::vector<uint8_t> out;
  for (unsigned i = 0; i < k; ++i) {
    // Arithmetic shift for signed T gives the sign-extension groups.
    auto group = static_cast<uint8_t>((v >> (7 * i)) & 0x7F);
    out.push_back(i + 1 < k ? (group | 0x80) : group);
  }
  return out;
}

template <typename T>
std::vector<uint8_t> encode_shortest(T v) {
  std::vector<uint8_t> out;
  leb128::encode<T>(out, v);
  return out;
}

template <typename T>
leb128::Decoded<T> decode(const std::vector<uint8_t>& bytes) {
  return leb128::decode<T>(bytes.data(), bytes.data() + bytes.size());
}

template <typename T>
void round_trip(T v) {
  auto bytes = encode_shortest(v);
  RC_ASSERT(bytes.size() <= kMaxBytes<T>);
  auto d = decode<T>(bytes);
  RC_ASSERT(d.status == Status::Ok);
  RC_ASSERT(d.value == v);
  RC_ASSERT(d.length == bytes.size());
  // Shortest: fewer bytes cannot hold v.
  for (unsigned k = 1; k < bytes.size(); ++k) RC_ASSERT(decode<T>(encode_padded(v, k)).value != v);
  RC_ASSERT(encode_padded(v, static_cast<unsigned>(bytes.size())) == bytes);
}

// Every padding up to the maximum length decodes to the same value; one byte
// more is too long.
template <typename T>
void padded(T v) {
  unsigned shortest = static_cast<unsigned>(encode_shortest(v).size());
  for (unsigned k = shortest; k <= kMaxBytes<T>; ++k) {
    auto bytes = encode_padded(v, k);
    bytes.push_back(0x55);  // trailing byte that must not be read
    auto d = decode<T>(bytes);
    RC_ASSERT(d.status == Status::Ok);
    RC_ASSERT(d.value == v);
    RC_ASSERT(d.length == k);
  }
  auto too_long = encode_padded(v, kMaxBytes<T>);
  too_long.back() |= 0x80;
  too_long.push_back(0x00);
  RC_ASSERT(decode<T>(too_long).status == Status::TooLong);
}

// In the last permitted byte, the bits beyond N must be zero (unsigned) or
// copies of the sign bit (signed). Flipping any of them is an error.
template <typename T>
void bad_unused_bits(T v, unsigned which) {
  constexpr unsigned kBits = sizeof(T) * 8;
  constexpr unsigned kUsed = kBits - 7 * (kMaxBytes<T> - 1);  // value bits in the last byte
  constexpr unsigned kUnused = 7 - kUsed;
  static_assert(kUnused > 0);
  auto bytes = encode_padded(v, kMaxBytes<T>);
  bytes.back() ^= static_cast<uint8_t>(1u << (kUsed + which % kUnused));
  RC_ASSERT(decode<T>(bytes).status == Status::BadUnusedBits);
}

template <typename T>
void truncated(T v, unsigned cut) {
  auto bytes = encode_padded(v, kMaxBytes<T>);
  bytes.resize(cut % bytes.size());  // every proper prefix, the empty one too
  RC_ASSERT(decode<T>(bytes).status == Status::Truncated);
}

// The decoder accepts exactly the canonical forms above: whatever it accepts
// from arbitrary bytes is the padded encoding of the value, of that length.
template <typename T>
void arbitrary_bytes(const std::vector<uint8_t>& bytes) {
  auto d = decode<T>(bytes);
  RC_ASSERT(d.length <= bytes.size());  // never reads past the end
  RC_ASSERT(d.length <= kMaxBytes<T>);
  if (d.status == Status::Ok) {
    std::vector<uint8_t> consumed(bytes.begin(), bytes.begin() + d.length);
    RC_ASSERT(encode_padded(d.value, d.length) == consumed);
  }
}

RC_GTEST_PROP(Leb128, RoundTripU32, (uint32_t v)) { round_trip(v); }
RC_GTEST_PROP(Leb128, RoundTripU64, (uint64_t v)) { round_trip(v); }
RC_GTEST_PROP(Leb128, RoundTripS32, (int32_t v)) { round_trip(v); }
RC_GTEST_PROP(Leb128, RoundTripS64, (int64_t v)) { round_trip(v); }

RC_GTEST_PROP(Leb128, PaddedU32, (uint32_t v)) { padded(v); }
RC_GTEST_PROP(Leb128, PaddedU64, (uint64_t v)) { padded(v); }
RC_GTEST_PROP(Leb128, PaddedS32, (int32_t v)) { padded(v); }
RC_GTEST_PROP(Leb128, PaddedS64, (int64_t v)) { padded(v); }

RC_GTEST_PROP(Leb128, BadUnusedBitsU32, (uint32_t v, unsigned which)) { bad_unused_bits(v, which); }
RC_GTEST_PROP(Leb128, BadUnusedBitsU64, (uint64_t v, unsigned which)) { bad_unused_bits(v, which); }
RC_GTEST_PROP(Leb128, BadUnusedBitsS32, (int32_t v, unsigned which)) { bad_unused_bits(v, which); }
RC_GTEST_PROP(Leb128, BadUnusedBitsS64, (int64_t v, unsigned which)) { bad_unused_bits(v, which); }

RC_GTEST_PROP(Leb128, TruncatedU32, (uint32_t v, unsigned cut)) { truncated(v, cut); }
RC_GTEST_PROP(Leb128, TruncatedS64, (int64_t v, unsigned cut)) { truncated(v, cut); }

RC_GTEST_PROP(Leb128, ArbitraryBytesU32, (const std::vector<uint8_t>& b)) { arbitrary_bytes<uint32_t>(b); }
RC_GTEST_PROP(Leb128, ArbitraryBytesU64, (const std::vector<uint8_t>& b)) { arbitrary_bytes<uint64_t>(b); }
RC_GTEST_PROP(Leb128, ArbitraryBytesS32, (const std::vector<uint8_t>& b)) { arbitrary_bytes<int32_t>(b); }
RC_GTEST_PROP(Leb128, ArbitraryBytesS64, (const std::vector<uint8_t>& b)) { arbitrary_bytes<int64_t>(b); }

// Fixed vectors beside the properties, so that a broken generator cannot hide a bug.
TEST(Leb128, KnownEncodings) {
  EXPECT_EQ(encode_shortest<uint32_t>(624485), (std::vector<uint8_t>{0xE5, 0x8E, 0x26}));
  EXPECT_EQ(encode_shortest<int32_t>(-123456), (std::vector<uint8_t>{0xC0, 0xBB, 0x78}));
  EXPECT_EQ(encode_shortest<int32_t>(64), (std::vector<uint8_t>{0xC0, 0x00}));
  EXPECT_EQ(encode_shortest<int32_t>(-65), (std::vector<uint8_t>{0xBF, 0x7F}));
  // u32 max in five bytes; a 0x1F last byte sets an unused bit.
  EXPECT_EQ(decode<uint32_t>({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}).value, 0xFFFFFFFFu);
  EXPECT_EQ(decode<uint32_t>({0xFF, 0xFF, 0xFF, 0xFF, 0x1F}).status, Status::BadUnusedBits);
  // s32: 0x7F in the fifth byte is -1's sign extension, 0x4F is not.
  EXPECT_EQ(decode<int32_t>({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}).value, -1);
  EXPECT_EQ(decode<int32_t>({0xFF, 0xFF, 0xFF, 0xFF, 0x4F}).status, Status::BadUnusedBits);
  EXPECT_EQ(decode<uint32_t>({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}).status, Status::TooLong);
  EXPECT_EQ(decode<uint64_t>({0x80}).status, Status::Truncated);
}

}  // namespace
}  // namespace detwasm::test
