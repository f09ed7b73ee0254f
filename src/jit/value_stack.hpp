// The singlepass compiler's model of the Wasm operand stack: each value is in
// a register, in its canonical frame slot (abi.hpp: slot h for height h), or
// a constant not yet materialised. A register belongs to at most one stack
// value; a popped value's register stays taken (a temporary) until the
// operator that popped it releases it or pushes it as its result.
//
// Free registers are a bitset per class; when none is free the compiler
// spills a victim chosen round-robin, so allocation is O(registers), never
// O(stack height).
#pragma once

#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <optional>
#include <vector>

#include <detwasm/types.hpp>

#include "jit/masm.hpp"

namespace detwasm::jit {

struct StackValue {
  enum class Kind : uint8_t { Slot, Reg, Const };
  ValType type = ValType::I32;
  Kind kind = Kind::Slot;
  Reg reg;
  uint64_t bits = 0;  // for Const: the value in the slot encoding

  bool is_reg() const { return kind == Kind::Reg; }
  bool is_const() const { return kind == Kind::Const; }
  bool is_slot() const { return kind == Kind::Slot; }
};

class ValueStack {
 public:
  static constexpr int32_t kFree = -2;
  static constexpr int32_t kTemporary = -1;

  ValueStack(RegSet gprs, RegSet fprs) : allocatable_{gprs, fprs}, free_{gprs, fprs} {
    for (auto& owners : owner_) owners.fill(kFree);
  }

  uint32_t height() const { return static_cast<uint32_t>(values_.size()); }
  StackValue& at(uint32_t index) { return values_[index]; }
  StackValue& top(uint32_t depth = 0) { return values_[values_.size() - 1 - depth]; }

  void push_slot(ValType t) { values_.push_back({t, StackValue::Kind::Slot, Reg{}, 0}); }
  void push_const(ValType t, uint64_t bits) { values_.push_back({t, StackValue::Kind::Const, Reg{}, bits}); }
  // `r` must be a temporary (or freshly taken) register; the stack owns it now.
  void push_reg(ValType t, Reg r) {
    assert(owner(r) == kTemporary);
    owner(r) = static_cast<int32_t>(values_.size());
    values_.push_back({t, StackValue::Kind::Reg, r, 0});
  }
  // Removes the top value; its register, if any, becomes a temporary.
  StackValue pop() {
    StackValue v = values_.back();
    values_.pop_back();
    if (v.is_reg()) owner(v.reg) = kTemporary;
    return v;
  }
  // Drops values down to `height`, releasing their registers.
  void truncate(uint32_t height) {
    while (values_.size() > height) {
      StackValue v = pop();
      if (v.is_reg()) release(v.reg);
    }
  }

  // A free register of `cls` not in `avoid`, taken as a temporary.
  std::optional<Reg> take_free(RegClass cls, RegSet avoid = {}) {
    RegSet candidates = free_[index(cls)] - avoid;
    if (candidates.empty()) return std::nullopt;
    Reg r{candidates.first(), cls};
    free_[index(cls)].remove(r.code);
    owner(r) = kTemporary;
    return r;
  }
  // Takes a specific free register as a temporary.
  void take(Reg r) {
    assert(owner(r) == kFree);
    free_[index(r.cls)].remove(r.code);
    owner(r) = kTemporary;
  }
  void release(Reg r) {
    assert(owner(r) == kTemporary);
    owner(r) = kFree;
    free_[index(r.cls)].add(r.code);
  }
  bool is_free(Reg r) const { return owner_[index(r.cls)][r.code] == kFree; }

  // The stack index of a value whose register (of `cls`, not in `avoid`)
  // may be spilled, chosen round-robin; nullopt when every register of the
  // class is a temporary.
  std::optional<uint32_t> spill_victim(RegClass cls, RegSet avoid = {}) {
    RegSet candidates = allocatable_[index(cls)] - avoid;
    uint8_t& cursor = cursor_[index(cls)];
    for (uint32_t step = 0; step < 32; ++step) {
      cursor = static_cast<uint8_t>((cursor + 1) % 32);
      if (candidates.has(cursor) && owner_[index(cls)][cursor] >= 0)
        return static_cast<uint32_t>(owner_[index(cls)][cursor]);
    }
    return std::nullopt;
  }
  // Stack indices of the values held in registers of `set` (of `cls`).
  // Visits only the taken registers (a snapshot: `f` may free them), so a
  // block entry with few live registers costs little.
  template <typename F>
  void for_each_owned(RegClass cls, RegSet set, F f) const {
    for (uint32_t bits = (set - free_[index(cls)]).bits(); bits != 0; bits &= bits - 1) {
      uint32_t code = static_cast<uint32_t>(std::countr_zero(bits));
      if (owner_[index(cls)][code] >= 0) f(static_cast<uint32_t>(owner_[index(cls)][code]));
    }
  }
  // Marks stack value `i` (in a register) as now living in its slot; the
  // caller has stored it.
  void mark_spilled(uint32_t i) {
    StackValue& v = values_[i];
    assert(v.is_reg());
    owner(v.reg) = kFree;
    free_[index(v.reg.cls)].add(v.reg.code);
    v.kind = StackValue::Kind::Slot;
    v.reg = Reg{};
  }
  void mark_in_slot(uint32_t i) {
    StackValue& v = values_[i];
    if (v.is_reg()) mark_spilled(i);
    v.kind = StackValue::Kind::Slot;
  }
  RegSet allocatable(RegClass cls) const { return allocatable_[index(cls)]; }

 private:
  static size_t index(RegClass cls) { return cls == RegClass::Gpr ? 0 : 1; }
  int32_t& owner(Reg r) { return owner_[index(r.cls)][r.code]; }
  int32_t owner(Reg r) const { return owner_[index(r.cls)][r.code]; }

  std::vector<StackValue> values_;
  std::array<RegSet, 2> allocatable_;
  std::array<RegSet, 2> free_;
  std::array<std::array<int32_t, 32>, 2> owner_;  // kFree, kTemporary or a stack index
  std::array<uint8_t, 2> cursor_{};
};

}  // namespace detwasm::jit
