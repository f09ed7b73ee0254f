// The MacroAssembler contract: what the singlepass compiler asks of a target,
// in Wasm-compiler terms. Each target implements it in its own folder (x64/,
// later a64/); nothing outside those folders sees a target instruction.
//
// The compiler is a template over the MacroAssembler (static polymorphism):
// the per-operator path is a few inlined calls with no virtual dispatch, and a
// target that lacks an operation fails to compile instead of failing at run
// time. The `MacroAssembler` concept below states the contract and is checked
// where the compiler is instantiated.
//
// Conventions for every operation:
// - Registers are allocated by the compiler from the target's allocatable
//   sets; the MacroAssembler keeps its own scratch registers out of them.
// - A destination may be the same register as a source unless stated.
// - Frame offsets are from the frame pointer (abi.hpp, namespace frame).
// - An operation that may trap takes the label of the trap's shared stub,
//   from trap_label(); faulting memory accesses are listed in the function's
//   FunctionCode (function_code.hpp).
#pragma once

#include <bit>
#include <concepts>
#include <cstdint>
#include <span>
#include <vector>

#include <detwasm/trap.hpp>
#include <detwasm/types.hpp>

#include <asmjit/core.h>

#include "jit/abi.hpp"
#include "jit/function_code.hpp"
#include "jit/trap_handler.hpp"
#include "module/func_index.hpp"

namespace detwasm::jit {

enum class RegClass : uint8_t { Gpr, Fpr };

inline RegClass reg_class_of(ValType t) {
  return t == ValType::F32 || t == ValType::F64 ? RegClass::Fpr : RegClass::Gpr;
}

// A machine register: the target's encoding within its class.
struct Reg {
  uint8_t code = 0xFF;
  RegClass cls = RegClass::Gpr;
  constexpr bool valid() const { return code != 0xFF; }
  constexpr bool operator==(const Reg&) const = default;
};

constexpr Reg gpr(uint8_t code) { return Reg{code, RegClass::Gpr}; }
constexpr Reg fpr(uint8_t code) { return Reg{code, RegClass::Fpr}; }

// A set of registers of one class, by code.
class RegSet {
 public:
  constexpr RegSet() = default;
  constexpr explicit RegSet(uint32_t bits) : bits_(bits) {}
  constexpr RegSet(std::initializer_list<uint8_t> codes) {
    for (uint8_t c : codes) bits_ |= 1u << c;
  }
  constexpr bool has(uint8_t code) const { return (bits_ >> code) & 1; }
  constexpr void add(uint8_t code) { bits_ |= 1u << code; }
  constexpr void remove(uint8_t code) { bits_ &= ~(1u << code); }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr uint8_t first() const { return static_cast<uint8_t>(std::countr_zero(bits_)); }
  constexpr uint32_t bits() const { return bits_; }
  constexpr RegSet operator&(RegSet o) const { return RegSet(bits_ & o.bits_); }
  constexpr RegSet operator|(RegSet o) const { return RegSet(bits_ | o.bits_); }
  constexpr RegSet operator-(RegSet o) const { return RegSet(bits_ & ~o.bits_); }
  constexpr bool operator==(const RegSet&) const = default;

