// The one function-body decoder. It reads each operator once, validates it
// (operand types, control stack, immediates, limits) and calls one hook per
// operator on a Consumer. EmptyConsumer (below) gives validation alone; the
// interpreter's lowering and the JIT are other consumers.
//
// Hook contract:
//  - Structure hooks (on_block, on_loop, on_if, on_else, on_end) are called
//    for every control operator, reachable or not; Control::reachable() tells
//    whether code generation for that construct matters.
//  - Every other hook is called only when the current code is reachable, after
//    the operator's operands have been validated. The decoder's own type stack
//    is already updated when the hook runs.
//  - Heights are counted in values on the function's operand stack (locals
//    excluded), so a consumer can compute where a branch leaves its results.
//  - Gas (when a schedule is given): the decoder cuts reachable code into
//    straight-line segments and prices each from the schedule. It calls
//    begin_gas_segment() where a segment starts (function entry after the
//    locals, loop header, if and else arms, after end, after br_if and
//    calls), before the segment's first operator hook, and
//    end_gas_segment(cost) once the segment's cost is known. A consumer emits
//    a charge at the start and fills in the cost at the end, so every tier
//    charges the same amounts at the same points.
//  - at_operator(offset) gives the module offset of the operator whose hooks
//    follow (and, at function entry, of the first operator, before the entry
//    segment begins): what a trap or call there reports as its place, so
//    every tier reports the same offsets.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <detwasm/config.hpp>

#include "decode/opcodes.hpp"
#include "decode/reader.hpp"
#include "module/module_decls.hpp"

namespace detwasm::internal {

struct MemArg {
  uint32_t align_log2 = 0;
  uint32_t offset = 0;
};

enum class ControlKind : uint8_t { Function, Block, Loop, If, Else };

template <typename ConsumerData>
struct Control {
  ControlKind kind = ControlKind::Block;
  ValType single_result{};  // a one-result block type keeps its type here
  bool has_single_result = false;
  std::span<const ValType> params_span;   // from the type section
  std::span<const ValType> results_span;  // from the type section, unless single
  uint32_t height = 0;        // operand height below the block's params
  bool unreachable = false;   // the rest of this block is dead (after br, return, ...)
  bool start_reachable = true;  // the block was entered in reachable code
  ConsumerData data{};

  std::span<const ValType> params() const { return params_span; }
  // Computed on demand: a span into this object would dangle when it moves.
  std::span<const ValType> results() const {
    return has_single_result ? std::span<const ValType>(&single_result, 1) : results_span;
  }
  // Types a branch to this label carries: a loop's params, otherwise results.
  std::span<const ValType> label_types() const { return kind == ControlKind::Loop ? params() : results(); }
  uint32_t label_arity() const { return static_cast<uint32_t>(label_types().size()); }
  bool reachable() const { return start_reachable && !unreachable; }
};

struct FunctionInfo {
  FuncIdx func_index;
  const FuncType* type = nullptr;
  const std::vector<LocalRun>* local_runs = nullptr;
  uint32_t num_locals = 0;  // params + declared
  uint64_t body_offset = 0;
  uint64_t body_size = 0;  // bytes of the body, locals included
};

// All hooks empty: decoding with it is validation alone.
struct EmptyConsumer {
  struct ControlData {};
  using Ctl = Control<ControlData>;
  void begin_function(const FunctionInfo&) {}
  void end_function(uint32_t /*max_stack_height*/) {}
  void at_operator(uint32_t /*module_offset*/) {}
  void begin_gas_segment() {}
  void end_gas_segment(uint64_t /*cost*/) {}
  void on_block(Ctl&) {}
  void on_loop(Ctl&) {}
  void on_if(Ctl&) {}
  void on_else(Ctl&) {}
  void on_end(Ctl&) {}
  void on_unreachable() {}
  void on_br(Ctl&) {}
  void on_br_if(Ctl&) {}
  void on_br_table(std::span<Ctl* const>, Ctl&) {}
  void on_return() {}
  void on_call(FuncIdx, const FuncType&) {}
  void on_call_indirect(uint32_t, uint32_t, const FuncType&) {}
  void on_drop() {}
  void on_select(ValType) {}
  void on_local_get(uint32_t, ValType) {}
  void on_local_set(uint32_t, ValType) {}
  void on_local_tee(uint32_t, ValType) {}
  void on_global_get(uint32_t, ValType) {}
  void on_global_set(uint32_t, ValType) {}
  void on_table_get(uint32_t) {}
  void on_table_set(uint32_t) {}
  void on_load(Opcode, MemArg) {}
  void on_store(Opcode, MemArg) {}
  void on_memory_size() {}
  void on_memory_grow() {}
  void on_i32_const(int32_t) {}
  void on_i64_const(int64_t) {}
  void on_f32_const(uint32_t) {}
  void on_f64_const(uint64_t) {}
  void on_numeric(Opcode, const NumericSig&) {}
  void on_ref_null(ValType) {}
  void on_ref_is_null() {}
  void on_ref_func(uint32_t) {}
  void on_memory_init(uint32_t) {}
  void on_data_drop(uint32_t) {}
  void on_memory_copy() {}
  void on_memory_fill() {}
  void on_table_init(uint32_t /*elem*/, uint32_t /*table*/) {}
  void on_elem_drop(uint32_t) {}
  void on_table_copy(uint32_t /*dst*/, uint32_t /*src*/) {}
  void on_table_grow(uint32_t) {}
  void on_table_size(uint32_t) {}
  void on_table_fill(uint32_t) {}
};

// Looks up a numeric operator's signature; false if `op` is not numeric.
bool numeric_signature(Opcode op, NumericSig* sig);
// For loads and stores: value type and access size; false if not a memory op.
bool load_signature(Opcode op, ValType* type, uint32_t* size_log2);
bool store_signature(Opcode op, ValType* type, uint32_t* size_log2);
// True for every single-byte opcode and prefix byte of Wasm 2.0 (SIMD's and
// threads' prefixes included, so that they are reported as unsupported).
bool is_known_opcode(uint8_t byte);
// Reads one operator's opcode and immediates without validating them, and
// returns the change in control depth (+1 block/loop/if, -1 end, 0 else).
// Throws ModuleError (malformed) on bytes that cannot be decoded.
int skip_operator(Reader& r);
// Reads a value type byte (number or reference type); SIMD's v128 is unsupported.
ValType read_val_type(Reader& r);
ValType read_ref_type(Reader& r);

template <typename Consumer>
class BodyDecoder {
 public:
  using Ctl = Control<typename Consumer::ControlData>;

