// The AArch64 MacroAssembler (AAPCS64, Linux), on asmjit's a64::Assembler.
//
// Register use: regs_a64.hpp. What differs from x86-64, and how:
// - sp must stay 16-byte aligned, but frames sit at 8-byte positions (the
//   argument area is the caller's operand slots, abi.hpp). So a Wasm call
//   passes the area's bottom in x15, the callee builds its frame from it,
//   and sp is only ever moved to a 16-byte boundary below everything live.
// - Branch reach: b and bl reach +-128 MiB (a module's code is refused
//   beyond that); b.cond +-1 MiB. A function whose body could compile past
//   that (begin_function_code) takes the long form for forward conditional
//   branches: the inverted b.cond over a b. Jump and integer tables sit
//   inline after their use, and constants are built with movz/movk, so no
//   literal load needs reach.
// - Immediates the encodings lack go through x16/x17.
// - Canonical NaNs cost nothing: Wasm runs with FPCR.DN set (regs_a64.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <detwasm/target.hpp>

#include "jit/a64/regs_a64.hpp"
#include "jit/function_code.hpp"
#include "jit/masm.hpp"

namespace detwasm::jit::a64 {

class A64MacroAssembler {
 public:
  static constexpr uint32_t kNoUse = 0xFFFFFFFF;
  // How a branch or address instruction encodes its distance to a label.
  enum class Fixup : uint8_t { Imm26, Imm19, Adr21 };
  struct LabelState {
    int32_t offset = -1;
    uint32_t first_use = kNoUse;
  };
  struct LabelUse {
    uint32_t at;  // the instruction's offset
    Fixup kind;
    uint32_t next;
  };

  static constexpr RegSet kAllocatableGprs{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 19, 20, 21, 22, 23, 24};
  static constexpr RegSet kAllocatableFprs{0,  1,  2,  3,  4,  5,  6,  7,  16, 17, 18, 19,
                                           20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30};
  static constexpr RegSet kIntDivClobbers{};
  static constexpr RegSet kVariableShiftClobbers{};
  static constexpr Reg c_arg_gpr(unsigned i) { return gpr(static_cast<uint8_t>(i)); }
  static constexpr Reg c_result_gpr() { return gpr(0); }
  static constexpr Reg param_gpr(unsigned i) { return gpr(static_cast<uint8_t>(i)); }  // x0-x3
  static constexpr unsigned kParamGprCount = 4;
  static constexpr Reg param_fpr(unsigned i) { return fpr(static_cast<uint8_t>(i)); }  // v0-v3
  static constexpr unsigned kParamFprCount = 4;
  static constexpr Reg kResultGpr = gpr(0);
  static constexpr Reg kResultFpr = fpr(0);
  static bool int_imm_fits(IntBinOp op, Width w, uint64_t value);

  static void init_code(asmjit::CodeHolder& code);
  A64MacroAssembler(asmjit::CodeHolder& code, const Target& target);
  ~A64MacroAssembler();
  A64MacroAssembler(const A64MacroAssembler&) = delete;
  A64MacroAssembler& operator=(const A64MacroAssembler&) = delete;

  void expect_code_bytes(uint64_t n);

  // Functions (function_code.hpp). A body of more than kNearBodyBytes takes
  // long conditional branches: no instruction is emitted per Wasm byte
  // beyond kMaxCodePerWasmByte, so shorter bodies stay within b.cond's reach.
  static constexpr uint64_t kMaxCodePerWasmByte = 96;
  static constexpr uint64_t kNearBodyBytes = (uint64_t{1} << 20) / kMaxCodePerWasmByte;
  void begin_function_code(uint64_t body_bytes);
  FunctionCode end_function_code(Label outer_entry);
  Label symbol_label(Symbol s);
  Label function_label(internal::DefinedFuncIdx f) { return symbol_label({Symbol::Kind::FunctionBody, f.value}); }
  TailCode emit_tail(std::span<const uint32_t> gas_costs);
  // Every relocation is the imm26 of a b or bl.
  static void apply_relocation(uint8_t* code, uint32_t field_at, uint32_t target_at);

  // Labels and control.
  Label new_label();
  void bind(Label l);
  uint32_t label_offset(Label l) const;
  void jump(Label l);
  void align_loop_header();
  void branch_int(IntCond c, Width w, Reg lhs, Reg rhs, Label l);
  void branch_int_imm(IntCond c, Width w, Reg lhs, int32_t imm, Label l);
  void branch_float(FloatCond c, ValType t, Reg lhs, Reg rhs, Label l);
  bool branch_on_compare(Reg value, bool when_true, Label l);
  void jump_table(Reg index, std::span<const Label> targets, Label otherwise);
  void load_i32_table(Reg dst, Reg index, std::span<const int32_t> values);
  void set_source_offset(uint32_t module_offset) { source_offset_ = module_offset; }
  Label trap_label(TrapKind kind);

  // Frames and calls.
  FramePatch enter_function(uint32_t num_declared_locals, uint32_t func_index);
  void patch_frame(FramePatch patch, uint32_t frame_bytes_below_fp, uint64_t stack_cost);
  void leave_function(FramePatch& patch);
  void finish_function();
  void call_direct(Label target, int32_t area_bottom);
  void load_arg_at_entry(ValType t, Reg dst, int32_t fp_offset);
  void call_func_ref(Reg func_ref, int32_t area_bottom);
  void call_builtin(Builtin b, int32_t stack_bottom);
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

