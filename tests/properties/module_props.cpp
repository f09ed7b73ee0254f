// Properties of loading and running generated modules: they validate and
// instantiate; damaged copies are rejected with ModuleError and nothing else;
// streaming agrees with whole-module compilation; runs are deterministic.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "module/module_data.hpp"
#include "support/module_gen.hpp"
#include "support/module_runner.hpp"

namespace detwasm::test {
namespace {

// The result of loading some bytes: a module, or the error it was rejected with.
struct Verdict {
  std::optional<Module> module;
  ModuleError::Kind kind = ModuleError::Kind::Malformed;
  uint64_t offset = 0;
  std::string message;

  bool ok() const { return module.has_value(); }
  std::string to_string() const {
    if (ok()) return "accepted";
    return std::string("rejected (") + detwasm::to_string(kind) + " at " + std::to_string(offset) + "): " + message;
  }
};

// Anything but ModuleError escapes, and RapidCheck reports it as a failure.
template <typename F>
Verdict verdict_of(F&& load) {
  Verdict v;
  try {
    v.module = load();
  } catch (const ModuleError& e) {
    v.kind = e.kind();
    v.offset = e.offset();
    v.message = e.message();
  }
  return v;
}

Verdict compile(Engine& engine, std::span<const uint8_t> bytes) {
  return verdict_of([&] { return Module::compile(engine, bytes); });
}

Verdict validate(Engine& engine, std::span<const uint8_t> bytes) {
  return verdict_of([&]() -> std::optional<Module> {
    Module::validate(engine, bytes);
    // A stand-in: validate() yields no module, and callers only look at ok().
    return Module(nullptr);
  });
}

// Feeds `bytes` in chunks of the given sizes, cycling through them. A size
// of 0 feeds an empty chunk, then one byte.
Verdict compile_streaming(Engine& engine, std::span<const uint8_t> bytes, const std::vector<size_t>& chunks) {
  return verdict_of([&] {
    StreamingCompiler sc(engine);
    size_t pos = 0, i = 0;
    while (pos < bytes.size()) {
      size_t want = chunks.empty() ? bytes.size() : chunks[i++ % chunks.size()];
      if (want == 0) {
        sc.feed({});
        want = 1;
      }
      size_t n = std::min(want, bytes.size() - pos);
      sc.feed(bytes.subspan(pos, n));
      pos += n;
    }
    return sc.finish();
  });
}

void assert_same_verdict(const Verdict& a, const Verdict& b, const char* what) {
  RC_LOG() << what << ":\n  " << a.to_string() << "\n  " << b.to_string() << "\n";
  RC_ASSERT(a.ok() == b.ok());
  if (!a.ok()) RC_ASSERT(a.kind == b.kind);
  if (!a.ok()) RC_ASSERT(a.offset == b.offset);
}

// Compiles and runs in a fresh engine and store.
Outcome run_fresh(const GeneratedModule& m) {
  Engine engine;
  Store store(engine);
  return run_module(store, Module::compile(engine, m.bytes), m.plan());
}

Outcome run_in(Engine& engine, const Module& module, const GeneratedModule& m) {
  Store store(engine);
  return run_module(store, module, m.plan());
}

// An engine for modules that may not terminate or may ask for much: metered
// (every run has a gas limit), with small memories, tables and stack.
EngineConfig bounded_config(Tier tier) {
  EngineConfig c;
  c.tier = tier;
  c.metering = true;
  c.limits.max_memory_pages = 16;
  c.limits.max_table_elements = 10'000;
  c.limits.stack_budget_slots = 1u << 14;
  return c;
}

RC_GTEST_PROP(GeneratedModule, ValidatesAndInstantiates, ()) {
  GeneratedModule m = *gen_module();
  Engine engine;
  Verdict v = validate(engine, m.bytes);
  RC_LOG() << v.to_string() << "\n";
  RC_ASSERT(v.ok());
  Verdict c = compile(engine, m.bytes);
  RC_ASSERT(c.ok());
  Store store(engine);
  Outcome out = run_module(store, *c.module, m.plan());
  RC_LOG() << out.to_string();
  RC_ASSERT(out.stage == "ok");
  RC_ASSERT(out.calls.size() == m.calls.size());
  bool any_trap = false;
  for (const auto& call : out.calls) any_trap |= call.find("-> trap") != std::string::npos;
  RC_CLASSIFY(any_trap, "some call traps");
  RC_CLASSIFY(!any_trap, "no call traps");
}

// Runs of the same export in fresh engines and stores are identical.
RC_GTEST_PROP(GeneratedModule, RunsAreDeterministic, ()) {
  GeneratedModule m = *gen_module();
  Outcome first = run_fresh(m);
  Outcome second = run_fresh(m);
  // And twice more from one compiled module, in two stores of its engine.
  Engine engine;
  Module module = Module::compile(engine, m.bytes);
  Outcome third = run_in(engine, module, m);
  Outcome fourth = run_in(engine, module, m);
  RC_LOG() << first.to_string();
  RC_ASSERT(first.stage == "ok");
  std::string diff = compare_outcomes(first, second);
  RC_LOG() << diff << "\n";
  RC_ASSERT(diff.empty());
  RC_ASSERT(compare_outcomes(first, third).empty());
  RC_ASSERT(compare_outcomes(third, fourth).empty());
}

Outcome run_in_tier(Tier tier, bool metering, const GeneratedModule& m) {
  EngineConfig config;
  config.tier = tier;
  config.metering = metering;
  Engine engine(config);
  Store store(engine);
  RunPlan plan = m.plan();
  if (metering) plan.gas_limit = uint64_t{1} << 62;
  return run_module(store, Module::compile(engine, m.bytes), plan);
}

// The production tier agrees with the oracle on results, traps, memories,
// globals (the float digest among them), tables and, metered, gas. Ten
// modules a case: a defect class that one module in a few hundred shows
// (a NaN's sign leaking past one construct) is then found in one run.
RC_GTEST_PROP(GeneratedModule, TiersAgree, ()) {
  for (int k = 0; k < 10; ++k) {
    GeneratedModule m = *gen_module();
    for (bool metering : {false, true}) {
      Outcome want = run_in_tier(Tier::Interpreter, metering, m);
      Outcome got = run_in_tier(Tier::Jit, metering, m);
      std::string diff = compare_outcomes(want, got);
      if (diff.empty()) continue;
      RC_LOG() << (metering ? "metered: " : "unmetered: ") << diff << "\n" << want.to_string() << got.to_string();
      RC_FAIL("the tiers differ");
    }
  }
}

// Every proper prefix is rejected with ModuleError or accepted (when it ends
// at a section boundary), and validate() agrees with compile().
RC_GTEST_PROP(GeneratedModule, PrefixesLoadOrFailCleanly, ()) {
  GeneratedModule m = *gen_module();
  Engine engine;
  std::span<const uint8_t> bytes(m.bytes);
  for (size_t len = 0; len < bytes.size(); ++len) {
    Verdict c = compile(engine, bytes.first(len));
    Verdict v = validate(engine, bytes.first(len));
    RC_LOG() << "prefix " << len << "\n";
    assert_same_verdict(c, v, "compile, validate");
    // Without the full preamble nothing loads; the preamble alone is the empty module.
    if (len < 8) RC_ASSERT(!c.ok());
    if (len == 8) RC_ASSERT(c.ok());
  }
}

// Single-byte changes: each copy is accepted or rejected with ModuleError
// and nothing else, with the same verdict (kind and offset) from compile(),
// validate() and the streaming compiler, in either tier. An accepted copy,
// instantiated with stub imports and every export called with zero
// arguments under a gas limit, gives the same outcome in both tiers:
// results, traps, memories, globals, tables and gas.
RC_GTEST_PROP(GeneratedModule, MutationsLoadOrFailCleanly, ()) {
  GeneratedModule m = *gen_module();
  auto mutations = *rc::gen::container<std::vector<std::pair<size_t, uint8_t>>>(
      32, rc::gen::pair(rc::gen::inRange<size_t>(0, m.bytes.size()), rc::gen::arbitrary<uint8_t>()));
  auto chunks = *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, 64));
  Engine interp(bounded_config(Tier::Interpreter)), jit(bounded_config(Tier::Jit));
  int accepted = 0, ran = 0;
  for (auto [pos, byte] : mutations) {
    std::vector<uint8_t> bytes = m.bytes;
    if (bytes[pos] == byte) continue;
    bytes[pos] = byte;
    RC_LOG() << "byte " << pos << " := " << int(byte) << "\n";
    Verdict c = compile(interp, bytes);
    assert_same_verdict(c, validate(interp, bytes), "compile, validate");
    assert_same_verdict(c, compile_streaming(interp, bytes, chunks), "compile, streaming");
    Verdict cj = compile(jit, bytes);
    assert_same_verdict(c, cj, "interpreter, JIT");
    if (!c.ok()) continue;
    ++accepted;
    RunPlan plan = zero_arg_plan(*c.module);
    plan.gas_limit = 1'000'000;
    Store interp_store(interp), jit_store(jit);
    Outcome want = run_module(interp_store, *c.module, plan);
    Outcome got = run_module(jit_store, *cj.module, plan);
    std::string diff = compare_outcomes(want, got);
    RC_LOG() << want.to_string() << diff << "\n";
    RC_ASSERT(diff.empty());
    ran += want.stage == "ok" && !want.calls.empty();
  }
  RC_CLASSIFY(accepted > 0, "some mutation loads");
  RC_CLASSIFY(ran > 0, "some mutation runs");
}

