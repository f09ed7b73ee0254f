// Tokens of the Wasm text format (and of .wast scripts, which share them).
//
// White space and comments separate tokens: line comments `;;` to the end of
// the line, block comments `(; ... ;)` that nest. Every token but a
// parenthesis must be followed by white space, a parenthesis, a comment or
// the end, so `0x`, `1a`, `"a"b` or `$` are reserved tokens and errors, as the
// spec's lexical grammar makes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <detwasm/text.hpp>

namespace detwasm::text {

enum class TokenKind : uint8_t {
  LParen,
  RParen,
  Keyword,  // starts with a-z: operators, `offset=4`, also `inf` and `nan:0x1`
  Id,       // $name
  Number,   // starts with a digit, or a sign and a digit, `inf` or `nan`
  String,   // its bytes, escapes decoded: string_value()
  Eof,
};

struct Token {
  TokenKind kind;
  uint32_t line;
  uint32_t column;
  uint32_t offset;      // of its first byte in the text
  uint32_t match = 0;   // LParen: index of its RParen; RParen: of its LParen
  std::string_view text;  // as written (a string with its quotes)
};
// Tokens are small (40 bytes) and hold no allocation: a text's tokens take
// at most 40 times its size in memory.

// A String token's bytes, escapes decoded (the lexer checked them).
std::string string_value(const Token& t);

// Parentheses may nest this deep in one text: the parser recurses per folded
// instruction, so the bound keeps its stack small whatever the input.
inline constexpr uint32_t kMaxParenDepth = 1000;

// The whole text as tokens, ending with one Eof token. Parentheses are
// matched (an unmatched one is an error). Throws TextError.
std::vector<Token> tokenize(std::string_view text);

[[noreturn]] void fail_at(const Token& t, const std::string& message);
// `expected X, found "tok"`, the token shown as written (shortened).
[[noreturn]] void fail_expected(const Token& t, std::string_view expected);
std::string describe(const Token& t);

}  // namespace detwasm::text
