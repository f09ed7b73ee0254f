// The WebAssembly 2.0 text format (SIMD apart), to the binary format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <detwasm/config.hpp>
#include <detwasm/errors.hpp>

namespace detwasm {

// Malformed text: what was expected where. what() is "LINE:COLUMN: message",
// both 1-based; the column counts bytes.
class TextError : public Error {
 public:
  TextError(uint32_t line, uint32_t column, const std::string& message);
  uint32_t line() const { return line_; }
  uint32_t column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  uint32_t line_;
  uint32_t column_;
  std::string message_;
};

// The binary module a text module denotes: `(module ...)`, or its fields
// alone. Identifiers become a "name" custom section (module, function and
// local names). The text is parsed, not validated: a module that is
// well-formed text but invalid Wasm gives bytes that fail validation.
// Counts are bounded by `limits` as the binary decoder bounds them; nesting
// is bounded too, so hostile input gives a TextError, never a deep recursion.
// Time is linear in the text; so is memory, at most 40 bytes a token (about
// 70 bytes a byte of text at worst, for text that is all parentheses).
std::vector<uint8_t> wat2wasm(std::string_view text, const ResourceLimits& limits = {});

}  // namespace detwasm
