// The text format parser (src/text): each abbreviation of the spec against
// wabt's wat2wasm, byte for byte without custom sections; malformed text with
// the line and column of the error; limits on hostile input.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>

#include <detwasm/detwasm.hpp>
#include <detwasm/text.hpp>

#include "support/run_process.hpp"
#include "support/wasm_sections.hpp"
#include "support/wat.hpp"

namespace detwasm::test {
namespace {

std::vector<uint8_t> ours(std::string_view text) { return strip_custom_sections(wat2wasm(text)); }
std::vector<uint8_t> wabt(std::string_view text) { return strip_custom_sections(wat_to_wasm(text, false)); }

#define EXPECT_AS_WABT(text)                                     \
  do {                                                           \
    std::string wat_ = (text);                                   \
    EXPECT_EQ(ours(wat_), wabt(wat_)) << "for the text\n" << wat_; \
  } while (0)

std::string error_of(std::string_view text, const ResourceLimits& limits = {}) {
  try {
    wat2wasm(text, limits);
  } catch (const TextError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TextFormat, EmptyModuleWithOrWithoutTheModuleKeyword) {
  EXPECT_AS_WABT("(module)");
  EXPECT_EQ(wat2wasm("(module)"), wat2wasm(""));
  EXPECT_EQ(wat2wasm("(module (func))"), wat2wasm("(func)"));
}

TEST(TextFormat, InlineImportsAndExports) {
  EXPECT_AS_WABT(R"((module
    (func $f (export "f") (export "g") (import "m" "f") (param i32) (result i64))
    (table $t (export "t") (import "m" "t") 1 2 funcref)
    (memory (export "mem") (import "m" "mem") 1)
    (global $g (export "g1") (import "m" "g") (mut i32))
    (func (export "h") (result i32) (global.get $g))
    (global (export "g2") i64 (i64.const 7))))");
  EXPECT_AS_WABT(R"((module (import "m" "f" (func $f (param $x i32))) (export "e" (func $f))))");
}

TEST(TextFormat, TypeUsesAndImplicitTypes) {
  // Implicit types go after every explicit one, in order of first use; an
  // implicit use finds the first equal type, explicit or implicit.
  EXPECT_AS_WABT(R"((module
    (func $a (param i64) (result i64) (local.get 0))
    (type $t (func (param i32) (result i32)))
    (func $b (type $t) (local.get 0))
    (func $c (type $t) (param i32) (result i32) (local.get 0))
    (func $d (param i32) (result i32) (local.get 0))
    (func $e (param f32))
    (type $u (func (param f32)))
    (func $f (call_indirect (param f64) (i32.const 0)) (call_indirect (type $t) (i32.const 0) (i32.const 1)) drop)
    (table 1 funcref)))");
  EXPECT_AS_WABT("(module (type (func)) (type (func)) (func (type 1)) (func))");
}

TEST(TextFormat, FoldedAndPlainInstructions) {
  EXPECT_AS_WABT(R"((module (func (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (i32.const 2)) (i32.const 1))
    local.get 0 i32.const 3 i32.sub
    (select (i32.const 1) (i32.const 2) (i32.const 0))
    drop drop
    (select (result i32) (local.get 0) (i32.const 1) (i32.const 0))
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))
    i32.add
    (if (local.get 0) (then nop) (else))
    local.get 0 if nop else nop end
    local.get 0 if end)))");
}

TEST(TextFormat, LabelsShadowingAndEndNames) {
  EXPECT_AS_WABT(R"((module (func
    (block $l (block $l (br $l)) (br $l))
    block $a loop $b br $a br $b br 1 end $b end $a
    (block $x (block (block $x (br_table $x 1 $x 0 2))))
    (local.get 0) (if $i (then (br $i)) (else (br $i))) drop) (func (param i32))))");
  EXPECT_AS_WABT(R"((module (func (param i32) (local.get 0) if $i br $i else $i br $i end $i)))");
}

