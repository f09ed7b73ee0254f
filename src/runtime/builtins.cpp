#include "runtime/builtins.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <vector>

#include "runtime/call_out.hpp"
#include "runtime/instantiate.hpp"

namespace detwasm::internal {

namespace {

using jit::encode_trap;
using jit::VmContext;

constexpr uint32_t kGrowFailed = 0xFFFFFFFFu;

InstanceData& instance_of(VmContext* ctx) { return *static_cast<InstanceData*>(ctx->instance); }
StoreImpl& store_of(VmContext* ctx) { return *instance_of(ctx).store; }

bool in_bounds(uint64_t start, uint64_t n, uint64_t size) { return start + n <= size; }

// memory.grow and table.grow have no trap result, and Wasm lets a growth
// fail whatever the reason: any failure is the failed growth.
template <typename Grow>
uint32_t grow_at_boundary(Grow&& grow) noexcept {
  try {
    std::optional<uint32_t> old = grow();
    return old ? *old : kGrowFailed;
  } catch (...) {
    return kGrowFailed;
  }
}

uint32_t builtin_memory_grow(VmContext* ctx, uint32_t delta) noexcept {
  return grow_at_boundary([&] {
    InstanceData& inst = instance_of(ctx);
    return grow_memory(*inst.memories[0], delta, inst.store->limits());
  });
}

uint32_t builtin_memory_fill(VmContext* ctx, uint32_t dst, uint32_t value, uint32_t n) noexcept {
  return status_at_boundary(store_of(ctx), "memory.fill", [&] {
    jit::MemoryView& m = *ctx->memory0;
    if (!in_bounds(dst, n, m.size)) return encode_trap(TrapKind::MemoryOutOfBounds);
    std::memset(m.base + dst, static_cast<uint8_t>(value), n);
    return 0u;
  });
}

uint32_t builtin_memory_copy(VmContext* ctx, uint32_t dst, uint32_t src, uint32_t n) noexcept {
  return status_at_boundary(store_of(ctx), "memory.copy", [&] {
    jit::MemoryView& m = *ctx->memory0;
    if (!in_bounds(dst, n, m.size) || !in_bounds(src, n, m.size)) return encode_trap(TrapKind::MemoryOutOfBounds);
    std::memmove(m.base + dst, m.base + src, n);
    return 0u;
  });
}

uint32_t builtin_memory_init(VmContext* ctx, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n) noexcept {
  return status_at_boundary(store_of(ctx), "memory.init", [&] {
    InstanceData& inst = instance_of(ctx);
    const DataSegment& ds = inst.module->datas[seg];
    uint64_t len = inst.data_dropped[seg] ? 0 : ds.bytes_size;
    const LinearMemory& mem = inst.memories[0]->memory;
    if (!in_bounds(src, n, len) || !in_bounds(dst, n, mem.size_bytes()))
      return encode_trap(TrapKind::MemoryOutOfBounds);
    if (n) std::copy_n(inst.module->bytes.data() + ds.bytes_offset + src, n, mem.base() + dst);
    return 0u;
  });
}

uint32_t builtin_data_drop(VmContext* ctx, uint32_t seg) noexcept {
  instance_of(ctx).data_dropped[seg] = true;
  return 0;
}

uint32_t builtin_table_grow(VmContext* ctx, uint32_t table, uint64_t init, uint32_t delta) noexcept {
  return grow_at_boundary([&] { return grow_table(*instance_of(ctx).tables[table], delta, init); });
}

uint32_t builtin_table_fill(VmContext* ctx, uint32_t table, uint32_t dst, uint64_t value, uint32_t n) noexcept {
  return status_at_boundary(store_of(ctx), "table.fill", [&] {
    jit::TableView& t = *ctx->tables[table];
    if (!in_bounds(dst, n, t.size)) return encode_trap(TrapKind::TableOutOfBounds);
    std::fill_n(t.elements + dst, n, reinterpret_cast<jit::JitFuncRef*>(value));
    return 0u;
  });
}

uint32_t builtin_table_copy(VmContext* ctx, uint32_t dst_table, uint32_t src_table, uint32_t dst, uint32_t src,
                            uint32_t n) noexcept {
  return status_at_boundary(store_of(ctx), "table.copy", [&] {
    jit::TableView& d = *ctx->tables[dst_table];
    jit::TableView& s = *ctx->tables[src_table];
    if (!in_bounds(dst, n, d.size) || !in_bounds(src, n, s.size)) return encode_trap(TrapKind::TableOutOfBounds);
    // An empty table has no element array at all: copy nothing from nothing.
    if (n != 0) std::memmove(d.elements + dst, s.elements + src, n * sizeof(jit::JitFuncRef*));
    return 0u;
  });
}

uint32_t builtin_table_init(VmContext* ctx, uint32_t table, uint32_t seg, uint32_t dst, uint32_t src,
                            uint32_t n) noexcept {
  return status_at_boundary(store_of(ctx), "table.init", [&] {
    InstanceData& inst = instance_of(ctx);
    const std::vector<uint64_t>& items = inst.elem_segments[seg];
    TableInst& t = *inst.tables[table];
    if (!in_bounds(src, n, items.size()) || !in_bounds(dst, n, t.elems.size()))
      return encode_trap(TrapKind::TableOutOfBounds);
    std::copy_n(items.begin() + src, n, t.elems.begin() + dst);
    return 0u;
  });
}

uint32_t builtin_elem_drop(VmContext* ctx, uint32_t seg) noexcept {
  // Swapping with an empty vector frees the elements and cannot throw.
  std::vector<uint64_t>().swap(instance_of(ctx).elem_segments[seg]);
  return 0;
}

// Only a function that cannot throw may go into the table.
template <typename R, typename... Args>
const void* entry(R (*f)(Args...) noexcept) {
  return reinterpret_cast<const void*>(f);
}

}  // namespace

const void* const* builtin_table() {
  static const auto table = [] {
    std::array<const void*, static_cast<size_t>(jit::Builtin::Count)> t{};
    auto set = [&t](jit::Builtin b, const void* f) { t[static_cast<size_t>(b)] = f; };
    set(jit::Builtin::MemoryGrow, entry(&builtin_memory_grow));
    set(jit::Builtin::MemoryFill, entry(&builtin_memory_fill));
    set(jit::Builtin::MemoryCopy, entry(&builtin_memory_copy));
    set(jit::Builtin::MemoryInit, entry(&builtin_memory_init));
    set(jit::Builtin::DataDrop, entry(&builtin_data_drop));
    set(jit::Builtin::TableGrow, entry(&builtin_table_grow));
    set(jit::Builtin::TableFill, entry(&builtin_table_fill));
    set(jit::Builtin::TableCopy, entry(&builtin_table_copy));
    set(jit::Builtin::TableInit, entry(&builtin_table_init));
    set(jit::Builtin::ElemDrop, entry(&builtin_elem_drop));
    return t;
  }();
  return table.data();
}

}  // namespace detwasm::internal
