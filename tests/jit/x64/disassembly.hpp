// x86-64 code as text, by binutils' objdump, for tests that read generated code.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace detwasm::jit {

// One line per instruction: "  1f:\tmov ...", without the raw bytes.
std::string disassemble(std::span<const uint8_t> code);

}  // namespace detwasm::jit
