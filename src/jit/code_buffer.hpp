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

}  // namespace detwasm::jit
