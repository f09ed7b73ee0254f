#include "support/wasm_sections.hpp"

namespace detwasm::test {

std::vector<uint8_t> strip_custom_sections(std::span<const uint8_t> module) {
  if (module.size() < 8) return {module.begin(), module.end()};
  std::vector<uint8_t> out(module.begin(), module.begin() + 8);
  size_t i = 8;
  while (i < module.size()) {
    size_t start = i;
    uint8_t id = module[i++];
    uint64_t size = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (i >= module.size() || shift > 28) return out;
      uint8_t b = module[i++];
      size |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    if (size > module.size() - i) return out;
    i += size;
    if (id != 0) out.insert(out.end(), module.begin() + start, module.begin() + i);
  }
  return out;
}

}  // namespace detwasm::test
