// An independent oracle: generated modules give the same results, traps,
// globals, tables and memory in detwasm and in V8 (Node.js). Skipped when
// `node` is not installed.
//
// V8 does not canonicalize NaNs and JavaScript numbers lose NaN bits, so the
// modules are generated without NaN-making float arithmetic and arguments
// carry no NaNs; float results compare as "nan" when NaN.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "support/module_gen.hpp"
#include "support/module_runner.hpp"

namespace detwasm::test {
namespace {

namespace fs = std::filesystem;

// Cases per run; DETWASM_V8_CASES raises it for a longer search.
uint64_t case_count() {
  const char* env = std::getenv("DETWASM_V8_CASES");
  return env ? std::strtoull(env, nullptr, 10) : 200;
}

std::string type_name(ValType t) { return std::string(detwasm::to_string(t)); }

// NaN arguments would reach V8 as a NaN of another payload.
void drop_nan_args(RunPlan& plan) {
  for (CallPlan& c : plan.calls) {
    for (ArgSpec& a : c.args) {
      if (a.type == ValType::F32 && std::isnan(std::bit_cast<float>(static_cast<uint32_t>(a.bits)))) a.bits = 0;
      if (a.type == ValType::F64 && std::isnan(std::bit_cast<double>(a.bits))) a.bits = 0;
    }
  }
}

std::string plan_json(const Module& module, const RunPlan& plan) {
  std::ostringstream os;
  os << "{\"exports\": [";
  bool first = true;
  for (const ExportType& e : module.exports()) {
    os << (first ? "" : ", ") << "{\"name\": \"" << e.name << "\", \"kind\": \"" << detwasm::to_string(e.kind)
       << "\"";
    if (e.kind == ExternKind::Global) os << ", \"type\": \"" << type_name(e.global.type) << "\"";
    if (e.kind == ExternKind::Table) os << ", \"type\": \"" << type_name(e.table.elem) << "\"";
    os << "}";
    first = false;
  }
  os << "], \"calls\": [";
  auto exports = module.exports();
  for (size_t i = 0; i < plan.calls.size(); ++i) {
    const CallPlan& c = plan.calls[i];
    os << (i ? ", " : "") << "{\"name\": \"" << c.export_name << "\", \"args\": [";
    for (size_t k = 0; k < c.args.size(); ++k)
      os << (k ? ", " : "") << "[\"" << type_name(c.args[k].type) << "\", \"" << c.args[k].bits << "\"]";
    os << "], \"results\": [";
    for (const ExportType& e : exports) {
      if (e.name != c.export_name) continue;
      for (size_t k = 0; k < e.func.results.size(); ++k) os << (k ? ", " : "") << "\"" << type_name(e.func.results[k]) << "\"";
    }
    os << "]}";
  }
  os << "]";
  if (plan.budget_global) os << ", \"budget\": [\"" << *plan.budget_global << "\", " << plan.budget_value << "]";
  os << "}\n";
  return os.str();
}

// detwasm's outcome in the oracle's terms: no trap frames, NaNs without
// bits, and one kind where V8 words two alike (the call_indirect failures;
// integer overflow and invalid conversion).
std::vector<std::string> normalized(const Outcome& out) {
  static const std::map<std::string, std::string> kinds = {
      {"indirect_call_to_null", "indirect_call"},
      {"indirect_call_signature_mismatch", "indirect_call"},
      {"integer_overflow", "overflow_or_conversion"},
      {"invalid_conversion_to_integer", "overflow_or_conversion"},
  };
  std::vector<std::string> lines{"stage: " + out.stage};
  for (const auto& list : {out.calls, out.globals, out.tables})
    for (std::string line : list) {
      if (size_t at = line.find(" @["); at != std::string::npos) line.erase(at);  // trap frames end the line
      std::istringstream words(line);
      std::string word, rebuilt;
      while (words >> word) {
        if (auto k = kinds.find(word); k != kinds.end()) word = k->second;
        bool f32 = word.rfind("f32:0x", 0) == 0, f64 = word.rfind("f64:0x", 0) == 0;
        uint64_t bits = (f32 || f64) ? std::stoull(word.substr(4), nullptr, 16) : 0;
        if (f32 && std::isnan(std::bit_cast<float>(static_cast<uint32_t>(bits)))) word = "f32:nan";
        if (f64 && std::isnan(std::bit_cast<double>(bits))) word = "f64:nan";
        rebuilt += (rebuilt.empty() ? "" : " ") + word;
      }
      lines.push_back(rebuilt);
    }
  return lines;
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream f(p);
  std::vector<std::string> lines;
  for (std::string line; std::getline(f, line);) lines.push_back(line);
  return lines;
}

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

TEST(V8Oracle, GeneratedModulesAgree) {
  if (std::system("node --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "node is not installed";
  fs::path dir = fs::path(testing::TempDir()) / ("detwasm-v8-" + std::to_string(getpid()));
  fs::create_directories(dir);

  const uint64_t kCases = case_count();
  GenConfig config;
  config.imports = false;  // host functions would need a JavaScript twin
  config.float_arithmetic = false;
  Engine engine;
  std::vector<GeneratedModule> modules;
  std::vector<Outcome> ours;
  for (uint64_t seed = 0; seed < kCases; ++seed) {
    GeneratedModule m = generate_module(config, seed);
    m.calls = [&] {
      RunPlan p = m.plan();
      drop_nan_args(p);
      return p.calls;
    }();
    Module module = Module::compile(engine, m.bytes);
    Store store(engine);
    ours.push_back(run_module(store, module, m.plan()));
    std::string name = "case" + std::to_string(seed);
    write_file((dir / (name + ".wasm")).string(), m.bytes);
    std::ofstream(dir / (name + ".json")) << plan_json(module, m.plan());
    modules.push_back(std::move(m));
  }

  std::string runner = std::string(DETWASM_SOURCE_DIR) + "/tests/support/v8_run.mjs";
  ASSERT_EQ(std::system(("node " + runner + " " + dir.string()).c_str()), 0);

  int failures = 0;
  for (uint64_t seed = 0; seed < kCases && failures < 3; ++seed) {
    std::string name = "case" + std::to_string(seed);
    std::vector<std::string> theirs = read_lines(dir / (name + ".out"));
    std::vector<std::string> mine = normalized(ours[seed]);
    std::string diff;
    for (size_t i = 0; i < std::max(mine.size(), theirs.size()) && diff.empty(); ++i) {
      std::string a = i < mine.size() ? mine[i] : "<none>", b = i < theirs.size() ? theirs[i] : "<none>";
      if (a != b) diff = "detwasm: " + a + "\nV8:      " + b;
    }
    for (const auto& [mem, bytes] : ours[seed].memories) {
      if (!diff.empty()) break;
      std::vector<uint8_t> v8 = read_bytes(dir / (name + ".mem." + mem));
      if (v8.size() != bytes.size()) {
        diff = "memory " + mem + " size " + std::to_string(bytes.size()) + " vs " + std::to_string(v8.size());
        break;
      }
      for (size_t k = 0; k < bytes.size(); ++k)
        if (bytes[k] != v8[k]) {
          diff = "memory " + mem + " differs first at byte " + std::to_string(k);
          break;
        }
    }
    if (!diff.empty()) {
      ++failures;
      std::ostringstream os;
      showValue(modules[seed], os);
      ADD_FAILURE() << "seed " << seed << ": " << diff << "\n" << os.str();
    }
  }
  if (failures == 0) fs::remove_all(dir);
}

}  // namespace
}  // namespace detwasm::test
