// Differential testing: the same export, the same arguments, through the
// reference interpreter (the public API) and through the JIT; they must
// agree on results (bit for bit) and traps.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/jit_test_instance.hpp"
#include "unit/test_util.hpp"

namespace detwasm::jit::testing {

struct Observed {
  std::vector<uint64_t> results;
  std::optional<TrapKind> trap;
  uint64_t gas_used = 0;  // with metering
  std::vector<uint32_t> frames;  // of a trap, innermost first
  std::vector<uint64_t> offsets;  // each frame's module offset (UINT64_MAX: none)
  uint64_t frame_total = 0;
  bool operator==(const Observed&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const Observed& o) {
  if (o.gas_used) os << "gas " << o.gas_used << " ";
  if (o.trap) {
    os << "trap " << trap_kind_name(*o.trap) << " in " << o.frame_total << " frames:";
    for (size_t i = 0; i < o.frames.size() && i < 16; ++i)
      os << " " << o.frames[i] << "@0x" << std::hex << o.offsets.at(i) << std::dec;
    return os;
  }
  os << "[";
  for (uint64_t r : o.results) os << " 0x" << std::hex << r << std::dec;
  return os << " ]";
}

class Differential {
 public:
  explicit Differential(const std::vector<uint8_t>& wasm, ResourceLimits limits = {})
      : Differential(wasm, with_limits(limits)) {}
  Differential(const std::vector<uint8_t>& wasm, EngineConfig config)
      : interp_(wasm, config), jit_(wasm, {}, config), metered_(config.metering) {}

  static EngineConfig with_limits(const ResourceLimits& limits) {
    EngineConfig c;
    c.limits = limits;
    return c;
  }

  // Both tiers get `gas` for the calls that follow (with metering).
  void set_gas(uint64_t gas) {
    gas_ = gas;
    interp_.store.set_gas_limit(gas);
  }

  Observed interpreter(std::string_view name, const std::vector<uint64_t>& args) {
    auto f = interp_.instance.get_func(name);
    const FuncType& t = f->type();
    std::vector<Value> values;
    for (size_t i = 0; i < args.size(); ++i) values.push_back(Value{t.params[i], mask(t.params[i], args[i])});
    if (metered_) interp_.store.set_gas_limit(gas_);
    CallResult r = f->call(interp_.store, values);
    Observed o;
    if (metered_) o.gas_used = interp_.store.gas_used();
    if (r.trap) {
      o.trap = r.trap->kind;
      for (const TrapFrame& f : r.trap->frames) {
        o.frames.push_back(f.func_index);
        o.offsets.push_back(f.module_offset.value_or(UINT64_MAX));
      }
      o.frame_total = r.trap->frame_count;
    }
    for (const Value& v : r.results) o.results.push_back(mask(v.type, v.bits));
    return o;
  }
  Observed jit(std::string_view name, const std::vector<uint64_t>& args) {
    jit_.set_gas(gas_);
    auto r = jit_.call(name, args);
    return Observed{r.results, r.trap, metered_ ? gas_ - jit_.gas_left() : 0, r.frames, r.offsets, r.frame_total};
  }
  void expect_agree(std::string_view name, const std::vector<uint64_t>& args) {
    Observed want = interpreter(name, args);
    Observed got = jit(name, args);
    std::ostringstream a;
    for (uint64_t x : args) a << " 0x" << std::hex << x;
    EXPECT_EQ(got, want) << name << "(" << a.str() << " )";
  }
  JitInstance& jit_instance() { return jit_; }

 private:
  static uint64_t mask(ValType t, uint64_t bits) {
    return t == ValType::I32 || t == ValType::F32 ? bits & 0xFFFFFFFF : bits;
  }
  test::Loaded interp_;
  JitInstance jit_;
  bool metered_ = false;
  uint64_t gas_ = UINT64_MAX;
};

}  // namespace detwasm::jit::testing
