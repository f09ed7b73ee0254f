// Machine code as text, by binutils' objdump (x86-64) or
// aarch64-linux-gnu-objdump (AArch64), for tests that read generated code.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <detwasm/target.hpp>

namespace detwasm::jit {

// One line per instruction: "  1f:\tmov ...", without the raw bytes.
std::string disassemble(std::span<const uint8_t> code, Arch arch = Arch::X86_64);

}  // namespace detwasm::jit
