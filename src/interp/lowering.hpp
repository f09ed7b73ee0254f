// The interpreter's lowering: a BodyDecoder consumer that writes each operator
// as interpreter code while the body is decoded, resolving branch targets
// through per-label fixup chains (each unresolved target word holds the index
// of the previous one), so lowering is a single linear pass.
#pragma once

#include <cstdint>
#include <span>

#include "interp/interp_code.hpp"
#include "module/module_decls.hpp"
#include "validate/body_decoder.hpp"

namespace detwasm::internal {

class InterpLowering {
 public:
  static constexpr uint32_t kNoFixup = 0xFFFFFFFFu;

  struct ControlData {
    uint32_t fixups = kNoFixup;      // chain of forward-branch target words
    uint32_t loop_start = 0;         // code index of a loop's first instruction
    uint32_t else_fixup = kNoFixup;  // an if's BrUnless target word
  };
  using Ctl = Control<ControlData>;

  InterpLowering(const ModuleDecls& module, InterpFunction& out) : m_(module), code_(out.code), sources_(out.sources) {}

  void begin_function(const FunctionInfo& info) {
    num_locals_ = info.num_locals;
    num_results_ = static_cast<uint32_t>(info.type->results.size());
    code_.clear();
    sources_.clear();
  }
  void end_function(uint32_t) {
    code_.shrink_to_fit();
    sources_.shrink_to_fit();
  }
  void at_operator(uint32_t module_offset) { module_offset_ = module_offset; }

  void begin_gas_segment() {
    mark_source();
    emit(IOp::ChargeGas, 0u, 0u);
    gas_imm_ = pc() - 2;
  }
  void end_gas_segment(uint64_t cost) {
    code_[gas_imm_] = static_cast<uint32_t>(cost);
    code_[gas_imm_ + 1] = static_cast<uint32_t>(cost >> 32);
  }

  void on_block(Ctl&) {}
  void on_loop(Ctl& c) { c.data.loop_start = pc(); }
  void on_if(Ctl& c) {
    if (!c.start_reachable) return;
    emit(IOp::BrUnless);
    c.data.else_fixup = pc();
    code_.push_back(kNoFixup);
  }
  void on_else(Ctl& c) {
    if (!c.start_reachable) return;
    // End of the then-arm: jump over the else-arm (harmless if the arm was dead).
    emit(IOp::Jump);
    add_fixup(c);
    code_[c.data.else_fixup] = pc();
    c.data.else_fixup = kNoFixup;
  }
  void on_end(Ctl& c) {
    if (!c.start_reachable) return;
    if (c.data.else_fixup != kNoFixup) code_[c.data.else_fixup] = pc();
    patch_fixups(c, pc());
    if (c.kind == ControlKind::Function) emit(IOp::ReturnN, num_results_);
  }

