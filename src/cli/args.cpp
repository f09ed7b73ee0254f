#include "cli/args.hpp"

#include <string_view>

namespace detwasm::cli {

namespace {

std::optional<Command> command_named(std::string_view name) {
  if (name == "run") return Command::Run;
  if (name == "validate") return Command::Validate;
  if (name == "spec") return Command::Spec;
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
  bool allowed = (command == Command::Run && (option == "--invoke" || option == "--json" || option == "--gas")) ||
                 (command == Command::Spec && (option == "--verbose" || option == "--by-kind" || option == "--metered"));
  if (!allowed) throw UsageFailure("option " + option + " does not apply to this command");
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

  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (options_ended || !arg.starts_with("--")) {
      if (arg == "-h" && !options_ended) {
        help = true;
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
      command_options.push_back(name);
    } else if (name == "--gas") {
      std::string v = value();
      size_t used = 0;
      uint64_t limit = 0;
      try {
        if (v.empty() || v[0] == '-') throw std::invalid_argument(v);
        limit = std::stoull(v, &used, 10);
      } catch (const std::exception&) {
        throw UsageFailure("--gas needs a non-negative integer, got '" + v + "'");
      }
      if (used != v.size()) throw UsageFailure("--gas needs a non-negative integer, got '" + v + "'");
      args.gas = limit;
      command_options.push_back(name);
    } else if (name == "--metered") {
      args.metered = flag();
      command_options.push_back(name);
    } else {
      throw UsageFailure("unknown option " + name);
    }
  }

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
    case Command::Spec:
      if (positional.empty()) throw UsageFailure("spec needs at least one JSON file");
      args.files = positional;
      break;
  }
  return args;
}

const char* usage_text() {
  return R"(detwasm: a deterministic, gas-metered WebAssembly engine

Usage:
  detwasm run MODULE.wasm [--invoke NAME] [--json] [--gas LIMIT] [ARG...]
      Instantiate the module (it may have no imports) and call the exported
      function NAME (default: _start). Arguments are read by the function's
      parameter types: decimal integers (signed or unsigned), floats (1.5,
      -0, inf, -inf, nan), or a hex bit pattern (0x7fc00000) for any number
      type. Results print one per line as TYPE:VALUE; --json prints one JSON
      object instead, with floats as hex bit patterns.
  detwasm validate MODULE.wasm
      Decode and validate the module.
  detwasm spec FILE.json... [--verbose] [--by-kind] [--metered]
      Run spec tests converted by wabt's wast2json; the modules are read
      from beside the JSON file.

Options:
  --tier interp|jit   execution tier (default: interp)
  -h, --help          show this help
  --version           show the version

Exit status: 0 success, 1 trap (run) or failed spec tests (spec),
2 load, validation, link or usage error.
)";
}

}  // namespace detwasm::cli