 private:
  uint32_t bits_ = 0;
};

enum class Width : uint8_t { W32, W64 };

inline Width width_of(ValType t) { return t == ValType::I32 || t == ValType::F32 ? Width::W32 : Width::W64; }

enum class IntCond : uint8_t { Eq, Ne, LtS, LtU, GtS, GtU, LeS, LeU, GeS, GeU };

constexpr IntCond negate(IntCond c) {
  switch (c) {
    case IntCond::Eq: return IntCond::Ne;
    case IntCond::Ne: return IntCond::Eq;
    case IntCond::LtS: return IntCond::GeS;
    case IntCond::LtU: return IntCond::GeU;
    case IntCond::GtS: return IntCond::LeS;
    case IntCond::GtU: return IntCond::LeU;
    case IntCond::LeS: return IntCond::GtS;
    case IntCond::LeU: return IntCond::GtU;
    case IntCond::GeS: return IntCond::LtS;
    case IntCond::GeU: return IntCond::LtU;
  }
  return c;
}
enum class FloatCond : uint8_t { Eq, Ne, Lt, Gt, Le, Ge };
enum class IntBinOp : uint8_t { Add, Sub, Mul, And, Or, Xor, Shl, ShrS, ShrU, Rotl, Rotr };
enum class IntDivOp : uint8_t { DivS, DivU, RemS, RemU };
enum class IntUnOp : uint8_t { Clz, Ctz, Popcnt, Extend8S, Extend16S, Extend32S };
enum class FloatBinOp : uint8_t { Add, Sub, Mul, Div, Min, Max, Copysign };
enum class FloatUnOp : uint8_t { Abs, Neg, Ceil, Floor, Trunc, Nearest, Sqrt };

// Conversions between value types, named as the Wasm operators are.
enum class Conversion : uint8_t {
  I32WrapI64, I64ExtendI32S, I64ExtendI32U,
  I32TruncF32S, I32TruncF32U, I32TruncF64S, I32TruncF64U,
  I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U,
  I32TruncSatF32S, I32TruncSatF32U, I32TruncSatF64S, I32TruncSatF64U,
  I64TruncSatF32S, I64TruncSatF32U, I64TruncSatF64S, I64TruncSatF64U,
  F32ConvertI32S, F32ConvertI32U, F32ConvertI64S, F32ConvertI64U, F32DemoteF64,
  F64ConvertI32S, F64ConvertI32U, F64ConvertI64S, F64ConvertI64U, F64PromoteF32,
  I32ReinterpretF32, I64ReinterpretF64, F32ReinterpretI32, F64ReinterpretI64,
};

// A linear memory access: its size, whether a narrow load sign-extends, and
// the value type in the register.
struct MemAccess {
  uint8_t size_log2;
  bool sign_extend;
  ValType type;
};

// A code position, created and bound by the MacroAssembler.
struct Label {
  uint32_t id = 0xFFFFFFFF;
  bool valid() const { return id != 0xFFFFFFFF; }
};

// Where a function's prologue left values to fill in once the body is
// compiled (the frame size and stack cost are known only at the end).
struct FramePatch {
  uint32_t frame_bytes_at = 0;
  uint32_t stack_cost_at = 0;    // the charge at entry
  uint32_t stack_refund_at = 0;  // the refund at the (single) return
};

// A gas charge whose cost is filled in when its segment ends.
struct GasPatch {
  uint32_t at = 0;             // code offset of the charge
  uint32_t module_offset = 0;  // of the segment's first operator: where running out is reported
};

template <class M>
concept MacroAssembler = requires(M m, Reg r, Label l, ValType t, Width w, uint64_t u, int32_t i, TrapKind k,
                                  std::span<const Label> labels, std::span<const int32_t> ints) {
  // Registers the compiler may allocate, and those an operation clobbers
  // besides its destination (the compiler evicts values from them first).
  { M::kAllocatableGprs } -> std::convertible_to<RegSet>;
  { M::kAllocatableFprs } -> std::convertible_to<RegSet>;
  { M::kIntDivClobbers } -> std::convertible_to<RegSet>;
  { M::kVariableShiftClobbers } -> std::convertible_to<RegSet>;
  { M::c_arg_gpr(0u) } -> std::same_as<Reg>;  // i-th integer argument of a builtin call
  { M::c_result_gpr() } -> std::same_as<Reg>;
  // Direct Wasm calls: registers for the first params of each class and
  // for result 0 (abi.hpp).
  { M::param_gpr(0u) } -> std::same_as<Reg>;
  { M::param_fpr(0u) } -> std::same_as<Reg>;
  { M::kParamGprCount } -> std::convertible_to<unsigned>;
  { M::kParamFprCount } -> std::convertible_to<unsigned>;
  { M::kResultGpr } -> std::convertible_to<Reg>;
  { M::kResultFpr } -> std::convertible_to<Reg>;
  { M::int_imm_fits(IntBinOp::Add, w, u) } -> std::same_as<bool>;

  // Labels and control.
  { m.new_label() } -> std::same_as<Label>;
  m.bind(l);
  m.jump(l);
  m.align_loop_header();
  m.load_arg_at_entry(t, r, i);
  m.branch_int(IntCond::Eq, w, r, r, l);
  m.branch_int_imm(IntCond::Eq, w, r, i, l);
  m.branch_float(FloatCond::Eq, t, r, r, l);
  // If r holds an integer compare's result just materialised (nothing
  // emitted or bound since), branches on the compare itself (when r != 0 if
  // the bool is true, else when r == 0) instead, and returns true.
  { m.branch_on_compare(r, true, l) } -> std::same_as<bool>;
  m.jump_table(r, labels, l);               // index < labels.size() goes to labels[index], else to l
  m.load_i32_table(r, r, ints);             // dst = ints[index]; index already in range
  // Traps and calls emitted from here on report this module offset in trap
  // frames (source_map.hpp): the compiler sets it before each operator.
  m.set_source_offset(0u);
  // Where to jump to trap with kind k at the current source offset.
  { m.trap_label(k) } -> std::same_as<Label>;

  // Functions compiled on their own (function_code.hpp), and what links them.
  M::init_code(std::declval<asmjit::CodeHolder&>());
  m.begin_function_code(u);  // u: the Wasm body's size (branch reach depends on the code's)
  { m.end_function_code(l) } -> std::same_as<FunctionCode>;  // l: the outer entry
  { m.function_label(internal::DefinedFuncIdx{}) } -> std::same_as<Label>;  // a defined function's inner entry
  m.emit_tail(std::span<const uint32_t>{});                  // trap stubs, exit, gas thunks
  M::apply_relocation(std::declval<uint8_t*>(), 0u, 0u);

  // Frames and calls.
  // Declared locals, function index. An exhausted stack budget traps in the
  // caller's frame, at its call.
  { m.enter_function(0u, 0u) } -> std::same_as<FramePatch>;
  m.patch_frame(FramePatch{}, 0u, u);
  m.leave_function(std::declval<FramePatch&>());
  m.finish_function();     // after its last instruction: out-of-line code, tables, constants
  m.call_direct(l, i);     // i: frame offset of the argument area's bottom
  m.call_func_ref(r, i);   // r holds a JitFuncRef*
  m.call_builtin(Builtin::MemoryGrow, i);  // i: frame offset below which no slot is live
  m.trap_if_builtin_failed();

  // Moves.
  m.move(t, r, r);
  m.load_const(t, r, u);
  m.load_slot(t, r, i);
  m.store_slot(t, i, r);
  m.store_slot_const(t, i, u);
  m.copy_slot(i, i);
  m.copy_slot_dynamic(r, i, i);  // [fp + r + disp] = [fp + src]: r holds a frame offset
  m.load_context(r, i);        // pointer-sized field of the VmContext
  m.load_context_pointer(r);   // the VmContext itself
  m.load_ptr(r, r, i);         // dst = *(void**)(base + offset)
  m.load_ptr_indexed(r, r, r); // dst = ((void**)base)[index]
  m.store_ptr_indexed(r, r, r); // ((void**)base)[index] = value
  m.load_value(t, r, r, i);    // a value of type t at base + offset
  m.store_value(t, r, i, r);
  m.select(t, r, r, r, r);     // dst = cond != 0 ? if_true : if_false

  // Arithmetic.
  m.int_binop(IntBinOp::Add, w, r, r, r);
  m.int_binop_imm(IntBinOp::Add, w, r, r, i);
  m.int_div(IntDivOp::DivS, w, r, r, r, l, l);  // labels: divide by zero, overflow
  m.int_unop(IntUnOp::Clz, w, r, r);
  m.int_eqz(w, r, r);
  m.int_compare(IntCond::Eq, w, r, r, r);
  m.int_compare_imm(IntCond::Eq, w, r, r, i);
  // A NaN that arithmetic makes is the hardware's (any sign and payload)
  // until canonicalize_nan; the compiler decides where that matters.
  m.float_binop(FloatBinOp::Add, t, r, r, r);
  m.float_unop(FloatUnOp::Abs, t, r, r);
  m.float_compare(FloatCond::Eq, t, r, r, r);  // dst is a general register
  m.convert(Conversion::I32WrapI64, r, r, l, l);  // float-to-int traps: invalid (NaN), overflow
  m.canonicalize_nan(t, r);

  // Linear memory 0 (its base is pinned). The effective address is
  // index (zero-extended i32) + offset; no bounds check is emitted.
  m.load_memory(MemAccess{}, r, r, u);
  m.load_memory_abs(MemAccess{}, r, u);
  m.store_memory(MemAccess{}, r, u, r);
  m.store_memory_abs(MemAccess{}, u, r);
  m.reload_memory_base();

  // Gas (abi.hpp: the remaining gas lives in a pinned register). A charge
  // traps (with the given label, or at the segment's start for a segment's
  // charge), leaving the gas unchanged, when the remaining gas is below the
  // cost; otherwise it subtracts the cost.
  { m.begin_gas_charge() } -> std::same_as<GasPatch>;
  m.finish_gas_charge(GasPatch{}, u);
  m.charge_gas(u, l);
  m.charge_gas_per_item(r, r, u, true, l);  // cost of n (a u32) items, or of its 8-byte blocks

};

}  // namespace detwasm::jit
