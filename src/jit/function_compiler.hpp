// The singlepass compiler: a consumer of the one BodyDecoder (validate/),
// turning each operator into machine code through a MacroAssembler as it is
// decoded. No intermediate representation; O(1) work per operator besides
// the values an operator itself moves.
//
// Templated on the MacroAssembler (see masm.hpp for why); the operator
// families are in function_compiler_{control,calls,locals,numeric,memory}.hpp.
//
// State at control-flow joins: entering a block, loop or if spills every
// register to its slot and materialises the block's params, so below a
// block's base every value is a slot or a constant for the block's whole
// life. A branch then only stores the values it carries into the target's
// slots (abi.hpp frame layout); nothing deeper ever moves.
//
// Locals live in their slots, which local.set and local.tee always write;
// a free register may also hold a copy (ValueStack), which local.get copies
// instead of loading. Copies die at joins and calls, except at a loop
// header: the locals with a copy when the loop is entered (its residents)
// keep those registers, and each branch back brings them there, so a
// loop's counters and accumulators stay in registers across iterations.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <vector>

#include <detwasm/trap.hpp>

#include "jit/abi.hpp"
#include "jit/function_code.hpp"
#include "jit/masm.hpp"
#include "jit/numeric_lowering.hpp"
#include "jit/parallel_move.hpp"
#include "jit/value_stack.hpp"
#include "module/module_decls.hpp"
#include "validate/body_decoder.hpp"

namespace detwasm::jit {

// What the compiler knows of the module beyond the body it compiles: its
// declarations, never another function's code (function_code.hpp).
struct ModuleEnv {
  const internal::ModuleDecls* module = nullptr;
  const GasSchedule* gas = nullptr;  // null: no metering code at all
};

template <MacroAssembler Masm>
class FunctionCompiler {
 public:
  // A loop's residents: residents_[begin, begin + count).
  struct ResidentRange {
    uint32_t begin = 0, count = 0;
  };
  struct ControlData {
    Label label;       // where a branch to this construct goes: its end, or a loop's header
    Label else_label;  // an if's false path
    bool branched = false;  // some branch targets `label`
    // A loop's residents, and where a branch that cannot bring them home
    // (br_table) enters instead.
    ResidentRange residents;
    Label reload;
  };
  using Ctl = internal::Control<ControlData>;

  FunctionCompiler(Masm& masm, const ModuleEnv& env)
      : m_(masm), env_(env), stack_(Masm::kAllocatableGprs, Masm::kAllocatableFprs) {}

  // ---- Function ----
  void begin_function(const internal::FunctionInfo& info);
  void end_function(uint32_t max_stack_height);
  // The code of the function just ended, with what the link step needs.
  FunctionCode take_function_code() { return std::move(code_); }

  // ---- Gas: segments as the body decoder cuts them ----
  void begin_gas_segment() { gas_patch_ = m_.begin_gas_charge(); }
  void end_gas_segment(uint64_t cost) { m_.finish_gas_charge(gas_patch_, cost); }
  // What traps and calls from the next operator report as their place.
  void at_operator(uint32_t module_offset) { m_.set_source_offset(module_offset); }

  // ---- Control (function_compiler_control.hpp) ----
  void on_block(Ctl& ctl);
  void on_loop(Ctl& ctl);
  void on_if(Ctl& ctl);
  void on_else(Ctl& ctl);
  void on_end(Ctl& ctl);
  void on_unreachable();
  void on_br(Ctl& target);
  void on_br_if(Ctl& target);
  void on_br_table(std::span<Ctl* const> targets, Ctl& default_target);
  void on_return();

  // ---- Calls (function_compiler_calls.hpp) ----
  void on_call(internal::FuncIdx f, const FuncType& type);
  void on_call_indirect(uint32_t type_index, uint32_t table, const FuncType& type);