  // `gas` null means no metering: no gas hook is called.
  BodyDecoder(const ModuleDecls& module, const ResourceLimits& limits, Consumer& consumer,
              const GasSchedule* gas = nullptr)
      : m_(module), limits_(limits), c_(consumer), gas_(gas) {}

  // Decodes the body [begin, end) of defined function `f`, whose first byte
  // is at module offset `base_offset`. Fills `def` (f's, or a copy of its
  // type and body facts) with its locals and stack facts. Throws ModuleError.
  void decode(DefinedFuncIdx f, FunctionDef& def, const uint8_t* begin, const uint8_t* end, uint64_t base_offset);

  // Offset of the first memory.init or data.drop seen with no data count
  // section, or UINT64_MAX.
  uint64_t data_use_without_count() const { return data_use_without_count_; }

 private:
  static constexpr uint8_t kUnknown = 0;  // bottom type of a polymorphic stack

  void decode_locals(Reader& r, FunctionDef& def, const FuncType& type);
  ValType local_type(uint32_t index) const;
  // Reads a block type into `sig`'s params/results fields.
  void read_block_type(Reader& r, Ctl& sig);

  void push(ValType t) {
    stack_.push_back(static_cast<uint8_t>(t));
    if (stack_.size() > max_height_) {
      max_height_ = static_cast<uint32_t>(stack_.size());
      if (max_height_ > limits_.max_operand_stack) throw_limit(op_offset_, "operand stack too deep");
    }
  }
  void push_all(std::span<const ValType> ts) {
    for (ValType t : ts) push(t);
  }
  // Pops one value, which must be of `expected` (kUnknown accepts any).
  uint8_t pop(uint8_t expected = kUnknown) {
    Ctl& ctl = controls_.back();
    if (stack_.size() == ctl.height) {
      if (ctl.unreachable) return expected;
      type_error("type mismatch: operand stack empty");
    }
    uint8_t t = stack_.back();
    stack_.pop_back();
    if (expected != kUnknown && t != kUnknown && t != expected) type_error("type mismatch");
    return t == kUnknown ? expected : t;
  }
  uint8_t pop(ValType expected) { return pop(static_cast<uint8_t>(expected)); }
  void pop_all(std::span<const ValType> ts) {
    for (size_t i = ts.size(); i-- > 0;) pop(ts[i]);
  }
  // Checks the top values against `ts` without popping them.
  void peek_all(std::span<const ValType> ts) {
    Ctl& ctl = controls_.back();
    size_t n = ts.size();
    for (size_t i = 0; i < n; ++i) {
      size_t depth = n - 1 - i;  // from the top
      if (stack_.size() < ctl.height + depth + 1) {
        if (ctl.unreachable) continue;
        type_error("type mismatch: operand stack too short");
      }
      uint8_t t = stack_[stack_.size() - 1 - depth];
      if (t != kUnknown && t != static_cast<uint8_t>(ts[i])) type_error("type mismatch");
    }
  }
  void set_unreachable() {
    Ctl& ctl = controls_.back();
    stack_.resize(ctl.height);
    ctl.unreachable = true;
  }
  bool reachable() const { return controls_.back().reachable(); }
  Ctl& label(uint32_t depth) {
    if (depth >= controls_.size()) throw_invalid(op_offset_, "unknown label " + std::to_string(depth));
    return controls_[controls_.size() - 1 - depth];
  }
  // Checks that the stack holds exactly `ts` above the frame, then pops them.
  void check_frame_end(Ctl& ctl) {
    pop_all(ctl.results());
    if (stack_.size() != ctl.height) type_error("type mismatch: values remaining on stack at end of block");
  }
  // Pushes a control frame whose params are already popped.
  void push_control(ControlKind kind, const Ctl& sig) {
    bool start_reachable = controls_.empty() || reachable();
    if (controls_.size() >= limits_.max_nesting_depth) throw_limit(op_offset_, "control nesting too deep");
    Ctl ctl;
    ctl.kind = kind;
    ctl.single_result = sig.single_result;
    ctl.has_single_result = sig.has_single_result;
    ctl.params_span = sig.params_span;
    ctl.results_span = sig.results_span;
    ctl.start_reachable = start_reachable;
    ctl.height = static_cast<uint32_t>(stack_.size());
    controls_.push_back(ctl);
  }
  void require_memory(uint32_t index) {
    if (index >= m_.memories.size()) throw_invalid(op_offset_, "unknown memory " + std::to_string(index));
  }
  void require_table(uint32_t index) {
    if (index >= m_.tables.size()) throw_invalid(op_offset_, "unknown table " + std::to_string(index));
  }
  // Without a data count section the verdict waits for the module's end:
  // malformed if a data section follows, an unknown segment otherwise.
  void require_data_count(uint32_t seg) {
    if (!m_.data_count) {
      data_use_without_count_ = std::min(data_use_without_count_, op_offset_);
      return;
    }
    if (seg >= *m_.data_count) throw_invalid(op_offset_, "unknown data segment " + std::to_string(seg));
  }
  void require_elem(uint32_t seg) {
    if (seg >= m_.elems.size()) throw_invalid(op_offset_, "unknown elem segment " + std::to_string(seg));
  }
  void zero_byte(Reader& r) {
    if (r.u8() != 0) throw_malformed(r.offset() - 1, "zero byte expected");
  }
  MemArg read_memarg(Reader& r, uint32_t natural_log2) {
    MemArg a;
    uint64_t at = r.offset();
    uint32_t align = r.u32();
    // Bit 6 selects multi-memory addressing, which Wasm 2.0 does not have.
    if (align >= 32) throw_malformed(at, "malformed memop flags");
    a.align_log2 = align;
    a.offset = r.u32();
    require_memory(0);
    if (align > natural_log2) throw_invalid(at, "alignment must not be larger than natural");
    return a;
  }
  [[noreturn]] void type_error(const std::string& msg) { throw_invalid(op_offset_, msg); }

