#include "jit/code_buffer.hpp"

#include <stdexcept>
#include <string>

#include "jit/runtime_stubs.hpp"

namespace detwasm::jit {

namespace {
void check(asmjit::Error err, const char* what) {
  if (err) throw std::runtime_error(std::string(what) + ": " + asmjit::DebugUtils::errorAsString(err));
}
}  // namespace

RuntimeStubCode take_runtime_stub_code(asmjit::CodeHolder& code, asmjit::Label entry, asmjit::Label host_adapter) {
  RuntimeStubCode out;
  out.bytes = take_position_independent_code(code);
  out.entry_offset = static_cast<uint32_t>(code.labelOffsetFromBase(entry));
  out.host_adapter_offset = static_cast<uint32_t>(code.labelOffsetFromBase(host_adapter));
  return out;
}

uint8_t* grow_assembler_buffer(asmjit::BaseAssembler& a, size_t n) {
  size_t at = a.offset();
  asmjit::CodeBuffer& buffer = a._section->_buffer;
  check(a.code()->growBuffer(&buffer, n + (at > buffer.size() ? at - buffer.size() : 0)), "assembler buffer");
  // Point the assembler at the grown buffer, as asmjit's own writer does.
  a._bufferData = buffer.data();
  a._bufferEnd = buffer.data() + buffer.capacity();
  a._bufferPtr = buffer.data() + at;
  return a._bufferPtr;
}

size_t resolve_position_independent(asmjit::CodeHolder& code) {
  check(code.flatten(), "flatten");
  check(code.resolveUnresolvedLinks(), "resolve labels");
  if (code.hasUnresolvedLinks()) throw std::runtime_error("code refers to an unbound label");
  for (const asmjit::RelocEntry* r : code.relocEntries()) {
    // Label differences (jump tables) are position independent; anything
    // else would bake an address into the code.
    if (r->relocType() != asmjit::RelocType::kExpression && r->relocType() != asmjit::RelocType::kNone)
      throw std::runtime_error("code is not position independent");
  }
  check(code.relocateToBase(0), "relocate");
  return code.codeSize();
}

void copy_code(asmjit::CodeHolder& code, uint8_t* dst, size_t size) {
  check(code.copyFlattenedData(dst, size, asmjit::CopySectionFlags::kPadSectionBuffer | asmjit::CopySectionFlags::kPadTargetBuffer),
        "copy code");
}

std::vector<uint8_t> take_position_independent_code(asmjit::CodeHolder& code) {
  std::vector<uint8_t> bytes(resolve_position_independent(code));
  copy_code(code, bytes.data(), bytes.size());
  return bytes;
}

}  // namespace detwasm::jit
