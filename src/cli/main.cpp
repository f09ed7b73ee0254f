// The `detwasm` command-line tool. Every error ends in one line on stderr
// and exit status 2; a trap in `run` is status 1.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "spec/spec_runner.hpp"

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return detwasm::cli::kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace detwasm;
  using namespace detwasm::cli;
  try {
    Args args = parse_args(std::vector<std::string>(argv + 1, argv + argc));
    switch (args.command) {
      case Command::Help: std::fputs(usage_text(), stdout); return kExitOk;
      case Command::Version: std::printf("detwasm %s\n", DETWASM_VERSION); return kExitOk;
      case Command::Run: return run_command(args);
      case Command::Validate: return validate_command(args);
      case Command::Compile: return compile_command(args);
      case Command::Spec: return spec_command(args);
      case Command::Hash: return hash_command(args);
      case Command::Cache: return cache_command(args);
      case Command::Keygen: return keygen_command(args);
      case Command::Wat2Wasm: return wat2wasm_command(args);
      case Command::Targets: return targets_command(args);
      case Command::Inspect: return inspect_command(args);
    }
  } catch (const UsageFailure& e) {
    return fail(std::string(e.what()) + " (see detwasm --help)");
  } catch (const CommandFailure& e) {
    return fail(e.what());
  } catch (const ModuleError& e) {
    return fail(spec::describe_module_error(e));
  } catch (const LinkError& e) {
    return fail(std::string("link error: ") + e.what());
  } catch (const UsageError& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what());
  }
  return kExitError;
}