  // ---- Parametric and constants (here); locals (function_compiler_locals.hpp) ----
  void on_drop();
  void on_select(ValType t);
  void on_local_get(uint32_t index, ValType t);
  void on_local_set(uint32_t index, ValType t);
  void on_local_tee(uint32_t index, ValType t);
  void on_i32_const(int32_t v) { stack_.push_const(ValType::I32, static_cast<uint32_t>(v)); }
  void on_i64_const(int64_t v) { stack_.push_const(ValType::I64, static_cast<uint64_t>(v)); }
  void on_f32_const(uint32_t bits) { stack_.push_const(ValType::F32, bits); }
  void on_f64_const(uint64_t bits) { stack_.push_const(ValType::F64, bits); }

  // ---- Numeric (function_compiler_numeric.hpp) ----
  void on_numeric(internal::Opcode op, const internal::NumericSig& sig);

  // ---- Memory, globals, tables, references (function_compiler_memory.hpp) ----
  void on_global_get(uint32_t index, ValType t);
  void on_global_set(uint32_t index, ValType t);
  void on_load(internal::Opcode op, internal::MemArg arg);
  void on_store(internal::Opcode op, internal::MemArg arg);
  void on_memory_size();
  void on_memory_grow();
  void on_memory_fill();
  void on_memory_copy();
  void on_memory_init(uint32_t segment);
  void on_data_drop(uint32_t segment);
  void on_table_get(uint32_t table);
  void on_table_set(uint32_t table);
  void on_table_size(uint32_t table);
  void on_table_grow(uint32_t table);
  void on_table_fill(uint32_t table);
  void on_table_copy(uint32_t dst, uint32_t src);
  void on_table_init(uint32_t segment, uint32_t table);
  void on_elem_drop(uint32_t segment);
  void on_ref_null(ValType t) { stack_.push_const(t, 0); }
  void on_ref_is_null();
  void on_ref_func(uint32_t func_index);

 private:
  // ---- Frame layout ----
  int32_t slot_offset(uint32_t height) const { return frame::operand_slot(num_declared_, height); }
  int32_t local_offset(uint32_t index) const {
    return index < num_params_ ? frame::area_slot(area_slots_, index) : frame::declared_local(index - num_params_);
  }
  int32_t result_offset(uint32_t i) const { return frame::area_slot(area_slots_, i); }

  // ---- Registers and values ----
  Reg alloc(RegClass cls, RegSet avoid = {});
  Reg alloc_for(ValType t, RegSet avoid = {}) { return alloc(reg_class_of(t), avoid); }
  void spill(uint32_t index);
  void spill_all();
  void evict(RegSet gprs);  // spills values held in these general registers
  // Stores value `index` (register or constant) into its own slot.
  void materialize(uint32_t index);
  // Stores stack value `index` into the slot at frame offset `dst`, leaving
  // the compiler's state unchanged.
  void store_value_to(uint32_t index, int32_t dst);
  // Pops the top value into a register (a temporary the caller releases or
  // pushes), a canonical NaN if it is a NaN.
  Reg pop_to_reg(RegSet avoid = {});
  // The same for operators whose result does not depend on a NaN's sign or
  // payload (arithmetic, comparisons, truncations): a raw NaN stays raw.
  Reg pop_to_reg_raw();
  // Turns a raw NaN held by stack value `index` into the canonical NaN.
  void canonicalize(uint32_t index);
  void load_into(const StackValue& v, uint32_t index, Reg r);
  void release(Reg r) { stack_.release(r); }
  void push_result(ValType t, Reg r, bool raw_nan = false) { stack_.push_reg(t, r, raw_nan); }

  // ---- Control helpers ----
  void enter_block(Ctl& ctl);
  // Stores the values a branch to `target` carries where it expects them.
  // Its only state change is canonicalizing raw NaNs among them, so a
  // caller on one path of a split canonicalizes them before the split.
  void store_branch_values(const Ctl& target);
  void store_results();  // into the function's result area
  bool branch_moves_nothing(const Ctl& target);
  void branch_to(Ctl& target);  // stores the values and jumps
  void reset_to(uint32_t height, std::span<const ValType> types);
  // Binds a label other paths reach: no register copy of a local survives.
  void bind_join(Label l) {
    m_.bind(l);
    stack_.forget_locals();
  }

