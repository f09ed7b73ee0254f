// Artifacts from outside: loading never crashes, whatever the bytes.
//
// An input that is an artifact is loaded as it is, and again with its
// digest recomputed (a forgery that reaches the structural checks). An
// input that is a Wasm module is compiled in each tier; its artifact must
// load and write the same bytes again, and copies of it with a few bytes
// changed (the input chooses which), forged the same way, must be refused
// or load. Every one of them is also described (detwasm inspect), which
// reads any intact artifact whatever engine it is for. Nothing loaded here
// ever runs.
#include <sodium.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "artifact/artifact.hpp"
#include "fuzz_common.hpp"

using namespace detwasm;

namespace {

// The artifact with its digest made to match its (changed) contents.
std::vector<uint8_t> forged(std::vector<uint8_t> bytes) {
  artifact::reseal(bytes);
  return bytes;
}

void load(Engine& engine, std::span<const uint8_t> bytes) {
  try {
    Module::deserialize(engine, bytes);
  } catch (const ArtifactError&) {
  }
  try {
    artifact::describe(bytes);
  } catch (const ArtifactError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Engine interp(fuzz::fuzz_engine_config(Tier::Interpreter, false));
  static Engine jit(fuzz::fuzz_engine_config(Tier::Jit, true));
  std::span<const uint8_t> input(data, size);
  if (Module::is_artifact(input)) {
    for (Engine* e : {&interp, &jit}) {
      load(*e, input);
      load(*e, forged({input.begin(), input.end()}));
    }
    return 0;
  }
  uint64_t choice = 0;
  crypto_generichash(reinterpret_cast<uint8_t*>(&choice), sizeof choice, data, size, nullptr, 0);
  for (Engine* e : {&interp, &jit}) {
    std::vector<uint8_t> artifact;
    try {
      artifact = Module::compile(*e, input).serialize();
    } catch (const ModuleError&) {
      return 0;
    }
    std::vector<uint8_t> again = Module::deserialize(*e, artifact).serialize();
    if (again != artifact) fuzz::fail(input, "an artifact loaded and written again changed");
    size_t body = artifact.size() - 16;  // the digest stays as it was
    for (int k = 0; k < 4; ++k) {
      std::vector<uint8_t> changed = artifact;
      for (int edit = 0; edit <= k; ++edit) {
        choice = choice * 6364136223846793005ull + 1442695040888963407ull;
        changed[(choice >> 16) % body] ^= static_cast<uint8_t>(1u << ((choice >> 8) % 8));
      }
      load(*e, changed);          // damaged: refused by the digest
      load(*e, forged(changed));  // forged: refused or loaded, never a crash
    }
  }
  return 0;
}
