// Compiled code -> Wasm: for each call and each out-of-line trap call, the
// module offset of the Wasm operator it was compiled from (a faulting
// access carries its own, in its trap site). A trap's frames
// look their pcs up here, so they report the same offsets as the
// interpreter. Emitted in the compiler's single pass, one entry per site.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace detwasm::jit {

// `code_offset` is of the last byte of a call: its return address less
// one, which is what a frame walk has. A faulting access's trap site is its
// first byte, so the two tables never hold the same offset.
struct SourcePos {
  uint32_t code_offset;
  uint32_t module_offset;
  bool operator==(const SourcePos&) const = default;
};

// A module's entries, sorted by code offset.
class SourceMap {
 public:
  SourceMap() = default;
  explicit SourceMap(std::vector<SourcePos> entries) : entries_(std::move(entries)) {}
  std::optional<uint32_t> module_offset_at(uint32_t code_offset) const {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), code_offset,
                               [](const SourcePos& p, uint32_t at) { return p.code_offset < at; });
    if (it == entries_.end() || it->code_offset != code_offset) return std::nullopt;
    return it->module_offset;
  }
  std::span<const SourcePos> entries() const { return entries_; }

 private:
  std::vector<SourcePos> entries_;
};

}  // namespace detwasm::jit
