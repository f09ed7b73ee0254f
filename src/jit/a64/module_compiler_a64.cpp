// The AArch64 instantiation of the module compiler.
#include "jit/a64/masm_a64.hpp"
#include "jit/module_compiler_impl.hpp"

namespace detwasm::jit {

std::unique_ptr<ModuleCompiler::Backend> make_a64_module_compiler(const internal::ModuleDecls& module,
                                                                  const EngineConfig& config,
                                                                  util::WorkerPool* pool) {
  return std::make_unique<ModuleCompilerImpl<a64::A64MacroAssembler>>(module, config, pool);
}

}  // namespace detwasm::jit
