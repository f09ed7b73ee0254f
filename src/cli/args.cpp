#include "cli/args.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "text/numbers.hpp"

namespace detwasm::cli {

namespace {

std::optional<Command> command_named(std::string_view name) {
  if (name == "run") return Command::Run;
  if (name == "validate") return Command::Validate;
  if (name == "compile") return Command::Compile;
  if (name == "spec") return Command::Spec;
  if (name == "hash") return Command::Hash;
  if (name == "cache") return Command::Cache;
  if (name == "keygen") return Command::Keygen;
  if (name == "wat2wasm") return Command::Wat2Wasm;
  if (name == "targets") return Command::Targets;
  if (name == "inspect") return Command::Inspect;
  if (name == "help") return Command::Help;
  if (name == "version") return Command::Version;
  return std::nullopt;
}

Tier tier_named(const std::string& name) {
  if (name == "interp") return Tier::Interpreter;
  if (name == "jit") return Tier::Jit;
  throw UsageFailure("unknown tier '" + name + "' (expected interp or jit)");
}

// Options accepted by each command, besides --tier, --help and --version.
void check_option_allowed(Command command, const std::string& option) {
  bool allowed = (command == Command::Run && (option == "--invoke" || option == "--json" || option == "--gas" ||
                                              option == "--no-cache" || option == "--cache-dir")) ||
                 (command == Command::Run && (option == "--dir" || option == "--dir-ro" || option == "--env" ||
                                              option == "--inherit-env" || option == "--stdin" ||
                                              option == "--wall-clock" || option == "--os-random" ||
                                              option == "--seed")) ||
                 ((command == Command::Cache || command == Command::Spec) && option == "--cache-dir") ||
                 (command == Command::Run && option == "--trust") ||
                 (command == Command::Run &&
                  (option == "--gas-profile" || option == "--gas-profile-svg" || option == "--gas-report")) ||
                 (command == Command::Compile && option == "--sign") ||
                 (command == Command::Wat2Wasm && option == "--output") ||
                 (command == Command::Inspect && (option == "--json" || option == "--metered")) ||
                 (command == Command::Compile && (option == "--json" || option == "--metered" || option == "--output")) ||
                 (command == Command::Spec && (option == "--verbose" || option == "--by-kind" || option == "--metered" ||
                                              option == "--via-artifact"));
  if (!allowed) throw UsageFailure("option " + option + " does not apply to this command");
}

// A number option's value, in the one number grammar.
uint64_t count_option(const std::string& name, const std::string& value, uint64_t max) {
  try {
    return text::parse_count(value, max);
  } catch (const text::NumberError& e) {
    throw UsageFailure(name + " needs a whole number from 0 to " + std::to_string(max) + ", got " + e.what());
  }
}

// $XDG_CACHE_HOME/detwasm, else $HOME/.cache/detwasm, else none.
std::string default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') return std::string(xdg) + "/detwasm";
  if (const char* home = std::getenv("HOME"); home && *home == '/') return std::string(home) + "/.cache/detwasm";
  return "";
}

ResourceLimits limits_named(const std::string& name) {
  if (name == "default") return ResourceLimits{};
  if (name == "contract") return ResourceLimits::for_contracts();
  throw UsageFailure("unknown limits profile '" + name + "' (expected default or contract)");
}

}  // namespace