TEST(TextFormat, NamedIdentifiersResolveBeforeTheirDefinitions) {
  EXPECT_AS_WABT(R"((module
    (start $main)
    (export "later" (func $later))
    (elem (table $t) (i32.const 0) func $later $main)
    (func $main (call $later) (global.set $g (global.get $g)) (drop (memory.size)))
    (func $later (param $p i32) (local $l i64) (local.set $p (i32.const 1)) (local.set $l (i64.const 2)))
    (global $g (mut i32) (i32.const 0))
    (table $t 2 funcref)
    (memory $m 1)))");
}

TEST(TextFormat, ElemSegmentsInEveryForm) {
  EXPECT_AS_WABT(R"((module
    (table $t 10 funcref) (table $e 10 externref)
    (func $f) (func $g)
    (elem (i32.const 0) $f $g)
    (elem (offset (i32.const 1)) func $f)
    (elem (table $t) (offset i32.const 2) func $g)
    (elem $p func $f $g)
    (elem $q funcref (ref.func $f) (item ref.null func) (item (ref.func $g)))
    (elem declare func $f)
    (elem (table $e) (i32.const 0) externref (ref.null extern))
    (elem (table $t) (i32.const 3) funcref (ref.func $f) (ref.null func))
    (elem (i32.const 4) funcref (ref.func $f))
    (elem $t (i32.const 5) $g)
    (func (elem.drop $p) (table.init $t $q (i32.const 0) (i32.const 0) (i32.const 0)) (table.init 1 (i32.const 0) (i32.const 0) (i32.const 0)))))");
}

TEST(TextFormat, DataSegmentsAndStringEscapes) {
  EXPECT_AS_WABT(R"((module
    (memory $m 1)
    (data (i32.const 0) "plain" "\n\t\\\'\"" "\00\ff\7F" "\u{48}\u{e9}\u{1F600}")
    (data (offset (i32.const 16)) "x")
    (data (memory $m) (i32.const 32) "y")
    (data $p "passive")
    (data $q)
    (func (memory.init $p (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $q))))");
  // Without memory.init or data.drop, no data count section, as wabt.
  EXPECT_AS_WABT(R"((module (memory 1) (data "a")))");
}

TEST(TextFormat, InlineMemoryDataAndTableElem) {
  EXPECT_AS_WABT(R"((module (memory (export "m") (data "hello" "world"))))");
  EXPECT_AS_WABT(R"((module (memory (data))))");
  std::string big = "(module (memory (data \"" + std::string(70000, 'a') + "\")))";
  EXPECT_AS_WABT(big);
  EXPECT_AS_WABT(R"((module (func $f) (table $t funcref (elem $f $f)) (table externref (elem (ref.null extern)))
    (table funcref (elem (ref.func $f) (item ref.null func)))))");
}

TEST(TextFormat, NumericLiterals) {
  EXPECT_AS_WABT(R"((module (func
    (drop (i32.const 1_000_000)) (drop (i32.const 0xffff_ffff)) (drop (i32.const -0x8000_0000))
    (drop (i32.const +42)) (drop (i64.const -9223372036854775808)) (drop (i64.const 0xFFFFFFFFFFFFFFFF))
    (drop (f32.const 0x1.8p3)) (drop (f32.const -0x1p-149)) (drop (f32.const 1e-50)) (drop (f32.const 3.4028235e38))
    (drop (f32.const inf)) (drop (f32.const -inf)) (drop (f32.const nan)) (drop (f32.const -nan:0x200000))
    (drop (f32.const nan:0x1)) (drop (f64.const 1.5e+308)) (drop (f64.const 0x1.fffffffffffffp1023))
    (drop (f64.const -nan:0xf_ffff_ffff_ffff)) (drop (f64.const 1_000.000_1)) (drop (f64.const 0x1_0.0_8p-1_0))
    (drop (f64.const -0)) (drop (f64.const 1.)) (drop (f64.const 0x1.P2)))))");
}

