// Parses arbitrary bytes as a module in the text format. Any input must give
// a binary module or a TextError: no other exception, crash, hang or
// sanitizer report. What it gives is decoded and validated (a ModuleError is
// fine: the parser does not validate) and must be the same bytes on a second
// parse.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <detwasm/detwasm.hpp>
#include <detwasm/text.hpp>

using namespace detwasm;

namespace {

[[noreturn]] void fail(std::string_view text, const char* what) {
  std::fprintf(stderr, "fuzz_text: %s\n--- text ---\n%.*s\n", what, static_cast<int>(text.size()), text.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<uint8_t> bytes;
  try {
    bytes = wat2wasm(text);
  } catch (const TextError&) {
    return 0;
  }
  if (wat2wasm(text) != bytes) fail(text, "two parses of the same text differ");
  static Engine engine;
  try {
    Module::validate(engine, bytes);
  } catch (const ModuleError&) {
  }
  return 0;
}
