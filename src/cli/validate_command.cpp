#include "cli/commands.hpp"

namespace detwasm::cli {

// Exit 0 when the module decodes and validates; a ModuleError reaches main.
int validate_command(const Args& args) {
  std::vector<uint8_t> bytes = read_module_file(args.files.front(), args.limits);
  Engine engine(engine_config(args));
  Module::validate(engine, bytes);
  return kExitOk;
}

}  // namespace detwasm::cli