TEST(TextFormat, BlockTypes) {
  EXPECT_AS_WABT(R"((module
    (type $pair (func (param i32) (result i32 i32)))
    (type $one (func (result i32)))
    (func (result i32)
      (block (result i32) (i32.const 1))
      (block (type $one) (i32.const 2))
      (block (type $pair) (param i32) (result i32 i32) (i32.const 3))
      drop drop
      (block (param i32) (result i32 i64) (i64.const 4)) drop
      (loop (result f32 f32) (f32.const 0) (f32.const 1)) drop drop
      (i32.const 0) (if (param i32) (result i32) (i32.const 1) (then) (else drop (i32.const 5)))
      i32.add drop)))");
}

TEST(TextFormat, Wasm2Instructions) {
  EXPECT_AS_WABT(R"((module
    (table $t 1 funcref) (table $u 1 externref) (memory 1) (func $f)
    (elem $e func $f) (data $d "abc")
    (func (param externref) (result i32)
      (drop (ref.is_null (ref.null extern))) (drop (ref.func $f))
      (table.set $u (i32.const 0) (local.get 0)) (drop (table.get $t (i32.const 0)))
      (drop (table.grow $t (ref.null func) (i32.const 1))) (drop (table.size $u))
      (table.fill $t (i32.const 0) (ref.null func) (i32.const 1))
      (table.copy (i32.const 0) (i32.const 0) (i32.const 0)) (table.copy $t $t (i32.const 0) (i32.const 0) (i32.const 0))
      (memory.copy (i32.const 0) (i32.const 0) (i32.const 1)) (memory.fill (i32.const 0) (i32.const 0) (i32.const 1))
      (drop (i32.extend8_s (i32.const 1))) (drop (i64.extend32_s (i64.const 1)))
      (drop (i32.trunc_sat_f32_s (f32.const 1))) (drop (i64.trunc_sat_f64_u (f64.const 1)))
      (drop (i64.load32_u offset=4 align=2 (i32.const 0))) (i32.store8 offset=0x10 (i32.const 0) (i32.const 1))
      (f64.store align=1 (i32.const 0) (f64.const 0)) (drop (memory.grow (i32.const 0)))
      (i32.const 0) (return))))");
}

TEST(TextFormat, CommentsNestAndAnyWhiteSpaceSeparates) {
  EXPECT_EQ(ours("(module (; a (; nested ;) comment ;) (func ;; line\n\t(nop)\r\n))"), ours("(module (func nop))"));
}

// The name section is laid out as wabt's --debug-names lays it out.
TEST(TextFormat, NameSectionAsWabtDebugNames) {
  for (std::string text : {
           R"((module $mod (import "m" "f" (func $imp (param $q i32))) (func $f (param $p i32) (local $l i64) (local i32))
               (func (param i32) (local $z f32))))",
           R"((module (type $ty (func)) (global $g i32 (i32.const 0)) (table $t 1 funcref) (memory $m 1)
               (func $b (block $l)) (func $a) (elem $e func $a) (data $d "") (table funcref (elem $b))))",
       }) {
    TempDir dir;
    std::string wat = (dir.path() / "m.wat").string(), wasm = (dir.path() / "m.wasm").string();
    std::ofstream(wat) << text;
    ProcessResult r = run_process({"/usr/bin/env", "wat2wasm", "--debug-names", wat, "-o", wasm});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(wasm, std::ios::binary);
    std::vector<uint8_t> theirs{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(wat2wasm(text), theirs) << text;
  }
  // No identifier, no name section.
  std::vector<uint8_t> plain = wat2wasm("(module (func (param i32) (local i64)))");
  EXPECT_EQ(plain, strip_custom_sections(plain));
}

