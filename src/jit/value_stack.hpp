// The singlepass compiler's model of the Wasm operand stack: each value is in
// a register, in its canonical frame slot (abi.hpp: slot h for height h), or
// a constant not yet materialised. A register belongs to at most one stack
// value; a popped value's register stays taken (a temporary) until the
// operator that popped it releases it or pushes it as its result.
//
// Free registers are a bitset per class; when none is free the compiler
// spills a victim chosen round-robin, so allocation is O(registers), never
// O(stack height).
//
// A free register may also hold a copy of a local (locals are write-through:
// local.set and local.tee always store to the local's slot, so the slot is
// current and a copy can be dropped at any time). Allocation prefers
// registers that hold no copy, and drops the copy of a register it takes.
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
  // For Reg: a float that arithmetic made, which may be a NaN as the
  // hardware left it. Only operators blind to NaN payloads take it as is;
  // anything else (a store anywhere, a bit operation, a spill) canonicalizes
  // it first, so slots, memory and results only ever hold canonical NaNs.
  bool raw_nan = false;

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
  void push_reg(ValType t, Reg r, bool raw_nan = false) {
    assert(owner(r) == kTemporary);
    owner(r) = static_cast<int32_t>(values_.size());
    values_.push_back({t, StackValue::Kind::Reg, r, 0, raw_nan});
  }
  // Stack value `i`, in its slot, is also in `r` (a temporary): the stack owns it.
  void assign_reg(uint32_t i, Reg r) {
    assert(owner(r) == kTemporary && values_[i].is_slot());
    owner(r) = static_cast<int32_t>(i);
    values_[i].kind = StackValue::Kind::Reg;
    values_[i].reg = r;
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
    // When every candidate holds a copy, the one made longest ago goes: the
    // newest are the likeliest to be read soon.
    RegSet uncached = candidates - cached_[index(cls)];
    Reg r{uncached.empty() ? copy_by_age(cls, candidates, false) : uncached.first(), cls};
    take(r);
    return r;
  }
  // Takes a specific free register as a temporary.
  void take(Reg r) {
    assert(owner(r) == kFree);
    forget_reg(r);
    free_[index(r.cls)].remove(r.code);
    owner(r) = kTemporary;
  }
  // A free register of `cls` that holds no local's copy, if there is one.
  std::optional<Reg> uncached_free(RegClass cls) const {
    RegSet candidates = free_[index(cls)] - cached_[index(cls)];
    if (candidates.empty()) return std::nullopt;
    return Reg{candidates.first(), cls};
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

  // ---- Copies of locals in free registers ----
  // Sizes the per-local table for a function (it only grows), drops every
  // copy, and starts the spill round at its beginning: nothing of the
  // function compiled before may steer this one's code, which must be the
  // same whichever thread compiles it, after whichever function.
  void begin_function(uint32_t num_locals) {
    forget_locals();
    if (local_copy_.size() < num_locals) local_copy_.resize(num_locals);
    cursor_ = {};
    copy_clock_ = 0;
  }
  // The free register holding a copy of `local`, if any.
  std::optional<Reg> local_copy(uint32_t local) const {
    const LocalCopy& c = local_copy_[local];
    if (c.epoch != epoch_) return std::nullopt;
    return c.reg;
  }
  // `r`, a free register, now holds the current value of `local` (of type `t`).
  void set_local_copy(uint32_t local, ValType t, Reg r) {
    assert(owner(r) == kFree);
    forget_local(local);
    forget_reg(r);
    local_copy_[local] = {epoch_, r};
    cached_[index(r.cls)].add(r.code);
    cached_local_[index(r.cls)][r.code] = {local, t, ++copy_clock_};
  }
  void forget_local(uint32_t local) {
    if (auto r = local_copy(local)) forget_reg(*r);
  }
  // Register `r` is about to be written: it holds no copy any more.
  void forget_reg(Reg r) {
    size_t c = index(r.cls);
    if (!cached_[c].has(r.code)) return;
    cached_[c].remove(r.code);
    local_copy_[cached_local_[c][r.code].local].epoch = 0;
  }
  void forget_regs(RegClass cls, RegSet set) {
    for (uint32_t bits = (set & cached_[index(cls)]).bits(); bits != 0; bits &= bits - 1)
      forget_reg(Reg{static_cast<uint8_t>(std::countr_zero(bits)), cls});
  }
  // At a join (where another path may arrive) or a call: no copy survives.
  // O(1): the copies of older epochs are void.
  void forget_locals() {
    cached_ = {};
    if (++epoch_ == 0) {
      for (LocalCopy& c : local_copy_) c.epoch = 0;
      epoch_ = 1;
    }
  }
  // Calls f(local, type, reg) for the `limit` newest copies of class `cls`
  // (the locals most recently written or loaded) and drops the others.
  template <typename F>
  void keep_newest_copies(RegClass cls, uint32_t limit, F f) {
    size_t c = index(cls);
    RegSet rest = cached_[c];
    for (uint32_t i = 0; i < limit && !rest.empty(); ++i) {
      uint8_t newest = copy_by_age(cls, rest, true);
      const CopyOwner& o = cached_local_[c][newest];
      f(o.local, o.type, Reg{newest, cls});
      rest.remove(newest);
    }
    forget_regs(cls, rest);
  }

 private:
  static size_t index(RegClass cls) { return cls == RegClass::Gpr ? 0 : 1; }
  int32_t& owner(Reg r) { return owner_[index(r.cls)][r.code]; }
  int32_t owner(Reg r) const { return owner_[index(r.cls)][r.code]; }

  std::vector<StackValue> values_;
  std::array<RegSet, 2> allocatable_;
  std::array<RegSet, 2> free_;
  std::array<std::array<int32_t, 32>, 2> owner_;  // kFree, kTemporary or a stack index
  std::array<uint8_t, 2> cursor_{};

  struct LocalCopy {
    uint32_t epoch = 0;  // valid while equal to epoch_
    Reg reg;
  };
  std::vector<LocalCopy> local_copy_;               // by local index
  uint32_t epoch_ = 1;
  std::array<RegSet, 2> cached_{};                  // free registers holding a copy
  struct CopyOwner {
    uint32_t local = 0;
    ValType type = ValType::I32;
    uint64_t made = 0;  // copy_clock_ when the copy was made
  };
  // The register of `set` (all holding copies) whose copy is the newest or
  // the oldest. O(registers).
  uint8_t copy_by_age(RegClass cls, RegSet set, bool newest) const {
    const auto& owners = cached_local_[index(cls)];
    uint8_t best = set.first();
    for (uint32_t bits = set.bits(); bits != 0; bits &= bits - 1) {
      auto code = static_cast<uint8_t>(std::countr_zero(bits));
      if (newest ? owners[code].made > owners[best].made : owners[code].made < owners[best].made) best = code;
    }
    return best;
  }
  uint64_t copy_clock_ = 0;
  std::array<std::array<CopyOwner, 32>, 2> cached_local_{};  // whose copy
};

}  // namespace detwasm::jit
