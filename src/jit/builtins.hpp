// Builtins (abi.hpp) that need nothing but the views a VmContext points at.
// The runtime supplies the others (growth and segments involve its objects).
#pragma once

#include <cstdint>

#include "jit/abi.hpp"

namespace detwasm::jit {

uint32_t builtin_memory_fill(VmContext* ctx, uint32_t dst, uint32_t value, uint32_t n);
uint32_t builtin_memory_copy(VmContext* ctx, uint32_t dst, uint32_t src, uint32_t n);
uint32_t builtin_table_fill(VmContext* ctx, uint32_t table, uint32_t dst, uint64_t value, uint32_t n);
uint32_t builtin_table_copy(VmContext* ctx, uint32_t dst_table, uint32_t src_table, uint32_t dst, uint32_t src,
                            uint32_t n);

}  // namespace detwasm::jit
