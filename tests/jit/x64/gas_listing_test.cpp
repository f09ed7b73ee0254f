// What metering looks like in x86-64 code: one charge per segment that
// costs something, none for structure alone, and no gas register at all in
// an unmetered module.
#include <gtest/gtest.h>

#include <string>

#include "support/jit_test_instance.hpp"
#include "support/wat.hpp"
#include "support/disassembly.hpp"

namespace detwasm::jit {
namespace {

using testing::JitInstance;

EngineConfig metered() {
  EngineConfig c;
  c.metering = true;
  return c;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(JitGasListing, StructureAloneEmitsNoCharge) {
  JitInstance on(test::wat_to_wasm(R"((module (func (export "f") (result i32)
    (block (block (block (nop))))
    (block (result i32) (block (result i32) (i32.const 7))))))"),
                 {}, metered());
  std::string code = disassemble(on.compiled().code);
  EXPECT_EQ(count(code, "sub    r12,"), 1u) << code;
  // Nor an empty charge (a jump over int3 filler) anywhere in the function.
  EXPECT_GT(code.find("int3"), code.find("ret")) << code;
}

TEST(JitGasListing, MeteringIsCompiledOutWhenOff) {
  std::vector<uint8_t> wasm = test::wat_to_wasm(R"((module (memory 1)
    (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
    (func (export "f") (param i32) (result i32)
      (loop $l (br_if $l (i32.eqz (call $sq (local.get 0)))))
      (drop (memory.grow (i32.const 0)))
      (memory.fill (i32.const 0) (i32.const 1) (local.get 0))
      (local.get 0))))");
  JitInstance off(wasm);
  EXPECT_EQ(disassemble(off.compiled().code).find("r12"), std::string::npos);
  JitInstance on(wasm, {}, metered());
  EXPECT_NE(disassemble(on.compiled().code).find("r12"), std::string::npos);
  EXPECT_EQ(off.call("f", {6}).results, on.call("f", {6}).results);
}

}  // namespace
}  // namespace detwasm::jit
