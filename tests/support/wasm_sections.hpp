// Binary modules compared section by section.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace detwasm::test {

// The module without its custom sections (names, producers, ...): what two
// encoders of the same module should agree on byte for byte. A malformed
// section header ends the copy there.
std::vector<uint8_t> strip_custom_sections(std::span<const uint8_t> module);

}  // namespace detwasm::test
