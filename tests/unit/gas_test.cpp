// Gas metering: the vectors in gas/vectors, exact out-of-gas semantics,
// dynamic and host costs, and metering compiled out.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include "decode/opcodes.hpp"
#include "interp/interp_code.hpp"
#include "validate/body_decoder.hpp"
#include "module/module_data.hpp"
#include "support/wat.hpp"
#include "test_util.hpp"

namespace detwasm::test {
namespace {

namespace fs = std::filesystem;

Value parse_value(const std::string& tok) {
  auto colon = tok.find(':');
  auto type = val_type_from_string(tok.substr(0, colon));
  if (!type) throw std::runtime_error("bad value " + tok);
  int64_t v = std::stoll(tok.substr(colon + 1));
  return *type == ValType::I64 ? Value::i64(v) : Value::i32(static_cast<int32_t>(v));
}

std::vector<Value> parse_values(const std::string& list) {
  std::vector<Value> out;
  std::istringstream ss(list);
  std::string tok;
  while (ss >> tok) out.push_back(parse_value(tok));
  return out;
}

struct Invoke {
  std::string name;
  std::vector<Value> args, results;
  uint64_t gas;
};

std::vector<Invoke> read_invokes(const fs::path& wat) {
  std::ifstream in(wat);
  std::regex re(R"(^;; invoke (\S+) \(([^)]*)\) -> \(([^)]*)\) gas (\d+)$)");
  std::vector<Invoke> out;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, re))
      out.push_back(Invoke{m[1], parse_values(m[2]), parse_values(m[3]), std::stoull(m[4])});
  }
  return out;
}

struct MeteredRun {
  CallResult result;
  uint64_t gas_used;
  std::vector<uint8_t> memory;
};

MeteredRun run_metered(Tier tier, const std::vector<uint8_t>& bytes, const Invoke& inv, std::optional<uint64_t> limit) {
  EngineConfig config;
  config.tier = tier;
  config.metering = true;
  Loaded m(bytes, config);
  if (limit) m.store.set_gas_limit(*limit);
  MeteredRun run{m.call(inv.name, inv.args), m.store.gas_used(), {}};
  if (auto mem = m.instance.get_memory("memory")) run.memory.assign(mem->data(), mem->data() + mem->data_size());
  return run;
}

class GasVectors : public ::testing::TestWithParam<Tier> {};

TEST_P(GasVectors, ExactGasAndOutOfGasAtOneUnitLess) {
  size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(DETWASM_SOURCE_DIR) / "gas" / "vectors")) {
    if (entry.path().extension() != ".wat") continue;
    auto bytes = wat_file_to_wasm(entry.path());
    for (const Invoke& inv : read_invokes(entry.path())) {
      SCOPED_TRACE(entry.path().filename().string() + " " + inv.name);
      MeteredRun free_run = run_metered(GetParam(), bytes, inv, std::nullopt);
      ASSERT_FALSE(free_run.result.trap) << free_run.result.trap->message;
      EXPECT_EQ(free_run.result.results, inv.results);
      EXPECT_EQ(free_run.gas_used, inv.gas);
      MeteredRun exact = run_metered(GetParam(), bytes, inv, inv.gas);
      EXPECT_FALSE(exact.result.trap);
      EXPECT_EQ(exact.gas_used, inv.gas);
      MeteredRun short_run = run_metered(GetParam(), bytes, inv, inv.gas - 1);
      ASSERT_TRUE(short_run.result.trap);
      EXPECT_EQ(short_run.result.trap->kind, TrapKind::OutOfGas);
      EXPECT_LE(short_run.gas_used, inv.gas - 1);
      ++checked;
    }
  }
  EXPECT_GE(checked, 9u);
}

INSTANTIATE_TEST_SUITE_P(Tiers, GasVectors, ::testing::ValuesIn(tiers_here()),
                         [](const auto& info) { return info.param == Tier::Interpreter ? "interp" : "jit"; });

