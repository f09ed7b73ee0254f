// Compiles the functions of a module into one position-independent code
// buffer for the configured target. Each function is compiled on its own
// (function_code.hpp): on the calling thread as its body arrives (so a
// streaming decoder can hand each body over as soon as it is complete), or,
// with compile_threads > 1 and a large enough code section, on the engine's
// workers. Then one link step places the functions in index order, adds the
// runtime tail and resolves the relocations. The bytes are the same for any
// number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <detwasm/config.hpp>

#include "jit/loaded_code.hpp"
#include "jit/trap_handler.hpp"
#include "module/module_decls.hpp"

namespace detwasm::util {
class WorkerPool;
}

namespace detwasm::jit {

struct CompiledCode {
  std::vector<uint8_t> code;            // position independent
  std::vector<uint32_t> func_offsets;   // outer entry of each defined function
  std::vector<TrapSite> trap_sites;     // faulting instructions (memory accesses)
  std::vector<SourcePos> sources;       // where each trap and call site came from
};

class ModuleCompiler {
 public:
  // `module` must have its type, import, function, table, memory and global
  // sections decoded; it and `config` must outlive the compiler. The code
  // meters with config.gas_schedule when config.metering. `pool` runs the
  // workers when config.compile_threads > 1; null compiles on the calling
  // thread.
  ModuleCompiler(const internal::ModuleDecls& module, const EngineConfig& config, util::WorkerPool* pool);
  ~ModuleCompiler();
  ModuleCompiler(const ModuleCompiler&) = delete;
  ModuleCompiler& operator=(const ModuleCompiler&) = delete;

  // A hint, before the first body: the code section holds about `n` bytes of
  // bodies. It sizes buffers and decides whether workers are worth waking.
  void expect_code_bytes(uint64_t n);
  // Validates and compiles defined function `f`, whose body is
  // [body, body_end) at module offset `body_offset` (copied if a worker
  // compiles it later). Throws the body's ModuleError here when it compiles
  // on the calling thread; a worker's is thrown by finish_bodies.
  void compile_function(internal::DefinedFuncIdx f, const uint8_t* body, const uint8_t* body_end,
                        uint64_t body_offset);
  // Waits for every body handed over and throws the ModuleError of the
  // first failing one in module order. Returns the offset of the earliest
  // memory.init or data.drop seen when the module has no data count section
  // (UINT64_MAX if none): the verdict on it waits for the end of the module
  // (BodyDecoder::data_use_without_count).
  uint64_t finish_bodies();
  // An error found at module offset `offset` is about to be thrown: if a
  // body before it failed, throws that body's error instead, as compiling
  // in order would have.
  void throw_earlier_body_error(uint64_t offset);
  // After finish_bodies. Throws std::runtime_error on an assembler failure.
  CompiledCode finish();
  // The same, mapped executable without an intermediate copy.
  std::shared_ptr<LoadedCode> finish_loaded();

  // What each target's instantiation of the compiler provides.
  class Backend {
   public:
    virtual ~Backend() = default;
    virtual void expect_code_bytes(uint64_t n) = 0;
    virtual void compile_function(internal::DefinedFuncIdx f, const uint8_t* body, const uint8_t* body_end,
                                  uint64_t body_offset) = 0;
    virtual uint64_t finish_bodies() = 0;
    virtual void throw_earlier_body_error(uint64_t offset) = 0;
    virtual CompiledCode finish() = 0;
    virtual std::shared_ptr<LoadedCode> finish_loaded() = 0;
  };

 private:
  std::unique_ptr<Backend> backend_;
};

// Every defined function of a fully decoded module.
CompiledCode compile_module(const internal::ModuleDecls& module, const EngineConfig& config,
                            util::WorkerPool* pool = nullptr);

// Each target's backend (x64/module_compiler_x64.cpp, a64/module_compiler_a64.cpp).
std::unique_ptr<ModuleCompiler::Backend> make_x64_module_compiler(const internal::ModuleDecls& module,
                                                                  const EngineConfig& config,
                                                                  util::WorkerPool* pool);
std::unique_ptr<ModuleCompiler::Backend> make_a64_module_compiler(const internal::ModuleDecls& module,
                                                                  const EngineConfig& config,
                                                                  util::WorkerPool* pool);

}  // namespace detwasm::jit
