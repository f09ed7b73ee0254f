// The AArch64 backend on any host: its runtime stubs are the bytes kept in
// the source tree, and it compiles (cross-compiles, off AArch64) every
// module of the spec suite. Running its code is tested on AArch64 (under
// qemu in CI), where the whole suite runs in the JIT tier.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <detwasm/detwasm.hpp>

#include "jit/a64/masm_a64.hpp"
#include "jit/a64/regs_a64.hpp"
#include "jit/loaded_code.hpp"
#include "jit/runtime_stubs.hpp"
#include "module/module_data.hpp"
#include "spec/wast_script.hpp"
#include "support/disassembly.hpp"
#include "support/golden.hpp"
#include "support/spec_suite.hpp"
#include "support/stub_source.hpp"
#include "support/wat.hpp"
#include "unit/test_util.hpp"

namespace detwasm {
namespace {

namespace fs = std::filesystem;

TEST(A64RuntimeStubs, PrebuiltBytesAreTheAssembly) {
  jit::RuntimeStubCode assembled = jit::assemble_a64_runtime_stubs();
  fs::path source = fs::path(DETWASM_SOURCE_DIR) / "src" / "jit" / "a64" / "runtime_stubs_a64_code.cpp";
  if (std::getenv("DETWASM_BLESS")) {
    std::ofstream(source) << jit::stub_code_source(assembled, "a64");
    GTEST_SKIP() << "blessed " << source << "; rebuild";
  }
  jit::PrebuiltStubs kept = jit::prebuilt_a64_runtime_stubs();
  EXPECT_EQ(std::vector<uint8_t>(kept.bytes.begin(), kept.bytes.end()), assembled.bytes)
      << "the stubs' assembly changed: regenerate " << source << " with DETWASM_BLESS=1";
  EXPECT_EQ(kept.entry_offset, assembled.entry_offset);
  EXPECT_EQ(kept.host_adapter_offset, assembled.host_adapter_offset);
}

Instance store_instance(Store& store, const Module& m) {
  Instantiation inst = store.instantiate(m, {});
  EXPECT_TRUE(inst.ok());
  return inst.instance;
}

EngineConfig a64_config(bool metering) {
  EngineConfig c;
  c.tier = Tier::Jit;
  c.target = Target::baseline(Arch::AArch64);
  c.metering = metering;
  return c;
}

constexpr const char* kModule = R"((module
  (memory 1)
  (func (export "f") (param i32 f64) (result i64)
    (i64.add (i64.extend_i32_u (i32.load (local.get 0))) (i64.trunc_f64_s (local.get 1))))))";

TEST(A64Backend, CrossCompiledCodeSerializesAndRunsOnlyOnAArch64) {
  for (bool metering : {false, true}) {
    Engine engine(a64_config(metering));
    Module m = Module::compile_text(engine, kModule);
    std::vector<uint8_t> artifact = m.serialize();
    Module loaded = Module::deserialize(engine, artifact);
    EXPECT_EQ(loaded.serialize(), artifact);
    Store store(engine);
    if (Target::build_default().arch == Arch::AArch64) {
      EXPECT_TRUE(store.instantiate(m, {}).ok());
    } else {
      EXPECT_THROW(store.instantiate(m, {}), UsageError);
      // The same module for this machine is another artifact.
      EngineConfig here;
      here.tier = Tier::Jit;
      here.metering = metering;
      Engine native(here);
      EXPECT_NE(Module::compile_text(native, kModule).serialize(), artifact);
      EXPECT_THROW(Module::deserialize(native, artifact), ArtifactError);
    }
  }
}

TEST(A64Backend, OutputIsTheSameForAnyThreadCount) {
  std::string text = "(module (memory 1)";
  for (int i = 0; i < 200; ++i)
    text += "(func (param i32) (result i32) (local i64 f32) (block (loop (br_if 1 (i32.eqz (local.get 0)))"
            " (local.set 0 (i32.sub (local.get 0) (i32.const " + std::to_string(i + 1) + ")))"
            " (i32.store (local.get 0) (i32.const 7)) (br 0))) (i32.load offset=4096 (local.get 0)))";
  text += ")";
  std::vector<uint8_t> one;
  for (uint32_t threads : {1u, 2u}) {
    EngineConfig c = a64_config(true);
    c.compile_threads = threads;
    c.parallel_compile_min_bytes = 0;
    Engine engine(c);
    std::vector<uint8_t> bytes = Module::compile_text(engine, text).serialize();
    if (threads == 1) one = bytes;
    else EXPECT_EQ(bytes, one);
  }
}

