// Random valid Wasm modules for differential testing of the tiers: typed
// expression trees over every numeric operator, locals, select, blocks with
// results and br_if/br_table out of them, ifs, bounded loops, memory
// accesses and calls between generated functions. Traps (division by zero,
// float-to-int, out-of-bounds) are fine: both tiers must agree on them.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "support/simple_module_builder.hpp"

namespace detwasm::test {

class RandomProgram {
 public:
  static constexpr ValType kParams[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64};

  explicit RandomProgram(uint64_t seed) : rng_(seed) {
    constexpr ValType I32 = ValType::I32, I64 = ValType::I64, F32 = ValType::F32, F64 = ValType::F64,
                      None = ValType::V128;
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, ...) \
  ops_.push_back({internal::Opcode::Name, In1, In2, Out, In2 != None});
#include "decode/opcodes.def"
  }

  // A module of `functions` functions "f0".. with params (i32 i64 f32 f64);
  // function k calls only functions above k, so nothing recurses.
  std::vector<uint8_t> module(uint32_t functions) {
    SimpleModuleBuilder b;
    b.set_memory(1, 1);
    results_.clear();
    for (uint32_t i = 0; i < functions; ++i) results_.push_back(kParams[pick(4)]);
    for (uint32_t i = 0; i < functions; ++i) {
      uint32_t type = b.add_type({std::begin(kParams), std::end(kParams)}, {results_[i]});
      std::vector<ValType> declared = declared_locals();
      b.add_function(type, declared, body(i, functions), "f" + std::to_string(i));
    }
    return b.build();
  }

  ValType result_of(uint32_t f) const { return results_[f]; }

  // Argument values for the params, edge cases more often than not.
  std::vector<uint64_t> args() {
    return {value(ValType::I32), value(ValType::I64), value(ValType::F32), value(ValType::F64)};
  }

 private:
  struct Op {
    internal::Opcode op;
    ValType in1, in2, out;
    bool binary;
  };
  struct LabelInfo {
    bool is_loop;
    ValType result;
  };

