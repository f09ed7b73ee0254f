// AArch64 MacroAssembler: labels, control, frames, calls, moves, memory and
// gas. Arithmetic is in masm_a64_arith.cpp.
#include "jit/a64/masm_a64.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

#include "jit/a64/trap_exit_a64.hpp"
#include "jit/code_buffer.hpp"

namespace detwasm::jit::a64 {

using namespace asmjit;
using namespace asmjit::a64;

void A64MacroAssembler::ErrorThrower::handleError(Error, const char* message, BaseEmitter*) {
  throw std::runtime_error(std::string("AArch64 assembler: ") + message);
}

bool A64MacroAssembler::int_imm_fits(IntBinOp op, Width w, uint64_t value) {
  if (w == Width::W32) return true;
  switch (op) {
    case IntBinOp::Shl:
    case IntBinOp::ShrS:
    case IntBinOp::ShrU:
    case IntBinOp::Rotl:
    case IntBinOp::Rotr:
      return true;
    default:
      return static_cast<int64_t>(value) == static_cast<int32_t>(value);
  }
}

void A64MacroAssembler::init_code(CodeHolder& code) { code.init(Environment(asmjit::Arch::kAArch64)); }

A64MacroAssembler::A64MacroAssembler(CodeHolder& code, const Target&) : a_(&code) {
  a_.setErrorHandler(&thrower_);
}

A64MacroAssembler::~A64MacroAssembler() = default;

void A64MacroAssembler::expect_code_bytes(uint64_t n) {
  auto per = [n](uint64_t bytes) { return static_cast<size_t>(n / bytes); };
  labels_.reserve(per(6));
  label_uses_.reserve(per(6));
  trap_sites_.reserve(per(6));
  sources_.reserve(per(6));
}

// ---- Words and labels ----------------------------------------------------------

void A64MacroAssembler::emit32(uint32_t word) {
  // Straight into asmjit's buffer: what the compiler emits most is encoded
  // here (regs_a64.hpp, namespace word).
  uint8_t* at = a_._bufferPtr;
  if (static_cast<size_t>(a_._bufferEnd - at) < 4) at = grow_assembler_buffer(a_, 4);
  std::memcpy(at, &word, 4);
  commit_assembler_buffer(a_, at + 4);
}

void A64MacroAssembler::patch32(uint32_t at, uint32_t word) {
  std::memcpy(a_.code()->textSection()->data() + at, &word, 4);
}

uint32_t A64MacroAssembler::read32(uint32_t at) const {
  uint32_t word;
  std::memcpy(&word, a_.code()->textSection()->data() + at, 4);
  return word;
}

void A64MacroAssembler::patch_fixup(uint32_t at, Fixup kind, int64_t target) {
  int64_t delta = target - int64_t{at};
  uint32_t word = read32(at);
  switch (kind) {
    case Fixup::Imm26:
      if (delta < -(int64_t{1} << 27) || delta >= (int64_t{1} << 27))
        throw std::runtime_error("AArch64 assembler: a branch beyond 128 MiB");
      word = (word & 0xFC000000u) | (static_cast<uint32_t>(delta >> 2) & 0x3FFFFFF);
      break;
    case Fixup::Imm19:
      if (delta < -(int64_t{1} << 20) || delta >= (int64_t{1} << 20))
        throw std::runtime_error("AArch64 assembler: a conditional branch beyond 1 MiB");
      word = (word & 0xFF00001Fu) | ((static_cast<uint32_t>(delta >> 2) & 0x7FFFF) << 5);
      break;
    case Fixup::Adr21:
      if (delta < -(int64_t{1} << 20) || delta >= (int64_t{1} << 20))
        throw std::runtime_error("AArch64 assembler: an address beyond 1 MiB");
      word = word::adr(static_cast<uint8_t>(word & 31), static_cast<int32_t>(delta));
      break;
  }
  patch32(at, word);
}

void A64MacroAssembler::emit_fixup(uint32_t word, Fixup kind, Label l) {
  uint32_t at = here();
  emit32(word);
  LabelState& s = labels_[l.id];
  if (s.offset >= 0) {
    patch_fixup(at, kind, s.offset);
    return;
  }
  label_uses_.push_back({at, kind, s.first_use});
  s.first_use = static_cast<uint32_t>(label_uses_.size() - 1);
}

Label A64MacroAssembler::new_label() {
  labels_.push_back({});
  return Label{static_cast<uint32_t>(labels_.size() - 1)};
}

void A64MacroAssembler::bind(Label l) {
  pending_compare_.valid = false;
  LabelState& s = labels_[l.id];
  s.offset = static_cast<int32_t>(here());
  for (uint32_t u = s.first_use; u != kNoUse; u = label_uses_[u].next)
    patch_fixup(label_uses_[u].at, label_uses_[u].kind, s.offset);
  s.first_use = kNoUse;
}

uint32_t A64MacroAssembler::label_offset(Label l) const { return static_cast<uint32_t>(labels_[l.id].offset); }

void A64MacroAssembler::bcond(Cond c, Label l) {
  int32_t target = labels_[l.id].offset;
  bool near = !far_branches_ || (target >= 0 && int64_t{here()} - target < (int64_t{1} << 20) - 64);
  if (near) {
    emit_fixup(word::b_cond(c, 0), Fixup::Imm19, l);
  } else {
    emit32(word::b_cond(invert(c), 2));  // over the b
    emit_fixup(word::b(0), Fixup::Imm26, l);
  }
}

void A64MacroAssembler::bl(Label l) { emit_fixup(word::bl(0), Fixup::Imm26, l); }

void A64MacroAssembler::jump(Label l) { emit_fixup(word::b(0), Fixup::Imm26, l); }

void A64MacroAssembler::align_loop_header() { a_.align(AlignMode::kCode, 16); }

void A64MacroAssembler::branch_int(IntCond c, Width w, Reg lhs, Reg rhs, Label l) {
  emit32(word::cmp(w == Width::W64, lhs.code, rhs.code));
  bcond(cond_of(c), l);
}

void A64MacroAssembler::branch_int_imm(IntCond c, Width w, Reg lhs, int32_t imm, Label l) {
  compare_imm(w, lhs, w == Width::W32 ? int64_t{static_cast<int32_t>(imm)} : int64_t{imm});
  bcond(cond_of(c), l);
}

void A64MacroAssembler::branch_float(FloatCond c, ValType t, Reg lhs, Reg rhs, Label l) {
  a_.fcmp(fp(t, lhs), fp(t, rhs));
  bcond(cond_of(c), l);
}

void A64MacroAssembler::cset(IntCond c, Reg dst) {
  uint32_t flags_end = here();
  a_.cset(w(dst), Imm(cc(cond_of(c))));
  pending_compare_ = {true, flags_end, here(), dst.code, c};
}

bool A64MacroAssembler::branch_on_compare(Reg value, bool when_true, Label l) {
  const PendingCompare& p = pending_compare_;
  if (!p.valid || p.end != here() || p.reg != value.code || value.cls != RegClass::Gpr) return false;
  a_.setOffset(p.flags_end);
  IntCond c = when_true ? p.cond : negate(p.cond);
  pending_compare_.valid = false;
  bcond(cond_of(c), l);
  return true;
}

void A64MacroAssembler::jump_table(Reg index, std::span<const Label> targets, Label otherwise) {
  // The table follows the br: adr reaches it, and its entries are filled
  // by finish_function, once every target is bound.
  compare_imm(Width::W32, index, static_cast<int64_t>(targets.size()));
  bcond(Cond::HS, otherwise);
  emit32(word::adr(kScratch0Code, 16));  // the table: four instructions on
  a_.ldrsw(kScratch1, ptr(kScratch0, x(index), lsl(2)));
  a_.add(kScratch0, kScratch0, kScratch1);
  a_.br(kScratch0);
  JumpTable table{here(), {targets.begin(), targets.end()}};
  for (size_t i = 0; i < targets.size(); ++i) emit32(word::brk());
  jump_tables_.push_back(std::move(table));
  pending_compare_.valid = false;
}

void A64MacroAssembler::load_i32_table(Reg dst, Reg index, std::span<const int32_t> values) {
  emit32(word::adr(kScratch0Code, 12));
  a_.ldrsw(x(dst), ptr(kScratch0, x(index), lsl(2)));
  emit32(word::b(static_cast<int32_t>(1 + values.size())));
  for (int32_t v : values) emit32(static_cast<uint32_t>(v));
}

Label A64MacroAssembler::trap_label(TrapKind kind) {
  return trap_call({Symbol::Kind::TrapStub, static_cast<uint32_t>(kind)}, source_offset_);
}

Label A64MacroAssembler::trap_call(Symbol target, uint32_t source_offset) {
  for (auto it = trap_calls_.rbegin(); it != trap_calls_.rend() && it->source_offset == source_offset; ++it)
    if (it->target == target) return it->label;
  trap_calls_.push_back({new_label(), target, source_offset});
  return trap_calls_.back().label;
}

Label A64MacroAssembler::symbol_label(Symbol s) {
  Label l = new_label();
  symbol_labels_.push_back({l, s});
  return l;
}

// ---- Functions -------------------------------------------------------------------

void A64MacroAssembler::begin_function_code(uint64_t body_bytes) {
  a_.align(AlignMode::kCode, kFunctionAlignment);
  function_start_ = here();
  far_branches_ = body_bytes > kNearBodyBytes;
  labels_.clear();
  label_uses_.clear();
  symbol_labels_.clear();
  trap_sites_.clear();
  trap_calls_.clear();
  sources_.clear();
  jump_tables_.clear();
  pending_compare_.valid = false;
}

FunctionCode A64MacroAssembler::end_function_code(Label outer_entry) {
  FunctionCode out;
  out.start = function_start_;
  out.size = here() - function_start_;
  out.outer_entry = static_cast<uint32_t>(labels_[outer_entry.id].offset) - function_start_;
  for (const SymbolLabel& s : symbol_labels_) {
    LabelState& l = labels_[s.label.id];
    for (uint32_t u = l.first_use; u != kNoUse; u = label_uses_[u].next) {
      if (label_uses_[u].kind != Fixup::Imm26) throw std::logic_error("AArch64 assembler: a short branch to a symbol");
      out.relocations.push_back({label_uses_[u].at - function_start_, s.symbol});
    }
    l.first_use = kNoUse;
  }
  for (const LabelState& l : labels_)
    if (l.first_use != kNoUse) throw std::runtime_error("AArch64 assembler: code refers to an unbound label");
  out.trap_sites = trap_sites_;
  for (TrapSite& t : out.trap_sites) t.offset -= function_start_;
  out.sources = sources_;
  for (SourcePos& p : out.sources) p.code_offset -= function_start_;
  return out;
}

void A64MacroAssembler::apply_relocation(uint8_t* code, uint32_t field_at, uint32_t target_at) {
  int64_t delta = int64_t{target_at} - int64_t{field_at};
  if (delta < -(int64_t{1} << 27) || delta >= (int64_t{1} << 27))
    throw std::runtime_error("compiled code larger than AArch64 branches reach (128 MiB)");
  uint32_t word;
  std::memcpy(&word, code + field_at, 4);
  word = (word & 0xFC000000u) | (static_cast<uint32_t>(delta >> 2) & 0x3FFFFFF);
  std::memcpy(code + field_at, &word, 4);
}

TailCode A64MacroAssembler::emit_tail(std::span<const uint32_t> gas_costs) {
  // Each stub is reached by a bl (or, for an exhausted stack budget, a b
  // from a callee's entry, with the caller's return address in x30): x30
  // less one is the pc the frame walk looks up.
  begin_function_code(0);
  TailCode tail;
  tail.start = function_start_;
  auto offset = [&] { return here() - function_start_; };
  Label builtin = new_label();
  std::vector<Label> stubs;
  for (uint32_t k = 0; k < kTrapStubCount; ++k) {
    stubs.push_back(new_label());
    bind(stubs.back());
    tail.trap_stubs.push_back(offset());
    a_.mov(w0, Imm(encode_trap(static_cast<TrapKind>(k))));
    jump(builtin);
  }
  tail.builtin_trap = offset();  // w0 already holds the trap code
  bind(builtin);
  a_.sub(x2, kLr, Imm(1));
  emit_trap_exit(a_);
  for (uint32_t cost : gas_costs) {
    tail.gas_thunks.push_back(offset());
    if (cost < 4096) {
      a_.add(kGas, kGas, Imm(cost));
    } else {
      mov_imm(kScratch0, cost);
      a_.add(kGas, kGas, kScratch0);
    }
    jump(stubs[static_cast<size_t>(TrapKind::OutOfGas)]);
  }
  tail.size = offset();
  return tail;
}

// ---- Constants and addresses ----------------------------------------------------

void A64MacroAssembler::mov_imm(const aj::Gp& dst, uint64_t value) {
  bool w32 = dst.isGpW();
  if (w32) value = static_cast<uint32_t>(value);
  if (value == 0) {
    a_.mov(dst, w32 ? Gp(wzr) : Gp(xzr));
    return;
  }
  a_.mov(dst, Imm(value));
}

uint32_t A64MacroAssembler::mov_patchable(uint8_t rd) {
  uint32_t at = here();
  emit32(word::movz(rd, 0, 0));
  emit32(word::movk(rd, 0, 1));
  return at;
}

void A64MacroAssembler::patch_mov(uint32_t at, uint8_t rd, uint32_t value) {
  patch32(at, word::movz(rd, static_cast<uint16_t>(value), 0));
  patch32(at + 4, word::movk(rd, static_cast<uint16_t>(value >> 16), 1));
}

void A64MacroAssembler::add_offset(const aj::Gp& dst, const aj::Gp& base, int64_t offset) {
  auto d = static_cast<uint8_t>(dst.id()), b = static_cast<uint8_t>(base.id());
  if (offset >= 0 && offset < 4096) {
    emit32(word::add_imm(true, false, d, b, static_cast<uint32_t>(offset)));
  } else if (offset < 0 && offset > -4096) {
    emit32(word::add_imm(true, true, d, b, static_cast<uint32_t>(-offset)));
  } else {
    // The constant goes to dst, or to x15 when dst is the base (x15 only
    // matters at a call, where dst is x15 and the base is not).
    Gp k = dst == base ? kArea : dst;
    mov_imm(k, static_cast<uint64_t>(offset));
    a_.add(dst, base, k);
  }
}

aj::Mem A64MacroAssembler::mem(const aj::Gp& base, int64_t offset, uint32_t size) {
  if (offset >= 0 && offset % size == 0 && offset < int64_t{4096} * size) return ptr(base, static_cast<int32_t>(offset));
  if (offset >= -256 && offset < 256) return ptr(base, static_cast<int32_t>(offset));
  mov_imm(kScratch1, static_cast<uint64_t>(offset));
  return ptr(base, kScratch1);
}

void A64MacroAssembler::compare_imm(Width wd, Reg lhs, int64_t imm) {
  Gp l = gp(wd, lhs);
  bool x64 = wd == Width::W64;
  if (wd == Width::W32) imm = static_cast<int32_t>(imm);
  if (imm >= 0 && imm < 4096) {
    emit32(word::cmp_imm(x64, false, lhs.code, static_cast<uint32_t>(imm)));
  } else if (imm < 0 && imm > -4096) {
    emit32(word::cmp_imm(x64, true, lhs.code, static_cast<uint32_t>(-imm)));
  } else {
    Gp s = wd == Width::W32 ? Gp(w16) : Gp(x16);
    mov_imm(s, static_cast<uint64_t>(imm));
    a_.cmp(l, s);
  }
}

// ---- Frames and calls -------------------------------------------------------------

FramePatch A64MacroAssembler::enter_function(uint32_t num_declared_locals, uint32_t func_index) {
  FramePatch patch;
  sp_restore_sites_.clear();
  // The caller passed its area's bottom in x15 and its return address in
  // x30. Charge the stack budget first: when it is spent, the trap happens
  // in the caller's frame (x29 is still the caller's), at its call.
  stack_exhausted_ = new_label();
  patch.stack_cost_at = mov_patchable(kScratch0Code);
  a_.subs(kBudget, kBudget, kScratch0);
  bcond(Cond::LO, stack_exhausted_);
  // The new frame pointer is 16 below the area; sp moves below the whole
  // frame first, so nothing is ever written below sp.
  a_.sub(kScratch0, kArea, Imm(16));
  patch.frame_bytes_at = mov_patchable(kScratch1Code);
  a_.sub(kScratch1, kScratch0, kScratch1);
  a_.and_(sp, kScratch1, Imm(~uint64_t{15}));
  a_.stp(kFp, kLr, ptr(kScratch0));
  a_.mov(kFp, kScratch0);
  mov_imm(kScratch1, func_index);
  a_.stp(kScratch1, kContext, ptr(kFp, frame::kFuncIndexOffset));
  // Declared locals start at zero (abi.hpp: contiguous, descending).
  uint32_t j = 0;
  for (; j + 2 <= num_declared_locals && j < 16; j += 2)
    a_.stp(xzr, xzr, ptr(kFp, frame::declared_local(j + 1)));
  if (num_declared_locals - j <= 2) {
    for (; j < num_declared_locals; ++j) a_.str(xzr, mem(kFp, frame::declared_local(j), 8));
  } else {
    // x16 walks down from local j to the last one, two at a time.
    Label loop = new_label();
    uint32_t pairs = (num_declared_locals - j) / 2;
    add_offset(kScratch0, kFp, frame::declared_local(j) + 8);
    mov_imm(w17, pairs);
    bind(loop);
    a_.stp(xzr, xzr, ptr_pre(kScratch0, -16));
    a_.subs(w17, w17, Imm(1));
    bcond(Cond::NE, loop);
    if ((num_declared_locals - j) % 2) a_.str(xzr, mem(kFp, frame::declared_local(num_declared_locals - 1), 8));
  }
  return patch;
}

void A64MacroAssembler::patch_frame(FramePatch patch, uint32_t frame_bytes_below_fp, uint64_t stack_cost) {
  if (stack_cost > 0x7FFFFFFF || frame_bytes_below_fp > 0x7FFFFFFF) throw std::runtime_error("frame too large");
  patch_mov(patch.stack_cost_at, kScratch0Code, static_cast<uint32_t>(stack_cost));
  patch_mov(patch.stack_refund_at, kScratch0Code, static_cast<uint32_t>(stack_cost));
  patch_mov(patch.frame_bytes_at, kScratch1Code, frame_bytes_below_fp);
  for (uint32_t at : sp_restore_sites_) patch_mov(at, kScratch1Code, frame_bytes_below_fp);
}

void A64MacroAssembler::set_sp_below(int32_t fp_offset) {
  add_offset(kScratch1, kFp, fp_offset);
  a_.and_(sp, kScratch1, Imm(~uint64_t{15}));
}

void A64MacroAssembler::restore_stack_pointer() {
  // Back to the frame's bottom, whose size is patched in at the end.
  sp_restore_sites_.push_back(mov_patchable(kScratch1Code));
  a_.sub(kScratch1, kFp, kScratch1);
  a_.and_(sp, kScratch1, Imm(~uint64_t{15}));
}

void A64MacroAssembler::leave_function(FramePatch& patch) {
  patch.stack_refund_at = mov_patchable(kScratch0Code);
  a_.add(kBudget, kBudget, kScratch0);
  // sp stays below this frame: the caller sets its own after the call.
  a_.ldp(kFp, kLr, ptr(kFp));
  a_.ret(kLr);
}

void A64MacroAssembler::call_direct(Label target, int32_t area_bottom) {
  add_offset(kArea, kFp, area_bottom);
  a_.and_(sp, kArea, Imm(~uint64_t{15}));
  bl(target);
  record_call_source();
  restore_stack_pointer();
}

void A64MacroAssembler::load_arg_at_entry(ValType t, Reg dst, int32_t fp_offset) {
  // x15 is the area's bottom, 16 above where the frame pointer will be.
  load_value(t, dst, gpr(kAreaCode), fp_offset - 16);
}

void A64MacroAssembler::call_func_ref(Reg func_ref, int32_t area_bottom) {
  // The callee finds its JitFuncRef in x16 and our context in x17 (the
  // host adapter needs both).
  a_.mov(kScratch0, x(func_ref));
  a_.mov(kScratch1, kContext);
  add_offset(kArea, kFp, area_bottom);
  a_.and_(sp, kArea, Imm(~uint64_t{15}));
  a_.ldr(kContext, ptr(kScratch0, off::kFuncRefContext));
  a_.ldr(kLr, ptr(kScratch0, off::kFuncRefCode));
  a_.blr(kLr);
  record_call_source();
  reload_context();
  restore_stack_pointer();
}

void A64MacroAssembler::call_builtin(Builtin b, int32_t stack_bottom) {
  set_sp_below(stack_bottom);
  a_.ldr(kScratch0, ptr(kContext, off::kCtxBuiltins));
  a_.ldr(kScratch0, ptr(kScratch0, static_cast<int32_t>(b) * 8));
  a_.blr(kScratch0);
  restore_stack_pointer();
}

void A64MacroAssembler::trap_if_builtin_failed() {
  a_.cmp(w0, Imm(0));
  bcond(Cond::NE, trap_call({Symbol::Kind::BuiltinTrap}, source_offset_));
}

void A64MacroAssembler::finish_function() {
  // The stack budget's trap, reached with the caller's frame and return
  // address still in x29 and x30.
  if (stack_exhausted_.valid()) {
    bind(stack_exhausted_);
    jump(symbol_label({Symbol::Kind::TrapStub, static_cast<uint32_t>(TrapKind::StackExhausted)}));
    stack_exhausted_ = Label{};
  }
  for (const TrapCall& t : trap_calls_) {
    if (labels_[t.label.id].first_use == kNoUse) continue;
    bind(t.label);
    bl(symbol_label(t.target));
    record_call_source(t.source_offset);
  }
  trap_calls_.clear();
  for (const JumpTable& t : jump_tables_) {
    for (size_t i = 0; i < t.targets.size(); ++i) {
      int32_t target = labels_[t.targets[i].id].offset;
      if (target < 0) throw std::runtime_error("AArch64 assembler: a jump table to an unbound label");
      patch32(t.at + 4 * static_cast<uint32_t>(i), static_cast<uint32_t>(target - static_cast<int32_t>(t.at)));
    }
  }
  jump_tables_.clear();
}

// ---- Moves ---------------------------------------------------------------------------

void A64MacroAssembler::move(ValType t, Reg dst, Reg src) {
  if (dst == src) return;
  if (dst.cls == RegClass::Fpr) emit32(word::fmov_d(dst.code, src.code));
  else emit32(word::mov(t != ValType::I32, dst.code, src.code));
}

void A64MacroAssembler::load_const(ValType t, Reg dst, uint64_t bits) {
  if (dst.cls == RegClass::Fpr) {
    if (t == ValType::F32) bits = static_cast<uint32_t>(bits);
    if (bits == 0) {
      a_.movi(d(dst), Imm(0));
      return;
    }
    mov_imm(kScratch0, bits);
    a_.fmov(d(dst), kScratch0);
    return;
  }
  mov_imm(t == ValType::I32 ? w(dst) : x(dst), bits);
}

void A64MacroAssembler::load_slot(ValType t, Reg dst, int32_t fp_offset) { load_value(t, dst, gpr(kFramePointerCode), fp_offset); }

void A64MacroAssembler::store_slot(ValType t, int32_t fp_offset, Reg src) {
  store_value(t, gpr(kFramePointerCode), fp_offset, src);
}

void A64MacroAssembler::store_slot_const(ValType t, int32_t fp_offset, uint64_t bits) {
  bool narrow = t == ValType::I32 || t == ValType::F32;
  if (bits == 0 || (narrow && static_cast<uint32_t>(bits) == 0)) {
    a_.str(narrow ? Gp(wzr) : Gp(xzr), mem(kFp, fp_offset, narrow ? 4 : 8));
    return;
  }
  Gp s = narrow ? Gp(w16) : Gp(x16);
  mov_imm(s, bits);
  a_.str(s, mem(kFp, fp_offset, narrow ? 4 : 8));
}

void A64MacroAssembler::copy_slot(int32_t dst_fp_offset, int32_t src_fp_offset) {
  if (dst_fp_offset == src_fp_offset) return;
  a_.ldr(kScratch0, mem(kFp, src_fp_offset, 8));
  a_.str(kScratch0, mem(kFp, dst_fp_offset, 8));
}

void A64MacroAssembler::copy_slot_dynamic(Reg dst_fp_offset, int32_t disp, int32_t src_fp_offset) {
  a_.ldr(kScratch0, mem(kFp, src_fp_offset, 8));
  a_.add(kScratch1, kFp, x(dst_fp_offset));
  if (disp != 0) add_offset(kScratch1, kScratch1, disp);  // x15 as its scratch, if any
  a_.str(kScratch0, ptr(kScratch1));
}

void A64MacroAssembler::load_context_pointer(Reg dst) { a_.mov(x(dst), kContext); }

void A64MacroAssembler::load_context(Reg dst, int32_t offset) { a_.ldr(x(dst), mem(kContext, offset, 8)); }

void A64MacroAssembler::load_ptr(Reg dst, Reg base, int32_t offset) { a_.ldr(x(dst), mem(x(base), offset, 8)); }

void A64MacroAssembler::load_ptr_indexed(Reg dst, Reg base, Reg index) {
  a_.ldr(x(dst), ptr(x(base), x(index), lsl(3)));
}

void A64MacroAssembler::store_ptr_indexed(Reg base, Reg index, Reg value) {
  a_.str(x(value), ptr(x(base), x(index), lsl(3)));
}

namespace {
word::LoadStore load_store_of(ValType t, bool store) {
  using word::LoadStore;
  switch (t) {
    case ValType::I32: return store ? LoadStore::StrW : LoadStore::LdrW;
    case ValType::F32: return store ? LoadStore::StrS : LoadStore::LdrS;
    case ValType::F64: return store ? LoadStore::StrD : LoadStore::LdrD;
    default: return store ? LoadStore::StrX : LoadStore::LdrX;
  }
}
}  // namespace

void A64MacroAssembler::load_value(ValType t, Reg dst, Reg base, int32_t offset) {
  if (t != ValType::V128) {
    if (uint32_t word = word::load_store(load_store_of(t, false), dst.code, base.code, offset)) {
      emit32(word);
      return;
    }
  }
  Gp b = x(base);
  switch (t) {
    case ValType::I32: a_.ldr(w(dst), mem(b, offset, 4)); break;
    case ValType::F32: a_.ldr(s(dst), mem(b, offset, 4)); break;
    case ValType::F64: a_.ldr(d(dst), mem(b, offset, 8)); break;
    case ValType::V128: throw std::runtime_error("v128 is not supported");
    default: a_.ldr(x(dst), mem(b, offset, 8)); break;
  }
}

void A64MacroAssembler::store_value(ValType t, Reg base, int32_t offset, Reg src) {
  if (t != ValType::V128) {
    if (uint32_t word = word::load_store(load_store_of(t, true), src.code, base.code, offset)) {
      emit32(word);
      return;
    }
  }
  Gp b = x(base);
  switch (t) {
    case ValType::I32: a_.str(w(src), mem(b, offset, 4)); break;
    case ValType::F32: a_.str(s(src), mem(b, offset, 4)); break;
    case ValType::F64: a_.str(d(src), mem(b, offset, 8)); break;
    case ValType::V128: throw std::runtime_error("v128 is not supported");
    default: a_.str(x(src), mem(b, offset, 8)); break;
  }
}

void A64MacroAssembler::select(ValType t, Reg dst, Reg cond, Reg if_true, Reg if_false) {
  a_.cmp(w(cond), Imm(0));
  if (dst.cls == RegClass::Fpr) {
    a_.fcsel(d(dst), d(if_true), d(if_false), Imm(cc(Cond::NE)));
  } else if (t == ValType::I32) {
    a_.csel(w(dst), w(if_true), w(if_false), Imm(cc(Cond::NE)));
  } else {
    a_.csel(x(dst), x(if_true), x(if_false), Imm(cc(Cond::NE)));
  }
  pending_compare_.valid = false;
}

// ---- Linear memory -------------------------------------------------------------------

void A64MacroAssembler::access_memory(MemAccess m, bool store, Reg reg, Reg index, uint64_t offset) {
  // An i32 index has its upper half clear (abi.hpp), so base + index is a
  // plain add; the reservation covers index + offset < 2^33.
  uint32_t size = 1u << m.size_log2;
  Mem at;
  if (!index.valid()) {
    mov_imm(kScratch0, offset);
    at = ptr(kMemoryBase, kScratch0);
  } else if (offset == 0) {
    at = ptr(kMemoryBase, x(index));
  } else {
    a_.add(kScratch0, kMemoryBase, x(index));
    if (offset % size == 0 && offset < uint64_t{4096} * size) {
      at = ptr(kScratch0, static_cast<int32_t>(offset));
    } else if (offset < 256) {
      at = ptr(kScratch0, static_cast<int32_t>(offset));
    } else {
      mov_imm(kScratch1, offset);
      at = ptr(kScratch0, kScratch1);
    }
  }
  trap_sites_.push_back({here(), TrapKind::MemoryOutOfBounds, source_offset_});
  bool i64 = m.type == ValType::I64;
  if (store) {
    switch (m.size_log2) {
      case 0: a_.strb(w(reg), at); break;
      case 1: a_.strh(w(reg), at); break;
      case 2: m.type == ValType::F32 ? a_.str(s(reg), at) : a_.str(w(reg), at); break;
      default: m.type == ValType::F64 ? a_.str(d(reg), at) : a_.str(x(reg), at); break;
    }
    return;
  }
  switch (m.size_log2) {
    case 0:
      if (!m.sign_extend) a_.ldrb(w(reg), at);
      else a_.ldrsb(i64 ? x(reg) : w(reg), at);
      break;
    case 1:
      if (!m.sign_extend) a_.ldrh(w(reg), at);
      else a_.ldrsh(i64 ? x(reg) : w(reg), at);
      break;
    case 2:
      if (m.type == ValType::F32) a_.ldr(s(reg), at);
      else if (m.sign_extend && i64) a_.ldrsw(x(reg), at);
      else a_.ldr(w(reg), at);
      break;
    default:
      if (m.type == ValType::F64) a_.ldr(d(reg), at);
      else a_.ldr(x(reg), at);
      break;
  }
}

void A64MacroAssembler::load_memory(MemAccess a, Reg dst, Reg index, uint64_t offset) {
  access_memory(a, false, dst, index, offset);
}

void A64MacroAssembler::load_memory_abs(MemAccess a, Reg dst, uint64_t address) {
  access_memory(a, false, dst, Reg{}, address);
}

void A64MacroAssembler::store_memory(MemAccess a, Reg index, uint64_t offset, Reg value) {
  access_memory(a, true, value, index, offset);
}

void A64MacroAssembler::store_memory_abs(MemAccess a, uint64_t address, Reg value) {
  access_memory(a, true, value, Reg{}, address);
}

void A64MacroAssembler::reload_memory_base() {
  a_.ldr(kMemoryBase, ptr(kContext, off::kCtxMemory0));
  a_.ldr(kMemoryBase, ptr(kMemoryBase, off::kMemoryBase));
}

void A64MacroAssembler::reload_context() { a_.ldr(kContext, ptr(kFp, frame::kContextOffset)); }

// ---- Gas -----------------------------------------------------------------------------

GasPatch A64MacroAssembler::begin_gas_charge() {
  // subs x25, x25, #cost and a b.lo to an out-of-line call of the cost's
  // thunk, which adds the cost back (the out-of-gas state is the state
  // before the segment) and traps. Patched once the cost is known.
  GasPatch p{here(), source_offset_};
  emit32(word::subs_imm(kGasCode, kGasCode, 0));
  if (far_branches_) {
    emit32(word::b_cond(Cond::HS, 2));
    emit32(word::b(0));
  } else {
    emit32(word::b_cond(Cond::LO, 0));
  }
  return p;
}

void A64MacroAssembler::finish_gas_charge(GasPatch p, uint64_t cost) {
  uint32_t size = far_branches_ ? 12 : 8;
  if (cost == 0) {
    patch32(p.at, word::b(static_cast<int32_t>(size / 4)));  // over the charge
    return;
  }
  if (cost < 4096) {
    patch32(p.at, word::subs_imm(kGasCode, kGasCode, static_cast<uint32_t>(cost)));
    Label thunk = trap_call({Symbol::Kind::GasThunk, static_cast<uint32_t>(cost)}, p.module_offset);
    uint32_t branch_at = p.at + size - 4;
    LabelState& s = labels_[thunk.id];
    Fixup kind = far_branches_ ? Fixup::Imm26 : Fixup::Imm19;
    label_uses_.push_back({branch_at, kind, s.first_use});
    s.first_use = static_cast<uint32_t>(label_uses_.size() - 1);
    return;
  }
  // A larger cost: the charge becomes a branch to a full compare and
  // subtract placed here, behind a branch for the fallthrough.
  Label over = new_label(), wide = new_label();
  jump(over);
  bind(wide);
  charge_gas(cost, trap_call({Symbol::Kind::TrapStub, static_cast<uint32_t>(TrapKind::OutOfGas)}, p.module_offset));
  emit32(word::b(static_cast<int32_t>((int64_t{p.at} + size - here()) / 4)));
  patch32(p.at, word::b(static_cast<int32_t>((int64_t{label_offset(wide)} - p.at) / 4)));
  patch32(p.at + size - 4, word::nop());
  bind(over);
}

void A64MacroAssembler::charge_gas(uint64_t cost, Label out_of_gas) {
  if (cost < 4096) {
    a_.cmp(kGas, Imm(cost));
    bcond(Cond::LO, out_of_gas);
    a_.sub(kGas, kGas, Imm(cost));
  } else {
    mov_imm(kScratch0, cost);
    a_.cmp(kGas, kScratch0);
    bcond(Cond::LO, out_of_gas);
    a_.sub(kGas, kGas, kScratch0);
  }
}

void A64MacroAssembler::charge_gas_per_item(Reg n, Reg tmp, uint64_t unit_cost, bool per_8_bytes, Label out_of_gas) {
  Gp t = x(tmp);
  a_.mov(w(tmp), w(n));
  if (per_8_bytes) {
    a_.add(t, t, Imm(7));
    a_.lsr(t, t, Imm(3));
  }
  // n * unit, saturated as the interpreter does when it passes 64 bits.
  mov_imm(kScratch0, unit_cost);
  a_.umulh(kScratch1, t, kScratch0);
  a_.mul(t, t, kScratch0);
  a_.cmp(kScratch1, Imm(0));
  a_.csinv(t, t, xzr, Imm(cc(Cond::EQ)));
  a_.cmp(kGas, t);
  bcond(Cond::LO, out_of_gas);
  a_.sub(kGas, kGas, t);
}

}  // namespace detwasm::jit::a64