// The backend's own encodings of its most frequent instructions are
// asmjit's, for every register and for offsets across each form's range.
TEST(A64Encoder, DirectEncodingsAreAsmjits) {
  namespace a = asmjit::a64;
  using jit::a64::word::LoadStore;
  auto asmjit_word = [](auto emit) {
    asmjit::CodeHolder code;
    code.init(asmjit::Environment(asmjit::Arch::kAArch64));
    a::Assembler as(&code);
    emit(as);
    uint32_t w = 0;
    std::memcpy(&w, code.textSection()->data(), 4);
    EXPECT_EQ(code.textSection()->bufferSize(), 4u);
    return w;
  };
  const int64_t offsets[] = {0, 4, 8, 12, 248, 252, 255, -1, -4, -8, -24, -256, 256, 1000, 4092, 16380, 32760};
  int checked = 0;
  for (uint8_t r = 0; r < 31; ++r) {
    for (uint8_t base : {uint8_t{15}, uint8_t{29}, uint8_t{28}, uint8_t{0}}) {
      for (int64_t off : offsets) {
        for (int k = 0; k < 8; ++k) {
          auto op = static_cast<LoadStore>(k);
          uint32_t mine = jit::a64::word::load_store(op, r, base, off);
          if (mine == 0) continue;
          a::Mem m = a::ptr(a::x(base), static_cast<int32_t>(off));
          uint32_t theirs = asmjit_word([&](a::Assembler& as) {
            switch (op) {
              case LoadStore::LdrW: as.ldr(a::w(r), m); break;
              case LoadStore::LdrX: as.ldr(a::x(r), m); break;
              case LoadStore::LdrS: as.ldr(a::s(r), m); break;
              case LoadStore::LdrD: as.ldr(a::d(r), m); break;
              case LoadStore::StrW: as.str(a::w(r), m); break;
              case LoadStore::StrX: as.str(a::x(r), m); break;
              case LoadStore::StrS: as.str(a::s(r), m); break;
              case LoadStore::StrD: as.str(a::d(r), m); break;
            }
          });
          ASSERT_EQ(mine, theirs) << "op " << k << " r" << int(r) << " base x" << int(base) << " offset " << off;
          ++checked;
        }
      }
      for (bool x64 : {false, true}) {
        a::Gp rd = x64 ? a::Gp(a::x(r)) : a::Gp(a::w(r)), rn = x64 ? a::Gp(a::x(base)) : a::Gp(a::w(base));
        EXPECT_EQ(jit::a64::word::mov(x64, r, base), asmjit_word([&](a::Assembler& as) { as.mov(rd, rn); }));
        EXPECT_EQ(jit::a64::word::cmp(x64, r, base), asmjit_word([&](a::Assembler& as) { as.cmp(rd, rn); }));
        for (uint32_t imm : {0u, 1u, 7u, 255u, 4095u}) {
          EXPECT_EQ(jit::a64::word::cmp_imm(x64, false, r, imm),
                    asmjit_word([&](a::Assembler& as) { as.cmp(rd, asmjit::Imm(imm)); }));
          EXPECT_EQ(jit::a64::word::cmp_imm(x64, true, r, imm),
                    asmjit_word([&](a::Assembler& as) { as.cmn(rd, asmjit::Imm(imm)); }));
          EXPECT_EQ(jit::a64::word::add_imm(x64, false, r, base, imm),
                    asmjit_word([&](a::Assembler& as) { as.add(rd, rn, asmjit::Imm(imm)); }));
          EXPECT_EQ(jit::a64::word::add_imm(x64, true, r, base, imm),
                    asmjit_word([&](a::Assembler& as) { as.sub(rd, rn, asmjit::Imm(imm)); }));
          checked += 4;
        }
      }
      EXPECT_EQ(jit::a64::word::fmov_d(r, base), asmjit_word([&](a::Assembler& as) { as.fmov(a::d(r), a::d(base)); }));
    }
    // sp as the base or destination of an add (the frame's set-up).
    EXPECT_EQ(jit::a64::word::add_imm(true, true, r, 31, 16),
              asmjit_word([&](a::Assembler& as) { as.sub(a::x(r), a::sp, asmjit::Imm(16)); }));
  }
  EXPECT_GT(checked, 10000);
}

