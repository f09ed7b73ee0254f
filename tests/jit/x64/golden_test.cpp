// Golden listings of the x86-64 code the JIT emits for small functions, so a
// change in code generation shows up in review: the final bytes (patched
// prologues and gas charges, fused compares) disassembled by binutils'
// objdump, trap stubs and tables included. Regenerate with DETWASM_BLESS=1
// after checking the difference is intended.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "jit/runtime_stubs.hpp"
#include "support/disassembly.hpp"
#include "support/golden.hpp"
#include "support/jit_test_instance.hpp"
#include "support/stub_source.hpp"
#include "support/wat.hpp"
#include "unit/test_util.hpp"

namespace detwasm::jit {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  const char* name;
  const char* wat;  // the source, kept in the golden file's header
  bool metering;
};

const GoldenCase kCases[] = {
    {"i32_add_const",
     "(module (func (export \"f\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 5))))", false},
    {"br_table",
     "(module (func (export \"f\") (param i32) (result i32)\n"
     "  (block (result i32) (block (result i32) (i32.const 7) (local.get 0) (br_table 0 1 0)))))", false},
    {"memory_and_div",
     "(module (memory 1) (func (export \"f\") (param i32 i32) (result i32)\n"
     "  (i32.div_s (i32.load offset=8 (local.get 0)) (local.get 1))))", false},
    {"compare_and_branch",
     "(module (func (export \"f\") (param i32) (result i32) (local i32)\n"
     "  (block (loop\n"
     "    (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))\n"
     "    (local.set 1 (i32.add (local.get 1) (i32.const 1)))\n"
     "    (br 0)))\n"
     "  (local.get 1)))",
     false},
    {"local_tee_then_get",
     "(module (func (export \"f\") (param i32) (result i32) (local i32)\n"
     "  (i32.mul (local.tee 1 (i32.add (local.get 0) (i32.const 3))) (local.get 1))))", false},
    {"f64_canonical_nan",
     "(module (func (export \"f\") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1))))", false},
    {"loop_metered",
     "(module (func (export \"f\") (param i32) (result i32) (local i32)\n"
     "  (loop (local.set 1 (i32.add (local.get 1) (local.get 0)))\n"
     "    (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))\n"
     "  (local.get 1)))", true},
};

class JitGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(JitGolden, ListingMatches) {
  const GoldenCase& c = GetParam();
  EngineConfig config;
  config.metering = c.metering;
  testing::JitInstance inst(test::wat_to_wasm(c.wat), {}, config);
  std::ostringstream text;
  text << ";; " << c.wat << "\n" << disassemble(inst.compiled().code);
  fs::path file = fs::path(DETWASM_SOURCE_DIR) / "tests" / "jit" / "x64" / "golden" / (std::string(c.name) + ".txt");
  test::expect_golden(file, text.str());
}

INSTANTIATE_TEST_SUITE_P(X64, JitGolden, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

// The runtime stubs run from bytes kept in the source tree (so a build
// without asmjit has them); they must be what the backend's assembly gives.
TEST(RuntimeStubs, PrebuiltBytesAreTheAssembly) {
  RuntimeStubCode assembled = assemble_x64_runtime_stubs();
  fs::path source = fs::path(DETWASM_SOURCE_DIR) / "src" / "jit" / "x64" / "runtime_stubs_x64_code.cpp";
  fs::path listing = fs::path(DETWASM_SOURCE_DIR) / "tests" / "jit" / "x64" / "golden" / "runtime_stubs.txt";
  std::string text = ";; entry at " + std::to_string(assembled.entry_offset) + ", host adapter at " +
                     std::to_string(assembled.host_adapter_offset) + "\n" + disassemble(assembled.bytes);
  if (std::getenv("DETWASM_BLESS")) {
    std::ofstream(source) << stub_code_source(assembled, "x64");
    std::ofstream(listing) << text;
    GTEST_SKIP() << "blessed " << source << " and " << listing << "; rebuild";
  }
  PrebuiltStubs kept = prebuilt_x64_runtime_stubs();
  EXPECT_EQ(std::vector<uint8_t>(kept.bytes.begin(), kept.bytes.end()), assembled.bytes)
      << "the stubs' assembly changed: regenerate " << source << " with DETWASM_BLESS=1";
  EXPECT_EQ(kept.entry_offset, assembled.entry_offset);
  EXPECT_EQ(kept.host_adapter_offset, assembled.host_adapter_offset);
  std::ifstream in(listing);
  std::string want((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, want);
}

}  // namespace
}  // namespace detwasm::jit
