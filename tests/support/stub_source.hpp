// The source file that keeps a target's runtime stubs as bytes
// (src/jit/<target>/runtime_stubs_<target>_code.cpp), as the RuntimeStubs
// tests write it when blessed.
#pragma once

#include <cstdio>
#include <sstream>
#include <string>

#include "jit/runtime_stubs.hpp"

namespace detwasm::jit {

inline std::string stub_code_source(const RuntimeStubCode& code, const std::string& target) {
  std::ostringstream out;
  out << "// Generated from stubs_" << target
      << ".cpp by the RuntimeStubs test (DETWASM_BLESS=1); do not edit.\n"
         "#include \"jit/runtime_stubs.hpp\"\n\n"
         "namespace detwasm::jit {\n\n"
         "namespace {\n"
         "constexpr uint8_t kBytes[] = {";
  for (size_t i = 0; i < code.bytes.size(); ++i) {
    if (i % 12 == 0) out << "\n   ";
    char hex[8];
    std::snprintf(hex, sizeof hex, " 0x%02x,", code.bytes[i]);
    out << hex;
  }
  out << "\n};\n}  // namespace\n\n"
      << "PrebuiltStubs prebuilt_" << target << "_runtime_stubs() { return {kBytes, " << code.entry_offset << ", "
      << code.host_adapter_offset << "}; }\n\n"
      << "}  // namespace detwasm::jit\n";
  return out.str();
}

}  // namespace detwasm::jit
