// Command-line parsing for the `detwasm` tool. Options may come before or
// after the command; anything not starting with "--" is positional, so
// negative numbers ("-1", "-inf") are read as arguments, and "--" ends the
// options. Every number is read in the one grammar of text/numbers.hpp.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <detwasm/config.hpp>
#include <detwasm/types.hpp>

namespace detwasm::cli {

enum class Command : uint8_t { Help, Version, Run, Validate, Compile, Spec, Hash, Cache, Keygen, Wat2Wasm, Targets, Inspect };

struct Args {
  Command command = Command::Help;
  Tier tier = kDefaultTier;            // the library's default
  std::vector<std::string> files;      // run/validate: one module; spec: JSON files
  std::optional<std::string> invoke;   // run: the export to call
  std::vector<std::string> values;     // run: its arguments, as text
  bool json = false;                   // run, compile: one JSON object on stdout
  bool verbose = false;                // spec: a line per command
  bool by_kind = false;                // spec: counts per command kind
  bool via_artifact = false;           // spec: run every module from its artifact
  std::optional<uint64_t> gas;         // run: meter, with this gas limit
  std::optional<std::string> output;   // compile: where to write the artifact (-o); wat2wasm: the module
  std::string cache_dir;               // run, cache: the compile cache; empty: none
  std::optional<std::string> sign;     // compile: the secret key file to sign the artifact with
  std::vector<std::string> trust;      // run: public key files whose signed artifacts load
  bool metered = false;                // spec: compile with metering (unlimited gas)
  std::optional<std::string> gas_profile;      // run: folded stacks of gas to this file
  std::optional<std::string> gas_profile_svg;  // run: a flame graph of gas to this file
  bool gas_report = false;                     // run: gas per function on stderr
  bool profiling() const { return gas_profile || gas_profile_svg || gas_report; }
  // Every command: the engine's limits, the default or the contract profile
  // (--limits), then any single limit given on its own.
  ResourceLimits limits;
  Target target = Target::build_default();
  uint32_t threads = 0;  // compile threads; 0: one per core
  // run, for a WASI program: what it may see (determinism/WASI.md).
  struct Dir {
    std::string host;
    std::string guest;
    bool read_only = false;
  };
  std::vector<Dir> dirs;           // --dir HOST[::GUEST], --dir-ro HOST[::GUEST]
  std::vector<std::string> env;    // --env NAME=VALUE
  bool inherit_env = false;        // --inherit-env
  std::optional<std::string> stdin_file;  // --stdin FILE; else the tool's own stdin
  bool wall_clock = false;         // --wall-clock
  bool os_random = false;          // --os-random
  uint64_t seed = 0;               // --seed
};

// A command line that cannot be understood; the message says why.
class UsageFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Args parse_args(const std::vector<std::string>& argv);  // without argv[0]; throws UsageFailure
const char* usage_text();

}  // namespace detwasm::cli