Args parse_args(const std::vector<std::string>& argv) {
  Args args;
  std::optional<Command> command;
  std::vector<std::string> positional;
  std::vector<std::string> command_options;  // checked once the command is known
  bool help = false;
  bool version = false;
  bool options_ended = false;
  // Single limits apply over the profile, in whatever order they come.
  std::optional<uint64_t> max_module_size, max_memory_pages, max_table_elements;
  bool no_cache = false;
  std::optional<std::string> cache_dir;

  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (options_ended || !arg.starts_with("--")) {
      if (arg == "-h" && !options_ended) {
        help = true;
      } else if (arg == "-o" && !options_ended) {
        if (i + 1 >= argv.size()) throw UsageFailure("option -o needs a value");
        args.output = argv[++i];
        command_options.push_back("--output");
      } else if (!command) {
        command = command_named(arg);
        if (!command) throw UsageFailure("unknown command '" + arg + "'");
      } else {
        positional.push_back(arg);
      }
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    // "--name=value" or "--name value" for options that take a value.
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argv.size()) throw UsageFailure("option " + name + " needs a value");
      return argv[++i];
    };
    auto flag = [&]() {
      if (inline_value) throw UsageFailure("option " + name + " takes no value");
      return true;
    };
    if (name == "--help") {
      help = flag();
    } else if (name == "--version") {
      version = flag();
    } else if (name == "--tier") {
      args.tier = tier_named(value());
    } else if (name == "--invoke") {
      args.invoke = value();
      command_options.push_back(name);
    } else if (name == "--json") {
      args.json = flag();
      command_options.push_back(name);
    } else if (name == "--verbose") {
      args.verbose = flag();
      command_options.push_back(name);
    } else if (name == "--by-kind") {
      args.by_kind = flag();
    } else if (name == "--via-artifact") {
      args.via_artifact = flag();
      command_options.push_back(name);
    } else if (name == "--gas") {
      args.gas = count_option(name, value(), UINT64_MAX);
      command_options.push_back(name);
    } else if (name == "--target") {
      std::string v = value();
      auto target = Target::parse(v);
      if (!target) throw UsageFailure("unknown target '" + v + "' (expected x86_64, x86_64+lzcnt+bmi1, aarch64 or native; see detwasm targets)");
      args.target = *target;
    } else if (name == "--threads") {
      args.threads = static_cast<uint32_t>(count_option(name, value(), 1024));
      if (args.threads == 0) throw UsageFailure("--threads needs at least 1");
    } else if (name == "--limits") {
      args.limits = limits_named(value());
    } else if (name == "--max-module-size") {
      max_module_size = count_option(name, value(), UINT64_MAX);
    } else if (name == "--max-memory-pages") {
      max_memory_pages = count_option(name, value(), kMaxWasmPages);
    } else if (name == "--max-table-elements") {
      max_table_elements = count_option(name, value(), UINT32_MAX);
    } else if (name == "--no-cache") {
      no_cache = flag();
      command_options.push_back(name);
    } else if (name == "--cache-dir") {
      cache_dir = value();
      if (cache_dir->empty()) throw UsageFailure("--cache-dir needs a directory");
      command_options.push_back(name);
    } else if (name == "--trust") {
      args.trust.push_back(value());
      command_options.push_back(name);
    } else if (name == "--sign") {
      args.sign = value();
      command_options.push_back(name);
    } else if (name == "--output") {
      args.output = value();
      command_options.push_back(name);
    } else if (name == "--dir" || name == "--dir-ro") {
      std::string v = value();
      size_t sep = v.find("::");
      Args::Dir dir{v.substr(0, sep), sep == std::string::npos ? v : v.substr(sep + 2), name == "--dir-ro"};
      if (dir.host.empty() || dir.guest.empty()) throw UsageFailure(name + " needs HOST[::GUEST]");
      args.dirs.push_back(std::move(dir));
      command_options.push_back(name);
    } else if (name == "--env") {
      std::string v = value();
      if (v.find('=') == std::string::npos || v.front() == '=') throw UsageFailure("--env needs NAME=VALUE");
      args.env.push_back(std::move(v));
      command_options.push_back(name);
    } else if (name == "--inherit-env") {
      args.inherit_env = flag();
      command_options.push_back(name);
    } else if (name == "--stdin") {
      args.stdin_file = value();
      command_options.push_back(name);
    } else if (name == "--wall-clock") {
      args.wall_clock = flag();
      command_options.push_back(name);
    } else if (name == "--os-random") {
      args.os_random = flag();
      command_options.push_back(name);
    } else if (name == "--seed") {
      args.seed = count_option(name, value(), UINT64_MAX);
      command_options.push_back(name);
    } else if (name == "--metered") {
      args.metered = flag();
      command_options.push_back(name);
    } else if (name == "--gas-profile") {
      args.gas_profile = value();
      command_options.push_back(name);
    } else if (name == "--gas-profile-svg") {
      args.gas_profile_svg = value();
      command_options.push_back(name);
    } else if (name == "--gas-report") {
      args.gas_report = flag();
      command_options.push_back(name);
    } else {
      throw UsageFailure("unknown option " + name);
    }
  }

  if (cache_dir && no_cache) throw UsageFailure("--cache-dir and --no-cache contradict each other");
  if (cache_dir) args.cache_dir = *cache_dir;
  // Only run and cache use the user's cache unless told otherwise.
  else if (!no_cache && command != Command::Spec) args.cache_dir = default_cache_dir();
  if (max_module_size) args.limits.max_module_size = *max_module_size;
  if (max_memory_pages) args.limits.max_memory_pages = static_cast<uint32_t>(*max_memory_pages);
  if (max_table_elements) args.limits.max_table_elements = static_cast<uint32_t>(*max_table_elements);

  if (help || version) {
    Args info;
    info.command = help ? Command::Help : Command::Version;
    return info;
  }
  if (!command) throw UsageFailure("no command given");
  args.command = *command;
  for (const std::string& option : command_options) check_option_allowed(args.command, option);

  switch (args.command) {
    case Command::Help:
    case Command::Version:
    case Command::Targets:
      if (!positional.empty()) throw UsageFailure("unexpected argument '" + positional.front() + "'");
      break;
    case Command::Run:
      if (positional.empty()) throw UsageFailure("run needs a module file");
      args.files.push_back(positional.front());
      args.values.assign(positional.begin() + 1, positional.end());
      break;
    case Command::Validate:
      if (positional.size() != 1) throw UsageFailure("validate needs exactly one module file");
      args.files = positional;
      break;
    case Command::Compile:
      if (positional.size() != 1) throw UsageFailure("compile needs exactly one module file");
      args.files = positional;
      break;
    case Command::Wat2Wasm:
      if (positional.size() != 1) throw UsageFailure("wat2wasm needs exactly one text file");
      if (!args.output) throw UsageFailure("wat2wasm needs -o OUT.wasm");
      args.files = positional;
      break;
    case Command::Hash:
      if (positional.size() != 1) throw UsageFailure("hash needs exactly one module file");
      args.files = positional;
      break;
    case Command::Inspect:
      if (positional.size() != 1) throw UsageFailure("inspect needs exactly one module or artifact file");
      args.files = positional;
      break;
    case Command::Keygen:
      if (positional.size() != 1) throw UsageFailure("keygen needs the key file to write");
      args.files = positional;
      break;
    case Command::Cache:
      if (positional.size() != 1 || (positional[0] != "stats" && positional[0] != "verify" && positional[0] != "clear"))
        throw UsageFailure("cache needs one of stats, verify or clear");
      if (args.cache_dir.empty()) throw UsageFailure("no cache directory: give --cache-dir, or set XDG_CACHE_HOME or HOME");
      args.files = positional;
      break;
    case Command::Spec:
      if (positional.empty()) throw UsageFailure("spec needs at least one JSON file");
      args.files = positional;
      break;
  }
  return args;
}

