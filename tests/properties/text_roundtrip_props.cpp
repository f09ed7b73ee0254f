// Generated modules printed as text by wabt's wasm2wat (plain and folded)
// and parsed back by the text parser: the same bytes as wabt's wat2wasm
// gives for that text, custom sections apart, and a module that runs as the
// original does.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include <detwasm/detwasm.hpp>

#include "support/module_gen.hpp"
#include "support/module_runner.hpp"
#include "support/run_process.hpp"
#include "support/wasm_sections.hpp"
#include "support/wat.hpp"

namespace detwasm::test {
namespace {

std::string wasm2wat(const std::vector<uint8_t>& bytes, bool folded) {
  TempDir dir;
  std::string path = (dir.path() / "m.wasm").string();
  write_file(path, bytes);
  std::vector<std::string> argv = {"/usr/bin/env", "wasm2wat", path};
  if (folded) argv.push_back("--fold-exprs");
  ProcessResult r = run_process(argv);
  RC_ASSERT(r.exit_code == 0);
  return r.out;
}

// Trap backtraces name byte offsets in the module, which another encoding
// of the same module moves (the generator's LEB128s need not be minimal).
void drop_trap_offsets(Outcome& o) {
  for (std::string& call : o.calls) {
    if (size_t at = call.find(" @["); at != std::string::npos) call.erase(at);
  }
}

RC_GTEST_PROP(TextFormat, Wasm2WatThenParsedBackIsTheSameModule, ()) {
  GenConfig config;
  config.max_funcs = 3;
  GeneratedModule m = *gen_module(config);
  bool folded = *rc::gen::arbitrary<bool>();
  std::string text = wasm2wat(m.bytes, folded);
  RC_LOG() << text;
  std::vector<uint8_t> mine = wat2wasm(text);
  RC_ASSERT(strip_custom_sections(mine) == strip_custom_sections(wat_to_wasm(text)));

  Engine engine;
  Store original_store(engine), text_store(engine);
  Outcome want = run_module(original_store, Module::compile(engine, m.bytes), m.plan());
  Outcome got = run_module(text_store, Module::compile(engine, mine), m.plan());
  drop_trap_offsets(want);
  drop_trap_offsets(got);
  std::string difference = compare_outcomes(want, got);
  RC_LOG() << difference;
  RC_ASSERT(difference.empty());
}

}  // namespace
}  // namespace detwasm::test
