// FunctionCompiler: linear memory, globals, tables and references. Included
// by function_compiler.hpp only.
#pragma once

namespace detwasm::jit {

namespace memory_detail {
inline MemAccess access_of(internal::Opcode op, bool is_load) {
  ValType t;
  uint32_t size_log2;
  if (is_load) internal::load_signature(op, &t, &size_log2);
  else internal::store_signature(op, &t, &size_log2);
  using internal::Opcode;
  bool sign = op == Opcode::I32Load8S || op == Opcode::I32Load16S || op == Opcode::I64Load8S ||
              op == Opcode::I64Load16S || op == Opcode::I64Load32S;
  return MemAccess{static_cast<uint8_t>(size_log2), sign, t};
}
}  // namespace memory_detail

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_load(internal::Opcode op, internal::MemArg arg) {
  MemAccess a = memory_detail::access_of(op, true);
  if (stack_.top().is_const()) {
    // A constant address folds into the displacement (at most 2^33 - 2).
    uint64_t address = static_cast<uint32_t>(stack_.pop().bits) + uint64_t{arg.offset};
    Reg dst = alloc_for(a.type);
    m_.load_memory_abs(a, dst, address);
    push_result(a.type, dst);
    return;
  }
  Reg index = pop_to_reg();
  Reg dst = reg_class_of(a.type) == RegClass::Gpr ? index : alloc_for(a.type);
  m_.load_memory(a, dst, index, arg.offset);
  if (dst != index) release(index);
  push_result(a.type, dst);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_store(internal::Opcode op, internal::MemArg arg) {
  MemAccess a = memory_detail::access_of(op, false);
  Reg value = pop_to_reg();
  if (stack_.top().is_const()) {
    uint64_t address = static_cast<uint32_t>(stack_.pop().bits) + uint64_t{arg.offset};
    m_.store_memory_abs(a, address, value);
  } else {
    Reg index = pop_to_reg();
    m_.store_memory(a, index, arg.offset, value);
    release(index);
  }
  release(value);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_memory_size() {
  Reg r = alloc(RegClass::Gpr);
  m_.load_context(r, off::kCtxMemory0);
  m_.load_ptr(r, r, off::kMemorySize);
  m_.int_binop_imm(IntBinOp::ShrU, Width::W64, r, r, 16);
  push_result(ValType::I32, r);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_memory_grow() {
  if (env_.gas) charge_dynamic_gas(env_.gas->per_memory_page_grown, false);
  call_builtin(Builtin::MemoryGrow, {}, 1, ValType::I32, false);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_memory_fill() {
  if (env_.gas) charge_dynamic_gas(env_.gas->per_bulk_memory_8_bytes, true);
  call_builtin(Builtin::MemoryFill, {}, 3, std::nullopt, true);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_memory_copy() {
  if (env_.gas) charge_dynamic_gas(env_.gas->per_bulk_memory_8_bytes, true);
  call_builtin(Builtin::MemoryCopy, {}, 3, std::nullopt, true);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_memory_init(uint32_t segment) {
  if (env_.gas) charge_dynamic_gas(env_.gas->per_bulk_memory_8_bytes, true);
  call_builtin(Builtin::MemoryInit, {segment}, 3, std::nullopt, true);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_data_drop(uint32_t segment) {
  call_builtin(Builtin::DataDrop, {segment}, 0, std::nullopt, false);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_global_get(uint32_t index, ValType t) {
  Reg cell = alloc(RegClass::Gpr);
  m_.load_context(cell, off::kCtxGlobals);
  m_.load_ptr(cell, cell, static_cast<int32_t>(8 * index));
  Reg dst = reg_class_of(t) == RegClass::Gpr ? cell : alloc_for(t);
  m_.load_value(t, dst, cell, 0);
  if (dst != cell) release(cell);
  push_result(t, dst);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_global_set(uint32_t index, ValType t) {
  Reg value = pop_to_reg();
  Reg cell = alloc(RegClass::Gpr);
  m_.load_context(cell, off::kCtxGlobals);
  m_.load_ptr(cell, cell, static_cast<int32_t>(8 * index));
  m_.store_value(t, cell, 0, value);
  release(cell);
  release(value);
}

template <MacroAssembler Masm>
Reg FunctionCompiler<Masm>::table_elements(uint32_t table, Reg index, TrapKind out_of_bounds) {
  Reg view = alloc(RegClass::Gpr);
  Reg size = alloc(RegClass::Gpr);
  m_.load_context(view, off::kCtxTables);
  m_.load_ptr(view, view, static_cast<int32_t>(8 * table));
  m_.load_ptr(size, view, off::kTableSize);
  m_.branch_int(IntCond::GeU, Width::W64, index, size, trap(out_of_bounds));
  release(size);
  m_.load_ptr(view, view, off::kTableElements);
  return view;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_table_get(uint32_t table) {
  Reg index = pop_to_reg();
  Reg elements = table_elements(table, index, TrapKind::TableOutOfBounds);
  m_.load_ptr_indexed(index, elements, index);
  release(elements);
  push_result(env_.module->tables[table].elem, index);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_table_set(uint32_t table) {
  Reg value = pop_to_reg();
  Reg index = pop_to_reg();
  Reg elements = table_elements(table, index, TrapKind::TableOutOfBounds);
  m_.store_ptr_indexed(elements, index, value);
  release(elements);
  release(index);
  release(value);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_table_size(uint32_t table) {
  Reg r = alloc(RegClass::Gpr);
  m_.load_context(r, off::kCtxTables);
  m_.load_ptr(r, r, static_cast<int32_t>(8 * table));
  m_.load_value(ValType::I32, r, r, off::kTableSize);  // sizes stay below 2^32
  push_result(ValType::I32, r);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_table_grow(uint32_t table) {
  if (env_.gas) charge_dynamic_gas(env_.gas->per_table_element, false);
  call_builtin(Builtin::TableGrow, {table}, 2, ValType::I32, false);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_table_fill(uint32_t table) {
  if (env_.gas) charge_dynamic_gas(env_.gas->per_table_element, false);
  call_builtin(Builtin::TableFill, {table}, 3, std::nullopt, true);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_table_copy(uint32_t dst, uint32_t src) {
  if (env_.gas) charge_dynamic_gas(env_.gas->per_table_element, false);
  call_builtin(Builtin::TableCopy, {dst, src}, 3, std::nullopt, true);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_table_init(uint32_t segment, uint32_t table) {
  if (env_.gas) charge_dynamic_gas(env_.gas->per_table_element, false);
  call_builtin(Builtin::TableInit, {table, segment}, 3, std::nullopt, true);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_elem_drop(uint32_t segment) {
  call_builtin(Builtin::ElemDrop, {segment}, 0, std::nullopt, false);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_ref_is_null() {
  unary(ValType::I64, ValType::I32, false, [&](Reg dst, Reg src) { m_.int_eqz(Width::W64, dst, src); });
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_ref_func(uint32_t func_index) {
  // A funcref is the function's JitFuncRef*, as tables hold it.
  Reg r = alloc(RegClass::Gpr);
  m_.load_context(r, off::kCtxFuncs);
  m_.load_ptr(r, r, static_cast<int32_t>(8 * func_index));
  push_result(ValType::FuncRef, r);
}

}  // namespace detwasm::jit