// (module
//   (import "env" "work" (func $work (param i32) (result i32)))
//   (memory (export "memory") 1)
//   (global $g (export "g") (mut i32) (i32.const 0))
//   (func (export "run") (param i32) (result i32)
//     (global.set $g (i32.const 1))
//     (i32.store (i32.const 0) (i32.const 42))
//     (call $work (local.get 0))))
const std::vector<uint8_t> kHostWork = from_hex(
    "0061736d0100000001060160017f017f020c0103656e7604776f726b00000302010005030100010606017f0141000b07"
    "1403066d656d6f72790200016703000372756e00010a13011100410124004100412a360200200010000b");

// "run" costs 19 before the call (i32.const, global.set, 2 x i32.const,
// i32.store, local.get, call), the host's declared 50, and whatever the host
// charges itself (its argument).
struct HostRun {
  std::optional<Trap> trap;
  uint64_t gas_used;
  int32_t global;
  uint8_t mem0;
  bool host_ran;
};

HostRun run_host_work(int32_t arg, std::optional<uint64_t> limit) {
  EngineConfig config;
  config.metering = true;
  Engine engine(config);
  Store store(engine);
  bool ran = false;
  Func work = store.new_host_func(
      FuncType{{ValType::I32}, {ValType::I32}},
      [&](Caller& caller, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
        ran = true;
        if (auto trap = caller.consume_gas(static_cast<uint64_t>(args[0].as_i32()))) return trap;
        results[0] = args[0];
        return std::nullopt;
      },
      "work", 50);
  Module module = Module::compile(engine, kHostWork);
  auto inst = store.instantiate(module, std::vector<Extern>{work});
  if (limit) store.set_gas_limit(*limit);
  auto r = inst.instance.get_func("run")->call(store, std::vector<Value>{Value::i32(arg)});
  return HostRun{r.trap, store.gas_used(), inst.instance.get_global("g")->get().as_i32(),
                 inst.instance.get_memory("memory")->data()[0], ran};
}

TEST(Gas, HostCallsChargeTheirDeclaredCostAndCanChargeMore) {
  HostRun full = run_host_work(5, std::nullopt);
  EXPECT_FALSE(full.trap);
  EXPECT_EQ(full.gas_used, 19u + 50u + 5u);
  EXPECT_FALSE(run_host_work(5, 74).trap);
  // The host's own charge fails: the segment before the call has run.
  HostRun host_short = run_host_work(5, 73);
  ASSERT_TRUE(host_short.trap);
  EXPECT_EQ(host_short.trap->kind, TrapKind::OutOfGas);
  EXPECT_TRUE(host_short.host_ran);
  EXPECT_EQ(host_short.global, 1);
  EXPECT_EQ(host_short.mem0, 42);
  // The declared cost cannot be paid: the host never runs.
  HostRun call_short = run_host_work(5, 68);
  ASSERT_TRUE(call_short.trap);
  EXPECT_EQ(call_short.trap->kind, TrapKind::OutOfGas);
  EXPECT_FALSE(call_short.host_ran);
  EXPECT_EQ(call_short.gas_used, 19u);
  // The first segment cannot be paid: no effect of it is visible.
  HostRun entry_short = run_host_work(5, 18);
  ASSERT_TRUE(entry_short.trap);
  EXPECT_EQ(entry_short.gas_used, 0u);
  EXPECT_EQ(entry_short.global, 0);
  EXPECT_EQ(entry_short.mem0, 0);
}

// (module (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))
const std::vector<uint8_t> kAdd = from_hex("0061736d010000000105016000017f03020100070501016600000a0901070041014102" "6a0b");

TEST(Gas, ByteOperatorTableAgreesWithTheOperatorTable) {
  using namespace detwasm::internal;
  for (uint32_t b = 0; b < 256; ++b) {
    bool operator_byte = is_known_opcode(static_cast<uint8_t>(b)) && b < 0xFC;
    uint8_t cls = kByteOperatorGasClass[b];
    if (!operator_byte) {
      EXPECT_EQ(cls, kNoGasClass) << "byte " << b;
      continue;
    }
    ASSERT_NE(cls, kNoGasClass) << "byte " << b;
    EXPECT_EQ(static_cast<GasClass>(cls), gas_class(static_cast<Opcode>(b))) << "byte " << b;
  }
}