  // Floating point.
  void float_binop(FloatBinOp op, ValType t, Reg dst, Reg lhs, Reg rhs);
  void float_unop(FloatUnOp op, ValType t, Reg dst, Reg src);
  void float_compare(FloatCond c, ValType t, Reg dst, Reg lhs, Reg rhs);
  void convert(Conversion conv, Reg dst, Reg src, Label invalid, Label overflow);
  // FPCR.DN makes every NaN arithmetic produces canonical: nothing to do.
  void canonicalize_nan(ValType, Reg) {}

  // Linear memory 0.
  void load_memory(MemAccess a, Reg dst, Reg index, uint64_t offset);
  void load_memory_abs(MemAccess a, Reg dst, uint64_t address);
  void store_memory(MemAccess a, Reg index, uint64_t offset, Reg value);
  void store_memory_abs(MemAccess a, uint64_t address, Reg value);
  void reload_memory_base();
  void reload_context();

  // Gas, in x25.
  GasPatch begin_gas_charge();
  void finish_gas_charge(GasPatch patch, uint64_t cost);
  void charge_gas(uint64_t cost, Label out_of_gas);
  void charge_gas_per_item(Reg n, Reg tmp, uint64_t unit_cost, bool per_8_bytes, Label out_of_gas);

  std::vector<TrapSite> trap_sites() const { return trap_sites_; }
  aj::Assembler& assembler() { return a_; }

 private:
  uint32_t here() const { return static_cast<uint32_t>(a_.offset()); }
  void emit32(uint32_t word);
  void patch32(uint32_t at, uint32_t word);
  uint32_t read32(uint32_t at) const;
  // A branch or adr to l: encoded now if l is bound, else when it is.
  void emit_fixup(uint32_t word, Fixup kind, Label l);
  void patch_fixup(uint32_t at, Fixup kind, int64_t target);
  void bcond(Cond c, Label l);
  void bl(Label l);
  // Loads a constant into a general register with movz/movk (and movn).
  void mov_imm(const aj::Gp& dst, uint64_t value);
  // A fixed-length movz/movk pair of x16 (for a value patched later).
  uint32_t mov_patchable(uint8_t rd);
  void patch_mov(uint32_t at, uint8_t rd, uint32_t value);
  // [base + offset] for an access of `size` bytes; through x17 when the
  // offset fits no addressing mode.
  aj::Mem mem(const aj::Gp& base, int64_t offset, uint32_t size);
  // cmp lhs, imm (cmn for negatives; through x16 when it fits neither).
  void compare_imm(Width w, Reg lhs, int64_t imm);
  void cset(IntCond c, Reg dst);
  // A load (reg is the destination) or store of memory 0 at index + offset.
  void access_memory(MemAccess a, bool store, Reg reg, Reg index, uint64_t offset);
  void trunc_to_int(Conversion conv, Reg dst, Reg src, Label invalid, Label overflow);
  void restore_stack_pointer();
  // sp = (x29 + fp_offset) rounded down to 16 bytes.
  void set_sp_below(int32_t fp_offset);
  // Sets xd to x29 + offset (or any base + offset).
  void add_offset(const aj::Gp& dst, const aj::Gp& base, int64_t offset);

  struct ErrorThrower : asmjit::ErrorHandler {
    void handleError(asmjit::Error err, const char* message, asmjit::BaseEmitter* origin) override;
  };

  struct JumpTable {
    uint32_t at;  // the table's first word
    std::vector<Label> targets;
  };
  struct PendingCompare {
    bool valid = false;
    uint32_t flags_end = 0;
    uint32_t end = 0;
    uint8_t reg = 0;
    IntCond cond = IntCond::Eq;
  };
  struct SymbolLabel {
    Label label;
    Symbol symbol;
  };
  struct TrapCall {
    Label label;
    Symbol target;
    uint32_t source_offset;
  };
  Label trap_call(Symbol target, uint32_t source_offset);
  void record_call_source() { record_call_source(source_offset_); }
  void record_call_source(uint32_t module_offset) { sources_.push_back({here() - 1, module_offset}); }

  ErrorThrower thrower_;
  aj::Assembler a_;
  bool far_branches_ = false;
  Label stack_exhausted_;  // the current function's
  PendingCompare pending_compare_;
  std::vector<uint32_t> sp_restore_sites_;  // movz/movk of the frame size
  std::vector<TrapSite> trap_sites_;
  std::vector<JumpTable> jump_tables_;
  std::vector<LabelState> labels_;
  std::vector<LabelUse> label_uses_;
  std::vector<SymbolLabel> symbol_labels_;
  std::vector<TrapCall> trap_calls_;
  std::vector<SourcePos> sources_;
  uint32_t source_offset_ = 0;
  uint32_t function_start_ = 0;
  static constexpr uint32_t kTrapStubCount = static_cast<uint32_t>(TrapKind::HostError) + 1;
};

static_assert(MacroAssembler<A64MacroAssembler>);

}  // namespace detwasm::jit::a64
