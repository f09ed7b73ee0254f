// Damage to an artifact, every way of one kind: for tests that each single
// flipped bit and each truncation is refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <detwasm/errors.hpp>

namespace detwasm::test {

// How many of the artifact's single-bit flips and of its truncations
// (every shorter prefix) `load` accepts instead of throwing ArtifactError.
// `load` must throw ArtifactError for what it refuses.
template <typename Load>
size_t accepted_damage(std::vector<uint8_t> bytes, Load load) {
  size_t accepted = 0;
  auto try_load = [&](std::span<const uint8_t> b) {
    try {
      load(b);
      ++accepted;
    } catch (const ArtifactError&) {
    }
  };
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
#ifdef DETWASM_TESTS_UNDER_EMULATOR
      // Emulated, a load of compiled code costs some 30 times more: one
      // bit of each byte, cycling with the byte; every bit natively.
      if (bit != static_cast<int>(i % 8)) continue;
#endif
      bytes[i] ^= static_cast<uint8_t>(1 << bit);
      try_load(bytes);
      bytes[i] ^= static_cast<uint8_t>(1 << bit);
    }
  }
  for (size_t n = 0; n < bytes.size(); ++n) try_load(std::span(bytes).first(n));
  return accepted;
}

}  // namespace detwasm::test
