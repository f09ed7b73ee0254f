// From an asmjit CodeHolder to position-independent bytes.
#pragma once

#include <asmjit/core.h>

#include <cstdint>
#include <vector>

namespace detwasm::jit {

// Resolves every label, checks that nothing refers to an absolute address
// (so the bytes run wherever they are mapped and are identical on every
// compile) and returns the flattened code. Throws std::runtime_error.
std::vector<uint8_t> take_position_independent_code(asmjit::CodeHolder& code);

// The same in two steps, for a caller that has its own destination:
// resolve_position_independent returns the code's size, and
// copy_code writes exactly that many bytes to `dst`.
size_t resolve_position_independent(asmjit::CodeHolder& code);
void copy_code(asmjit::CodeHolder& code, uint8_t* dst, size_t size);

}  // namespace detwasm::jit
