// The execution tiers this build offers, and what the JIT tells about the
// code it emits.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <detwasm/detwasm.hpp>

namespace detwasm::bench {

struct TierInfo {
  Tier tier;
  std::string_view name;  // "interp", "jit": the spelling of the CLI's --tier
  bool available;
  std::string unavailable_reason;
};

// Every tier, each tried once: an engine that rejects the tier, or cannot
// compile an empty module with it, marks it unavailable.
std::span<const TierInfo> tiers();

// Bytes of machine code emitted for `module`, when its tier emits any and
// the JIT exposes the figure (until then, nullopt).
std::optional<uint64_t> emitted_code_bytes(const Module& module);

}  // namespace detwasm::bench
