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

// The runtime stubs assembled in `code`, with the entry trampoline and the
// host adapter at these labels (runtime_stubs.hpp).
struct RuntimeStubCode;
RuntimeStubCode take_runtime_stub_code(asmjit::CodeHolder& code, asmjit::Label entry, asmjit::Label host_adapter);

// For a backend that writes instructions into the assembler's buffer
// itself (as asmjit's own writer does): makes room for `n` bytes at the
// current offset and returns where they go. Throws std::runtime_error.
uint8_t* grow_assembler_buffer(asmjit::BaseAssembler& a, size_t n);

// The bytes up to `end` are written: the assembler's position and its
// section's size follow, as asmjit's own writer keeps them.
inline void commit_assembler_buffer(asmjit::BaseAssembler& a, uint8_t* end) {
  a._bufferPtr = end;
  asmjit::CodeBuffer& buffer = a._section->_buffer;
  auto size = static_cast<size_t>(end - a._bufferData);
  if (size > buffer._size) buffer._size = size;
}

}  // namespace detwasm::jit
