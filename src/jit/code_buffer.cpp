#include "jit/code_buffer.hpp"

#include <stdexcept>
#include <string>

namespace detwasm::jit {

namespace {
void check(asmjit::Error err, const char* what) {
  if (err) throw std::runtime_error(std::string(what) + ": " + asmjit::DebugUtils::errorAsString(err));
}
}  // namespace

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