// Feeding the bytes in random chunks gives the verdict of Module::compile;
// for a valid module, the same hash and the same results.
RC_GTEST_PROP(GeneratedModule, StreamingMatchesCompile, ()) {
  GeneratedModule m = *gen_module();
  auto chunks = *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, 300));
  std::vector<uint8_t> bytes = m.bytes;
  int damage = *rc::gen::inRange(0, 3);  // 0: none, 1: truncate, 2: change a byte
  if (damage == 1) bytes.resize(*rc::gen::inRange<size_t>(0, bytes.size()));
  if (damage == 2) bytes[*rc::gen::inRange<size_t>(0, bytes.size())] ^= *rc::gen::inRange<uint8_t>(1, 255);
  Engine engine;
  Verdict whole = compile(engine, bytes);
  Verdict streamed = compile_streaming(engine, bytes, chunks);
  assert_same_verdict(whole, streamed, "compile, streaming");
  if (!whole.ok()) return;
  RC_ASSERT(whole.module->hash() == streamed.module->hash());
  if (damage != 0) return;  // a changed module may not terminate
  std::string diff = compare_outcomes(run_in(engine, *whole.module, m), run_in(engine, *streamed.module, m));
  RC_LOG() << diff << "\n";
  RC_ASSERT(diff.empty());
}

}  // namespace
}  // namespace detwasm::test
