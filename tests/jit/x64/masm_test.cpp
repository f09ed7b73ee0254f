// The x86-64 MacroAssembler and the entry path, with hand-assembled functions
// that follow the frame layout of abi.hpp.
#include <gtest/gtest.h>

#include <bit>
#include <cfenv>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <tuple>
#include <xmmintrin.h>

#include "jit/numeric_lowering.hpp"
#include "jit/runtime_stubs.hpp"
#include "jit/x64/masm_x64.hpp"
#include "x64/jit_test_runtime.hpp"

namespace detwasm::jit {
namespace {

using jit::LoadedCode;
using testing::TestRuntime;
using x64::X64MacroAssembler;

constexpr Reg rax = gpr(0), rcx = gpr(1), rdx = gpr(2), rbx = gpr(3), rsi = gpr(6);
constexpr Reg xmm0 = fpr(0), xmm1 = fpr(1);

// Hand-assembled functions in one module, linked as the module compiler
// links them: each function on its own, then the runtime tail, then the
// relocations resolved.
class MasmModule {
 public:
  explicit MasmModule(Target target = Target::host()) {
    X64MacroAssembler::init_code(code_);
    m_ = std::make_unique<X64MacroAssembler>(code_, target);
  }

  // Emits a function with `params` + `results` area slots; `body` sees the
  // area size K and may use `declared` locals and `operands` operand slots.
  Label function(uint32_t params, uint32_t results, const std::function<void(X64MacroAssembler&, uint32_t)>& body,
                 uint32_t declared = 0, uint32_t operands = 0) {
    Label entry = begin();
    FramePatch patch = m_->enter_function(declared,
                                          static_cast<uint32_t>(functions_.size()));
    body(*m_, std::max(params, results));
    m_->leave_function(patch);
    m_->finish_function();
    m_->patch_frame(patch, frame::kFixedBytesBelowFp + 8 * (declared + operands),
                    kFrameOverheadSlots + params + declared + operands);
    end(entry);
    return entry;
  }

  // A function by hand: begin() gives its entry, end() takes it back.
  Label begin() {
    m_->begin_function_code();
    Label entry = m_->new_label();
    m_->bind(entry);
    return entry;
  }
  void end(Label entry) { functions_.push_back(m_->end_function_code(entry)); }

  std::unique_ptr<LoadedCode> load() {
    // Functions stay where they were emitted; the tail follows them.
    TailCode tail = m_->emit_tail(gas_costs_);
    std::vector<uint8_t> bytes(code_.textSection()->data(), code_.textSection()->data() + tail.start + tail.size);
    auto symbol = [&](Symbol s) -> uint32_t {
      switch (s.kind) {
        case Symbol::Kind::FunctionBody: return functions_.at(s.index).start;
        case Symbol::Kind::TrapStub: return tail.start + tail.trap_stubs.at(s.index);
        case Symbol::Kind::BuiltinTrap: return tail.start + tail.builtin_trap;
        case Symbol::Kind::GasThunk: break;
      }
      ADD_FAILURE() << "no gas thunks in these tests";
      return 0;
    };
    std::vector<uint32_t> offsets;
    std::vector<TrapSite> sites;
    for (const FunctionCode& f : functions_) {
      for (const Relocation& r : f.relocations) X64MacroAssembler::apply_relocation(bytes.data(), f.start + r.at, symbol(r.target));
      offsets.push_back(f.start + f.outer_entry);
      for (TrapSite t : f.trap_sites) sites.push_back({f.start + t.offset, t.kind});
    }
    return std::make_unique<LoadedCode>(bytes, offsets, sites, std::vector<SourcePos>{});
  }

