#include "support/disassembly.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace detwasm::jit {

namespace fs = std::filesystem;

std::string disassemble(std::span<const uint8_t> code, Arch arch) {
  fs::path bin = fs::temp_directory_path() / ("detwasm-disasm-" + std::to_string(::getpid()) + ".bin");
  fs::path txt = bin;
  txt.replace_extension(".txt");
  std::ofstream(bin, std::ios::binary).write(reinterpret_cast<const char*>(code.data()), code.size());
  std::string tool = arch == Arch::X86_64 ? "objdump -D -b binary -m i386:x86-64 -M intel"
                                          : "aarch64-linux-gnu-objdump -D -b binary -m aarch64";
  std::string cmd = tool + " --no-show-raw-insn '" + bin.string() + "' > '" + txt.string() + "'";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("objdump failed: " + cmd);
  std::ifstream in(txt);
  std::string line, out;
  while (std::getline(in, line)) {
    // Instruction lines only: "  1f:\tmov ..."
    if (line.find(":\t") != std::string::npos) out += line + "\n";
  }
  fs::remove(bin);
  fs::remove(txt);
  return out;
}

}  // namespace detwasm::jit
