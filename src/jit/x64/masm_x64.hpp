// The x86-64 MacroAssembler (System V, Linux), on asmjit's Assembler.
//
// Register use: r15 context, r14 memory 0 base, r13 stack budget, r12 gas
// (pinned, abi.hpp); r11 and xmm15 are this class's scratch registers;
// rax rcx rdx rbx rsi rdi r8 r9 r10 and xmm0-xmm14 are the compiler's.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <detwasm/target.hpp>

#include "jit/code_buffer.hpp"
#include "jit/function_code.hpp"
#include "jit/masm.hpp"
#include "jit/x64/encoder_x64.hpp"

namespace detwasm::jit::x64 {

// The optional instructions the code may use, from the target (never from
// the host CPU: target.hpp).
struct Features {
  bool lzcnt = false;
  bool bmi1 = false;  // tzcnt
  static Features of(const Target& target) {
    return {target.has(CpuFeature::Lzcnt), target.has(CpuFeature::Bmi1)};
  }
};

class X64MacroAssembler {
 public:
  // A Wasm code label: its offset once bound, and its rel32 uses until then.
  static constexpr uint32_t kNoUse = 0xFFFFFFFF;
  struct LabelState {
    int32_t offset = -1;
    uint32_t first_use = kNoUse;
  };
  struct LabelUse {
    uint32_t rel32_at;
    uint32_t next;
  };