  // Gas segments (only with a schedule and in reachable code). A segment's
  // charge is emitted at its first operator that is not pure structure
  // (block, loop, else, end, nop emit no code with an effect), so a run of
  // structure alone, as between nested ends, is charged nothing and costs
  // no code. The charge still precedes every effect of the segment.
  void gas_add(GasClass c) {
    if (!gas_) return;
    seg_cost_ += gas_->op_cost(c);
    if (seg_pending_ && (c != GasClass::Free || seg_cost_ > 0)) gas_begin();
  }
  void gas_open(uint64_t initial = 0) {
    if (!gas_) return;
    seg_open_ = true;
    seg_pending_ = true;
    seg_cost_ = initial;
    if (initial > 0) gas_begin();
  }
  void gas_begin() {
    c_.begin_gas_segment();
    seg_pending_ = false;
  }
  void gas_close() {
    if (!gas_ || !seg_open_) return;
    if (!seg_pending_) c_.end_gas_segment(seg_cost_);  // a pending segment has cost nothing
    seg_open_ = false;
    seg_pending_ = false;
    seg_cost_ = 0;
  }

  // One operator: its byte, then its immediates, operands and hook. Control
  // operators and the 0xFC-prefixed ones have their own.
  void decode_operator(Reader& r);
  void decode_control_operator(Reader& r, uint8_t byte, bool live);
  void decode_misc_operator(Reader& r, uint32_t sub);
  [[noreturn]] void throw_illegal_opcode(uint8_t byte) const;

  const ModuleDecls& m_;
  const ResourceLimits& limits_;
  Consumer& c_;
  const GasSchedule* gas_;
  bool seg_open_ = false;
  bool seg_pending_ = false;  // open, but its charge is not emitted yet
  uint64_t seg_cost_ = 0;
  const FuncType* func_type_ = nullptr;
  const std::vector<LocalRun>* local_runs_ = nullptr;
  uint32_t num_params_ = 0;
  uint32_t num_locals_ = 0;
  std::vector<uint8_t> stack_;
  std::vector<Ctl> controls_;
  std::vector<Ctl*> br_targets_;
  uint32_t max_height_ = 0;
  uint64_t op_offset_ = 0;
  size_t depth_at_op_ = 0;  // control depth before the current operator
  uint64_t data_use_without_count_ = UINT64_MAX;
};

}  // namespace detwasm::internal

#include "validate/body_decoder_impl.hpp"
