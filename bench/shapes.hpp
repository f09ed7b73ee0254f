// Generated modules of one shape each, at a requested size: plain arithmetic
// (the baseline) and shapes that are hostile to a singlepass compiler. Each is
// valid under the default resource limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <detwasm/config.hpp>

namespace detwasm::bench {

struct Shape {
  std::string_view name;
  std::string_view what;
  // A module of about `target_bytes` (at least that, overshooting by at most
  // one function), within `limits`.
  std::vector<uint8_t> (*generate)(size_t target_bytes, const ResourceLimits& limits);
};

// Every shape, the baseline first.
std::span<const Shape> shapes();
constexpr std::string_view kBaselineShape = "plain";
inline const Shape& baseline_shape() { return shapes().front(); }

}  // namespace detwasm::bench