  void on_unreachable() { emit_marked(IOp::Unreachable); }
  void on_br(Ctl& t) { emit_branch(IOp::Branch, t); }
  void on_br_if(Ctl& t) { emit_branch(IOp::BranchIf, t); }
  void on_br_table(std::span<Ctl* const> targets, Ctl& dflt) {
    emit(IOp::BranchTable, static_cast<uint32_t>(targets.size()), dflt.label_arity());
    for (Ctl* t : targets) emit_target(*t);
    emit_target(dflt);
  }
  void on_return() { emit(IOp::ReturnN, num_results_); }
  void on_call(FuncIdx f, const FuncType&) { emit_marked(IOp::Call, f.value); }
  void on_call_indirect(uint32_t type, uint32_t table, const FuncType&) { emit_marked(IOp::CallIndirect, type, table); }
  void on_drop() { emit(IOp::Drop); }
  void on_select(ValType) { emit(IOp::Select); }
  void on_local_get(uint32_t i, ValType) { emit(IOp::LocalGet, i); }
  void on_local_set(uint32_t i, ValType) { emit(IOp::LocalSet, i); }
  void on_local_tee(uint32_t i, ValType) { emit(IOp::LocalTee, i); }
  void on_global_get(uint32_t g, ValType) { emit(IOp::GlobalGet, g); }
  void on_global_set(uint32_t g, ValType) { emit(IOp::GlobalSet, g); }
  void on_table_get(uint32_t t) { emit_marked(IOp::TableGet, t); }
  void on_table_set(uint32_t t) { emit_marked(IOp::TableSet, t); }
  void on_load(Opcode op, MemArg a) { emit_marked(static_cast<IOp>(op), a.offset); }
  void on_store(Opcode op, MemArg a) { emit_marked(static_cast<IOp>(op), a.offset); }
  void on_memory_size() { emit(IOp::MemorySize); }
  void on_memory_grow() { emit_marked(IOp::MemoryGrow); }
  void on_i32_const(int32_t v) { emit(IOp::I32Const, static_cast<uint32_t>(v)); }
  void on_i64_const(int64_t v) { emit64(IOp::I64Const, static_cast<uint64_t>(v)); }
  void on_f32_const(uint32_t bits) { emit(IOp::F32Const, bits); }
  void on_f64_const(uint64_t bits) { emit64(IOp::F64Const, bits); }
  void on_numeric(Opcode op, const NumericSig&) {
    if (numeric_may_trap(op)) mark_source();
    emit(static_cast<IOp>(op));
  }
  void on_ref_null(ValType) { emit(IOp::RefNull); }
  void on_ref_is_null() { emit(IOp::RefIsNull); }
  void on_ref_func(uint32_t f) { emit(IOp::RefFunc, f); }
  void on_memory_init(uint32_t seg) { emit_marked(IOp::MemoryInit, seg); }
  void on_data_drop(uint32_t seg) { emit(IOp::DataDrop, seg); }
  void on_memory_copy() { emit_marked(IOp::MemoryCopy); }
  void on_memory_fill() { emit_marked(IOp::MemoryFill); }
  void on_table_init(uint32_t elem, uint32_t table) { emit_marked(IOp::TableInit, elem, table); }
  void on_elem_drop(uint32_t elem) { emit(IOp::ElemDrop, elem); }
  void on_table_copy(uint32_t dst, uint32_t src) { emit_marked(IOp::TableCopy, dst, src); }
  void on_table_grow(uint32_t t) { emit_marked(IOp::TableGrow, t); }
  void on_table_size(uint32_t t) { emit(IOp::TableSize, t); }
  void on_table_fill(uint32_t t) { emit_marked(IOp::TableFill, t); }

 private:
  uint32_t pc() const { return static_cast<uint32_t>(code_.size()); }
  template <typename... Imm>
  void emit(IOp op, Imm... imm) {
    code_.push_back(static_cast<uint32_t>(op));
    (code_.push_back(static_cast<uint32_t>(imm)), ...);
  }
  // An instruction that can trap or call: its place in the module is listed.
  template <typename... Imm>
  void emit_marked(IOp op, Imm... imm) {
    mark_source();
    emit(op, imm...);
  }
  void mark_source() { sources_.push_back({pc(), module_offset_}); }
  // Integer division and remainder, and float-to-integer truncation (with
  // a few harmless neighbours in the same opcode ranges).
  static bool numeric_may_trap(Opcode op) {
    auto v = static_cast<uint32_t>(op);
    return (v >= 0x6D && v <= 0x70) || (v >= 0x7F && v <= 0x82) || (v >= 0xA8 && v <= 0xB1);
  }
  void emit64(IOp op, uint64_t v) { emit(op, static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)); }
  void add_fixup(Ctl& c) {
    code_.push_back(c.data.fixups);
    c.data.fixups = pc() - 1;
  }
  void patch_fixups(Ctl& c, uint32_t target) {
    for (uint32_t at = c.data.fixups; at != kNoFixup;) {
      uint32_t next = code_[at];
      code_[at] = target;
      at = next;
    }
    c.data.fixups = kNoFixup;
  }
  // A branch target: the label's code index (a loop's start is known; a
  // block's end is patched later) and the slot its values land in.
  void emit_target(Ctl& t) {
    if (t.kind == ControlKind::Loop) code_.push_back(t.data.loop_start);
    else add_fixup(t);
    code_.push_back(num_locals_ + t.height);
  }
  void emit_branch(IOp op, Ctl& t) {
    code_.push_back(static_cast<uint32_t>(op));
    emit_target(t);
    code_.push_back(t.label_arity());
  }

  const ModuleDecls& m_;
  std::vector<uint32_t>& code_;
  std::vector<InterpSourcePos>& sources_;
  uint32_t module_offset_ = 0;  // of the operator being lowered
  uint32_t num_locals_ = 0;
  uint32_t num_results_ = 0;
  uint32_t gas_imm_ = 0;  // the open segment's ChargeGas immediate
};

}  // namespace detwasm::internal
