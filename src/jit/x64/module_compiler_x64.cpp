// The x86-64 instantiation of the module compiler.
#include "jit/module_compiler_impl.hpp"
#include "jit/x64/masm_x64.hpp"

namespace detwasm::jit {

std::unique_ptr<ModuleCompiler::Backend> make_x64_module_compiler(const internal::ModuleDecls& module,
                                                                  const EngineConfig& config,
                                                                  util::WorkerPool* pool) {
  return std::make_unique<ModuleCompilerImpl<x64::X64MacroAssembler>>(module, config, pool);
}

}  // namespace detwasm::jit
