// FunctionCompiler: calls to Wasm functions, through tables, and to runtime
// builtins. Included by function_compiler.hpp only.
#pragma once

namespace detwasm::jit {

template <MacroAssembler Masm>
int32_t FunctionCompiler<Masm>::prepare_call(uint32_t num_params, uint32_t num_results) {
  // Every register is caller-saved; the arguments go to their own slots,
  // which are the callee's area (abi.hpp), so nothing is copied.
  spill_all();
  stack_.forget_locals();
  uint32_t first = stack_.height() - num_params;
  for (uint32_t i = first; i < stack_.height(); ++i) materialize(i);
  int64_t bottom = int64_t{first} + std::max(num_params, num_results) - 1;
  return frame::kFirstLocalOffset - frame::kSlotSize * static_cast<int32_t>(num_declared_ + bottom);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::finish_call(const FuncType& type) {
  reset_to(stack_.height() - static_cast<uint32_t>(type.params.size()), type.results);
}

template <MacroAssembler Masm>
uint32_t FunctionCompiler<Masm>::register_params(const FuncType& type, std::array<RegParam, 8>& out) {
  // Only the first 8 params are looked at, so this is O(1) per function.
  uint32_t n = 0;
  unsigned gprs = 0, fprs = 0;
  for (uint32_t i = 0; i < type.params.size() && i < out.size(); ++i) {
    ValType t = type.params[i];
    if (reg_class_of(t) == RegClass::Gpr) {
      if (gprs < Masm::kParamGprCount) out[n++] = {i, t, Masm::param_gpr(gprs++)};
    } else if (fprs < Masm::kParamFprCount) {
      out[n++] = {i, t, Masm::param_fpr(fprs++)};
    }
  }
  return n;
}

template <MacroAssembler Masm>
std::optional<Reg> FunctionCompiler<Masm>::result_register(const FuncType& type) {
  if (type.results.empty()) return std::nullopt;
  return reg_class_of(type.results[0]) == RegClass::Gpr ? Masm::kResultGpr : Masm::kResultFpr;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::pass_register_args(const FuncType& type, uint32_t first,
                                                std::span<const StackValue> where) {
  std::array<RegParam, 8> params;
  uint32_t n = register_params(type, params);
  // The registers still hold what was spilled from them, so one parallel
  // move copies them; arguments that were slots are loaded, and constants
  // materialised last (they read no register).
  std::array<RegMove, 8> moves;
  uint32_t num_moves = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const StackValue& v = where[params[i].index];
    if (v.is_const()) continue;
    moves[num_moves++] = {params[i].reg, v.is_reg() ? std::optional<Reg>(v.reg) : std::nullopt, i};
  }
  emit_parallel_move(
      std::span<RegMove>(moves).first(num_moves),
      [&](const RegMove& m) { m_.move(params[m.tag].type, m.to, *m.from); },
      [&](const RegMove& m) { m_.load_slot(params[m.tag].type, m.to, slot_offset(first + params[m.tag].index)); });
  for (uint32_t i = 0; i < n; ++i) {
    const StackValue& v = where[params[i].index];
    if (v.is_const()) m_.load_const(params[i].type, params[i].reg, v.bits);
  }
}

template <MacroAssembler Masm>
Label FunctionCompiler<Masm>::table_return() {
  if (!table_return_.valid()) table_return_ = m_.new_label();
  return table_return_;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_call(internal::FuncIdx f, const FuncType& type) {
  auto num_params = static_cast<uint32_t>(type.params.size());
  uint32_t first = stack_.height() - num_params;
  if (std::optional<internal::DefinedFuncIdx> callee = env_.module->defined(f)) {
    // A direct call: the first arguments go in registers too, and result 0
    // comes back in one (abi.hpp).
    std::array<StackValue, 8> where;
    for (uint32_t i = 0; i < num_params && i < where.size(); ++i) where[i] = stack_.at(first + i);
    int32_t bottom = prepare_call(num_params, static_cast<uint32_t>(type.results.size()));
    pass_register_args(type, first, std::span<const StackValue>(where).first(std::min<uint32_t>(num_params, 8)));
    m_.call_direct(m_.function_label(*callee), bottom);
    finish_call(type);
    if (auto r = result_register(type)) {
      stack_.take(*r);
      stack_.assign_reg(first, *r);
    }
    return;
  }
  // An import may live in another instance: through its funcref.
  int32_t bottom = prepare_call(num_params, static_cast<uint32_t>(type.results.size()));
  Reg ref = alloc(RegClass::Gpr);
  m_.load_context(ref, off::kCtxFuncs);
  m_.load_ptr(ref, ref, static_cast<int32_t>(8 * f.value));
  m_.call_func_ref(ref, bottom);
  release(ref);
  if (has_memory()) m_.reload_memory_base();
  finish_call(type);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_call_indirect(uint32_t type_index, uint32_t table, const FuncType& type) {
  Reg index = pop_to_reg();
  int32_t bottom = prepare_call(static_cast<uint32_t>(type.params.size()), static_cast<uint32_t>(type.results.size()));
  Reg ref = table_elements(table, index, TrapKind::TableOutOfBounds);
  m_.load_ptr_indexed(ref, ref, index);
  m_.branch_int_imm(IntCond::Eq, Width::W64, ref, 0, trap(TrapKind::IndirectCallToNull));
  // Canonical type ids are engine-wide; the expected one is read at run
  // time so the code does not depend on the engine that compiled it.
  Reg tmp = alloc(RegClass::Gpr);
  m_.load_context(tmp, off::kCtxTypeIds);
  m_.load_value(ValType::I32, tmp, tmp, static_cast<int32_t>(4 * type_index));
  m_.load_value(ValType::I32, index, ref, off::kFuncRefTypeId);
  m_.branch_int(IntCond::Ne, Width::W32, tmp, index, trap(TrapKind::IndirectCallSignature));
  m_.call_func_ref(ref, bottom);
  release(ref);
  release(tmp);
  release(index);
  if (has_memory()) m_.reload_memory_base();
  finish_call(type);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::call_builtin(Builtin b, std::initializer_list<uint32_t> immediates,
                                          uint32_t num_stack_args, std::optional<ValType> result, bool may_trap) {
  spill_all();
  stack_.forget_locals();  // the call writes any register
  uint32_t first = stack_.height() - num_stack_args;
  unsigned arg = 0;
  m_.load_context_pointer(Masm::c_arg_gpr(arg++));
  for (uint32_t imm : immediates) m_.load_const(ValType::I32, Masm::c_arg_gpr(arg++), imm);
  for (uint32_t i = first; i < stack_.height(); ++i) load_into(stack_.at(i), i, Masm::c_arg_gpr(arg++));
  stack_.truncate(first);
  m_.call_builtin(b, slot_offset(first));
  if (may_trap) m_.trap_if_builtin_failed();
  if (result) {
    Reg r = Masm::c_result_gpr();
    stack_.take(r);
    push_result(*result, r);
  }
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::charge_dynamic_gas(uint64_t unit_cost, bool per_8_bytes) {
  uint32_t index = stack_.height() - 1;
  const StackValue& v = stack_.at(index);
  if (v.is_const()) {
    uint64_t n = static_cast<uint32_t>(v.bits);
    if (per_8_bytes) n = (n + 7) / 8;
    uint64_t cost = unit_cost && n > UINT64_MAX / unit_cost ? UINT64_MAX : n * unit_cost;
    m_.charge_gas(cost, trap(TrapKind::OutOfGas));
    return;
  }
  Reg n = v.is_reg() ? v.reg : alloc(RegClass::Gpr);
  Reg tmp = alloc(RegClass::Gpr, RegSet{n.code});
  if (!v.is_reg()) m_.load_slot(ValType::I32, n, slot_offset(index));
  m_.charge_gas_per_item(n, tmp, unit_cost, per_8_bytes, trap(TrapKind::OutOfGas));
  release(tmp);
  if (!stack_.at(index).is_reg()) release(n);
}

}  // namespace detwasm::jit