  // ---- Locals in registers ----
  // The register the innermost open loop keeps `local` in, if any.
  std::optional<Reg> home_register(uint32_t local) const;
  // The same, if no stack value holds it now.
  std::optional<Reg> free_home(uint32_t local) const;
  // `value`, a free register, holds what was just stored to `local`.
  void keep_local_copy(uint32_t local, ValType t, Reg value);
  // local.set or local.tee of a constant.
  void keep_local_constant(uint32_t local, ValType t, uint64_t bits);
  // Whether every resident of `loop` is in its register now.
  bool residents_home(const Ctl& loop) const;
  // Emits the moves and loads that put every resident of `loop` in its
  // register, on a path that then jumps to the loop; the compiler's state
  // is unchanged.
  void bring_residents_home(const Ctl& loop);
  // Where a br_table enters `loop`: a stub at the function's end that
  // loads the residents, then jumps to the header.
  Label table_entry(Ctl& loop);

  // ---- Calls ----
  // The params a direct call also passes in registers, and the register
  // result 0 comes back in (abi.hpp).
  struct RegParam {
    uint32_t index;
    ValType type;
    Reg reg;
  };
  static uint32_t register_params(const FuncType& type, std::array<RegParam, 8>& out);
  static std::optional<Reg> result_register(const FuncType& type);
  // Puts the register arguments of a direct call to `type` in place; the
  // arguments are in their slots (prepare_call), `where` tells which of
  // them a register or a constant still holds.
  void pass_register_args(const FuncType& type, uint32_t first, std::span<const StackValue> where);
  // Where a br_table returns: loads the result register from its slot.
  Label table_return();
  // Spills everything, stores the `n` arguments and returns the frame offset
  // of the bottom of a call area of max(n, m) slots.
  int32_t prepare_call(uint32_t num_params, uint32_t num_results);
  void finish_call(const FuncType& type);
  // Calls builtin `b` with the context, `immediates` and the top
  // `num_stack_args` values; pushes its result if it has one.
  void call_builtin(Builtin b, std::initializer_list<uint32_t> immediates, uint32_t num_stack_args,
                    std::optional<ValType> result, bool may_trap);

  // Bounds-checks `index` against table `table` and returns its elements'
  // base in a temporary.
  Reg table_elements(uint32_t table, Reg index, TrapKind out_of_bounds);
  // Charges the dynamic cost of the operator about to run (metered code
  // only), from its top operand n: n * unit_cost, or per started 8 bytes of n.
  void charge_dynamic_gas(uint64_t unit_cost, bool per_8_bytes);

  // ---- Numeric helpers ----
  void int_binary(IntBinOp op, ValType t);
  void int_compare(IntCond c, ValType t);
  void int_div(IntDivOp op, ValType t);
  // `raw`: the operator is blind to NaN payloads and its result may be a
  // raw NaN (see StackValue::raw_nan).
  void unary(ValType in, ValType out, bool raw, auto emit);
  void float_binary(ValType t, bool raw, auto emit);
  Label trap(TrapKind kind) { return m_.trap_label(kind); }
  bool has_memory() const { return !env_.module->memories.empty(); }

  Masm& m_;
  const ModuleEnv& env_;
  ValueStack stack_;
  const FuncType* type_ = nullptr;
  internal::FuncIdx func_index_;
  uint32_t num_params_ = 0;
  uint32_t num_declared_ = 0;
  uint32_t num_locals_ = 0;
  uint32_t area_slots_ = 0;  // max(params, results)
  FramePatch frame_patch_;
  GasPatch gas_patch_;
  Label outer_entry_;
  Label return_label_;
  FunctionCode code_;
  bool dead_ = false;  // the current position is unreachable (after br, return, ...)
  std::vector<Label> table_labels_;      // br_table scratch
  std::vector<int32_t> table_offsets_;   // br_table scratch

