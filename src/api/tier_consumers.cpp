// The consumers that prepare bodies to run: the interpreter's lowering and
// the JIT. A build without the compiler (DETWASM_HEADLESS) has
// tier_consumers_headless.cpp instead.
#include "api/body_consumers.hpp"
#include "api/in_order_bodies.hpp"
#include "interp/lowering.hpp"
#include "jit/loaded_code.hpp"
#include "jit/module_compiler.hpp"

namespace detwasm::internal {

namespace {

class InterpreterBodies final : public InOrderBodies<InterpLowering> {
 public:
  explicit InterpreterBodies(const EngineConfig& config)
      : InOrderBodies(config.limits), gas_(config.metering ? &config.gas_schedule : nullptr) {}

  void begin_code(ModuleData& m, uint64_t code_bytes) override {
    (void)code_bytes;
    m.code.interp.resize(m.functions.size());
  }

  void on_body(ModuleData& m, DefinedFuncIdx f, const uint8_t* begin, const uint8_t* end,
               uint64_t offset) override {
    InterpLowering lowering(m, m.code.interp[f.value]);
    decode(m, f, lowering, gas_, begin, end, offset);
  }

 private:
  const GasSchedule* gas_;  // null: unmetered
};

// Compiles each body as it arrives, on this thread or the pool's (see
// jit::ModuleCompiler), and links the module's code once it is valid.
class JitBodies final : public BodyConsumer {
 public:
  JitBodies(const EngineConfig& config, util::WorkerPool* pool) : config_(config), pool_(pool) {}

  void begin_code(ModuleData& m, uint64_t code_bytes) override { compiler(m).expect_code_bytes(code_bytes); }

  void on_body(ModuleData& m, DefinedFuncIdx f, const uint8_t* begin, const uint8_t* end,
               uint64_t offset) override {
    // The compiler runs the same body decoder with itself as the consumer.
    // The interpreter's facts (locals, stack cost) are not needed: compiled
    // code charges the stack budget itself.
    compiler(m).compile_function(f, begin, end, offset);
  }

  uint64_t finish_bodies() override { return compiler_ ? compiler_->finish_bodies() : UINT64_MAX; }

  void throw_earlier_body_error(uint64_t offset) override {
    if (compiler_) compiler_->throw_earlier_body_error(offset);
  }

  void finish_module(ModuleData& m) override {
    m.code.jit = compiler(m).finish_loaded();
    compiler_.reset();
  }

 private:
  // Made once the sections before the code section are decoded: at the code
  // section, or at the end for a module without one (it still gets code).
  jit::ModuleCompiler& compiler(const ModuleDecls& m) {
    if (!compiler_) compiler_ = std::make_unique<jit::ModuleCompiler>(m, config_, pool_);
    return *compiler_;
  }

  const EngineConfig& config_;
  util::WorkerPool* pool_;
  std::unique_ptr<jit::ModuleCompiler> compiler_;
};

}  // namespace

std::unique_ptr<BodyConsumer> make_tier_consumer(const EngineConfig& config, util::WorkerPool* pool) {
  if (config.tier == Tier::Jit) return std::make_unique<JitBodies>(config, pool);
  return std::make_unique<InterpreterBodies>(config);
}

}  // namespace detwasm::internal
