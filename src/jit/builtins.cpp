#include "jit/builtins.hpp"

#include <algorithm>
#include <cstring>

namespace detwasm::jit {

namespace {
bool in_bounds(uint64_t start, uint64_t n, uint64_t size) { return start + n <= size; }
}  // namespace

uint32_t builtin_memory_fill(VmContext* ctx, uint32_t dst, uint32_t value, uint32_t n) {
  MemoryView& m = *ctx->memory0;
  if (!in_bounds(dst, n, m.size)) return encode_trap(TrapKind::MemoryOutOfBounds);
  std::memset(m.base + dst, static_cast<uint8_t>(value), n);
  return 0;
}

uint32_t builtin_memory_copy(VmContext* ctx, uint32_t dst, uint32_t src, uint32_t n) {
  MemoryView& m = *ctx->memory0;
  if (!in_bounds(dst, n, m.size) || !in_bounds(src, n, m.size)) return encode_trap(TrapKind::MemoryOutOfBounds);
  std::memmove(m.base + dst, m.base + src, n);
  return 0;
}

uint32_t builtin_table_fill(VmContext* ctx, uint32_t table, uint32_t dst, uint64_t value, uint32_t n) {
  TableView& t = *ctx->tables[table];
  if (!in_bounds(dst, n, t.size)) return encode_trap(TrapKind::TableOutOfBounds);
  std::fill_n(t.elements + dst, n, reinterpret_cast<JitFuncRef*>(value));
  return 0;
}

uint32_t builtin_table_copy(VmContext* ctx, uint32_t dst_table, uint32_t src_table, uint32_t dst, uint32_t src,
                            uint32_t n) {
  TableView& d = *ctx->tables[dst_table];
  TableView& s = *ctx->tables[src_table];
  if (!in_bounds(dst, n, d.size) || !in_bounds(src, n, s.size)) return encode_trap(TrapKind::TableOutOfBounds);
  // An empty table has no element array at all: copy nothing from nothing.
  if (n != 0) std::memmove(d.elements + dst, s.elements + src, n * sizeof(JitFuncRef*));
  return 0;
}

}  // namespace detwasm::jit
