// Modules as .wast scripts write them: `(module $id? field*)`,
// `(module $id? binary "..."*)` and `(module $id? quote "..."*)`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <detwasm/config.hpp>

#include "text/lexer.hpp"

namespace detwasm::text {

struct WastModule {
  enum class Kind : uint8_t { Text, Binary, Quote };
  Kind kind = Kind::Text;
  std::optional<std::string> name;  // the $id, without '$'
  size_t begin = 0;                 // tokens[begin] is its "("
  std::string data;                 // Binary: the bytes; Quote: the text
};

// The module whose "(" is tokens[at] (`(module ...)`).
WastModule read_wast_module(const std::vector<Token>& tokens, size_t at);

// Its binary form: a text module or a quoted one parsed, a binary one as it
// is. Throws TextError for malformed text.
std::vector<uint8_t> wast_module_bytes(const std::vector<Token>& tokens, const WastModule& module,
                                       const ResourceLimits& limits = {});

}  // namespace detwasm::text
