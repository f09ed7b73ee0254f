#include "jit/code_buffer.hpp"

#include <stdexcept>
#include <string>

namespace detwasm::jit {

std::vector<uint8_t> take_position_independent_code(asmjit::CodeHolder& code) {
  auto check = [](asmjit::Error err, const char* what) {
    if (err) throw std::runtime_error(std::string(what) + ": " + asmjit::DebugUtils::errorAsString(err));
  };
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
  std::vector<uint8_t> bytes(code.codeSize());
  check(code.copyFlattenedData(bytes.data(), bytes.size(), asmjit::CopySectionFlags::kPadSectionBuffer | asmjit::CopySectionFlags::kPadTargetBuffer),
        "copy code");
  return bytes;
}

}  // namespace detwasm::jit