// The interpreter's code, read here; jit_gas_test.cpp reads the JIT's.
TEST(Gas, MeteringOffCompilesNoCharges) {
  EngineConfig config;  // metering off by default
  config.tier = Tier::Interpreter;
  Engine engine(config);
  Module m = Module::compile(engine, kAdd);
  ASSERT_EQ(m.data()->code.interp.size(), m.data()->functions.size());
  for (const auto& f : m.data()->code.interp) {
    ASSERT_FALSE(f.code.empty());
    for (uint32_t w : f.code) EXPECT_NE(w, static_cast<uint32_t>(internal::IOp::ChargeGas));
  }
  Store store(engine);
  store.set_gas_limit(0);
  auto inst = store.instantiate(m, {});
  EXPECT_RESULT(inst.instance.get_func("f")->call(store, {}), Value::i32(3));
  EXPECT_EQ(store.gas_used(), 0u);
}

// The number of fields of an aggregate: the most initializers it takes.
struct AnyField {
  template <typename T>
  operator T() const;  // only named in unevaluated checks
};
template <typename T, typename... Fields>
constexpr size_t field_count() {
  if constexpr (requires { T{Fields{}..., AnyField{}}; })
    return field_count<T, Fields..., AnyField>();
  else
    return sizeof...(Fields);
}

// A change of one field of a configuration.
struct FieldChange {
  std::string name;
  std::function<void(EngineConfig&)> change;
};

