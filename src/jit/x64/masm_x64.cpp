// x86-64 MacroAssembler: labels, control, frames, calls, moves and memory.
// Arithmetic is in masm_x64_arith.cpp.
#include "jit/x64/masm_x64.hpp"

#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "jit/x64/regs_x64.hpp"
#include "jit/x64/trap_exit_x64.hpp"

namespace detwasm::jit::x64 {

using namespace asmjit;
using namespace asmjit::x86;

void X64MacroAssembler::ErrorThrower::handleError(Error err, const char* message, BaseEmitter*) {
  throw std::runtime_error(std::string("x86-64 assembler: ") + message);
}

namespace {
struct LabelTables {
  std::vector<X64MacroAssembler::LabelState> labels;
  std::vector<X64MacroAssembler::LabelUse> uses;
};
thread_local LabelTables t_label_tables;
}  // namespace

bool X64MacroAssembler::int_imm_fits(IntBinOp op, Width w, uint64_t value) {
  if (w == Width::W32) return true;
  switch (op) {
    case IntBinOp::Shl:
    case IntBinOp::ShrS:
    case IntBinOp::ShrU:
    case IntBinOp::Rotl:
    case IntBinOp::Rotr:
      return true;  // the count is taken modulo 64
    default:
      return static_cast<int64_t>(value) == static_cast<int32_t>(value);
  }
}

void X64MacroAssembler::init_code(CodeHolder& code) { code.init(asmjit::Environment(asmjit::Arch::kX64)); }

X64MacroAssembler::X64MacroAssembler(CodeHolder& code, const Target& target)
    : a_(&code), features_(Features::of(target)) {
  // The baseline (SSE4.1, POPCNT) is assumed; whether a machine can run the
  // code is the engine's question (Target::missing_on_host), not this one's.
  a_.setErrorHandler(&thrower_);
  a_.addEncodingOptions(asmjit::EncodingOptions::kOptimizedAlign);  // alignment pads with long NOPs
  // The label tables of this thread's last module, emptied, keep their
  // capacity: a large module's are megabytes of fresh pages otherwise.
  labels_.swap(t_label_tables.labels);
  label_uses_.swap(t_label_tables.uses);
  labels_.clear();
  label_uses_.clear();
}

X64MacroAssembler::~X64MacroAssembler() {
  if (labels_.capacity() > t_label_tables.labels.capacity()) labels_.swap(t_label_tables.labels);
  if (label_uses_.capacity() > t_label_tables.uses.capacity()) label_uses_.swap(t_label_tables.uses);
}

void X64MacroAssembler::expect_code_bytes(uint64_t n) {
  // sqlite3 has a label per 22 bytes of bodies, a label use per 8 and a
  // trap site per 17; one of each per 6 bytes leaves room.
  auto per = [n](uint64_t bytes) { return static_cast<size_t>(n / bytes); };
  labels_.reserve(per(6));
  label_uses_.reserve(per(6));
  trap_sites_.reserve(per(6));
  sources_.reserve(per(6));
}

// ---- Labels and control ------------------------------------------------------

Label X64MacroAssembler::new_label() {
  labels_.push_back({});
  return Label{static_cast<uint32_t>(labels_.size() - 1)};
}

void X64MacroAssembler::patch_rel32(uint32_t rel32_at, int32_t target) {
  auto rel = static_cast<int32_t>(target - static_cast<int64_t>(rel32_at + 4));
  std::memcpy(a_._bufferData + rel32_at, &rel, 4);
}

void X64MacroAssembler::use_label_at(Label l, uint32_t rel32_at) {
  LabelState& s = labels_[l.id];
  if (s.offset >= 0) {  // bound already: patch now
    patch_rel32(rel32_at, s.offset);
    return;
  }
  label_uses_.push_back({rel32_at, s.first_use});
  s.first_use = static_cast<uint32_t>(label_uses_.size() - 1);
}

void X64MacroAssembler::bind(Label l) {
  pending_compare_.valid = false;  // a branch may arrive here: the flags are unknown
  slot_in_register_.end = kNoSlot;  // and registers hold what they hold there
  LabelState& s = labels_[l.id];
  s.offset = static_cast<int32_t>(a_.offset());
  for (uint32_t u = s.first_use; u != kNoUse; u = label_uses_[u].next) patch_rel32(label_uses_[u].rel32_at, s.offset);
  s.first_use = kNoUse;
}

std::optional<int8_t> X64MacroAssembler::short_jump(Label l) const {
  // Only a bound label can be near enough: jumps ahead take rel32.
  int32_t target = labels_[l.id].offset;
  int64_t rel = int64_t{target} - static_cast<int64_t>(a_.offset() + 2);
  if (target < 0 || rel < -128) return std::nullopt;
  return static_cast<int8_t>(rel);
}

void X64MacroAssembler::jcc(CondCode cc, Label l) {
  auto c = static_cast<uint8_t>(cc);
  if (auto rel = short_jump(l)) {
    emit([&](enc::Writer& w) { w.jcc_rel8(c, *rel); });
    return;
  }
  emit([c](enc::Writer& w) { w.jcc_rel32(c, 0); });
  use_label(l);
}

void X64MacroAssembler::jmp(Label l) {
  if (auto rel = short_jump(l)) {
    emit([&](enc::Writer& w) { w.jmp_rel8(*rel); });
    return;
  }
  emit([](enc::Writer& w) { w.jmp_rel32(0); });
  use_label(l);
}

void X64MacroAssembler::call(Label l) {
  emit([](enc::Writer& w) { w.call_rel32(0); });
  use_label(l);
}

void X64MacroAssembler::set_from_flags(IntCond c, Reg dst) {
  auto flags_end = static_cast<uint32_t>(a_.offset());
  emit([&](enc::Writer& w) { w.set_and_zero_extend(static_cast<uint8_t>(cond_code(c)), dst.code); });
  pending_compare_ = {true, flags_end, static_cast<uint32_t>(a_.offset()), dst.code, c};
}

bool X64MacroAssembler::branch_on_compare(Reg value, bool when_true, Label l) {
  const PendingCompare& p = pending_compare_;
  if (!p.valid || p.end != a_.offset() || p.reg != value.code || value.cls != RegClass::Gpr) return false;
  // Drop the setcc/movzx (the listing still shows them) and branch on the flags.
  a_.setOffset(p.flags_end);
  jcc(cond_code(when_true ? p.cond : negate(p.cond)), l);
  pending_compare_.valid = false;
  return true;
}

uint32_t X64MacroAssembler::label_offset(Label l) const { return static_cast<uint32_t>(labels_[l.id].offset); }

void X64MacroAssembler::jump(Label l) { jmp(l); }

void X64MacroAssembler::align_loop_header() { a_.align(asmjit::AlignMode::kCode, 32); }

void X64MacroAssembler::branch_int(IntCond c, Width w, Reg lhs, Reg rhs, Label l) {
  emit([&](enc::Writer& e) { e.alu(enc::Alu::Cmp, w == Width::W64, lhs.code, rhs.code); });
  jcc(cond_code(c), l);
}

void X64MacroAssembler::branch_int_imm(IntCond c, Width w, Reg lhs, int32_t imm, Label l) {
  compare_imm(c, w, lhs, imm);
  jcc(cond_code(c), l);
}

void X64MacroAssembler::branch_float(FloatCond c, ValType t, Reg lhs, Reg rhs, Label l) {
  bool f64 = t == ValType::F64;
  auto ucomi = [&](Reg x, Reg y) {
    if (f64) a_.ucomisd(xmm(x.code), xmm(y.code));
    else a_.ucomiss(xmm(x.code), xmm(y.code));
  };
  switch (c) {
    case FloatCond::Eq: {
      asmjit::Label skip = a_.newLabel();
      ucomi(lhs, rhs);
      a_.jp(skip);  // unordered: not equal
      jcc(CondCode::kE, l);
      a_.bind(skip);
      break;
    }
    case FloatCond::Ne:
      ucomi(lhs, rhs);
      jcc(CondCode::kP, l);
      jcc(CondCode::kNE, l);
      break;
    // ucomis sets CF and ZF on unordered, so "above" forms are false for NaN.
    case FloatCond::Gt: ucomi(lhs, rhs); jcc(CondCode::kA, l); break;
    case FloatCond::Ge: ucomi(lhs, rhs); jcc(CondCode::kAE, l); break;
    case FloatCond::Lt: ucomi(rhs, lhs); jcc(CondCode::kA, l); break;
    case FloatCond::Le: ucomi(rhs, lhs); jcc(CondCode::kAE, l); break;
  }
}

void X64MacroAssembler::jump_table(Reg index, std::span<const Label> targets, Label otherwise) {
  JumpTable table{a_.newLabel(), {targets.begin(), targets.end()}};
  a_.cmp(gp32(index), static_cast<uint32_t>(targets.size()));
  jcc(CondCode::kAE, otherwise);
  a_.lea(r11, ptr(table.at));
  a_.movsxd(gp64(index), dword_ptr(r11, gp64(index), 2));
  a_.add(r11, gp64(index));
  a_.jmp(r11);
  jump_tables_.push_back(std::move(table));
}

void X64MacroAssembler::load_i32_table(Reg dst, Reg index, std::span<const int32_t> values) {
  IntTable table{a_.newLabel(), {values.begin(), values.end()}};
  a_.lea(r11, ptr(table.at));
  a_.movsxd(gp64(dst), dword_ptr(r11, gp64(index), 2));  // offsets may be negative: sign-extend
  int_tables_.push_back(std::move(table));
}

Label X64MacroAssembler::trap_label(TrapKind kind) {
  return trap_call({Symbol::Kind::TrapStub, static_cast<uint32_t>(kind)}, source_offset_);
}

Label X64MacroAssembler::trap_call(Symbol target, uint32_t source_offset) {
  // One operator asks for a few at most (call_indirect: three kinds): the
  // ones it made already are at the end.
  for (auto it = trap_calls_.rbegin(); it != trap_calls_.rend() && it->source_offset == source_offset; ++it)
    if (it->target == target) return it->label;
  trap_calls_.push_back({new_label(), target, source_offset});
  return trap_calls_.back().label;
}

Label X64MacroAssembler::symbol_label(Symbol s) {
  Label l = new_label();
  symbol_labels_.push_back({l, s});
  return l;
}

// ---- Functions ---------------------------------------------------------------

void X64MacroAssembler::begin_function_code(uint64_t) {
  a_.align(AlignMode::kCode, kFunctionAlignment);
  function_start_ = static_cast<uint32_t>(a_.offset());
  labels_.clear();
  label_uses_.clear();
  symbol_labels_.clear();
  trap_sites_.clear();
  trap_calls_.clear();
  sources_.clear();
  pending_compare_.valid = false;
  slot_in_register_.end = kNoSlot;
}

FunctionCode X64MacroAssembler::end_function_code(Label outer_entry) {
  FunctionCode out;
  out.start = function_start_;
  out.size = static_cast<uint32_t>(a_.offset()) - function_start_;
  out.outer_entry = static_cast<uint32_t>(labels_[outer_entry.id].offset) - function_start_;
  // Each symbol label's uses become relocations; counted first, so the
  // list is allocated once.
  size_t uses = 0;
  for (const SymbolLabel& s : symbol_labels_)
    for (uint32_t u = labels_[s.label.id].first_use; u != kNoUse; u = label_uses_[u].next) ++uses;
  out.relocations.reserve(uses);
  for (const SymbolLabel& s : symbol_labels_) {
    LabelState& l = labels_[s.label.id];
    for (uint32_t u = l.first_use; u != kNoUse; u = label_uses_[u].next)
      out.relocations.push_back({label_uses_[u].rel32_at - function_start_, s.symbol});
    l.first_use = kNoUse;
  }
  for (const LabelState& l : labels_)
    if (l.first_use != kNoUse) throw std::runtime_error("x86-64 assembler: code refers to an unbound label");
  out.trap_sites = trap_sites_;
  for (TrapSite& t : out.trap_sites) t.offset -= function_start_;
  out.sources = sources_;
  for (SourcePos& p : out.sources) p.code_offset -= function_start_;
  return out;
}

TailCode X64MacroAssembler::emit_tail(std::span<const uint32_t> gas_costs) {
  // One stub per trap kind: the trap code in eax, then the shared exit that
  // unwinds to the entry trampoline (abi.hpp: every context starts with the
  // ExecState pointer, which holds the trampoline's exit).
  begin_function_code();
  TailCode tail;
  tail.start = function_start_;
  auto here = [&] { return static_cast<uint32_t>(a_.offset()) - function_start_; };
  // Each is called, from a function's out-of-line trap calls (or, for an
  // exhausted stack budget, jumped to from a callee's entry, with the
  // caller's return address on top): the return address less one is the
  // pc that the frame walk looks up.
  Label builtin = new_label();
  std::vector<Label> stubs;
  for (uint32_t k = 0; k < kTrapStubCount; ++k) {
    stubs.push_back(new_label());
    bind(stubs.back());
    tail.trap_stubs.push_back(here());
    a_.mov(eax, encode_trap(static_cast<TrapKind>(k)));
    jmp(builtin);
  }
  tail.builtin_trap = here();  // eax already holds the trap code
  bind(builtin);
  a_.pop(rdx);
  a_.dec(rdx);
  emit_trap_exit(a_);
  // Out-of-gas thunks (begin_gas_charge): the segment's cost goes back,
  // then the trap.
  for (uint32_t cost : gas_costs) {
    tail.gas_thunks.push_back(here());
    emit([cost](enc::Writer& w) { w.alu_imm32(enc::Alu::Add, true, kGasCode, static_cast<int32_t>(cost)); });
    jmp(stubs[static_cast<size_t>(TrapKind::OutOfGas)]);
  }
  tail.size = here();
  return tail;
}

void X64MacroAssembler::apply_relocation(uint8_t* code, uint32_t field_at, uint32_t target_at) {
  // Every relocation is a rel32 of a jmp, jcc or call: from the field's end.
  auto rel = static_cast<int32_t>(int64_t{target_at} - (int64_t{field_at} + 4));
  std::memcpy(code + field_at, &rel, 4);
}

// ---- Frames and calls --------------------------------------------------------

FramePatch X64MacroAssembler::enter_function(uint32_t num_declared_locals, uint32_t func_index) {
  FramePatch patch;
  // The stub takes the caller's return address, on top, as the trap's pc.
  Label stack_exhausted = symbol_label({Symbol::Kind::TrapStub, static_cast<uint32_t>(TrapKind::StackExhausted)});
  sp_restore_sites_.clear();
  // Charge this activation's stack cost first: a borrow means the budget is
  // spent, and the trap then happens in the caller's frame.
  constexpr uint8_t kBudgetCode = 13, kStackPointerCode = 4;
  emit([](enc::Writer& w) { w.alu_imm32(enc::Alu::Sub, true, kBudgetCode, 0x7FFFFFFF); });
  patch.stack_cost_at = static_cast<uint32_t>(a_.offset() - 4);
  jcc(CondCode::kB, stack_exhausted);
  emit([](enc::Writer& w) {
    w.push(kFramePointerCode);
    w.mov(true, kFramePointerCode, kStackPointerCode);
  });
  emit([func_index](enc::Writer& w) {
    w.push(kContextCode);                           // fp - 8
    w.push_imm(static_cast<int32_t>(func_index));  // fp - 16, for trap frames
  });
  emit([](enc::Writer& w) { w.alu_imm32(enc::Alu::Sub, true, kStackPointerCode, 0x7FFFFFFF); });
  patch.frame_bytes_at = static_cast<uint32_t>(a_.offset() - 4);

  // Declared locals start at zero (abi.hpp: they are contiguous, descending).
  if (num_declared_locals > 0 && num_declared_locals <= 8) {
    emit([](enc::Writer& w) { w.alu(enc::Alu::Xor, false, kScratchCode, kScratchCode); });
    for (uint32_t j = 0; j < num_declared_locals; ++j) {
      emit([j](enc::Writer& w) {
        w.mem(with_w(enc::kMovStore, true), kScratchCode, kFramePointerCode, frame::declared_local(j));
      });
    }
  } else if (num_declared_locals > 8) {
    // Register arguments avoid rdi, rcx and rax (param_gpr), so they are free.
    a_.lea(rdi, qword_ptr(rbp, frame::declared_local(num_declared_locals - 1)));
    a_.mov(ecx, num_declared_locals);
    a_.xor_(eax, eax);
    a_.rep().stosq();
  }
  return patch;
}

void X64MacroAssembler::patch_frame(FramePatch patch, uint32_t frame_bytes_below_fp, uint64_t stack_cost) {
  // The prologue pushed the fixed part already.
  uint32_t rest = frame_bytes_below_fp - frame::kFixedBytesBelowFp;
  if (stack_cost > 0x7FFFFFFF || rest > 0x7FFFFFFF) throw std::runtime_error("frame too large");
  uint8_t* buf = a_.code()->textSection()->data();
  uint32_t cost = static_cast<uint32_t>(stack_cost);
  std::memcpy(buf + patch.stack_cost_at, &cost, 4);
  std::memcpy(buf + patch.stack_refund_at, &cost, 4);
  std::memcpy(buf + patch.frame_bytes_at, &rest, 4);
  auto bottom = -static_cast<int32_t>(frame_bytes_below_fp);
  for (uint32_t at : sp_restore_sites_) std::memcpy(buf + at, &bottom, 4);
}

void X64MacroAssembler::restore_stack_pointer() {
  // Nothing may live below rsp: a signal delivered on this stack would
  // overwrite it. A disp32 placeholder keeps the encoding size when patched.
  a_.lea(rsp, qword_ptr(rbp, -0x7FFFFFFF));
  sp_restore_sites_.push_back(static_cast<uint32_t>(a_.offset() - 4));
}

void X64MacroAssembler::leave_function(FramePatch& patch) {
  constexpr uint8_t kBudgetCode = 13;
  emit([](enc::Writer& w) { w.alu_imm32(enc::Alu::Add, true, kBudgetCode, 0x7FFFFFFF); });
  patch.stack_refund_at = static_cast<uint32_t>(a_.offset() - 4);
  emit([](enc::Writer& w) {
    w.leave();
    w.ret();
  });
}

void X64MacroAssembler::call_direct(Label target, int32_t area_bottom) {
  a_.lea(rsp, qword_ptr(rbp, area_bottom));
  call(target);
  record_call_source();
  restore_stack_pointer();
}

void X64MacroAssembler::call_func_ref(Reg func_ref, int32_t area_bottom) {
  // The callee finds its JitFuncRef in rax and our context in r11 (the host
  // adapter needs both).
  if (func_ref.code != 0) a_.mov(rax, gp64(func_ref));
  a_.mov(r11, kContextReg);
  a_.lea(rsp, qword_ptr(rbp, area_bottom));
  a_.mov(kContextReg, qword_ptr(rax, off::kFuncRefContext));
  a_.call(qword_ptr(rax, off::kFuncRefCode));
  record_call_source();
  reload_context();
  restore_stack_pointer();
}

void X64MacroAssembler::call_builtin(Builtin b, int32_t stack_bottom) {
  a_.lea(rsp, qword_ptr(rbp, stack_bottom));
  a_.and_(rsp, -16);
  a_.mov(r11, qword_ptr(kContextReg, off::kCtxBuiltins));
  a_.call(qword_ptr(r11, static_cast<int32_t>(b) * 8));
  restore_stack_pointer();
}

void X64MacroAssembler::trap_if_builtin_failed() {
  a_.test(eax, eax);
  jcc(CondCode::kNZ, trap_call({Symbol::Kind::BuiltinTrap}, source_offset_));
}

// ---- Moves -------------------------------------------------------------------

void X64MacroAssembler::move(ValType t, Reg dst, Reg src) {
  if (dst == src) return;
  if (dst.cls == RegClass::Fpr) emit([&](enc::Writer& w) { w.rr(enc::kMovaps, dst.code, src.code); });
  else emit([&](enc::Writer& w) { w.mov(t != ValType::I32, dst.code, src.code); });
}

void X64MacroAssembler::load_const(ValType t, Reg dst, uint64_t bits) {
  if (dst.cls == RegClass::Fpr) {
    if (bits == 0) {
      a_.xorps(xmm(dst.code), xmm(dst.code));
    } else if (t == ValType::F32) {
      a_.mov(r11d, static_cast<uint32_t>(bits));
      a_.movd(xmm(dst.code), r11d);
    } else {
      a_.mov(r11, bits);
      a_.movq(xmm(dst.code), r11);
    }
    return;
  }
  // Flags are not preserved: never between a compare and its use.
  if (t == ValType::I32) bits = static_cast<uint32_t>(bits);
  if (bits == 0) emit([&](enc::Writer& w) { w.alu(enc::Alu::Xor, false, dst.code, dst.code); });
  else if (bits <= 0xFFFFFFFF) emit([&](enc::Writer& w) { w.mov_imm32(dst.code, static_cast<uint32_t>(bits)); });
  else if (static_cast<int64_t>(bits) == static_cast<int32_t>(bits)) a_.mov(gp64(dst), static_cast<int32_t>(bits));
  else a_.mov(gp64(dst), bits);
}

void X64MacroAssembler::load_slot(ValType t, Reg dst, int32_t fp_offset) {
  // Right after a store or load of the same slot (local.set or local.tee
  // and then local.get, local.get twice, a spill and its reload), a register
  // still holds the value: nothing was emitted in between and no label was
  // bound.
  SlotInRegister& last = slot_in_register_;
  if (last.end == a_.offset() && last.fp_offset == fp_offset && last.type == t && last.reg.cls == dst.cls) {
    move(t, dst, last.reg);
    last.end = static_cast<uint32_t>(a_.offset());
    return;
  }
  load_value(t, dst, gpr(kFramePointerCode), fp_offset);
  slot_in_register_ = {static_cast<uint32_t>(a_.offset()), fp_offset, t, dst};
}

void X64MacroAssembler::store_slot(ValType t, int32_t fp_offset, Reg src) {
  store_value(t, gpr(kFramePointerCode), fp_offset, src);
  slot_in_register_ = {static_cast<uint32_t>(a_.offset()), fp_offset, t, src};
}

void X64MacroAssembler::store_slot_const(ValType t, int32_t fp_offset, uint64_t bits) {
  if (t == ValType::I32 || t == ValType::F32) {
    emit([&](enc::Writer& w) { w.mov_mem_imm(false, kFramePointerCode, fp_offset, static_cast<uint32_t>(bits)); });
  } else if (static_cast<int64_t>(bits) == static_cast<int32_t>(bits)) {
    emit([&](enc::Writer& w) { w.mov_mem_imm(true, kFramePointerCode, fp_offset, static_cast<uint32_t>(bits)); });
  } else {
    a_.mov(r11, bits);
    a_.mov(qword_ptr(rbp, fp_offset), r11);
  }
}

void X64MacroAssembler::copy_slot(int32_t dst_fp_offset, int32_t src_fp_offset) {
  if (dst_fp_offset == src_fp_offset) return;
  emit([&](enc::Writer& w) { w.mem(with_w(enc::kMovLoad, true), kScratchCode, kFramePointerCode, src_fp_offset); });
  emit([&](enc::Writer& w) { w.mem(with_w(enc::kMovStore, true), kScratchCode, kFramePointerCode, dst_fp_offset); });
}

void X64MacroAssembler::copy_slot_dynamic(Reg dst_fp_offset, int32_t disp, int32_t src_fp_offset) {
  a_.mov(r11, qword_ptr(rbp, src_fp_offset));
  a_.mov(qword_ptr(rbp, gp64(dst_fp_offset), 0, disp), r11);
}

void X64MacroAssembler::load_context_pointer(Reg dst) { a_.mov(gp64(dst), kContextReg); }

void X64MacroAssembler::load_context(Reg dst, int32_t offset) {
  emit([&](enc::Writer& w) { w.mem(with_w(enc::kMovLoad, true), dst.code, kContextCode, offset); });
}

void X64MacroAssembler::load_ptr(Reg dst, Reg base, int32_t offset) {
  emit([&](enc::Writer& w) { w.mem(with_w(enc::kMovLoad, true), dst.code, base.code, offset); });
}

void X64MacroAssembler::load_ptr_indexed(Reg dst, Reg base, Reg index) {
  a_.mov(gp64(dst), qword_ptr(gp64(base), gp64(index), 3));
}

void X64MacroAssembler::store_ptr_indexed(Reg base, Reg index, Reg value) {
  a_.mov(qword_ptr(gp64(base), gp64(index), 3), gp64(value));
}

namespace {

// The move of a whole value of type t from memory (load) or to it.
enc::Opcode value_move(ValType t, bool load) {
  switch (t) {
    case ValType::I32: return load ? enc::kMovLoad : enc::kMovStore;
    case ValType::F32: return load ? enc::kMovssLoad : enc::kMovssStore;
    case ValType::F64: return load ? enc::kMovsdLoad : enc::kMovsdStore;
    case ValType::V128: throw std::runtime_error("v128 is not supported");
    default: return with_w(load ? enc::kMovLoad : enc::kMovStore, true);
  }
}

}  // namespace

void X64MacroAssembler::load_value(ValType t, Reg dst, Reg base, int32_t offset) {
  enc::Opcode op = value_move(t, true);
  emit([&](enc::Writer& w) { w.mem(op, dst.code, base.code, offset); });
}

void X64MacroAssembler::store_value(ValType t, Reg base, int32_t offset, Reg src) {
  enc::Opcode op = value_move(t, false);
  emit([&](enc::Writer& w) { w.mem(op, src.code, base.code, offset); });
}

void X64MacroAssembler::select(ValType t, Reg dst, Reg cond, Reg if_true, Reg if_false) {
  a_.test(gp32(cond), gp32(cond));
  if (dst.cls == RegClass::Gpr) {
    Width w = t == ValType::I32 ? Width::W32 : Width::W64;
    if (dst == if_true) {
      a_.cmovz(gp(w, dst), gp(w, if_false));
    } else if (dst == if_false) {
      a_.cmovnz(gp(w, dst), gp(w, if_true));
    } else {
      a_.mov(gp(w, dst), gp(w, if_true));  // mov keeps the flags of the test
      a_.cmovz(gp(w, dst), gp(w, if_false));
    }
    return;
  }
  asmjit::Label done = a_.newLabel();
  if (dst == if_true) {
    a_.jnz(done);
    a_.movaps(xmm(dst.code), xmm(if_false.code));
  } else if (dst == if_false) {
    a_.jz(done);
    a_.movaps(xmm(dst.code), xmm(if_true.code));
  } else {
    a_.movaps(xmm(dst.code), xmm(if_true.code));
    a_.jnz(done);
    a_.movaps(xmm(dst.code), xmm(if_false.code));
  }
  a_.bind(done);
}

// ---- Linear memory -------------------------------------------------------------

namespace {

enc::Opcode load_opcode(MemAccess a) {
  bool wide = a.type == ValType::I64;
  switch (a.size_log2) {
    case 0: return a.sign_extend ? with_w(enc::kMovsx8, wide) : enc::kMovzx8;
    case 1: return a.sign_extend ? with_w(enc::kMovsx16, wide) : enc::kMovzx16;
    case 2:
      if (a.type == ValType::F32) return enc::kMovssLoad;
      return a.sign_extend && wide ? enc::kMovsxd : enc::kMovLoad;
    default: return a.type == ValType::F64 ? enc::kMovsdLoad : with_w(enc::kMovLoad, true);
  }
}

enc::Opcode store_opcode(MemAccess a) {
  switch (a.size_log2) {
    case 0: return enc::kMovStore8;
    case 1: return enc::kMovStore16;
    case 2: return a.type == ValType::F32 ? enc::kMovssStore : enc::kMovStore;
    default: return a.type == ValType::F64 ? enc::kMovsdStore : with_w(enc::kMovStore, true);
  }
}

}  // namespace

void X64MacroAssembler::access_memory(enc::Opcode op, Reg reg, Reg index, uint64_t offset) {
  // The reservation covers index + offset < 2^33, so only the sum matters;
  // an offset past disp32 goes through the scratch register.
  if (offset > 0x7FFFFFFF) {
    a_.mov(r11, offset);
    if (index.valid()) a_.add(r11, gp64(index));
    index = gpr(kScratchCode);
    offset = 0;
  }
  trap_sites_.push_back({static_cast<uint32_t>(a_.offset()), TrapKind::MemoryOutOfBounds, source_offset_});
  auto disp = static_cast<int32_t>(offset);
  if (index.valid()) emit([&](enc::Writer& w) { w.mem_index(op, reg.code, kMemoryBaseCode, index.code, disp); });
  else emit([&](enc::Writer& w) { w.mem(op, reg.code, kMemoryBaseCode, disp); });
}

void X64MacroAssembler::load_memory(MemAccess a, Reg dst, Reg index, uint64_t offset) {
  access_memory(load_opcode(a), dst, index, offset);
}

void X64MacroAssembler::load_memory_abs(MemAccess a, Reg dst, uint64_t address) {
  access_memory(load_opcode(a), dst, Reg{}, address);
}

void X64MacroAssembler::store_memory(MemAccess a, Reg index, uint64_t offset, Reg value) {
  access_memory(store_opcode(a), value, index, offset);
}

void X64MacroAssembler::store_memory_abs(MemAccess a, uint64_t address, Reg value) {
  access_memory(store_opcode(a), value, Reg{}, address);
}

void X64MacroAssembler::load_arg_at_entry(ValType t, Reg dst, int32_t fp_offset) {
  // The return address is at rsp; rbp will be rsp - 8 once pushed.
  constexpr uint8_t kStackPointerCode = 4;
  load_value(t, dst, gpr(kStackPointerCode), fp_offset - 8);
}

void X64MacroAssembler::reload_memory_base() {
  a_.mov(kMemoryBaseReg, qword_ptr(kContextReg, off::kCtxMemory0));
  a_.mov(kMemoryBaseReg, qword_ptr(kMemoryBaseReg, off::kMemoryBase));
}

void X64MacroAssembler::reload_context() { a_.mov(kContextReg, qword_ptr(rbp, frame::kContextOffset)); }

// ---- Gas -------------------------------------------------------------------------

GasPatch X64MacroAssembler::begin_gas_charge() {
  // sub r12, imm32 and jb rel32, both patched once the segment's cost is
  // known: the jump goes to a thunk in the module's tail (emit_tail) that
  // adds the cost back (the out-of-gas state is the state before the
  // segment) and traps.
  // 13 bytes and no taken branch on the way through.
  GasPatch p{static_cast<uint32_t>(a_.offset()), source_offset_};
  emit([](enc::Writer& w) {
    w.alu_imm32(enc::Alu::Sub, true, kGasCode, 0x7FFFFFFF);
    w.jcc_rel32(static_cast<uint8_t>(CondCode::kB), 0);
  });
  return p;
}

void X64MacroAssembler::finish_function() {
  // The trap calls that something jumps to, each listed as made from its
  // operator.
  for (const TrapCall& t : trap_calls_) {
    if (labels_[t.label.id].first_use == kNoUse) continue;
    bind(t.label);
    call(symbol_label(t.target));
    record_call_source(t.source_offset);
  }
  trap_calls_.clear();
  for (const NanFix& f : nan_fixes_) {
    bind(f.label);
    if (f.f64) a_.movsd(xmm(f.reg), const128(0x7FF8000000000000ull, 0));
    else a_.movss(xmm(f.reg), const128(0x7FC00000, 0));
    int64_t rel = int64_t{f.resume} - static_cast<int64_t>(a_.offset() + 2);
    if (rel >= -128) emit([rel](enc::Writer& w) { w.jmp_rel8(static_cast<int8_t>(rel)); });
    else emit([rel](enc::Writer& w) { w.jmp_rel32(static_cast<int32_t>(rel - 3)); });
  }
  nan_fixes_.clear();
  // The function's tables and constants, so that it is whole on its own.
  for (const JumpTable& t : jump_tables_) {
    a_.align(AlignMode::kData, 4);
    a_.bind(t.at);
    auto table_at = static_cast<int64_t>(a_.offset());
    for (Label target : t.targets) {
      auto delta = static_cast<int32_t>(labels_[target.id].offset - table_at);
      a_.embed(&delta, sizeof delta);
    }
  }
  jump_tables_.clear();
  for (const IntTable& t : int_tables_) {
    a_.align(AlignMode::kData, 4);
    a_.bind(t.at);
    a_.embed(t.values.data(), t.values.size() * sizeof(int32_t));
  }
  int_tables_.clear();
  if (!constants_.empty()) a_.align(AlignMode::kData, 16);
  for (const auto& [value, label] : constants_) {
    a_.bind(label);
    a_.embedUInt64(value.first);
    a_.embedUInt64(value.second);
  }
  constants_.clear();
}

void X64MacroAssembler::finish_gas_charge(GasPatch p, uint64_t cost) {
  uint8_t* buf = a_.code()->textSection()->data();
  constexpr uint32_t kSubSize = 7, kChargeSize = kGasChargeSize;
  if (cost == 0) {
    // Nothing to charge: a short jump over the charge, whose bytes become int3.
    buf[p.at] = 0xEB;
    buf[p.at + 1] = kChargeSize - 2;
    std::memset(buf + p.at + 2, 0xCC, kChargeSize - 2);
    return;
  }
  if (cost <= 0x7FFFFFFF) {
    auto imm = static_cast<uint32_t>(cost);
    std::memcpy(buf + p.at + 3, &imm, 4);
    use_label_at(trap_call({Symbol::Kind::GasThunk, imm}, p.module_offset), p.at + kChargeSize - 4);
    return;
  }
  // A cost past imm32 (only with extreme schedules): the charge becomes a
  // jump to a 64-bit version placed here, behind a jump for the fallthrough.
  asmjit::Label over = a_.newLabel(), wide = a_.newLabel();
  a_.jmp(over);
  a_.bind(wide);
  charge_gas(cost, trap_call({Symbol::Kind::TrapStub, static_cast<uint32_t>(TrapKind::OutOfGas)}, p.module_offset));
  emit([](enc::Writer& w) { w.jmp_rel32(0); });  // patched below: back to after the charge
  auto back_at = static_cast<uint32_t>(a_.offset());
  a_.bind(over);
  buf = a_.code()->textSection()->data();
  auto back = static_cast<int32_t>(p.at + kChargeSize) - static_cast<int32_t>(back_at);
  std::memcpy(buf + back_at - 4, &back, 4);
  auto rel = static_cast<int32_t>(a_.code()->labelOffset(wide) - (p.at + 5));
  static_assert(kSubSize == 7);
  buf[p.at] = 0xE9;  // jmp rel32, over the sub
  std::memcpy(buf + p.at + 1, &rel, 4);
  buf[p.at + 5] = 0x66;  // a two-byte nop
  buf[p.at + 6] = 0x90;
}

void X64MacroAssembler::charge_gas(uint64_t cost, Label out_of_gas) {
  if (cost <= 0x7FFFFFFF) {
    a_.cmp(kGasReg, static_cast<int32_t>(cost));
    jcc(CondCode::kB, out_of_gas);
    a_.sub(kGasReg, static_cast<int32_t>(cost));
  } else {
    a_.mov(r11, cost);
    a_.cmp(kGasReg, r11);
    jcc(CondCode::kB, out_of_gas);
    a_.sub(kGasReg, r11);
  }
}

void X64MacroAssembler::charge_gas_per_item(Reg n, Reg tmp, uint64_t unit_cost, bool per_8_bytes, Label out_of_gas) {
  Gp t = gp64(tmp);
  a_.mov(gp32(tmp), gp32(n));
  if (per_8_bytes) {
    a_.add(t, 7);
    a_.shr(t, 3);
  }
  if (unit_cost <= 0x7FFFFFFF) {
    a_.imul(t, t, static_cast<int32_t>(unit_cost));  // < 2^32 * 2^31: no overflow
  } else {
    // Saturate, as the interpreter does, when the product passes 64 bits.
    asmjit::Label saturate = a_.newLabel(), done = a_.newLabel();
    a_.mov(r11, UINT64_MAX / unit_cost);
    a_.cmp(t, r11);
    a_.ja(saturate);
    a_.mov(r11, unit_cost);
    a_.imul(t, r11);
    a_.jmp(done);
    a_.bind(saturate);
    a_.mov(t, -1);
    a_.bind(done);
  }
  a_.cmp(kGasReg, t);
  jcc(CondCode::kB, out_of_gas);
  a_.sub(kGasReg, t);
}

// ---- Constants -------------------------------------------------------------------

Mem X64MacroAssembler::const128(uint64_t lo, uint64_t hi) {
  auto [it, inserted] = constants_.try_emplace({lo, hi});
  if (inserted) it->second = a_.newLabel();
  return ptr(it->second);
}

Mem X64MacroAssembler::const_f32(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return const128(bits, 0);
}

Mem X64MacroAssembler::const_f64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  return const128(bits, 0);
}

}  // namespace detwasm::jit::x64
