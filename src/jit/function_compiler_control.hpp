// FunctionCompiler: blocks, loops, ifs and branches. Included by
// function_compiler.hpp only.
#pragma once

namespace detwasm::jit {

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::enter_block(Ctl& ctl) {
  // Every register to its slot, and the params into theirs: values below a
  // block's results then never move (see the top of function_compiler.hpp).
  spill_all();
  uint32_t n = static_cast<uint32_t>(ctl.params().size());
  for (uint32_t i = 0; i < n; ++i) materialize(ctl.height + i);
  ctl.data.label = m_.new_label();
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_block(Ctl& ctl) {
  if (!ctl.start_reachable || ctl.kind == internal::ControlKind::Function) return;
  enter_block(ctl);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_loop(Ctl& ctl) {
  if (!ctl.start_reachable) return;
  enter_block(ctl);
  // The locals with a register copy now stay in those registers at the
  // header: every branch back brings them there (bring_residents_home).
  auto begin = static_cast<uint32_t>(residents_.size());
  auto add = [&](uint32_t local, ValType t, Reg r) { residents_.push_back({local, t, r}); };
  stack_.keep_newest_copies(RegClass::Gpr, kMaxResidents[0], add);
  stack_.keep_newest_copies(RegClass::Fpr, kMaxResidents[1], add);
  ctl.data.residents = {begin, static_cast<uint32_t>(residents_.size()) - begin};
  open_loops_.push_back(ctl.data.residents);
  m_.align_loop_header();
  m_.bind(ctl.data.label);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_if(Ctl& ctl) {
  if (!ctl.start_reachable) return;
  Reg cond = pop_to_reg();
  enter_block(ctl);
  ctl.data.else_label = m_.new_label();
  if (!m_.branch_on_compare(cond, false, ctl.data.else_label))
    m_.branch_int_imm(IntCond::Eq, Width::W32, cond, 0, ctl.data.else_label);
  release(cond);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::reset_to(uint32_t height, std::span<const ValType> types) {
  stack_.truncate(height);
  for (ValType t : types) stack_.push_slot(t);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_else(Ctl& ctl) {
  if (!ctl.start_reachable) return;
  if (!dead_) {
    // The then-branch falls through to the end.
    store_branch_values(ctl);
    m_.jump(ctl.data.label);
    ctl.data.branched = true;
  }
  bind_join(ctl.data.else_label);
  ctl.data.else_label = Label{};
  // The false path starts from the if's entry state: params in their slots.
  reset_to(ctl.height, ctl.params());
  dead_ = false;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_end(Ctl& ctl) {
  if (!ctl.start_reachable) return;
  using internal::ControlKind;
  if (ctl.kind == ControlKind::Function) {
    if (!dead_) store_results();
    bind_join(return_label_);
    m_.leave_function(frame_patch_);
    stack_.truncate(0);
    return;
  }
  bool if_without_else = ctl.kind == ControlKind::If;
  if (ctl.kind == ControlKind::Loop) open_loops_.pop_back();
  if (ctl.kind == ControlKind::Loop || (ctl.kind == ControlKind::Block && !ctl.data.branched)) {
    // Only the fallthrough reaches the end: values stay where they are.
    if (dead_) reset_to(ctl.height, ctl.results());
    dead_ = false;
    return;
  }
  if (!dead_) store_branch_values(ctl);
  // An if without else: its false path arrives with the params, which are
  // the results, already in their slots.
  if (if_without_else) m_.bind(ctl.data.else_label);
  bind_join(ctl.data.label);
  reset_to(ctl.height, ctl.results());
  dead_ = false;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_unreachable() {
  m_.jump(trap(TrapKind::Unreachable));
  dead_ = true;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::store_branch_values(const Ctl& target) {
  if (target.kind == internal::ControlKind::Function) return store_results();
  uint32_t n = target.label_arity();
  uint32_t first = stack_.height() - n;
  // Forward order is safe: a target's slots are never above the values' own.
  for (uint32_t i = 0; i < n; ++i) store_value_to(first + i, slot_offset(target.height + i));
}

template <MacroAssembler Masm>
bool FunctionCompiler<Masm>::branch_moves_nothing(const Ctl& target) {
  uint32_t n = target.label_arity();
  if (n == 0) return true;
  if (target.kind == internal::ControlKind::Function) return false;
  uint32_t first = stack_.height() - n;
  if (target.height != first) return false;
  for (uint32_t i = 0; i < n; ++i) {
    if (!stack_.at(first + i).is_slot()) return false;
  }
  return true;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::branch_to(Ctl& target) {
  store_branch_values(target);
  if (target.kind == internal::ControlKind::Loop) bring_residents_home(target);
  if (target.kind == internal::ControlKind::Function) {
    m_.jump(return_label_);
  } else {
    target.data.branched = true;
    m_.jump(target.data.label);
  }
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_br(Ctl& target) {
  branch_to(target);
  dead_ = true;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_return() {
  store_results();
  m_.jump(return_label_);
  dead_ = true;
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::store_results() {
  uint32_t n = static_cast<uint32_t>(type_->results.size());
  uint32_t first = stack_.height() - n;
  for (uint32_t i = 0; i < n; ++i) store_value_to(first + i, result_offset(i));
  // Result 0 in its register too, after every store has read its value.
  if (n == 0) return;
  Reg r = *result_register(*type_);
  const StackValue& v = stack_.at(first);
  if (v.is_reg()) m_.move(v.type, r, v.reg);
  else load_into(v, first, r);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_br_if(Ctl& target) {
  Reg cond = pop_to_reg();
  release(cond);  // nothing below allocates
  // The carried values become canonical here, before the paths split: a
  // fix-up on the taken path alone would leave the fallthrough's register
  // raw while its mark says canonical.
  uint32_t n = target.label_arity();
  for (uint32_t i = stack_.height() - n; i < stack_.height(); ++i) canonicalize(i);
  if (target.kind != internal::ControlKind::Function && branch_moves_nothing(target) && residents_home(target)) {
    target.data.branched = true;
    if (!m_.branch_on_compare(cond, true, target.data.label))
      m_.branch_int_imm(IntCond::Ne, Width::W32, cond, 0, target.data.label);
    return;
  }
  // The stores happen on the taken path only; the fallthrough keeps its
  // state, so nothing on that path may change it (store_branch_values).
  Label skip = m_.new_label();
  if (!m_.branch_on_compare(cond, false, skip)) m_.branch_int_imm(IntCond::Eq, Width::W32, cond, 0, skip);
  branch_to(target);
  m_.bind(skip);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_br_table(std::span<Ctl* const> targets, Ctl& default_target) {
  // One normalisation: the carried values go to their own slots, and the
  // index to a register. Then, if the targets want the values elsewhere, one
  // table of destination offsets and one copy of the values, and the jump
  // table. Code size is O(arity + targets), whatever the targets.
  uint32_t n = default_target.label_arity();
  Reg index = pop_to_reg();
  uint32_t first = stack_.height() - n;
  for (uint32_t i = 0; i < n; ++i) materialize(first + i);

  uint32_t count = static_cast<uint32_t>(targets.size());
  table_labels_.clear();
  table_offsets_.clear();
  bool moves = false;
  auto add = [&](Ctl& t) {
    if (t.kind == internal::ControlKind::Function) {
      table_labels_.push_back(n == 0 ? return_label_ : table_return());
    } else {
      t.data.branched = true;
      table_labels_.push_back(t.kind == internal::ControlKind::Loop ? table_entry(t) : t.data.label);
    }
    int32_t dst = n == 0 ? 0 : t.kind == internal::ControlKind::Function ? result_offset(0) : slot_offset(t.height);
    moves |= n && dst != slot_offset(first);
    table_offsets_.push_back(dst);
  };
  for (Ctl* t : targets) add(*t);
  add(default_target);

  if (!moves) {
    m_.jump_table(index, std::span<const Label>(table_labels_).first(count), table_labels_.back());
  } else {
    // Out-of-range indices take the default, the last entry, for the
    // offsets as for the jump.
    Label in_range = m_.new_label();
    m_.branch_int_imm(IntCond::LtU, Width::W32, index, static_cast<int32_t>(count), in_range);
    m_.load_const(ValType::I32, index, count);
    m_.bind(in_range);
    Reg dst = alloc(RegClass::Gpr);
    m_.load_i32_table(dst, index, table_offsets_);
    for (uint32_t i = 0; i < n; ++i) m_.copy_slot_dynamic(dst, -frame::kSlotSize * static_cast<int32_t>(i), slot_offset(first + i));
    release(dst);
    m_.jump_table(index, table_labels_, table_labels_.back());
  }
  release(index);
  dead_ = true;
}

}  // namespace detwasm::jit