#define DETWASM_LIMIT(field) \
  FieldChange{#field, [](EngineConfig& c) { c.limits.field += 1; }}
#define DETWASM_SCHEDULE(field) \
  FieldChange{#field, [](EngineConfig& c) { c.gas_schedule.field += 1; }}

// Every field of ResourceLimits, by name. A field added later and left out
// here fails the count below; one left out of config_identity fails the test.
std::vector<FieldChange> limit_changes() {
  return {DETWASM_LIMIT(max_module_size),    DETWASM_LIMIT(max_types),
          DETWASM_LIMIT(max_functions),      DETWASM_LIMIT(max_imports),
          DETWASM_LIMIT(max_exports),        DETWASM_LIMIT(max_globals),
          DETWASM_LIMIT(max_tables),         DETWASM_LIMIT(max_table_elements),
          DETWASM_LIMIT(max_memory_pages),   DETWASM_LIMIT(max_data_segments),
          DETWASM_LIMIT(max_elem_segments),  DETWASM_LIMIT(max_function_params),
          DETWASM_LIMIT(max_function_results), DETWASM_LIMIT(max_locals_per_function),
          DETWASM_LIMIT(max_function_body_size), DETWASM_LIMIT(max_br_table_size),
          DETWASM_LIMIT(max_nesting_depth),  DETWASM_LIMIT(max_operand_stack),
          DETWASM_LIMIT(stack_budget_slots)};
}

// Every field of GasSchedule; op_class_cost once per class.
std::vector<FieldChange> schedule_changes() {
  std::vector<FieldChange> out = {
      FieldChange{"id", [](EngineConfig& c) { c.gas_schedule.id += "-changed"; }},
      DETWASM_SCHEDULE(per_local_initialised), DETWASM_SCHEDULE(per_memory_page_grown),
      DETWASM_SCHEDULE(per_bulk_memory_8_bytes), DETWASM_SCHEDULE(per_table_element),
      DETWASM_SCHEDULE(host_call_default), DETWASM_SCHEDULE(wasi_call), DETWASM_SCHEDULE(wasi_per_byte)};
  for (size_t i = 0; i < kGasClassCount; ++i)
    out.push_back(FieldChange{"op_class_cost[" + std::string(gas_class_name(static_cast<GasClass>(i))) + "]",
                              [i](EngineConfig& c) { c.gas_schedule.op_class_cost[i] += 1; }});
  return out;
}

#undef DETWASM_LIMIT
#undef DETWASM_SCHEDULE

// Every name once: with the count, every field is named.
bool names_are_distinct(const std::vector<FieldChange>& changes) {
  std::set<std::string> names;
  for (const FieldChange& f : changes) names.insert(f.name);
  return names.size() == changes.size();
}

// Every field of the configuration: changing any one changes the identity,
// and the lists above are checked to name every field there is.
TEST(Gas, ConfigurationIdentityCoversEveryField) {
  static_assert(field_count<EngineConfig>() == 9, "a new EngineConfig field: hash it and change it below");
  static_assert(field_count<Target>() == 2, "a new Target field: hash it and change it below");
  static_assert(field_count<ResourceLimits>() == 19, "a new limit: hash it and list it in limit_changes");
  static_assert(field_count<GasSchedule>() == 9, "a new schedule field: hash it and list it in schedule_changes");
  std::vector<FieldChange> limits = limit_changes(), schedule = schedule_changes();
  EXPECT_EQ(limits.size(), field_count<ResourceLimits>());
  EXPECT_EQ(schedule.size(), field_count<GasSchedule>() - 1 + kGasClassCount);
  EXPECT_TRUE(names_are_distinct(limits));
  EXPECT_TRUE(names_are_distinct(schedule));

  EngineConfig plain;
  EngineConfig metered;
  metered.metering = true;
  EXPECT_EQ(config_identity(plain), config_identity(EngineConfig{}));
  EXPECT_NE(config_identity(plain), config_identity(metered));

  std::vector<FieldChange> all = limits;
  all.push_back({"tier", [](EngineConfig& c) {
                   c.tier = c.tier == Tier::Jit ? Tier::Interpreter : Tier::Jit;
                 }});
  all.push_back({"target.arch", [](EngineConfig& c) {
                   c.target.arch = c.target.arch == Arch::X86_64 ? Arch::AArch64 : Arch::X86_64;
                 }});
  all.push_back({"target.features", [](EngineConfig& c) { c.target = c.target.with(CpuFeature::Lzcnt); }});
  all.push_back({"target.features", [](EngineConfig& c) { c.target = c.target.with(CpuFeature::Bmi1); }});
  for (const FieldChange& f : all) {
    for (const EngineConfig& base : {plain, metered}) {
      EngineConfig changed = base;
      f.change(changed);
      EXPECT_NE(config_identity(base), config_identity(changed)) << f.name << (base.metering ? ", metered" : "");
    }
  }
  // The schedule counts when metering is on; unmetered code charges nothing.
  for (const FieldChange& f : schedule) {
    EngineConfig changed = metered;
    f.change(changed);
    EXPECT_NE(config_identity(metered), config_identity(changed)) << f.name;
    EngineConfig unmetered_change = plain;
    f.change(unmetered_change);
    EXPECT_EQ(config_identity(plain), config_identity(unmetered_change)) << f.name << ", unmetered";
  }
  // How many threads compile changes no byte of the code: not in the identity.
  EngineConfig threads = plain;
  threads.compile_threads = 8;
  threads.parallel_compile_min_bytes = 0;
  EXPECT_EQ(config_identity(plain), config_identity(threads));
  // Nor does where compiled code is cached.
  EngineConfig cached = plain;
  cached.cache.dir = "/tmp/somewhere";
  cached.cache.max_bytes = 1;
  cached.trusted_keys.push_back({1, 2, 3});
  EXPECT_EQ(config_identity(plain), config_identity(cached));
  // The contract profile is another configuration.
  EngineConfig contract;
  contract.limits = ResourceLimits::for_contracts();
  EXPECT_NE(config_identity(plain), config_identity(contract));
}

TEST(Gas, ScheduleParsingRejectsBadData) {
  EXPECT_EQ(GasSchedule::v1().id, "detwasm-gas-v1");
  EXPECT_EQ(GasSchedule::v1().op_cost(GasClass::Call), 10u);
  EXPECT_THROW(GasSchedule::from_json("{"), Error);
  EXPECT_THROW(GasSchedule::from_json(R"({"id":"x","op_class_cost":{}})"), Error);
}

}  // namespace
}  // namespace detwasm::test
