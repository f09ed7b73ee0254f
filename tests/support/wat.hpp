// Wasm text to binary with wabt's wat2wasm, for tests written in text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace detwasm::test {

// Throws std::runtime_error with wat2wasm's message if the text is invalid;
// with `check` false, a module that parses but does not validate is
// written as it is.
std::vector<uint8_t> wat_to_wasm(std::string_view text, bool check = true);
std::vector<uint8_t> wat_file_to_wasm(const std::filesystem::path& wat, bool check = true);

}  // namespace detwasm::test
