#include "jit/module_compiler.hpp"


namespace detwasm::jit {

ModuleCompiler::ModuleCompiler(const internal::ModuleDecls& module, const EngineConfig& config,
                               util::WorkerPool* pool) {
  switch (config.target.arch) {
    case Arch::X86_64: backend_ = make_x64_module_compiler(module, config, pool); break;
    case Arch::AArch64: backend_ = make_a64_module_compiler(module, config, pool); break;
  }
}

ModuleCompiler::~ModuleCompiler() = default;

void ModuleCompiler::expect_code_bytes(uint64_t n) { backend_->expect_code_bytes(n); }

void ModuleCompiler::compile_function(internal::DefinedFuncIdx f, const uint8_t* body, const uint8_t* body_end,
                                      uint64_t body_offset) {
  backend_->compile_function(f, body, body_end, body_offset);
}

uint64_t ModuleCompiler::finish_bodies() { return backend_->finish_bodies(); }

void ModuleCompiler::throw_earlier_body_error(uint64_t offset) { backend_->throw_earlier_body_error(offset); }

CompiledCode ModuleCompiler::finish() { return backend_->finish(); }

std::shared_ptr<LoadedCode> ModuleCompiler::finish_loaded() { return backend_->finish_loaded(); }

CompiledCode compile_module(const internal::ModuleDecls& module, const EngineConfig& config, util::WorkerPool* pool) {
  ModuleCompiler compiler(module, config, pool);
  uint64_t code_bytes = 0;
  for (const internal::FunctionDef& def : module.functions) code_bytes += def.body_size;
  compiler.expect_code_bytes(code_bytes);
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    const internal::FunctionDef& def = module.functions[i];
    const uint8_t* body = module.bytes.data() + def.body_offset;
    compiler.compile_function(internal::DefinedFuncIdx{i}, body, body + def.body_size, def.body_offset);
  }
  compiler.finish_bodies();
  return compiler.finish();
}

}  // namespace detwasm::jit
