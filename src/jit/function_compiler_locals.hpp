// FunctionCompiler: locals, and the registers that hold copies of them
// (see the top of function_compiler.hpp and ValueStack). Included by
// function_compiler.hpp only.
#pragma once

namespace detwasm::jit {

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_local_get(uint32_t index, ValType t) {
  if (auto copy = stack_.local_copy(index)) {
    Reg r = alloc_for(t);
    if (r != *copy) m_.move(t, r, *copy);
    push_result(t, r);
    return;
  }
  // In a loop that keeps this local in a register, the register gets it
  // back too, if another one is free for the value.
  std::optional<Reg> home = free_home(index);
  std::optional<Reg> r = stack_.take_free(reg_class_of(t), home ? RegSet{home->code} : RegSet{});
  if (!r) {
    r = alloc_for(t);
    home.reset();
  }
  m_.load_slot(t, *r, local_offset(index));
  if (home) {
    m_.move(t, *home, *r);
    stack_.set_local_copy(index, t, *home);
  }
  push_result(t, *r);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_local_set(uint32_t index, ValType t) {
  store_value_to(stack_.height() - 1, local_offset(index));
  StackValue v = stack_.pop();
  if (v.is_reg()) {
    release(v.reg);
    keep_local_copy(index, t, v.reg);
  } else if (v.is_const()) {
    keep_local_constant(index, t, v.bits);
  } else {
    stack_.forget_local(index);
  }
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_local_tee(uint32_t index, ValType t) {
  store_value_to(stack_.height() - 1, local_offset(index));
  const StackValue& v = stack_.top();
  if (v.is_const()) return keep_local_constant(index, t, v.bits);
  std::optional<Reg> copy = free_home(index);
  if (!copy) copy = stack_.uncached_free(reg_class_of(t));
  if (v.is_reg() && copy) {
    m_.move(t, *copy, v.reg);
    stack_.set_local_copy(index, t, *copy);
  } else {
    stack_.forget_local(index);
  }
}

// ---- Locals in registers -------------------------------------------------------------

template <MacroAssembler Masm>
std::optional<Reg> FunctionCompiler<Masm>::home_register(uint32_t local) const {
  if (open_loops_.empty()) return std::nullopt;
  for (const Resident& r : residents(open_loops_.back())) {
    if (r.local == local) return r.reg;
  }
  return std::nullopt;
}

template <MacroAssembler Masm>
std::optional<Reg> FunctionCompiler<Masm>::free_home(uint32_t local) const {
  std::optional<Reg> home = home_register(local);
  if (home && !stack_.is_free(*home)) return std::nullopt;
  return home;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::keep_local_copy(uint32_t local, ValType t, Reg value) {
  std::optional<Reg> home = free_home(local);
  if (home && *home != value) m_.move(t, *home, value);
  stack_.set_local_copy(local, t, home.value_or(value));
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::keep_local_constant(uint32_t local, ValType t, uint64_t bits) {
  // Worth a register only where a loop may keep it (a counter set before
  // the loop), or where one is free anyway.
  std::optional<Reg> r = free_home(local);
  if (!r) r = stack_.uncached_free(reg_class_of(t));
  if (!r) return stack_.forget_local(local);
  m_.load_const(t, *r, bits);
  stack_.set_local_copy(local, t, *r);
}

template <MacroAssembler Masm>
bool FunctionCompiler<Masm>::residents_home(const Ctl& loop) const {
  for (const Resident& r : residents(loop.data.residents)) {
    if (stack_.local_copy(r.local) != r.reg) return false;
  }
  return true;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::bring_residents_home(const Ctl& loop) {
  // Each resident's register gets the local from the register holding a
  // copy, or from its slot (always current).
  std::array<RegMove, 64> moves;
  uint32_t n = 0;
  ResidentRange range = loop.data.residents;
  for (uint32_t i = range.begin; i < range.begin + range.count; ++i) {
    std::optional<Reg> copy = stack_.local_copy(residents_[i].local);
    if (copy != residents_[i].reg) moves[n++] = {residents_[i].reg, copy, i};
  }
  emit_parallel_move(
      std::span<RegMove>(moves).first(n),
      [&](const RegMove& m) { m_.move(residents_[m.tag].type, m.to, *m.from); },
      [&](const RegMove& m) { m_.load_slot(residents_[m.tag].type, m.to, local_offset(residents_[m.tag].local)); });
}

template <MacroAssembler Masm>
Label FunctionCompiler<Masm>::table_entry(Ctl& loop) {
  if (loop.data.residents.count == 0) return loop.data.label;
  if (!loop.data.reload.valid()) {
    loop.data.reload = m_.new_label();
    reload_stubs_.push_back({loop.data.reload, loop.data.label, loop.data.residents});
  }
  return loop.data.reload;
}

}  // namespace detwasm::jit