  static constexpr RegSet kAllocatableGprs{0, 1, 2, 3, 6, 7, 8, 9, 10};
  static constexpr RegSet kAllocatableFprs{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  static constexpr RegSet kIntDivClobbers{0, 2};      // rax, rdx
  static constexpr RegSet kVariableShiftClobbers{1};  // rcx
  static constexpr Reg c_arg_gpr(unsigned i) {
    constexpr uint8_t kArgs[] = {7, 6, 2, 1, 8, 9};  // rdi rsi rdx rcx r8 r9
    return gpr(kArgs[i]);
  }
  static constexpr Reg c_result_gpr() { return gpr(0); }
  // Direct Wasm calls (abi.hpp): the first integer and float params also
  // travel in these, and result 0 comes back in kResult*. None is touched
  // by the prologue (its zeroing loop uses rdi, rcx and rax).
  static constexpr Reg param_gpr(unsigned i) {
    constexpr uint8_t kParams[] = {2, 6, 8, 9};  // rdx rsi r8 r9
    return gpr(kParams[i]);
  }
  static constexpr unsigned kParamGprCount = 4;
  static constexpr Reg param_fpr(unsigned i) { return fpr(static_cast<uint8_t>(i)); }  // xmm0-3
  static constexpr unsigned kParamFprCount = 4;
  static constexpr Reg kResultGpr = gpr(0);  // rax
  static constexpr Reg kResultFpr = fpr(0);  // xmm0
  static bool int_imm_fits(IntBinOp op, Width w, uint64_t value);

  // Sets `code` up for this target.
  static void init_code(asmjit::CodeHolder& code);
  // `code` is set up by init_code; errors from asmjit throw
  // std::runtime_error.
  X64MacroAssembler(asmjit::CodeHolder& code, const Target& target);
  ~X64MacroAssembler();
  X64MacroAssembler(const X64MacroAssembler&) = delete;
  X64MacroAssembler& operator=(const X64MacroAssembler&) = delete;

  // A hint: about `n` bytes of Wasm bodies will be compiled. The label and
  // trap site tables are sized for them up front (reserved, not touched),
  // rather than grown by copying.
  void expect_code_bytes(uint64_t n);

  // Functions, each compiled on its own (function_code.hpp): between these
  // two calls, labels are the function's own, and whatever lies outside it
  // is reached through symbol_label. end_function_code comes after
  // finish_function and patch_frame, with the function's outer entry.
  // x86-64 branches reach anywhere: the body's size does not matter.
  void begin_function_code(uint64_t body_bytes = 0);
  FunctionCode end_function_code(Label outer_entry);
  // A label for something outside the function; its uses become relocations.
  Label symbol_label(Symbol s);
  // What direct calls to defined function `defined_index` jump to.
  Label function_label(internal::DefinedFuncIdx f) { return symbol_label({Symbol::Kind::FunctionBody, f.value}); }
  // The code every function's relocations may point into: one stub per trap
  // kind, the builtin failure path and the exit, then one out-of-gas thunk
  // per cost in `gas_costs`. Emitted at a function boundary, once a module's
  // functions are compiled.
  TailCode emit_tail(std::span<const uint32_t> gas_costs);
  // Fills relocation field `field_at` of the module's code at `code` so that
  // it reaches `target_at`.
  static void apply_relocation(uint8_t* code, uint32_t field_at, uint32_t target_at);

  // Labels and control.
  Label new_label();
  void bind(Label l);
  uint32_t label_offset(Label l) const;  // once bound
  void jump(Label l);
  // Pads with NOPs so that the next instruction, a loop header, starts a
  // 32-byte block: the loop's fetch and branch prediction then do not
  // depend on where earlier code happened to end.
  void align_loop_header();
  void branch_int(IntCond c, Width w, Reg lhs, Reg rhs, Label l);
  void branch_int_imm(IntCond c, Width w, Reg lhs, int32_t imm, Label l);
  void branch_float(FloatCond c, ValType t, Reg lhs, Reg rhs, Label l);
  bool branch_on_compare(Reg value, bool when_true, Label l);
  // index < targets.size() jumps to targets[index], else to `otherwise`. Clobbers index.
  void jump_table(Reg index, std::span<const Label> targets, Label otherwise);
  // dst = values[index] (sign-extended to 64 bits) for an index known to be in range.
  void load_i32_table(Reg dst, Reg index, std::span<const int32_t> values);
  void set_source_offset(uint32_t module_offset) { source_offset_ = module_offset; }
  // A per-function out-of-line call to the kind's stub, one per kind and
  // source offset, so that the trap's pc tells where it happened.
  Label trap_label(TrapKind kind);

  // Frames and calls.
  FramePatch enter_function(uint32_t num_declared_locals, uint32_t func_index);
  void patch_frame(FramePatch patch, uint32_t frame_bytes_below_fp, uint64_t stack_cost);
  void leave_function(FramePatch& patch);
  void finish_function();
  void call_direct(Label target, int32_t area_bottom);
  // At a function's outer entry, before its frame exists: loads the
  // argument that will be at frame offset `fp_offset`.
  void load_arg_at_entry(ValType t, Reg dst, int32_t fp_offset);
  void call_func_ref(Reg func_ref, int32_t area_bottom);
  // Calls a runtime helper with its arguments in c_arg_gpr(0..); every
  // allocatable register is clobbered. `stack_bottom`: frame offset below
  // which no live slot lies.
  void call_builtin(Builtin b, int32_t stack_bottom);
  // Continues at the trap exit when a builtin returned non-zero in c_result_gpr().
  void trap_if_builtin_failed();

  // Moves.
  void move(ValType t, Reg dst, Reg src);
  void load_const(ValType t, Reg dst, uint64_t bits);
  void load_slot(ValType t, Reg dst, int32_t fp_offset);
  void store_slot(ValType t, int32_t fp_offset, Reg src);
  void store_slot_const(ValType t, int32_t fp_offset, uint64_t bits);
  void copy_slot(int32_t dst_fp_offset, int32_t src_fp_offset);
  void copy_slot_dynamic(Reg dst_fp_offset, int32_t disp, int32_t src_fp_offset);
  void load_context(Reg dst, int32_t offset);
  void load_context_pointer(Reg dst);
  void load_ptr(Reg dst, Reg base, int32_t offset);
  void load_ptr_indexed(Reg dst, Reg base, Reg index);
  void store_ptr_indexed(Reg base, Reg index, Reg value);
  void load_value(ValType t, Reg dst, Reg base, int32_t offset);
  void store_value(ValType t, Reg base, int32_t offset, Reg src);
  void select(ValType t, Reg dst, Reg cond, Reg if_true, Reg if_false);

  // Integer arithmetic.
  void int_binop(IntBinOp op, Width w, Reg dst, Reg lhs, Reg rhs);
  void int_binop_imm(IntBinOp op, Width w, Reg dst, Reg lhs, int32_t imm);
  void int_div(IntDivOp op, Width w, Reg dst, Reg lhs, Reg rhs, Label div_by_zero, Label overflow);
  void int_unop(IntUnOp op, Width w, Reg dst, Reg src);
  void int_eqz(Width w, Reg dst, Reg src);
  void int_compare(IntCond c, Width w, Reg dst, Reg lhs, Reg rhs);
  void int_compare_imm(IntCond c, Width w, Reg dst, Reg lhs, int32_t imm);

  // Floating point. A NaN result is the hardware's, until canonicalize_nan.
  void float_binop(FloatBinOp op, ValType t, Reg dst, Reg lhs, Reg rhs);
  void float_unop(FloatUnOp op, ValType t, Reg dst, Reg src);
  void float_compare(FloatCond c, ValType t, Reg dst, Reg lhs, Reg rhs);
  void convert(Conversion conv, Reg dst, Reg src, Label invalid, Label overflow);
  void canonicalize_nan(ValType t, Reg r);  // any NaN in r becomes the canonical NaN

  // Linear memory 0.
  void load_memory(MemAccess a, Reg dst, Reg index, uint64_t offset);
  void load_memory_abs(MemAccess a, Reg dst, uint64_t address);
  void store_memory(MemAccess a, Reg index, uint64_t offset, Reg value);
  void store_memory_abs(MemAccess a, uint64_t address, Reg value);
  void reload_memory_base();
  void reload_context();  // from this activation's frame, after a call that may cross instances

  // Gas, in r12.
  GasPatch begin_gas_charge();
  void finish_gas_charge(GasPatch patch, uint64_t cost);
  void charge_gas(uint64_t cost, Label out_of_gas);
  void charge_gas_per_item(Reg n, Reg tmp, uint64_t unit_cost, bool per_8_bytes, Label out_of_gas);

  // The current function's, with offsets in the buffer.
  std::vector<TrapSite> trap_sites() const { return trap_sites_; }
  asmjit::x86::Assembler& assembler() { return a_; }

 private:
  // A load (reg is the destination) or store (reg is the value) at
  // memory 0's base + index + offset, listed as a trap site.
  void access_memory(enc::Opcode op, Reg reg, Reg index, uint64_t offset);
  // cmp lhs, imm; a test when comparing with zero for (in)equality.
  void compare_imm(IntCond c, Width w, Reg lhs, int32_t imm);
  void float_min_max(bool is_min, ValType t, Reg dst, Reg lhs, Reg rhs);
  void trunc_to_int(Conversion conv, Reg dst, Reg src, Label invalid, Label overflow);
  void trunc_sat_to_int(Conversion conv, Reg dst, Reg src);
  void convert_u64_to_float(bool to_f64, Reg dst, Reg src);
  asmjit::x86::Mem const_f32(float v);
  asmjit::x86::Mem const_f64(double v);
  asmjit::x86::Mem const128(uint64_t lo, uint64_t hi);
  // Labels of Wasm code (blocks, functions, trap stubs) are the backend's
  // own: a bound offset and a list of rel32 uses patched at bind. asmjit's
  // labels, whose links cost an allocation each, serve only jumps inside one
  // operator. Jumps to bound labels take the short form when it reaches.
  void jcc(asmjit::x86::CondCode cc, Label l);
  void jmp(Label l);
  void call(Label l);
  void use_label(Label l) { use_label_at(l, static_cast<uint32_t>(a_.offset() - 4)); }  // the rel32 just emitted
  void use_label_at(Label l, uint32_t rel32_at);  // patched at once when l is bound
  void patch_rel32(uint32_t rel32_at, int32_t target);
  // The rel8 of a jump emitted here to l, when l is bound and near enough.
  std::optional<int8_t> short_jump(Label l) const;
  // Encodes one instruction directly into the buffer (encoder_x64.hpp).
  template <class F>
  void emit(F encode) {
    enc::Writer w(room(enc::Writer::kMaxInstruction));
    encode(w);
    commit_assembler_buffer(a_, w.end());
  }
  // Makes room for n bytes at the current offset.
  uint8_t* room(size_t n) {
    if (static_cast<size_t>(a_._bufferEnd - a_._bufferPtr) >= n) [[likely]]
      return a_._bufferPtr;
    return grow_assembler_buffer(a_, n);
  }
  // Materialises the flags of a compare just emitted into dst (0 or 1),
  // remembering enough to turn it into a branch instead.
  void set_from_flags(IntCond c, Reg dst);

  struct ErrorThrower : asmjit::ErrorHandler {
    void handleError(asmjit::Error err, const char* message, asmjit::BaseEmitter* origin) override;
  };

  struct JumpTable {
    asmjit::Label at;
    std::vector<Label> targets;
  };
  struct IntTable {
    asmjit::Label at;
    std::vector<int32_t> values;
  };

  // The last compare materialised by set_from_flags.
  struct PendingCompare {
    bool valid = false;
    uint32_t flags_end = 0;  // offset after the cmp/test
    uint32_t end = 0;        // offset after the setcc/movzx
    uint8_t reg = 0;
    IntCond cond = IntCond::Eq;
  };

  // After a call the stack pointer goes back to the frame's bottom, whose
  // offset is known only at the function's end: these sites get patched.
  void restore_stack_pointer();

  // A frame slot whose value `reg` holds, as the store or load that ended
  // at `end` left them (load_slot).
  static constexpr uint32_t kNoSlot = 0xFFFFFFFF;
  struct SlotInRegister {
    uint32_t end = kNoSlot;
    int32_t fp_offset = 0;
    ValType type = ValType::I32;
    Reg reg;
  };

  ErrorThrower thrower_;
  PendingCompare pending_compare_;
  SlotInRegister slot_in_register_;
  std::vector<uint32_t> sp_restore_sites_;  // of the current function
  asmjit::x86::Assembler a_;
  Features features_;
  // All of these are the current function's.
  std::vector<TrapSite> trap_sites_;
  std::vector<JumpTable> jump_tables_;
  std::vector<IntTable> int_tables_;
  std::map<std::pair<uint64_t, uint64_t>, asmjit::Label> constants_;
  static constexpr uint32_t kTrapStubCount = static_cast<uint32_t>(TrapKind::HostError) + 1;
  std::vector<LabelState> labels_;
  std::vector<LabelUse> label_uses_;
  struct SymbolLabel {
    Label label;
    Symbol symbol;
  };
  std::vector<SymbolLabel> symbol_labels_;
  // Out-of-line calls into the tail (trap stubs, the builtin failure path,
  // gas thunks), emitted by finish_function: the call's return address
  // identifies the trap site for the frame walk.
  struct TrapCall {
    Label label;
    Symbol target;
    uint32_t source_offset;
  };
  Label trap_call(Symbol target, uint32_t source_offset);
  // Lists the call just emitted as made from the current source offset.
  void record_call_source() { record_call_source(source_offset_); }
  void record_call_source(uint32_t module_offset) {
    sources_.push_back({static_cast<uint32_t>(a_.offset()) - 1, module_offset});
  }
  std::vector<TrapCall> trap_calls_;
  std::vector<SourcePos> sources_;  // offsets in the buffer until end_function_code
  uint32_t source_offset_ = 0;
  uint32_t function_start_ = 0;
  // Out-of-line loads of the canonical NaN (canonicalize_nan), resuming at
  // `resume` in the function's code.
  struct NanFix {
    Label label;
    uint32_t resume;
    uint8_t reg;
    bool f64;
  };
  std::vector<NanFix> nan_fixes_;
};

static_assert(MacroAssembler<X64MacroAssembler>);

}  // namespace detwasm::jit::x64
