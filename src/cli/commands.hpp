// The subcommands of the `detwasm` tool and what they share.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "cli/args.hpp"

namespace detwasm::cli {

// Exit statuses.
constexpr int kExitOk = 0;
constexpr int kExitTrap = 1;   // also: spec tests failed
constexpr int kExitError = 2;  // load, validation, link or usage error

int run_command(const Args& args);
int validate_command(const Args& args);
int compile_command(const Args& args);
int spec_command(const Args& args);

// A problem that ends the command with kExitError; main prints
// "error: " and the message as the one line on stderr.
class CommandFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// At most the module size limit of `limits`; throws CommandFailure. Every
// reader of a module accepts the text format too: a file that is not empty
// and does not start with a NUL byte (as "\0asm" does) is text, and is
// returned as its binary form (wat2wasm), or refused with the line and
// column of what is malformed.
std::vector<uint8_t> module_from_text(const std::string& path, std::vector<uint8_t> bytes,
                                      const ResourceLimits& limits);
std::vector<uint8_t> read_module_file(const std::string& path, const ResourceLimits& limits);
// A module or an artifact (Module::is_artifact), which may be up to
// kArtifactSizeFactor times the module size limit: it holds compiled code.
constexpr uint64_t kArtifactSizeFactor = 8;
std::vector<uint8_t> read_module_or_artifact(const std::string& path, const ResourceLimits& limits);
// The module in `bytes`, read from `path`: loaded from its artifact, or
// compiled.
Module load_module(Engine& engine, std::span<const uint8_t> bytes, const std::string& path);
int hash_command(const Args& args);
int wat2wasm_command(const Args& args);
int targets_command(const Args& args);
int inspect_command(const Args& args);
// The outputs of a gas profile that `args` asks for (gas_profile_output.cpp).
void write_gas_profile(const Args& args, const GasProfile& profile);
std::string flame_graph_svg(const GasProfile& profile, const std::string& title);
// Writes `bytes` to `path` whole or not at all: into a temporary file beside
// it, flushed to disk, then renamed over it. Throws CommandFailure.
void write_file_atomically(const std::string& path, std::span<const uint8_t> bytes);
int cache_command(const Args& args);
int keygen_command(const Args& args);
// Key files: hex text, as keygen writes them. Throw CommandFailure.
SigningKey read_secret_key(const std::string& path);
std::array<uint8_t, 32> read_public_key(const std::string& path);
EngineConfig engine_config(const Args& args);

}  // namespace detwasm::cli
