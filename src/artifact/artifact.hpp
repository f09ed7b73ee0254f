// Compiled artifacts: a module's decoded declarations and its compiled code
// (machine code for the JIT tier, lowered code for the interpreter) as
// bytes, so another process can instantiate it without decoding or
// compiling the Wasm again. The layout is in FORMAT.md beside this file.
//
// Trust: the digest over the artifact catches damage (flipped bits, cut
// files), and loading checks the target, the configuration identity and the
// engine version, and that every index and offset is in range. It cannot
// tell a forgery from the real thing: code in an artifact runs as it is, so
// an engine loads only artifacts it wrote itself (its cache) or that carry
// a signature it trusts.
#pragma once

#include <cstdint>
#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "module/module_data.hpp"

namespace detwasm::internal {
struct EngineImpl;
}

namespace detwasm::artifact {

constexpr uint32_t kFormatVersion = 1;

// Recomputes the digest at the end of `artifact` to match what is before
// it: for tests and fuzzers that forge artifacts, to reach the checks
// behind the digest.
void reseal(std::vector<uint8_t>& artifact);

// Whether `bytes` start with the artifact magic (a Wasm module does not).
bool is_artifact(std::span<const uint8_t> bytes);

// The artifact of `module`, compiled by `engine`. The same module and
// configuration give the same bytes in every process.
// With `key`, signed: the contents are followed by the public key and an
// Ed25519 signature over them.
std::vector<uint8_t> write(const internal::ModuleData& module, const internal::EngineImpl& engine,
                           const SigningKey* key = nullptr);

// Whose artifact is being loaded: anyone's (the engine's trusted keys
// decide), or the engine's own, from its cache (no signature needed).
enum class Origin : uint8_t { Outside, OwnCache };

// The hash of the module an artifact was compiled from, whatever engine it
// is for. Throws ArtifactError if it is not an intact artifact.
ModuleHash module_hash(std::span<const uint8_t> bytes);

// What an intact artifact says about itself, whatever engine it is for:
// its header, its signature, and the module's declarations (imports,
// exports, tables, memories, start). Throws ArtifactError if it is not an
// intact artifact of this format. Nothing in it is trusted: it is for
// reading (detwasm inspect), not for running.
struct ArtifactInfo {
  Tier tier = Tier::Interpreter;
  Target target;
  std::array<uint8_t, 32> config_identity{};
  ModuleHash module_hash{};
  std::string engine_version;
  std::optional<std::array<uint8_t, 32>> signer;  // the public key, when signed
  bool signature_valid = false;                   // signed, and it verifies
  internal::ModuleDecls decls;
};
ArtifactInfo describe(std::span<const uint8_t> bytes);

// Loads an artifact for `engine`. Throws ArtifactError naming why it cannot.
// An open artifact file whose code pages a loader may map.
struct MappedFile {
  int fd;
};
std::shared_ptr<internal::ModuleData> read(internal::EngineImpl& engine, std::span<const uint8_t> bytes,
                                           Origin origin = Origin::Outside, const MappedFile* file = nullptr);
// The same from a file: the machine code is mapped from it, not copied (the
// file must not change in place while loaded: writers replace files by
// renaming, as the cache does). Throws Error if it cannot be read.
std::shared_ptr<internal::ModuleData> read_file(internal::EngineImpl& engine, const std::string& path,
                                                Origin origin = Origin::Outside);

}  // namespace detwasm::artifact