TEST(TextFormat, ErrorsSayWhereAndWhatWasExpected) {
  EXPECT_EQ(error_of("(module\n  (func\n    (result i23)))"), "3:13: expected a value type, found \"i23\"");
  EXPECT_EQ(error_of("(module (func (call $nowhere)))"), "1:21: unknown function $nowhere");
  EXPECT_EQ(error_of("(module (func $f) (func $f))"), "1:25: duplicate function $f");
  EXPECT_EQ(error_of("(module (func (i32.const 0x1_0000_0000)))"),
            "1:26: constant out of range or malformed: \"0x1_0000_0000\" is not an i32");
  EXPECT_EQ(error_of("(module (func (i32.add2)))"), "1:16: unknown operator \"i32.add2\"");
  EXPECT_EQ(error_of("(module (func block $a end $b))"), "1:28: mismatching label $b after end, expected $a");
  EXPECT_EQ(error_of("(module (func (br $x)))"), "1:19: unknown label $x");
  EXPECT_EQ(error_of("(module (func) (import \"m\" \"f\" (func)))"),
            "1:16: import after function: imports must come before definitions");
  EXPECT_EQ(error_of("(module (memory 1) (func (i32.load align=3 (i32.const 0))))"),
            "1:36: alignment must be a power of two: \"align=3\"");
  EXPECT_EQ(error_of("(module (func (param $x i32) (local $x i32)))"), "1:37: duplicate local $x");
  EXPECT_EQ(error_of("(module (type $t (func (param i32))) (func (type $t) (param i64)))"),
            "1:54: inline function type does not match type 0");
  EXPECT_EQ(error_of("(module (func 0x))"), "1:15: reserved token \"0x\"");
  EXPECT_EQ(error_of("(module (func \"a\"\"b\"))"), "1:15: reserved token \"\"a\"\"\": tokens must be separated by white space or parentheses");
  EXPECT_EQ(error_of("(module (export \"\\ff\" (func 0)))"), "1:17: malformed UTF-8 encoding in the name \"\"\\ff\"\"");
  EXPECT_EQ(error_of("(module (func) (start 0) (start 0))"), "1:26: multiple start sections");
  EXPECT_EQ(error_of("(module (; never closed"), "1:9: unterminated block comment: expected \";)\"");
  EXPECT_EQ(error_of("(module (func)"), "1:1: unclosed \"(\": expected \")\" before the end of the text");
  EXPECT_EQ(error_of("(module) (module)"), "1:10: expected the end of the text after the module, found \"(\"");
  EXPECT_EQ(error_of("(module (func (f32.const 1e39)))"),
            "1:26: constant out of range or malformed: \"1e39\" is not an f32");
}

TEST(TextFormat, TruncatedFieldsAreErrors) {
  for (const char* text : {"(import)", "(import \"a\")", "(import \"a\" \"b\")", "(import \"a\" \"b\" (func",
                           "(func $f (export", "(elem", "(elem (table", "(table funcref (elem", "(memory (data",
                           "(type)", "(type (func (param", "(export)", "(start)", "(data (memory", "(global i32",
                           "(func (block (result", "(func (if (then) (else", "(func br_table)", "(func call_indirect (type"}) {
    EXPECT_THROW(wat2wasm(text), TextError) << text;
  }
  for (const char* text : {"(import)", "(import \"a\")", "(import \"a\" \"b\")", "(import \"a\" \"b\" ())", "(type)",
                           "(type (func (param $x)))", "(export)", "(export \"a\")", "(start)", "(elem (table))",
                           "(func (if))", "(func (if (else)))", "(func br_table)", "(func call_indirect (type))"}) {
    EXPECT_THROW(wat2wasm(text), TextError) << text;
  }
}

TEST(TextFormat, HostileNestingIsAnErrorNotARecursion) {
  auto quickly = [](const std::string& text, std::string_view expected) {
    auto start = std::chrono::steady_clock::now();
    std::string e = error_of(text);
    EXPECT_NE(e.find(expected), std::string::npos) << e;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  };
  std::string folded = "(module (func";
  for (int i = 0; i < 1'000'000; ++i) folded += " (block";
  quickly(folded, "parentheses nested deeper than 1000");
  std::string plain = "(module (func";
  for (int i = 0; i < 1'000'000; ++i) plain += " block";
  plain += "))";
  quickly(plain, "blocks nested deeper than the limit of 10000");
  // Plain blocks as deep as the decoder allows take no native stack.
  std::string deep = "(module (func";
  for (int i = 0; i < 9999; ++i) deep += " block";
  for (int i = 0; i < 9999; ++i) deep += " end";
  deep += "))";
  Engine engine;
  EXPECT_NO_THROW(Module::compile_text(engine, deep));
}

