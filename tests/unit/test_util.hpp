// Small helpers shared by the unit tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <detwasm/detwasm.hpp>

namespace detwasm::test {

inline std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(nib(hex[i]) << 4 | nib(hex[i + 1])));
  return out;
}

// Whether this machine runs the JIT tier: x86-64 and AArch64 do; a host
// with no backend runs the interpreter alone (the library's default tier
// says which).
inline bool jit_here() { return kDefaultTier == Tier::Jit; }

// The tiers to test on this machine.
inline std::vector<Tier> tiers_here() {
  if (jit_here()) return {Tier::Interpreter, Tier::Jit};
  return {Tier::Interpreter};
}

// A module instantiated with no imports in its own store.
struct Loaded {
  explicit Loaded(const std::vector<uint8_t>& bytes, EngineConfig config = {})
      : engine(config), store(engine), module(Module::compile(engine, bytes)) {
    auto inst = store.instantiate(module, {});
    if (inst.trap) ADD_FAILURE() << "instantiation trapped: " << inst.trap->message;
    instance = inst.instance;
  }
  CallResult call(std::string_view name, std::vector<Value> args = {}) {
    auto f = instance.get_func(name);
    if (!f) throw UsageError("no export " + std::string(name));
    return f->call(store, args);
  }
  Engine engine;
  Store store;
  Module module;
  Instance instance;
};

// The kind of error loading `bytes` throws, or nullopt if it loads.
inline std::optional<ModuleError::Kind> load_error(const std::vector<uint8_t>& bytes, EngineConfig config = {}) {
  Engine engine(config);
  try {
    Module::compile(engine, bytes);
    return std::nullopt;
  } catch (const ModuleError& e) {
    return e.kind();
  }
}

}  // namespace detwasm::test

// gtest matchers in the spirit of "Result(v)" and "Traps(kind)".
#define EXPECT_RESULT(call_result, ...)                                            \
  do {                                                                             \
    auto r_ = (call_result);                                                       \
    ASSERT_FALSE(r_.trap) << "trapped: " << r_.trap->message;                     \
    EXPECT_EQ(r_.results, (std::vector<::detwasm::Value>{__VA_ARGS__}));          \
  } while (0)
#define EXPECT_TRAP(call_result, trap_kind)                                        \
  do {                                                                             \
    auto r_ = (call_result);                                                       \
    ASSERT_TRUE(r_.trap) << "expected a trap";                                     \
    EXPECT_EQ(r_.trap->kind, (trap_kind)) << r_.trap->message;                     \
  } while (0)
