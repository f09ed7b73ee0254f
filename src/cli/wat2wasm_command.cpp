#include "cli/commands.hpp"
#include "util/bounded_read.hpp"

namespace detwasm::cli {

// The text may be as large as the module size limit allows a module to be.
int wat2wasm_command(const Args& args) {
  const std::string& path = args.files.front();
  std::vector<uint8_t> text;
  try {
    text = util::read_bounded(path, args.limits.max_module_size, "the module size limit (--max-module-size)");
  } catch (const util::InputError& e) {
    throw CommandFailure(e.what());
  }
  std::vector<uint8_t> bytes;
  try {
    bytes = wat2wasm(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), args.limits);
  } catch (const TextError& e) {
    throw CommandFailure((path == "-" ? std::string("standard input") : path) + ":" + e.what());
  }
  write_file_atomically(*args.output, bytes);
  return kExitOk;
}

}  // namespace detwasm::cli
