#include <iostream>

#include "cli/commands.hpp"
#include "spec/spec_runner.hpp"

namespace detwasm::cli {

// Runs each JSON file (wast2json's) or .wast script; exit 0 only when no
// command failed.
int spec_command(const Args& args) {
  spec::RunOptions options;
  options.config = engine_config(args);
  options.verbose = args.verbose;
  options.via_artifact = args.via_artifact;
  // Modules come from (and go to) this compile cache: how a headless build,
  // which compiles nothing, runs the suite from a cache another build filled.
  options.config.cache.dir = args.cache_dir;
  spec::Counts total;
  for (const std::string& file : args.files) {
    spec::RunReport report;
    try {
      report = file.ends_with(".wast") ? spec::run_wast_file(file, options, std::cout)
                                       : spec::run_spec_file(file, options, std::cout);
    } catch (const spec::SpecFileError& e) {
      throw CommandFailure(e.what());
    }
    total += report.total;
    if (args.by_kind)
      for (const auto& [kind, counts] : report.by_kind) std::cout << "  " << kind << ": " << counts.to_string() << "\n";
  }
  if (args.files.size() > 1) std::cout << "total: " << total.to_string() << "\n";
  std::cout.flush();
  return total.failed == 0 ? kExitOk : kExitTrap;
}

}  // namespace detwasm::cli
