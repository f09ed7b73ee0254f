// Compiles the functions of a module into one position-independent code
// buffer for the build's target, one body at a time (so a streaming decoder
// can hand each body over as soon as it is complete).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <detwasm/config.hpp>

#include "jit/loaded_code.hpp"
#include "jit/trap_handler.hpp"
#include "module/module_data.hpp"

namespace detwasm::jit {

struct CompiledCode {
  std::vector<uint8_t> code;            // position independent
  std::vector<uint32_t> func_offsets;   // entry of each defined function
  std::vector<TrapSite> trap_sites;     // faulting instructions (memory accesses)
};

class ModuleCompiler {
 public:
  // `module` must have its type, import, function, table, memory and global
  // sections decoded; it must outlive the compiler.
  ModuleCompiler(const internal::ModuleData& module, const ResourceLimits& limits);
  ~ModuleCompiler();
  ModuleCompiler(const ModuleCompiler&) = delete;
  ModuleCompiler& operator=(const ModuleCompiler&) = delete;

  // Validates and compiles defined function `defined_index`, whose body is
  // [body, body_end) at module offset `body_offset`. Throws ModuleError.
  // Returns the offset of the body's first memory.init or data.drop when the
  // module has no data count section (UINT64_MAX otherwise): the verdict on
  // it waits for the end of the module (BodyDecoder::data_use_without_count).
  uint64_t compile_function(uint32_t defined_index, const uint8_t* body, const uint8_t* body_end,
                            uint64_t body_offset);
  // A hint: the code section holds about `n` bytes of bodies.
  void expect_code_bytes(uint64_t n);
  // Once every function is compiled. Throws std::runtime_error on an
  // assembler failure.
  CompiledCode finish();
  // The same, mapped executable without an intermediate copy.
  std::shared_ptr<LoadedCode> finish_loaded();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Every defined function of a fully decoded module.
CompiledCode compile_module(const internal::ModuleData& module, const ResourceLimits& limits);

}  // namespace detwasm::jit
