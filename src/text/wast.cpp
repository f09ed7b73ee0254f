#include "text/wast.hpp"

#include <detwasm/text.hpp>

#include "text/wat_parser.hpp"

namespace detwasm::text {

WastModule read_wast_module(const std::vector<Token>& tokens, size_t at) {
  WastModule m;
  m.begin = at;
  size_t i = at + 1;
  if (tokens[i].kind != TokenKind::Keyword || tokens[i].text != "module") fail_expected(tokens[i], "\"module\"");
  ++i;
  if (tokens[i].kind == TokenKind::Id) m.name = std::string(tokens[i++].text.substr(1));
  if (tokens[i].kind == TokenKind::Keyword && (tokens[i].text == "binary" || tokens[i].text == "quote")) {
    m.kind = tokens[i].text == "binary" ? WastModule::Kind::Binary : WastModule::Kind::Quote;
    for (++i; tokens[i].kind == TokenKind::String; ++i) m.data += string_value(tokens[i]);
    if (tokens[i].kind != TokenKind::RParen) fail_expected(tokens[i], "a string or \")\"");
  }
  return m;
}

std::vector<uint8_t> wast_module_bytes(const std::vector<Token>& tokens, const WastModule& module,
                                       const ResourceLimits& limits) {
  switch (module.kind) {
    case WastModule::Kind::Binary:
      return {module.data.begin(), module.data.end()};
    case WastModule::Kind::Quote:
      return wat2wasm(module.data, limits);
    case WastModule::Kind::Text:
      break;
  }
  TextModule m = parse_module(tokens, module.begin, tokens[module.begin].match + 1, limits);
  return write_binary(m);
}

}  // namespace detwasm::text
