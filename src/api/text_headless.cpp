// A build without the compiler (DETWASM_HEADLESS) has no text-format parser
// either: text is only ever compiled, and such a build compiles nothing.
#include <detwasm/errors.hpp>
#include <detwasm/text.hpp>

#include "spec/wast_script.hpp"

namespace detwasm {

namespace {
[[noreturn]] void no_text() {
  throw UsageError("this build of detwasm has no text-format parser: it runs compiled artifacts only");
}
}  // namespace

std::vector<uint8_t> wat2wasm(std::string_view, const ResourceLimits&) { no_text(); }

namespace spec {
WastScript read_wast_script(std::string_view, const ResourceLimits&) { no_text(); }
}  // namespace spec

}  // namespace detwasm