  uint32_t pick(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  bool chance(uint32_t percent) { return pick(100) < percent; }

  std::vector<ValType> declared_locals() {
    // Two of each type, then the loop counter (i32).
    locals_ = {std::begin(kParams), std::end(kParams)};
    std::vector<ValType> declared;
    for (int k = 0; k < 2; ++k)
      for (ValType t : kParams) declared.push_back(t);
    declared.push_back(ValType::I32);
    locals_.insert(locals_.end(), declared.begin(), declared.end());
    counter_ = static_cast<uint32_t>(locals_.size() - 1);
    return declared;
  }

  std::vector<uint8_t> body(uint32_t self, uint32_t functions) {
    out_.clear();
    labels_.clear();
    self_ = self;
    functions_ = functions;
    in_loop_ = false;
    budget_ = 60;
    statements(3);
    expr(results_[self], 5);
    return out_;
  }

  uint64_t value(ValType t) {
    static const uint64_t kI32[] = {0, 1, 2, 31, 32, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFF, 0x10000};
    static const uint64_t kI64[] = {0, 1, 63, 64, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, ~0ull, 0xFFFFFFFF};
    static const uint64_t kF32[] = {0, 0x80000000, 0x3F800000, 0xBFC00000, 0x7F800000, 0x7FC00000, 0xFFC00001,
                                    0x4F000000, 0xCF000000, 0x00000001, 0x5F800000};
    static const uint64_t kF64[] = {0, 0x8000000000000000, 0x3FF0000000000000, 0xC1E0000000200000,
                                    0x7FF0000000000000, 0x7FF8000000000000, 0xFFF8000000000001,
                                    0x43E0000000000000, 0x0000000000000001, 0x41EFFFFFFFE00000};
    if (chance(30)) {
      uint64_t r = rng_();
      return t == ValType::I32 || t == ValType::F32 ? r & 0xFFFFFFFF : r;
    }
    switch (t) {
      case ValType::I32: return kI32[pick(std::size(kI32))];
      case ValType::I64: return kI64[pick(std::size(kI64))];
      case ValType::F32: return kF32[pick(std::size(kF32))];
      default: return kF64[pick(std::size(kF64))];
    }
  }

  void byte(uint8_t b) { out_.push_back(b); }
  void u32(uint32_t v) { leb128::encode<uint32_t>(out_, v); }
  void block_type(ValType t) { byte(static_cast<uint8_t>(t)); }
  uint32_t local_of(ValType t) {
    std::vector<uint32_t> candidates;
    for (uint32_t i = 0; i < counter_; ++i)
      if (locals_[i] == t) candidates.push_back(i);
    return candidates[pick(static_cast<uint32_t>(candidates.size()))];
  }
  // Depth of a random enclosing block or if label (loops excluded: a branch
  // there could loop forever), or -1.
  int branch_target(ValType* type) {
    std::vector<int> candidates;
    for (size_t i = 0; i < labels_.size(); ++i)
      if (!labels_[i].is_loop) candidates.push_back(static_cast<int>(labels_.size() - 1 - i));
    if (candidates.empty()) return -1;
    int depth = candidates[pick(static_cast<uint32_t>(candidates.size()))];
    *type = labels_[labels_.size() - 1 - depth].result;
    return depth;
  }
  void address() {
    // Mostly in bounds, sometimes far out.
    expr(ValType::I32, 1);
    if (chance(85)) {
      emit_const(out_, ValType::I32, 0xFFF0);
      emit_op(out_, internal::Opcode::I32And);
    }
  }

  void statements(int n) {
    for (int i = 0; i < n && budget_ > 0; ++i) statement();
  }

  void statement() {
    --budget_;
    ValType t = kParams[pick(4)];
    switch (pick(5)) {
      case 0:
        expr(t, 3);
        byte(0x21);  // local.set
        u32(local_of(t));
        break;
      case 1: {
        address();
        expr(t, 2);
        static const internal::Opcode kStores[] = {internal::Opcode::I32Store, internal::Opcode::I64Store,
                                                   internal::Opcode::F32Store, internal::Opcode::F64Store};
        emit_op(out_, kStores[t == ValType::I32 ? 0 : t == ValType::I64 ? 1 : t == ValType::F32 ? 2 : 3]);
        byte(0);
        u32(pick(16));
        break;
      }
      case 2: {
        ValType target_type;
        int depth = branch_target(&target_type);
        if (depth < 0) return;
        expr(target_type, 2);
        expr(ValType::I32, 2);
        byte(0x0D);  // br_if
        u32(static_cast<uint32_t>(depth));
        byte(0x1A);  // drop
        break;
      }
      default:
        expr(t, 3);
        byte(0x1A);
        break;
    }
  }

  void expr(ValType t, int depth) {
    if (depth <= 0 || budget_ <= 0) return leaf(t);
    --budget_;
    switch (pick(12)) {
      case 0:
      case 1:
        return leaf(t);
      case 2:
      case 3:
      case 4: {  // binary operator
        std::vector<const Op*> fit;
        for (const Op& op : ops_)
          if (op.out == t && op.binary) fit.push_back(&op);
        const Op& op = *fit[pick(static_cast<uint32_t>(fit.size()))];
        expr(op.in1, depth - 1);
        expr(op.in2, depth - 1);
        return emit_op(out_, op.op);
      }
      case 5: {  // unary operator
        std::vector<const Op*> fit;
        for (const Op& op : ops_)
          if (op.out == t && !op.binary) fit.push_back(&op);
        const Op& op = *fit[pick(static_cast<uint32_t>(fit.size()))];
        expr(op.in1, depth - 1);
        return emit_op(out_, op.op);
      }
      case 6:
        expr(t, depth - 1);
        expr(t, depth - 1);
        expr(ValType::I32, depth - 1);
        return byte(0x1B);  // select
      case 7: {  // block with statements and a br_table or fallthrough
        byte(0x02);
        block_type(t);
        labels_.push_back({false, t});
        statements(static_cast<int>(pick(3)));
        if (chance(40)) {
          byte(0x02);
          block_type(t);
          labels_.push_back({false, t});
          expr(t, depth - 1);
          expr(ValType::I32, depth - 1);
          byte(0x0E);  // br_table to the inner (0) or outer (1) block
          uint32_t n = pick(4);
          u32(n);
          for (uint32_t i = 0; i <= n; ++i) u32(pick(2));
          byte(0x0B);
          labels_.pop_back();
        } else {
          expr(t, depth - 1);
        }
        byte(0x0B);
        labels_.pop_back();
        return;
      }
      case 8: {  // if/else with results
        expr(ValType::I32, depth - 1);
        byte(0x04);
        block_type(t);
        labels_.push_back({false, t});
        statements(static_cast<int>(pick(2)));
        expr(t, depth - 1);
        byte(0x05);
        statements(static_cast<int>(pick(2)));
        expr(t, depth - 1);
        byte(0x0B);
        labels_.pop_back();
        return;
      }
      case 9: {  // a bounded loop
        if (in_loop_) return leaf(t);
        in_loop_ = true;
        emit_const(out_, ValType::I32, 1 + pick(5));
        byte(0x21);
        u32(counter_);
        byte(0x03);
        block_type(t);
        labels_.push_back({true, t});
        statements(static_cast<int>(1 + pick(2)));
        byte(0x20);
        u32(counter_);
        emit_const(out_, ValType::I32, 1);
        emit_op(out_, internal::Opcode::I32Sub);
        byte(0x22);  // local.tee
        u32(counter_);
        byte(0x0D);
        u32(0);
        expr(t, depth - 1);
        byte(0x0B);
        labels_.pop_back();
        in_loop_ = false;
        return;
      }
      case 10: {  // a call to a later function, or a load
        uint32_t callee = self_ + 1 + (functions_ > self_ + 1 ? pick(functions_ - self_ - 1) : 0);
        if (callee < functions_ && results_[callee] == t) {
          for (ValType p : kParams) expr(p, depth - 1);
          byte(0x10);
          return u32(callee);
        }
        address();
        static const internal::Opcode kLoads[] = {internal::Opcode::I32Load, internal::Opcode::I64Load,
                                                  internal::Opcode::F32Load, internal::Opcode::F64Load};
        emit_op(out_, kLoads[t == ValType::I32 ? 0 : t == ValType::I64 ? 1 : t == ValType::F32 ? 2 : 3]);
        byte(0);
        return u32(pick(16));
      }
      default:  // local.tee
        expr(t, depth - 1);
        byte(0x22);
        return u32(local_of(t));
    }
  }

  void leaf(ValType t) {
    if (chance(50)) {
      byte(0x20);
      return u32(local_of(t));
    }
    emit_const(out_, t, value(t));
  }

  std::mt19937_64 rng_;
  std::vector<Op> ops_;
  std::vector<ValType> results_;
  std::vector<ValType> locals_;
  std::vector<LabelInfo> labels_;
  std::vector<uint8_t> out_;
  uint32_t counter_ = 0;
  uint32_t self_ = 0;
  uint32_t functions_ = 0;
  bool in_loop_ = false;
  int budget_ = 0;
};

}  // namespace detwasm::test
