#include <detwasm/text.hpp>

#include "text/lexer.hpp"
#include "text/wat_parser.hpp"

namespace detwasm {

std::vector<uint8_t> wat2wasm(std::string_view text, const ResourceLimits& limits) {
  std::vector<text::Token> tokens = text::tokenize(text);
  text::TextModule module = text::parse_module(tokens, 0, tokens.size() - 1, limits);
  std::vector<uint8_t> bytes = text::write_binary(module);
  if (bytes.size() > limits.max_module_size) {
    throw TextError(1, 1, "the module is larger than the module size limit of " +
                              std::to_string(limits.max_module_size) + " bytes");
  }
  return bytes;
}

}  // namespace detwasm