TEST(TextFormat, ManyNamesAndLabelsInLinearTime) {
  // Functions, locals and labels by the ten thousand, each used from far
  // away many times over. The time for 4n names and uses over the time for
  // n is 4 to 8 here with lookups in constant time (caches and allocation
  // add their share), 16 or more for a lookup that scans its scope: a
  // ratio, so the test does not depend on the machine's speed (best of
  // three runs each, against noise), with its bound between the two.
  auto seconds = [](const std::string& text, const ResourceLimits& limits) {
    double best = 1e9;
    for (int run = 0; run < 3; ++run) {
      auto start = std::chrono::steady_clock::now();
      EXPECT_NO_THROW(wat2wasm(text, limits));
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
  };
  auto growth = [&](auto make, const ResourceLimits& limits = {}) {
    return seconds(make(4), limits) / seconds(make(1), limits);
  };
  auto funcs = [](int k) {
    int n = 25'000 * k;
    std::string t = "(module";
    for (int i = 0; i < n; ++i) t += " (func $f" + std::to_string(i) + " (call $f" + std::to_string((i * 7919) % n) + "))";
    return t + ")";
  };
  auto locals = [](int k) {
    std::string t = "(module (func";
    for (int i = 0; i < 10'000 * k; ++i) t += " (local $l" + std::to_string(i) + " i32)";
    for (int i = 0; i < 50'000 * k; ++i) t += " (local.set $l0 (local.get $l0))";
    return t + "))";
  };
  auto labels = [](int k) {
    std::string t = "(module (func";
    for (int i = 0; i < 12'500 * k; ++i) t += " block $b" + std::to_string(i);
    for (int i = 0; i < 50'000 * k; ++i) t += " br $b0";
    for (int i = 0; i < 12'500 * k; ++i) t += " end";
    return t + "))";
  };
  ResourceLimits deep;
  deep.max_nesting_depth = 100'000;
  EXPECT_LT(growth(funcs), 12.0);
  EXPECT_LT(growth(locals), 12.0);
  EXPECT_LT(growth(labels, deep), 12.0);
}

TEST(TextFormat, ResourceLimitsBoundWhatTheTextDeclares) {
  ResourceLimits limits;
  limits.max_functions = 2;
  EXPECT_NE(error_of("(module (func) (func) (func))", limits).find("more functions than the limit of 2"), std::string::npos);
  limits = {};
  limits.max_locals_per_function = 3;
  EXPECT_NE(error_of("(module (func (param i32) (local i32 i32 i32)))", limits).find("more locals than the limit of 3"),
            std::string::npos);
  limits = {};
  limits.max_br_table_size = 2;
  EXPECT_NE(error_of("(module (func (br_table 0 0 0 0 (i32.const 0))))", limits).find("br_table targets"),
            std::string::npos);
  limits = {};
  limits.max_module_size = 20;
  EXPECT_NE(error_of("(module (func) (func) (func))", limits).find("module size limit"), std::string::npos);
}

TEST(TextFormat, CompileTextRunsTheModule) {
  Engine engine;
  Module module = Module::compile_text(engine, R"((module (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))))");
  Store store(engine);
  Instantiation inst = store.instantiate(module, {});
  ASSERT_TRUE(inst.ok());
  std::vector<Value> args = {Value::i32(2), Value::i32(40)};
  CallResult r = inst.instance.get_func("add")->call(store, args);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].as_i32(), 42);
  EXPECT_THROW(Module::compile_text(engine, "(module (func (result i32)))"), ModuleError);  // well-formed, invalid
  EXPECT_THROW(Module::compile_text(engine, "(module (func (result i32))"), TextError);
}

}  // namespace
}  // namespace detwasm::test
