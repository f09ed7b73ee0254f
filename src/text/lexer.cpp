#include "text/lexer.hpp"

#include <cstdio>

namespace detwasm {

TextError::TextError(uint32_t line, uint32_t column, const std::string& message)
    : Error(std::to_string(line) + ":" + std::to_string(column) + ": " + message),
      line_(line),
      column_(column),
      message_(message) {}

}  // namespace detwasm

namespace detwasm::text {

void fail_at(const Token& t, const std::string& message) { throw TextError(t.line, t.column, message); }

std::string describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::Eof: return "the end of the text";
    case TokenKind::LParen: return "\"(\"";
    case TokenKind::RParen: return "\")\"";
    default: break;
  }
  std::string shown;
  for (char c : t.text.substr(0, 40)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%02x", static_cast<unsigned char>(c));
      shown += buf;
    } else {
      shown += c;
    }
  }
  if (t.text.size() > 40) shown += "...";
  return "\"" + shown + "\"";
}

void fail_expected(const Token& t, std::string_view expected) {
  fail_at(t, "expected " + std::string(expected) + ", found " + describe(t));
}

namespace {

bool is_idchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '/': case ':': case '<': case '=': case '>': case '?': case '@': case '\\':
    case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_digit(unsigned char c, bool hex) { return (c >= '0' && c <= '9') || (hex && hex_value(c) >= 0); }

// A run of digits with single '_' between them; advances `i` past it.
bool digit_run(std::string_view s, size_t& i, bool hex) {
  if (i >= s.size() || !is_digit(s[i], hex)) return false;
  while (i < s.size()) {
    if (is_digit(s[i], hex)) {
      ++i;
    } else if (s[i] == '_' && i + 1 < s.size() && is_digit(s[i + 1], hex)) {
      i += 2;
    } else {
      break;
    }
  }
  return true;
}

// The shape of an unsigned number literal (its value is read where it is
// used, by numbers.hpp): digits or 0x hexdigits, then a fraction and an
// exponent for floats; inf; nan; nan:0x hexdigits.
bool is_number(std::string_view s) {
  if (s == "inf" || s == "nan") return true;
  if (s.starts_with("nan:0x")) {
    size_t i = 6;
    return digit_run(s, i, true) && i == s.size();
  }
  bool hex = s.starts_with("0x");
  size_t i = hex ? 2 : 0;
  if (!digit_run(s, i, hex)) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    digit_run(s, i, hex);
  }
  if (i < s.size() && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit_run(s, i, false)) return false;
  }
  return i == s.size();
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    std::vector<uint32_t> open;  // indices of unmatched LParens
    for (;;) {
      skip_space();
      Token t = here();
      if (pos_ >= s_.size()) {
        if (!open.empty()) fail_at(tokens[open.back()], "unclosed \"(\": expected \")\" before the end of the text");
        tokens.push_back(std::move(t));
        return tokens;
      }
      unsigned char c = s_[pos_];
      if (c == '(') {
        if (open.size() >= kMaxParenDepth) {
          fail_at(t, "parentheses nested deeper than " + std::to_string(kMaxParenDepth));
        }
        t.kind = TokenKind::LParen;
        t.text = s_.substr(pos_++, 1);
        open.push_back(static_cast<uint32_t>(tokens.size()));
      } else if (c == ')') {
        t.kind = TokenKind::RParen;
        t.text = s_.substr(pos_++, 1);
        if (open.empty()) fail_at(t, "unexpected \")\" with no \"(\" to close");
        t.match = open.back();
        tokens[open.back()].match = static_cast<uint32_t>(tokens.size());
        open.pop_back();
      } else if (c == '"') {
        t.kind = TokenKind::String;
        string_body(t);  // checked now, decoded where it is used
        t.text = s_.substr(t.offset, pos_ - t.offset);
        require_separator(t);
      } else if (is_idchar(c)) {
        size_t start = pos_;
        while (pos_ < s_.size() && is_idchar(s_[pos_])) ++pos_;
        t.text = s_.substr(start, pos_ - start);
        t.kind = TokenKind::Keyword;  // until classified; errors show its text
        t.kind = classify(t);
        require_separator(t);
      } else {
        t.text = s_.substr(pos_, 1);
        fail_at(t, "unexpected character " + describe(t));
      }
      tokens.push_back(std::move(t));
    }
  }

  // The string that starts the text (string_value's).
  std::string leading_string() { return string_body(here()); }

 private:
  uint32_t column() const { return static_cast<uint32_t>(pos_ - line_start_) + 1; }

  void newline() {
    ++line_;
    line_start_ = pos_;
  }

  Token here() const {
    Token t;
    t.kind = TokenKind::Eof;
    t.line = line_;
    t.column = column();
    t.offset = static_cast<uint32_t>(pos_);
    return t;
  }

  void skip_space() {
    while (pos_ < s_.size()) {
      unsigned char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\n') {
        ++pos_;
        newline();
      } else if (c == ';' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ';') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (c == '(' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ';') {
        block_comment();
      } else {
        return;
      }
    }
  }

  // Block comments nest; a count suffices since nothing inside is a token.
  void block_comment() {
    Token start = here();
    start.text = s_.substr(pos_, 2);
    pos_ += 2;
    uint64_t depth = 1;
    while (depth > 0) {
      if (pos_ >= s_.size()) fail_at(start, "unterminated block comment: expected \";)\"");
      if (s_[pos_] == '(' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ';') {
        pos_ += 2;
        ++depth;
      } else if (s_[pos_] == ';' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ')') {
        pos_ += 2;
        --depth;
      } else {
        if (s_[pos_] == '\n') {
          ++pos_;
          newline();
        } else {
          ++pos_;
        }
      }
    }
  }

  std::string string_body(const Token& start) {
    std::string out;
    ++pos_;  // the opening quote
    for (;;) {
      if (pos_ >= s_.size()) fail_at(start, "unterminated string: expected '\"'");
      unsigned char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20 || c == 0x7F) {
        Token t = here();
        t.text = s_.substr(pos_, 1);
        fail_at(t, "control character " + describe(t) + " in a string: write it as an escape");
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      Token esc = here();
      esc.text = s_.substr(pos_, std::min<size_t>(2, s_.size() - pos_));
      ++pos_;
      if (pos_ >= s_.size()) fail_at(start, "unterminated string: expected '\"'");
      unsigned char e = s_[pos_++];
      switch (e) {
        case 't': out += '\t'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case '"': out += '"'; break;
        case '\'': out += '\''; break;
        case '\\': out += '\\'; break;
        case 'u': out += unicode_escape(esc); break;
        default: {
          int hi = hex_value(e);
          int lo = pos_ < s_.size() ? hex_value(s_[pos_]) : -1;
          if (hi < 0 || lo < 0) fail_at(esc, "unknown escape " + describe(esc) + " in a string");
          ++pos_;
          out += static_cast<char>(hi * 16 + lo);
        }
      }
    }
  }

  // \u{hex}: a Unicode scalar value, written as UTF-8.
  std::string unicode_escape(const Token& esc) {
    if (pos_ >= s_.size() || s_[pos_] != '{') fail_at(esc, "expected '{' after \\u in a string");
    ++pos_;
    uint64_t cp = 0;
    size_t digits = 0;
    bool underscore_ok = false;
    while (pos_ < s_.size() && s_[pos_] != '}') {
      unsigned char c = s_[pos_];
      if (c == '_' && underscore_ok && pos_ + 1 < s_.size() && hex_value(s_[pos_ + 1]) >= 0) {
        ++pos_;
        underscore_ok = false;
        continue;
      }
      int v = hex_value(c);
      if (v < 0) fail_at(esc, "expected hex digits in \\u{...}");
      cp = cp * 16 + static_cast<uint64_t>(v);
      if (cp > 0x10FFFF) fail_at(esc, "\\u{...} beyond U+10FFFF");
      ++digits;
      underscore_ok = true;
      ++pos_;
    }
    if (pos_ >= s_.size() || digits == 0) fail_at(esc, "expected hex digits and '}' in \\u{...}");
    ++pos_;
    if (cp >= 0xD800 && cp < 0xE000) fail_at(esc, "\\u{...} is a surrogate, not a Unicode scalar value");
    std::string out;
    put_utf8(out, static_cast<uint32_t>(cp));
    return out;
  }

  static TokenKind classify(const Token& t) {
    std::string_view s = t.text;
    unsigned char c = s[0];
    if (c == '$') {
      if (s.size() == 1) fail_at(t, "an identifier needs a name after '$'");
      return TokenKind::Id;
    }
    if (c >= 'a' && c <= 'z') return TokenKind::Keyword;
    std::string_view rest = s;
    if (c == '+' || c == '-') rest.remove_prefix(1);
    if (is_number(rest)) return TokenKind::Number;
    fail_at(t, "reserved token " + describe(t));
  }

  // Tokens other than parentheses end at white space, a parenthesis, a
  // comment or the end; anything else glued on makes a reserved token.
  void require_separator(const Token& t) {
    if (pos_ >= s_.size()) return;
    unsigned char c = s_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')') return;
    if (c == ';' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ';') return;
    Token bad = t;
    bad.text = s_.substr(t.offset, std::min<size_t>(pos_ - t.offset + 1, s_.size() - t.offset));
    fail_at(bad, "reserved token " + describe(bad) + ": tokens must be separated by white space or parentheses");
  }

  std::string_view s_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

static_assert(sizeof(Token) <= 40, "lexer.hpp promises 40 bytes a token");

std::string string_value(const Token& t) { return Lexer(t.text).leading_string(); }

std::vector<Token> tokenize(std::string_view text) {
  if (text.size() >= UINT32_MAX) throw TextError(1, 1, "text larger than 4 GiB");
  return Lexer(text).run();
}

}  // namespace detwasm::text