// A body large enough that its code could pass b.cond's reach takes the
// long branch forms (and long gas-charge branches): on AArch64 it runs as
// the interpreter runs it, metered and not; elsewhere it compiles.
TEST(A64Backend, ABodyBeyondShortBranchReachRunsAsTheInterpreter) {
  std::string body;
  for (int k = 0; k < 1500; ++k)
    body += "(local.set 1 (i32.add (local.get 1) (i32.xor (local.get 0) (i32.const " + std::to_string(k * 37) +
            ")))) (br_if $out (i32.gt_u (local.get 1) (i32.const " + std::to_string(2000000000 - k) + ")))\n";
  std::string text = "(module (func (export \"big\") (param i32) (result i32) (local i32)\n"
                     "(block $out (loop $top\n" + body +
                     "(local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if $top (local.get 0))))\n"
                     "(local.get 1)))";
  ASSERT_GT(wat2wasm(text).size(), jit::a64::A64MacroAssembler::kNearBodyBytes);
  for (bool metering : {false, true}) {
    EngineConfig interp;
    interp.tier = Tier::Interpreter;
    interp.metering = metering;
    Engine ie(interp), je(a64_config(metering));
    Module im = Module::compile_text(ie, text);
    Module jm = Module::compile_text(je, text);
    if (Target::build_default().arch != Arch::AArch64) continue;
    Store is(ie), js(je);
    Instance ii = store_instance(is, im), ji = store_instance(js, jm);
    for (int32_t n : {1, 3, 40, 100000}) {
      is.set_gas_limit(50'000'000);
      js.set_gas_limit(50'000'000);
      CallResult want = ii.get_func("big")->call(is, std::vector<Value>{Value::i32(n)});
      CallResult got = ji.get_func("big")->call(js, std::vector<Value>{Value::i32(n)});
      EXPECT_EQ(got.results, want.results) << n;
      EXPECT_EQ(got.trap.has_value(), want.trap.has_value()) << n;
      if (got.trap && want.trap) EXPECT_EQ(got.trap->kind, want.trap->kind);
      EXPECT_EQ(js.gas_used(), is.gas_used()) << n;
    }
  }
}

// Every module of the spec suite that compiles for x86-64 compiles for
// AArch64 too, metered and not (no assembler error, no unbound label).
TEST(A64Backend, CompilesEverySpecModule) {
  int compiled = 0;
  for (const fs::path& file : test::spec_wast_files()) {
    std::ifstream in(file, std::ios::binary);
    std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    spec::WastScript script = spec::read_wast_script(source, ResourceLimits{});
    for (bool metering : {false, true}) {
      EngineConfig x64;
      x64.tier = Tier::Jit;
      x64.target = Target::baseline(Arch::X86_64);
      x64.metering = metering;
      Engine reference(x64), engine(a64_config(metering));
      for (const spec::ScriptModule& m : script.modules) {
        if (!m.text_error.empty()) continue;
        try {
          Module::compile(reference, m.bytes);
        } catch (const Error&) {
          continue;
        }
        EXPECT_NO_THROW(Module::compile(engine, m.bytes)) << file.filename();
        ++compiled;
      }
    }
  }
  EXPECT_GT(compiled, 1000);
}

// Golden listings of the AArch64 code for small functions, disassembled by
// binutils' aarch64-linux-gnu-objdump (support/disassembly.hpp), so a change
// in code generation shows up in review. Regenerate with DETWASM_BLESS=1
// after checking the difference is intended.
struct GoldenCase {
  const char* name;
  const char* wat;
  bool metering;
};

const GoldenCase kGoldenCases[] = {
    {"i32_add_const",
     "(module (func (export \"f\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 5))))", false},
    {"br_table",
     "(module (func (export \"f\") (param i32) (result i32)\n"
     "  (block (result i32) (block (result i32) (i32.const 7) (local.get 0) (br_table 0 1 0)))))", false},
    {"memory_and_div",
     "(module (memory 1) (func (export \"f\") (param i32 i32) (result i32)\n"
     "  (i32.div_s (i32.load offset=8 (local.get 0)) (local.get 1))))", false},
    {"call_and_float",
     "(module (func $g (param f64) (result f64) (f64.sqrt (local.get 0)))\n"
     "  (func (export \"f\") (param f64 i64) (result f64)\n"
     "    (f64.add (call $g (local.get 0)) (f64.convert_i64_u (local.get 1)))))", false},
    {"loop_metered",
     "(module (func (export \"f\") (param i32) (result i32) (local i32)\n"
     "  (loop (local.set 1 (i32.add (local.get 1) (local.get 0)))\n"
     "    (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))\n"
     "  (local.get 1)))", true},
};

class A64Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(A64Golden, ListingMatches) {
  const GoldenCase& c = GetParam();
  Engine engine(a64_config(c.metering));
  Module m = Module::compile_text(engine, c.wat);
  const jit::CodeMemory& code = m.data()->code.jit->memory;
  std::ostringstream text;
  text << ";; " << c.wat << "\n" << jit::disassemble({code.base(), code.size()}, Arch::AArch64);
  fs::path file = fs::path(DETWASM_SOURCE_DIR) / "tests" / "jit" / "a64" / "golden" / (std::string(c.name) + ".txt");
  test::expect_golden(file, text.str());
}

INSTANTIATE_TEST_SUITE_P(A64, A64Golden, ::testing::ValuesIn(kGoldenCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace detwasm