  asmjit::CodeHolder code_;
  std::unique_ptr<X64MacroAssembler> m_;
  std::vector<FunctionCode> functions_;
  std::vector<uint32_t> gas_costs_;
};

class MasmTest : public ::testing::Test, public MasmModule {};

TEST_F(MasmTest, AddsTwoArguments) {
  function(2, 1, [](X64MacroAssembler& m, uint32_t k) {
    m.load_slot(ValType::I32, rax, frame::area_slot(k, 0));
    m.load_slot(ValType::I32, rcx, frame::area_slot(k, 1));
    m.int_binop(IntBinOp::Add, Width::W32, rax, rax, rcx);
    m.store_slot(ValType::I32, frame::area_slot(k, 0), rax);
  });
  auto code = load();
  TestRuntime rt;
  auto out = rt.run(code->memory.func_entry(0), {40, 2}, 1);
  ASSERT_FALSE(out.trap);
  EXPECT_EQ(static_cast<uint32_t>(out.results[0]), 42u);
  EXPECT_EQ(rt.exec.exit_sp, 0u);  // the entry gave back the trap exit
  EXPECT_EQ(rt.exec.stack_budget, 100000u);
}

TEST_F(MasmTest, ReturnsMoreResultsThanParameters) {
  function(1, 3, [](X64MacroAssembler& m, uint32_t k) {
    m.load_slot(ValType::I64, rax, frame::area_slot(k, 0));
    m.int_binop_imm(IntBinOp::Add, Width::W64, rcx, rax, 1);
    m.int_binop_imm(IntBinOp::Add, Width::W64, rdx, rax, 2);
    m.store_slot(ValType::I64, frame::area_slot(k, 1), rcx);
    m.store_slot(ValType::I64, frame::area_slot(k, 2), rdx);
  });
  auto code = load();
  TestRuntime rt;
  auto out = rt.run(code->memory.func_entry(0), {1ull << 40}, 3);
  ASSERT_FALSE(out.trap);
  EXPECT_EQ(out.results, (std::vector<uint64_t>{1ull << 40, (1ull << 40) + 1, (1ull << 40) + 2}));
}

TEST_F(MasmTest, DeclaredLocalsStartAtZero) {
  for (uint32_t declared : {3u, 20u}) {
    function(0, 1, [declared](X64MacroAssembler& m, uint32_t k) {
      // Sum of all declared locals, which must be zero.
      m.load_const(ValType::I64, rax, 0);
      for (uint32_t j = 0; j < declared; ++j) {
        m.load_slot(ValType::I64, rcx, frame::declared_local(j));
        m.int_binop(IntBinOp::Or, Width::W64, rax, rax, rcx);
      }
      m.store_slot(ValType::I64, frame::area_slot(k, 0), rax);
    }, declared);
  }
  // Dirty the stack first so zeroing is observable.
  function(0, 0, [](X64MacroAssembler& m, uint32_t) {
    m.load_const(ValType::I64, rax, ~0ull);
    for (uint32_t j = 0; j < 40; ++j) m.store_slot(ValType::I64, frame::declared_local(j), rax);
  }, 40);
  auto code = load();
  TestRuntime rt;
  for (uint32_t f = 0; f < 2; ++f) {
    rt.run(code->memory.func_entry(2), {}, 0);
    auto out = rt.run(code->memory.func_entry(f), {}, 1);
    ASSERT_FALSE(out.trap);
    EXPECT_EQ(out.results[0], 0u) << "function " << f;
  }
}

TEST_F(MasmTest, TrapStubReturnsTrapKindAndRestoresState) {
  function(0, 0, [](X64MacroAssembler& m, uint32_t) { m.jump(m.trap_label(TrapKind::Unreachable)); });
  auto code = load();
  TestRuntime rt;
  for (int i = 0; i < 3; ++i) {
    auto out = rt.run(code->memory.func_entry(0), {}, 0);
    ASSERT_TRUE(out.trap);
    EXPECT_EQ(*out.trap, TrapKind::Unreachable);
    EXPECT_EQ(rt.exec.exit_sp, 0u);
    EXPECT_EQ(rt.exec.stack_budget, 100000u);
  }
}

TEST_F(MasmTest, DirectCallsAndStackBudget) {
  // f(n) = n == 0 ? 0 : 1 + f(n - 1), with one operand slot for the argument.
  Label f = begin();
  FramePatch patch = m_->enter_function(0, 0);
  Label base_case = m_->new_label();
  int32_t arg = frame::area_slot(1, 0);
  int32_t slot0 = frame::operand_slot(0, 0);
  m_->load_slot(ValType::I32, rax, arg);
  m_->branch_int_imm(IntCond::Eq, Width::W32, rax, 0, base_case);
  m_->int_binop_imm(IntBinOp::Sub, Width::W32, rax, rax, 1);
  m_->store_slot(ValType::I32, slot0, rax);
  m_->call_direct(f, slot0);
  m_->load_slot(ValType::I32, rax, slot0);
  m_->int_binop_imm(IntBinOp::Add, Width::W32, rax, rax, 1);
  m_->store_slot(ValType::I32, arg, rax);
  m_->bind(base_case);
  m_->leave_function(patch);
  m_->finish_function();
  m_->patch_frame(patch, frame::kFixedBytesBelowFp + 8, kFrameOverheadSlots + 1 + 1);
  end(f);
  auto code = load();

  // Each activation costs 6 slots: 100 levels (101 activations) need 606.
  TestRuntime enough(606);
  auto out = enough.run(code->memory.func_entry(0), {100}, 1);
  ASSERT_FALSE(out.trap);
  EXPECT_EQ(static_cast<uint32_t>(out.results[0]), 100u);
  EXPECT_EQ(enough.exec.stack_budget, 606u);

  TestRuntime short_by_one(605);
  out = short_by_one.run(code->memory.func_entry(0), {100}, 1);
  ASSERT_TRUE(out.trap);
  EXPECT_EQ(*out.trap, TrapKind::StackExhausted);
  EXPECT_EQ(short_by_one.exec.stack_budget, 605u);
}

TEST_F(MasmTest, OutOfBoundsLoadTrapsThroughFaultHandler) {
  function(1, 1, [](X64MacroAssembler& m, uint32_t k) {
    m.reload_memory_base();
    m.load_slot(ValType::I32, rax, frame::area_slot(k, 0));
    m.load_memory(MemAccess{2, false, ValType::I32}, rcx, rax, 8);
    m.store_slot(ValType::I32, frame::area_slot(k, 0), rcx);
  });
  function(1, 0, [](X64MacroAssembler& m, uint32_t k) {
    m.reload_memory_base();
    m.load_slot(ValType::I32, rax, frame::area_slot(k, 0));
    m.load_const(ValType::I64, rcx, 0x1122334455667788);
    m.store_memory(MemAccess{3, false, ValType::I64}, rax, 0xFFFFFFFF, rcx);
  });
  auto code = load();
  TestRuntime rt;
  rt.add_memory(1);
  std::memcpy(rt.memory->view.base + 100 + 8, "\x2A\0\0\0", 4);
  auto out = rt.run(code->memory.func_entry(0), {100}, 1);
  ASSERT_FALSE(out.trap);
  EXPECT_EQ(static_cast<uint32_t>(out.results[0]), 42u);

  out = rt.run(code->memory.func_entry(0), {65536 - 12}, 1);  // last 4 bytes: in bounds
  EXPECT_FALSE(out.trap);
  out = rt.run(code->memory.func_entry(0), {65536 - 11}, 1);  // straddles the end
  ASSERT_TRUE(out.trap);
  EXPECT_EQ(*out.trap, TrapKind::MemoryOutOfBounds);
  out = rt.run(code->memory.func_entry(0), {0xFFFFFFFF}, 1);  // far past the end
  ASSERT_TRUE(out.trap);
  EXPECT_EQ(*out.trap, TrapKind::MemoryOutOfBounds);
  // The largest index plus the largest offset stays inside the reservation.
  out = rt.run(code->memory.func_entry(1), {0xFFFFFFFF}, 0);
  ASSERT_TRUE(out.trap);
  EXPECT_EQ(*out.trap, TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(rt.exec.exit_sp, 0u);
  // And the thread still runs compiled code afterwards.
  out = rt.run(code->memory.func_entry(0), {100}, 1);
  ASSERT_FALSE(out.trap);
  EXPECT_EQ(static_cast<uint32_t>(out.results[0]), 42u);
}

TEST(JitTrapHandler, FaultOutsideCompiledCodeIsNotATrap) {
  int dummy = 0;
  EXPECT_FALSE(lookup_trap_site(&dummy));
  EXPECT_DEATH(
      {
        prepare_thread_for_jit_code();
        *static_cast<volatile int*>(nullptr) = 1;
      },
      "");
}

// The host function of the tests below: adds its two i32 arguments, or traps
// when the first is negative, or calls back into compiled code when asked.
struct HostEnv {
  TestRuntime* rt = nullptr;
  const void* reentry_code = nullptr;
  std::optional<TrapKind> nested_trap;
};

uint32_t test_host_call(ExecState* exec, const JitFuncRef* callee, uint64_t* area_top, VmContext*) noexcept {
  auto* env = static_cast<HostEnv*>(callee->host);
  auto a = static_cast<int32_t>(area_top[0]);
  auto b = static_cast<int32_t>(area_top[-1]);
  if (a < 0) return encode_trap(TrapKind::HostError);
  if (env->reentry_code) {
    std::vector<uint64_t> values{0};
    env->nested_trap = call_compiled(env->rt->stack, &env->rt->ctx, env->reentry_code, values, 0, 0);
  }
  area_top[0] = static_cast<uint32_t>(a + b);
  return 0;
}

TEST_F(MasmTest, CallsHostFunctionThroughFuncRef) {
  // g(a, b) = host(a, b) + 1, the host reached through funcs[0].
  function(2, 1, [](X64MacroAssembler& m, uint32_t k) {
    int32_t s0 = frame::operand_slot(0, 0), s1 = frame::operand_slot(0, 1);
    m.copy_slot(s0, frame::area_slot(k, 0));
    m.copy_slot(s1, frame::area_slot(k, 1));
    m.load_context(rbx, off::kCtxFuncs);
    m.load_ptr(rbx, rbx, 0);
    m.call_func_ref(rbx, s1);
    m.load_slot(ValType::I32, rax, s0);
    m.int_binop_imm(IntBinOp::Add, Width::W32, rax, rax, 1);
    m.store_slot(ValType::I32, frame::area_slot(k, 0), rax);
  }, 0, 2);
  function(0, 0, [](X64MacroAssembler& m, uint32_t) { m.jump(m.trap_label(TrapKind::Unreachable)); });
  auto code = load();

  TestRuntime rt;
  HostEnv env{&rt, nullptr, std::nullopt};
  JitFuncRef host_ref{runtime_stubs().host_adapter, &rt.ctx, 0, 2, 1, 0, &env};
  const JitFuncRef* funcs[] = {&host_ref};
  rt.ctx.funcs = funcs;
  rt.exec.host_call = test_host_call;

  auto out = rt.run(code->memory.func_entry(0), {40, 1}, 1);
  ASSERT_FALSE(out.trap);
  EXPECT_EQ(static_cast<uint32_t>(out.results[0]), 42u);

  out = rt.run(code->memory.func_entry(0), {static_cast<uint32_t>(-1), 1}, 1);
  ASSERT_TRUE(out.trap);
  EXPECT_EQ(*out.trap, TrapKind::HostError);
  EXPECT_EQ(rt.exec.exit_sp, 0u);

  // A host function that re-enters compiled code, which traps: the nested
  // entry reports the trap and the outer call carries on.
  env.reentry_code = code->memory.func_entry(1);
  out = rt.run(code->memory.func_entry(0), {40, 1}, 1);
  ASSERT_FALSE(out.trap);
  EXPECT_EQ(static_cast<uint32_t>(out.results[0]), 42u);
  ASSERT_TRUE(env.nested_trap);
  EXPECT_EQ(*env.nested_trap, TrapKind::Unreachable);
  EXPECT_EQ(rt.exec.exit_sp, 0u);
  EXPECT_EQ(rt.exec.stack_budget, 100000u);
}

TEST_F(MasmTest, EntrySetsAndRestoresFloatEnvironment) {
  // Returns the smallest normal f32 times 0.5: a denormal unless flushed.
  function(0, 1, [](X64MacroAssembler& m, uint32_t k) {
    m.load_const(ValType::F32, xmm0, std::bit_cast<uint32_t>(std::numeric_limits<float>::min()));
    m.load_const(ValType::F32, xmm1, std::bit_cast<uint32_t>(0.5f));
    m.float_binop(FloatBinOp::Mul, ValType::F32, xmm0, xmm0, xmm1);
    m.store_slot(ValType::F32, frame::area_slot(k, 0), xmm0);
  });
  auto code = load();
  TestRuntime rt;
  unsigned saved = _mm_getcsr();
  unsigned host_mode = (saved | 0x8040) & ~0x6000u;  // FTZ + DAZ on
  host_mode |= 0x6000;                                // round toward zero
  _mm_setcsr(host_mode);
  auto out = rt.run(code->memory.func_entry(0), {}, 1);
  unsigned after = _mm_getcsr();
  _mm_setcsr(saved);
  ASSERT_FALSE(out.trap);
  EXPECT_EQ(static_cast<uint32_t>(out.results[0]), std::bit_cast<uint32_t>(std::numeric_limits<float>::min() / 2));
  EXPECT_EQ(after & ~0x3Fu, host_mode & ~0x3Fu);  // the caller's mode is back (flags aside)
}

// A function's code depends on itself alone: compiled first or after other
// functions of any length, it is the same bytes with the same relocations
// (function_code.hpp), so the module's code is the same for any split of
// its functions among threads.
TEST_F(MasmTest, AFunctionsCodeDependsOnItselfAlone) {
  using Reloc = std::tuple<uint32_t, Symbol::Kind, uint32_t>;
  auto build = [](int before) {
    asmjit::CodeHolder code;
    X64MacroAssembler::init_code(code);
    X64MacroAssembler m(code, Target::baseline(Arch::X86_64));
    for (int i = 0; i < before; ++i) {
      m.begin_function_code();
      Label e = m.new_label();
      m.bind(e);
      for (int k = 0; k < 3 * i + 1; ++k) m.load_const(ValType::F64, xmm1, std::bit_cast<uint64_t>(k + 0.5));
      m.finish_function();
      m.end_function_code(e);
    }
    m.begin_function_code();
    Label f = m.new_label(), a = m.new_label(), b = m.new_label(), loop = m.new_label();
    m.bind(f);
    FramePatch p = m.enter_function(0, 0);
    m.load_slot(ValType::I32, rax, frame::area_slot(1, 0));
    Label targets[] = {a, b};
    m.jump_table(rax, targets, a);
    m.bind(a);
    m.load_const(ValType::F64, xmm0, std::bit_cast<uint64_t>(1.5));
    m.float_unop(FloatUnOp::Neg, ValType::F64, xmm0, xmm0);
    m.align_loop_header();
    m.bind(loop);
    m.int_binop_imm(IntBinOp::Sub, Width::W32, rax, rax, 1);
    m.branch_int_imm(IntCond::Ne, Width::W32, rax, 0, loop);
    m.call_direct(m.function_label(internal::DefinedFuncIdx{3}), frame::operand_slot(0, 0));
    m.int_div(IntDivOp::DivS, Width::W32, rax, rax, rcx, m.trap_label(TrapKind::IntegerDivideByZero),
              m.trap_label(TrapKind::IntegerOverflow));
    m.bind(b);
    m.leave_function(p);
    m.finish_function();
    m.patch_frame(p, frame::kFixedBytesBelowFp + 8, 5);
    FunctionCode c = m.end_function_code(f);
    EXPECT_EQ(c.start % kFunctionAlignment, 0u);
    std::vector<uint8_t> bytes(code.textSection()->data() + c.start, code.textSection()->data() + c.start + c.size);
    std::vector<Reloc> relocs;
    for (const Relocation& r : c.relocations) relocs.emplace_back(r.at, r.target.kind, r.target.index);
    return std::make_pair(bytes, relocs);
  };
  auto first = build(0);
  EXPECT_EQ(first.second.size(), 4u);  // the stack check, the call and the two division traps
  for (int before : {1, 2, 5}) EXPECT_EQ(build(before), first) << before << " functions before";
}

// ---- Arithmetic edge cases, one operation per function -------------------------

class OpModule : public MasmModule {
 public:
  using MasmModule::MasmModule;
  // A function applying `emit` to its arguments (in rcx, rdx / xmm0, xmm1),
  // with the result in rbx / xmm1.
  std::optional<uint64_t> run_op(ValType in, ValType out, std::vector<uint64_t> args,
                                 const std::function<void(X64MacroAssembler&, Reg, Reg, Reg)>& emit) {
    uint32_t n = static_cast<uint32_t>(args.size());
    bool fin = in == ValType::F32 || in == ValType::F64;
    bool fout = out == ValType::F32 || out == ValType::F64;
    Reg a = fin ? xmm0 : rcx, b = fin ? xmm1 : rdx, d = fout ? fpr(2) : rbx;
    function(n, 1, [&](X64MacroAssembler& m, uint32_t k) {
      m.load_slot(in, a, frame::area_slot(k, 0));
      if (n > 1) m.load_slot(in, b, frame::area_slot(k, 1));
      emit(m, d, a, b);
      m.store_slot(out, frame::area_slot(k, 0), d);
    });
    auto code = load();
    TestRuntime rt;
    auto outcome = rt.run(code->memory.func_entry(0), args, 1);
    last_trap_ = outcome.trap;
    if (outcome.trap) return std::nullopt;
    uint64_t r = outcome.results[0];
    return out == ValType::I32 || out == ValType::F32 ? r & 0xFFFFFFFF : r;
  }
  std::optional<TrapKind> last_trap_;
};

class MasmOpTest : public ::testing::Test, public OpModule {};

uint64_t f32(float v) { return std::bit_cast<uint32_t>(v); }
uint64_t f64(double v) { return std::bit_cast<uint64_t>(v); }

struct DivCase {
  IntDivOp op;
  Width w;
  uint64_t a, b;
  std::optional<uint64_t> result;
  std::optional<TrapKind> trap;
};

class MasmDivTest : public MasmOpTest, public ::testing::WithParamInterface<DivCase> {};

TEST_P(MasmDivTest, MatchesWasm) {
  const DivCase& c = GetParam();
  ValType t = c.w == Width::W32 ? ValType::I32 : ValType::I64;
  auto r = run_op(t, t, {c.a, c.b}, [&](X64MacroAssembler& m, Reg d, Reg a, Reg b) {
    m.int_div(c.op, c.w, d, a, b, m.trap_label(TrapKind::IntegerDivideByZero), m.trap_label(TrapKind::IntegerOverflow));
  });
  EXPECT_EQ(r, c.result);
  EXPECT_EQ(last_trap_, c.trap);
}

constexpr uint64_t kI32Min = 0x80000000, kI64Min = 0x8000000000000000;
constexpr uint64_t kM1_32 = 0xFFFFFFFF, kM1_64 = ~0ull;

INSTANTIATE_TEST_SUITE_P(
    Cases, MasmDivTest,
    ::testing::Values(DivCase{IntDivOp::DivS, Width::W32, 7, 2, 3, {}},
                      DivCase{IntDivOp::DivS, Width::W32, static_cast<uint32_t>(-7), 2, static_cast<uint32_t>(-3), {}},
                      DivCase{IntDivOp::DivS, Width::W32, 1, 0, {}, TrapKind::IntegerDivideByZero},
                      DivCase{IntDivOp::DivS, Width::W32, kI32Min, kM1_32, {}, TrapKind::IntegerOverflow},
                      DivCase{IntDivOp::DivS, Width::W32, 5, kM1_32, static_cast<uint32_t>(-5), {}},
                      DivCase{IntDivOp::RemS, Width::W32, kI32Min, kM1_32, 0, {}},
                      DivCase{IntDivOp::RemS, Width::W32, static_cast<uint32_t>(-7), 2, kM1_32, {}},
                      DivCase{IntDivOp::DivU, Width::W32, kM1_32, 2, 0x7FFFFFFF, {}},
                      DivCase{IntDivOp::RemU, Width::W32, kM1_32, 10, 5, {}},
                      DivCase{IntDivOp::RemU, Width::W32, 1, 0, {}, TrapKind::IntegerDivideByZero},
                      DivCase{IntDivOp::DivS, Width::W64, kI64Min, kM1_64, {}, TrapKind::IntegerOverflow},
                      DivCase{IntDivOp::RemS, Width::W64, kI64Min, kM1_64, 0, {}},
                      DivCase{IntDivOp::DivU, Width::W64, kM1_64, 3, 0x5555555555555555, {}},
                      DivCase{IntDivOp::RemS, Width::W64, static_cast<uint64_t>(-9), 4, static_cast<uint64_t>(-1), {}}));

struct ConvCase {
  Conversion conv;
  ValType in, out;
  uint64_t arg;
  std::optional<uint64_t> result;
  std::optional<TrapKind> trap;
};

class MasmConvTest : public MasmOpTest, public ::testing::WithParamInterface<ConvCase> {};

TEST_P(MasmConvTest, MatchesWasm) {
  const ConvCase& c = GetParam();
  auto r = run_op(c.in, c.out, {c.arg}, [&](X64MacroAssembler& m, Reg d, Reg a, Reg) {
    m.convert(c.conv, d, a, m.trap_label(TrapKind::InvalidConversion), m.trap_label(TrapKind::IntegerOverflow));
    // The compiler canonicalizes a NaN that demote or promote makes.
    if (conversion_is_nan_blind(c.conv) && reg_class_of(c.out) == RegClass::Fpr) m.canonicalize_nan(c.out, d);
  });
  EXPECT_EQ(r, c.result);
  EXPECT_EQ(last_trap_, c.trap);
}

using C = Conversion;
constexpr ValType I32 = ValType::I32, I64 = ValType::I64, F32 = ValType::F32, F64 = ValType::F64;
const auto kNanF32 = f32(std::numeric_limits<float>::quiet_NaN());
const auto kNanF64 = f64(std::numeric_limits<double>::quiet_NaN());

INSTANTIATE_TEST_SUITE_P(
    Trapping, MasmConvTest,
    ::testing::Values(
        ConvCase{C::I32TruncF32S, F32, I32, f32(-2147483648.0f), kI32Min, {}},
        ConvCase{C::I32TruncF32S, F32, I32, f32(2147483648.0f), {}, TrapKind::IntegerOverflow},
        ConvCase{C::I32TruncF32S, F32, I32, f32(-2147483904.0f), {}, TrapKind::IntegerOverflow},
        ConvCase{C::I32TruncF32S, F32, I32, kNanF32, {}, TrapKind::InvalidConversion},
        ConvCase{C::I32TruncF32S, F32, I32, f32(-1.9f), kM1_32, {}},
        ConvCase{C::I32TruncF64S, F64, I32, f64(-2147483648.9), kI32Min, {}},
        ConvCase{C::I32TruncF64S, F64, I32, f64(-2147483649.0), {}, TrapKind::IntegerOverflow},
        ConvCase{C::I32TruncF64S, F64, I32, f64(2147483647.9), 0x7FFFFFFF, {}},
        ConvCase{C::I32TruncF64S, F64, I32, f64(2147483648.0), {}, TrapKind::IntegerOverflow},
        ConvCase{C::I32TruncF32U, F32, I32, f32(-0.9f), 0, {}},
        ConvCase{C::I32TruncF32U, F32, I32, f32(-1.0f), {}, TrapKind::IntegerOverflow},
        ConvCase{C::I32TruncF64U, F64, I32, f64(4294967295.9), kM1_32, {}},
        ConvCase{C::I32TruncF64U, F64, I32, f64(4294967296.0), {}, TrapKind::IntegerOverflow},
        ConvCase{C::I32TruncF64U, F64, I32, kNanF64, {}, TrapKind::InvalidConversion},
        ConvCase{C::I64TruncF64S, F64, I64, f64(-9223372036854775808.0), kI64Min, {}},
        ConvCase{C::I64TruncF64S, F64, I64, f64(9223372036854775808.0), {}, TrapKind::IntegerOverflow},
        ConvCase{C::I64TruncF32U, F32, I64, f32(18446742974197923840.0f), 18446742974197923840ull, {}},
        ConvCase{C::I64TruncF32U, F32, I64, f32(18446744073709551616.0f), {}, TrapKind::IntegerOverflow},
        ConvCase{C::I64TruncF64U, F64, I64, f64(9223372036854775808.0), kI64Min, {}},
        ConvCase{C::I64TruncF64U, F64, I64, f64(-0.5), 0, {}},
        ConvCase{C::I64TruncF64U, F64, I64, f64(-1.0), {}, TrapKind::IntegerOverflow},
        ConvCase{C::I64TruncF64U, F64, I64, kNanF64, {}, TrapKind::InvalidConversion}));

INSTANTIATE_TEST_SUITE_P(
    Saturating, MasmConvTest,
    ::testing::Values(ConvCase{C::I32TruncSatF32S, F32, I32, kNanF32, 0, {}},
                      ConvCase{C::I32TruncSatF32S, F32, I32, f32(3e9f), 0x7FFFFFFF, {}},
                      ConvCase{C::I32TruncSatF32S, F32, I32, f32(-3e9f), kI32Min, {}},
                      ConvCase{C::I32TruncSatF64U, F64, I32, f64(-5.0), 0, {}},
                      ConvCase{C::I32TruncSatF64U, F64, I32, f64(5e9), kM1_32, {}},
                      ConvCase{C::I32TruncSatF64U, F64, I32, kNanF64, 0, {}},
                      ConvCase{C::I64TruncSatF64S, F64, I64, f64(1e19), 0x7FFFFFFFFFFFFFFF, {}},
                      ConvCase{C::I64TruncSatF64S, F64, I64, f64(-1e19), kI64Min, {}},
                      ConvCase{C::I64TruncSatF64U, F64, I64, f64(1e19), 10000000000000000000ull, {}},
                      ConvCase{C::I64TruncSatF64U, F64, I64, f64(1e20), kM1_64, {}},
                      ConvCase{C::I64TruncSatF32U, F32, I64, f32(-1e20f), 0, {}},
                      ConvCase{C::I64TruncSatF32U, F32, I64, kNanF32, 0, {}}));

INSTANTIATE_TEST_SUITE_P(
    ToFloat, MasmConvTest,
    ::testing::Values(ConvCase{C::F32ConvertI32U, I32, F32, kM1_32, f32(4294967296.0f), {}},
                      ConvCase{C::F64ConvertI32U, I32, F64, kM1_32, f64(4294967295.0), {}},
                      ConvCase{C::F64ConvertI32S, I32, F64, kM1_32, f64(-1.0), {}},
                      ConvCase{C::F32ConvertI64U, I64, F32, kM1_64, f32(18446744073709551616.0f), {}},
                      // Round to nearest even needs the sticky low bit kept.
                      ConvCase{C::F64ConvertI64U, I64, F64, 0x8000000000000401ull, f64(9223372036854777856.0), {}},
                      ConvCase{C::F32DemoteF64, F64, F32, 0xFFF8000000000001ull, 0x7FC00000, {}},
                      ConvCase{C::F64PromoteF32, F32, F64, 0xFFC00001, 0x7FF8000000000000ull, {}},
                      ConvCase{C::I64ExtendI32S, I32, I64, kM1_32, kM1_64, {}},
                      ConvCase{C::I64ExtendI32U, I32, I64, kM1_32, kM1_32, {}}));

TEST_F(MasmOpTest, CanonicalizeNaNFixesTheHardwareNaN) {
  // 0/0 gives the x86 default NaN (negative); Wasm here wants 0x7FC00000.
  auto raw = run_op(F32, F32, {f32(0.0f), f32(0.0f)}, [](X64MacroAssembler& m, Reg d, Reg a, Reg b) {
    m.float_binop(FloatBinOp::Div, ValType::F32, d, a, b);
  });
  EXPECT_EQ(raw, 0xFFC00000u);
  OpModule t;
  auto r = t.run_op(F32, F32, {f32(0.0f), f32(0.0f)}, [](X64MacroAssembler& m, Reg d, Reg a, Reg b) {
    m.float_binop(FloatBinOp::Div, ValType::F32, d, a, b);
    m.canonicalize_nan(ValType::F32, d);
  });
  EXPECT_EQ(r, 0x7FC00000u);
  OpModule u;
  auto ordinary = u.run_op(F64, F64, {f64(1.5)}, [](X64MacroAssembler& m, Reg d, Reg a, Reg) {
    m.float_unop(FloatUnOp::Sqrt, ValType::F64, d, a);
    m.canonicalize_nan(ValType::F64, d);
  });
  EXPECT_EQ(ordinary, f64(std::sqrt(1.5)));
}

TEST_F(MasmOpTest, FloatMinMaxFollowWasm) {
  auto minmax = [&](FloatBinOp op, double a, double b) {
    OpModule t;
    return t.run_op(F64, F64, {f64(a), f64(b)}, [op](X64MacroAssembler& m, Reg d, Reg x, Reg y) {
      m.float_binop(op, ValType::F64, d, x, y);
    });
  };
  EXPECT_EQ(minmax(FloatBinOp::Min, 0.0, -0.0), f64(-0.0));
  EXPECT_EQ(minmax(FloatBinOp::Max, -0.0, 0.0), f64(0.0));
  EXPECT_EQ(minmax(FloatBinOp::Min, 1.0, std::nan("")), 0x7FF8000000000000u);
  EXPECT_EQ(minmax(FloatBinOp::Max, 3.0, -2.0), f64(3.0));
  EXPECT_EQ(minmax(FloatBinOp::Min, 3.0, -2.0), f64(-2.0));
}

TEST_F(MasmOpTest, CopysignKeepsPayload) {
  auto r = run_op(F32, F32, {0x7FC01234, f32(-1.0f)}, [](X64MacroAssembler& m, Reg d, Reg a, Reg b) {
    m.float_binop(FloatBinOp::Copysign, ValType::F32, d, a, b);
  });
  EXPECT_EQ(r, 0xFFC01234u);
}

TEST_F(MasmOpTest, NearestRoundsHalfToEven) {
  auto r = run_op(F64, F64, {f64(2.5)}, [](X64MacroAssembler& m, Reg d, Reg a, Reg) {
    m.float_unop(FloatUnOp::Nearest, ValType::F64, d, a);
  });
  EXPECT_EQ(r, f64(2.0));
}

TEST_F(MasmOpTest, FloatCompareWithNaN) {
  for (FloatCond c : {FloatCond::Eq, FloatCond::Ne, FloatCond::Lt, FloatCond::Gt, FloatCond::Le, FloatCond::Ge}) {
    OpModule t;
    auto r = t.run_op(F32, I32, {kNanF32, f32(1.0f)}, [c](X64MacroAssembler& m, Reg d, Reg a, Reg b) {
      m.float_compare(c, ValType::F32, d, a, b);
    });
    EXPECT_EQ(r, c == FloatCond::Ne ? 1u : 0u) << static_cast<int>(c);
  }
}

TEST_F(MasmOpTest, ShiftCountInAnyRegister) {
  // Operands in rcx and rdx exercise the moves around cl.
  auto r = run_op(I32, I32, {1, 33}, [](X64MacroAssembler& m, Reg d, Reg a, Reg b) {
    m.int_binop(IntBinOp::Shl, Width::W32, d, a, b);
  });
  EXPECT_EQ(r, 2u);
  OpModule t;
  r = t.run_op(I64, I64, {0x8000000000000001ull, 1}, [](X64MacroAssembler& m, Reg d, Reg a, Reg b) {
    m.int_binop(IntBinOp::Rotl, Width::W64, a, b, a);  // dst aliases the count
    m.move(ValType::I64, d, a);
  });
  EXPECT_EQ(r, 2u);  // rotl(1, 0x8000000000000001 % 64 == 1)
}

TEST_F(MasmOpTest, CountLeadingZerosWithoutLzcnt) {
  for (auto [in, out] : {std::pair<uint64_t, uint64_t>{0, 32}, {1, 31}, {kI32Min, 0}}) {
    OpModule t(Target::baseline(Arch::X86_64));
    auto r = t.run_op(I32, I32, {in}, [](X64MacroAssembler& m, Reg d, Reg a, Reg) {
      m.int_unop(IntUnOp::Clz, Width::W32, d, a);
    });
    EXPECT_EQ(r, out) << in;
  }
}

}  // namespace
}  // namespace detwasm::jit