  struct Resident {
    uint32_t local;
    ValType type;
    Reg reg;
  };
  struct ReloadStub {
    Label stub, header;
    ResidentRange residents;
  };
  std::span<const Resident> residents(ResidentRange r) const {
    return std::span<const Resident>(residents_).subspan(r.begin, r.count);
  }
  // At most this many residents per loop (general, float registers): the
  // locals written last before the loop. More leave the body too few free
  // registers, and its branches back then reload the evicted residents
  // (measured on the bench kernels: all residents cost sieve and dispatch
  // 15-20%; none cost fib and matmul 10-20%).
  static constexpr uint32_t kMaxResidents[2] = {4, 6};
  std::vector<Resident> residents_;       // of every loop of the function
  std::vector<ResidentRange> open_loops_;  // innermost last
  std::vector<ReloadStub> reload_stubs_;
  Label table_return_;  // for table_return(), if any br_table returns
};

// ---- Function ---------------------------------------------------------------------

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::begin_function(const internal::FunctionInfo& info) {
  m_.begin_function_code(info.body_size);  // labels from here on are this function's
  type_ = info.type;
  func_index_ = info.func_index;
  num_params_ = static_cast<uint32_t>(type_->params.size());
  num_locals_ = info.num_locals;
  num_declared_ = num_locals_ - num_params_;
  area_slots_ = std::max<uint32_t>(num_params_, static_cast<uint32_t>(type_->results.size()));
  stack_.truncate(0);
  stack_.begin_function(num_locals_);
  residents_.clear();
  open_loops_.clear();
  reload_stubs_.clear();
  table_return_ = Label{};
  dead_ = false;
  return_label_ = m_.new_label();
  // The outer entry loads what a direct caller passes in registers, then
  // falls into the inner entry that direct calls reach.
  outer_entry_ = m_.new_label();
  m_.bind(outer_entry_);
  if (has_memory()) m_.reload_memory_base();
  std::array<RegParam, 8> params;
  uint32_t n = register_params(*type_, params);
  for (uint32_t i = 0; i < n; ++i) m_.load_arg_at_entry(params[i].type, params[i].reg, local_offset(params[i].index));
  frame_patch_ = m_.enter_function(num_declared_, func_index_.value);
  for (uint32_t i = 0; i < n; ++i) stack_.set_local_copy(params[i].index, params[i].type, params[i].reg);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::end_function(uint32_t max_stack_height) {
  // The decoder's height covers dead code too, so the frame always fits.
  uint64_t frame_bytes = frame::kFixedBytesBelowFp + uint64_t{frame::kSlotSize} * (num_declared_ + max_stack_height);
  uint64_t cost = kFrameOverheadSlots + uint64_t{num_locals_} + max_stack_height;
  if (table_return_.valid()) {
    m_.bind(table_return_);
    Reg r = *result_register(*type_);
    m_.load_slot(type_->results[0], r, result_offset(0));
    m_.jump(return_label_);
  }
  for (const ReloadStub& stub : reload_stubs_) {
    m_.bind(stub.stub);
    for (const Resident& r : residents(stub.residents)) m_.load_slot(r.type, r.reg, local_offset(r.local));
    m_.jump(stub.header);
  }
  m_.finish_function();
  m_.patch_frame(frame_patch_, static_cast<uint32_t>(frame_bytes), cost);
  code_ = m_.end_function_code(outer_entry_);
}

// ---- Registers and values ----------------------------------------------------------

template <MacroAssembler Masm>
Reg FunctionCompiler<Masm>::alloc(RegClass cls, RegSet avoid) {
  if (auto r = stack_.take_free(cls, avoid)) return *r;
  auto victim = stack_.spill_victim(cls, avoid);
  // Operators hold at most three temporaries, far fewer than the registers.
  assert(victim);
  Reg r = stack_.at(*victim).reg;
  spill(*victim);
  stack_.take(r);
  return r;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::spill(uint32_t index) {
  canonicalize(index);
  StackValue& v = stack_.at(index);
  m_.store_slot(v.type, slot_offset(index), v.reg);
  stack_.mark_spilled(index);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::spill_all() {
  auto spill_one = [this](uint32_t i) { spill(i); };
  stack_.for_each_owned(RegClass::Gpr, stack_.allocatable(RegClass::Gpr), spill_one);
  stack_.for_each_owned(RegClass::Fpr, stack_.allocatable(RegClass::Fpr), spill_one);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::evict(RegSet gprs) {
  stack_.for_each_owned(RegClass::Gpr, gprs, [this](uint32_t i) { spill(i); });
  stack_.forget_regs(RegClass::Gpr, gprs);  // the operation writes them
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::materialize(uint32_t index) {
  StackValue& v = stack_.at(index);
  if (v.is_reg()) spill(index);
  else if (v.is_const()) m_.store_slot_const(v.type, slot_offset(index), v.bits);
  stack_.mark_in_slot(index);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::store_value_to(uint32_t index, int32_t dst) {
  canonicalize(index);
  const StackValue& v = stack_.at(index);
  switch (v.kind) {
    case StackValue::Kind::Reg: m_.store_slot(v.type, dst, v.reg); break;
    case StackValue::Kind::Const: m_.store_slot_const(v.type, dst, v.bits); break;
    case StackValue::Kind::Slot: m_.copy_slot(dst, slot_offset(index)); break;
  }
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::load_into(const StackValue& v, uint32_t index, Reg r) {
  if (v.is_const()) m_.load_const(v.type, r, v.bits);
  else m_.load_slot(v.type, r, slot_offset(index));
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::canonicalize(uint32_t index) {
  StackValue& v = stack_.at(index);
  if (!v.raw_nan) return;
  m_.canonicalize_nan(v.type, v.reg);
  v.raw_nan = false;
}

template <MacroAssembler Masm>
Reg FunctionCompiler<Masm>::pop_to_reg_raw() {
  if (stack_.top().is_reg()) return stack_.pop().reg;
  return pop_to_reg();  // slots and constants hold canonical NaNs
}

template <MacroAssembler Masm>
Reg FunctionCompiler<Masm>::pop_to_reg(RegSet avoid) {
  uint32_t index = stack_.height() - 1;
  canonicalize(index);
  StackValue v = stack_.top();
  if (v.is_reg() && !avoid.has(v.reg.code)) return stack_.pop().reg;
  if (v.is_reg()) {
    // In a register the caller cannot use: move it.
    stack_.pop();
    Reg r = alloc(v.reg.cls, avoid);
    m_.move(v.type, r, v.reg);
    release(v.reg);
    return r;
  }
  stack_.pop();
  Reg r = alloc_for(v.type, avoid);
  load_into(v, index, r);
  return r;
}

// ---- Parametric ---------------------------------------------------------------------------

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_drop() {
  StackValue v = stack_.pop();
  if (v.is_reg()) release(v.reg);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_select(ValType t) {
  if (stack_.top().is_const()) {
    // A known condition picks its operand at compile time.
    bool keep_first = static_cast<uint32_t>(stack_.pop().bits) != 0;
    if (keep_first) {
      on_drop();
    } else {
      StackValue second = stack_.pop();
      uint32_t first_index = stack_.height() - 1;
      on_drop();
      if (second.is_reg()) {
        push_result(t, second.reg, second.raw_nan);
      } else if (second.is_const()) {
        stack_.push_const(t, second.bits);
      } else {
        // It lived one slot higher; bring it into a register.
        Reg r = alloc_for(t);
        m_.load_slot(t, r, slot_offset(first_index + 1));
        push_result(t, r);
      }
    }
    return;
  }
  Reg cond = pop_to_reg();
  Reg if_false = pop_to_reg();
  Reg if_true = pop_to_reg();
  m_.select(t, if_true, cond, if_true, if_false);
  release(cond);
  release(if_false);
  push_result(t, if_true);
}

}  // namespace detwasm::jit

#include "jit/function_compiler_calls.hpp"
#include "jit/function_compiler_control.hpp"
#include "jit/function_compiler_locals.hpp"
#include "jit/function_compiler_memory.hpp"
#include "jit/function_compiler_numeric.hpp"