namespace {
const char* usage_text_for_default_tier() {
  return R"(detwasm: a deterministic, gas-metered WebAssembly engine

Usage:
  detwasm run MODULE.wasm [--invoke NAME] [--json] [--gas LIMIT] [--no-cache] [ARG...]
      Instantiate the module (it may have no imports) and call the exported
      function NAME (default: _start). Arguments are read by the function's
      parameter types (see Numbers). Results print one per line as
      TYPE:VALUE; --json prints one JSON object instead, with floats as hex
      bit patterns, whether the compile cache had the module, and timings.
      A module compiled once is kept in the compile cache and loaded from
      it next time, unless --no-cache.
  detwasm run PROGRAM.wasm [WASI OPTIONS] [--] [ARG...]
      Run a WASI command (a module that imports wasi_snapshot_preview1 or
      exports _start) when no --invoke is given: its _start runs with the
      ARGs as its arguments (after the program's own name), and its exit
      code becomes detwasm's exit status. Put -- before arguments that
      start with --. Deterministic unless told otherwise: the program sees
      no host directory, no host environment, a virtual clock and seeded
      random bytes (determinism/WASI.md). WASI options:
        --dir HOST[::GUEST]     give the directory HOST, seen as GUEST
                                (default: HOST as written), read-write
        --dir-ro HOST[::GUEST]  the same, read-only
        --env NAME=VALUE        set an environment variable (repeatable)
        --inherit-env           pass on detwasm's own environment first
        --stdin FILE            the program's stdin (default: detwasm's)
        --seed N                seed of the random stream (default 0)
        --wall-clock            the host's clocks and file times
        --os-random             the host's random bytes
      --gas LIMIT meters the run; --json prints one JSON object after the
      program's output: its exit code or trap, and the gas used.
  detwasm validate MODULE.wasm
      Decode and validate the module.
  detwasm run ... --gas-profile OUT [--gas-profile-svg OUT.svg] [--gas-report]
      Profile where the gas goes: the run is metered and made by the
      interpreter (the gas is the same in every tier); OUT gets the gas of
      each call stack in the folded format flame-graph tools read, OUT.svg
      a flame graph, and --gas-report prints a table per function on
      stderr. The stacks' gas adds up to the gas used.
  detwasm compile MODULE.wasm [--json] [--metered] [-o ARTIFACT [--sign KEYFILE]]
      Compile every function for the tier and print the compile time, the
      size of the function bodies and of the code produced. With -o, write
      the compiled module as an artifact that run loads without compiling
      (for the same engine version, target, tier, limits and metering),
      signed with --sign. run --trust KEYFILE.pub (repeatable) then loads
      only artifacts signed by one of the keys given.
  detwasm cache stats|verify|clear
      The compile cache run uses (see --cache-dir): its size; checking
      every entry and removing the bad ones; removing every entry.
  detwasm keygen KEYFILE
      Write a new Ed25519 key pair: the secret key to KEYFILE (private to
      the user) and the public key to KEYFILE.pub, both in hex.
  detwasm wat2wasm MODULE.wat -o MODULE.wasm
      Write the binary form of a module in the text format (Wasm 2.0),
      with a name section for its identifiers. The text is parsed, not
      validated.
  detwasm targets
      List the targets the JIT compiles for, each with its baseline and
      optional features, and this machine's. compile --target aarch64 on
      x86-64 (or the reverse) writes an artifact for the other machine.
  detwasm inspect MODULE.wasm|ARTIFACT [--json] [--metered] [--target T]
      Print what a module declares: its hash, imports and exports with
      their types, memories and tables with their limits, the start
      function and the custom sections. For an artifact: its tier, target,
      engine version, configuration identity and signature, and whether
      this engine (configured by the options given) would load it.
  detwasm hash MODULE.wasm
      Print the module's hash (BLAKE2b-256 of its bytes, in hex); for an
      artifact, the hash of the module it was compiled from.
  detwasm spec FILE.json|FILE.wast... [--verbose] [--by-kind] [--metered] [--via-artifact] [--cache-dir DIR]
      Run spec tests converted by wabt's wast2json; the modules are read
      from beside the JSON file. A FILE.wast is read directly instead,
      its modules parsed from their text. With --cache-dir, modules go
      through that compile cache (none by default).

  MODULE may be - for standard input, and for run and hash an artifact
  written by compile -o. Every command that reads a module reads the text
  format too: a file that does not start with a NUL byte (as binary
  modules and artifacts do) is parsed as text. No input is read past the module size limit (for
  an artifact, 8 times that): a larger one is refused at once.

Options:
  --tier jit|interp          execution tier (default: DEFAULT_TIER, the library's)
  --target TARGET            what the JIT compiles for: this architecture's
                             baseline (the default, the same code on every
                             machine of it), x86_64 or aarch64 with opt-in
                             features (x86_64+lzcnt+bmi1), or native (this CPU);
                             code for another architecture is compiled and
                             written (compile -o), not run
  --threads N                threads compiling a module's functions (default:
                             one per core); the code is the same for any N
  --limits default|contract  the engine's limits: the library's defaults, or
                             the profile for contract execution (gas/LIMITS.md)
  --max-module-size BYTES    largest module accepted (default 67108864)
  --max-memory-pages N       pages a memory may have, at any time (default 65536)
  --max-table-elements N     elements a table may have (default 10000000)
  --cache-dir DIR            the compile cache (default for run and cache:
                             $XDG_CACHE_HOME/detwasm, or ~/.cache/detwasm);
                             created private to the user
  -h, --help                 show this help
  --version                  show the version

Numbers (gas, limits, arguments) are Wasm text-format literals, with no
white space: integers in decimal or 0x hex, an optional sign, '_' between
digits; floats in decimal or hex (0x1.8p3), inf, nan, nan:0xPAYLOAD, rounded
to nearest. A count such as --gas may not be negative (-0 is 0). For a float
argument, 0x and hex digits alone give its exact bit pattern (0x7fc00000).

Exit status: 0 success, 1 trap (run) or failed spec tests (spec),
2 load, validation, link or usage error; for a WASI program, the
program's exit code (a status above 255 reads as 255), 1 if it trapped.
)";
}
}  // namespace

const char* usage_text() {
  static const std::string text = [] {
    std::string t = usage_text_for_default_tier();
    const std::string_view placeholder = "DEFAULT_TIER";
    t.replace(t.find(placeholder), placeholder.size(), kDefaultTier == Tier::Jit ? "jit" : "interp");
    return t;
  }();
  return text.c_str();
}

}  // namespace detwasm::cli
