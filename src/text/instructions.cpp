// Instructions, plain and folded. Plain blocks are parsed in a loop over an
// explicit label stack (any depth up to the nesting limit costs no native
// stack); folded instructions recurse once per parenthesis, which the lexer
// bounds (kMaxParenDepth).
#include <bit>
#include <unordered_map>

#include "decode/opcodes.hpp"
#include "text/numbers.hpp"
#include "text/wat_parser.hpp"

namespace detwasm::text {

using internal::Opcode;

namespace {

enum class OpKind : uint8_t { Control, Numeric, Load, Store };

struct OpRow {
  Opcode op;
  OpKind kind;
  uint8_t size_log2;
};

const std::unordered_map<std::string_view, OpRow>& operator_table() {
  static const std::unordered_map<std::string_view, OpRow> table = [] {
    std::unordered_map<std::string_view, OpRow> t;
#define DETWASM_CONTROL_OP(Name, opcode, text, Gas) t.emplace(text, OpRow{Opcode::Name, OpKind::Control, 0});
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, Gas) \
  t.emplace(text, OpRow{Opcode::Name, OpKind::Numeric, 0});
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2, Gas) \
  t.emplace(text, OpRow{Opcode::Name, OpKind::Load, size_log2});
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2, Gas) \
  t.emplace(text, OpRow{Opcode::Name, OpKind::Store, size_log2});
#include "decode/opcodes.def"
    return t;
  }();
  return table;
}

void put_opcode(Bytes& out, Opcode op) {
  auto v = static_cast<uint16_t>(op);
  if (v > 0xFF) {
    out.push_back(internal::kPrefixMisc);
    put_u32(out, v & 0xFF);
  } else {
    out.push_back(static_cast<uint8_t>(v));
  }
}

bool is_number_token(const Token& t) { return t.kind == TokenKind::Number; }

// A float literal may also be written inf, nan or nan:0x..., which lex as keywords.
bool is_float_token(const Token& t) {
  if (t.kind == TokenKind::Number) return true;
  return t.kind == TokenKind::Keyword && (t.text == "inf" || t.text == "nan" || t.text.starts_with("nan:"));
}

}  // namespace

void WatParser::parse_expr(Bytes& out) { parse_instrs(out); }

void WatParser::push_label(std::optional<std::string_view> name, bool is_if, const Token& where) {
  if (labels_.size() >= limits_.max_nesting_depth) {
    fail_at(where, "blocks nested deeper than the limit of " + std::to_string(limits_.max_nesting_depth));
  }
  std::string_view n = name.value_or(std::string_view());
  if (!n.empty()) label_depths_[n].push_back(static_cast<uint32_t>(labels_.size()));
  labels_.push_back({n, is_if, false});
}

void WatParser::pop_label() {
  const Label& l = labels_.back();
  if (!l.name.empty()) {
    auto it = label_depths_.find(l.name);
    it->second.pop_back();
    if (it->second.empty()) label_depths_.erase(it);
  }
  labels_.pop_back();
}

// `end $l` and `else $l` must repeat the block's own label.
void WatParser::check_end_label(const Label& label, const Token& keyword) {
  if (peek().kind != TokenKind::Id) return;
  const Token& id = next();
  if (id.text != label.name) {
    fail_at(id, "mismatching label " + std::string(id.text) + " after " + std::string(keyword.text) +
                    (label.name.empty() ? ", the block has none" : ", expected " + std::string(label.name)));
  }
}

uint32_t WatParser::parse_label() {
  const Token& t = peek();
  if (t.kind == TokenKind::Id) {
    auto it = label_depths_.find(t.text);
    if (it == label_depths_.end()) fail_at(t, "unknown label " + std::string(t.text));
    next();
    return static_cast<uint32_t>(labels_.size() - 1 - it->second.back());
  }
  if (t.kind == TokenKind::Number) return parse_u32("a label index");
  fail_expected(t, "a label");
}

uint32_t WatParser::parse_local() {
  const Token& t = peek();
  if (t.kind == TokenKind::Id) {
    if (!locals_) fail_at(t, "unknown local " + std::string(t.text) + ": no locals here");
    auto it = locals_->find(t.text);
    if (it == locals_->end()) fail_at(t, "unknown local " + std::string(t.text));
    next();
    return it->second;
  }
  return parse_u32("a local index or identifier");
}

// offset=N align=N, in that order, both optional; align is a power of two.
void WatParser::parse_memarg(Bytes& out, uint32_t natural_log2) {
  uint64_t offset = 0;
  uint32_t align_log2 = natural_log2;
  auto value_of = [&](const Token& t, std::string_view prefix) -> uint64_t {
    std::string_view digits = t.text.substr(prefix.size());
    if (digits.empty() || !(digits[0] >= '0' && digits[0] <= '9')) fail_expected(t, "an unsigned integer after '='");
    try {
      return parse_count(digits, UINT32_MAX);
    } catch (const NumberError&) {
      fail_at(t, "i32 constant out of range: " + describe(t));
    }
  };
  if (peek().kind == TokenKind::Keyword && peek().text.starts_with("offset=")) {
    offset = value_of(next(), "offset=");
  }
  if (peek().kind == TokenKind::Keyword && peek().text.starts_with("align=")) {
    const Token& t = next();
    uint64_t align = value_of(t, "align=");
    if (align == 0 || (align & (align - 1))) fail_at(t, "alignment must be a power of two: " + describe(t));
    align_log2 = static_cast<uint32_t>(std::countr_zero(align));
  }
  put_u32(out, align_log2);
  put_u32(out, offset);
}

// (type x)? (param t*)* (result t*)*: no type for [] -> [], the value type
// for [] -> [t], else a type index (of the type used, or the first equal one).
void WatParser::parse_block_type(Bytes& out) {
  const Token& where = peek();
  std::optional<uint32_t> explicit_index = parse_optional_type_ref();
  const Token& inline_start = peek();
  FuncSig sig;
  parse_params_results(sig, nullptr, where);
  bool has_inline = &peek() != &inline_start;
  if (explicit_index) {
    if (*explicit_index >= sigs_.size()) {
      if (has_inline) fail_at(where, "unknown type " + std::to_string(*explicit_index) + " for an inline block type");
      put_s64(out, *explicit_index);
      return;
    }
    const FuncSig& declared = sigs_[*explicit_index];
    if (has_inline && (declared.params != sig.params || declared.results != sig.results)) {
      fail_at(inline_start, "inline function type does not match type " + std::to_string(*explicit_index));
    }
    sig = declared;
  }
  if (sig.params.empty() && sig.results.size() <= 1) {
    out.push_back(sig.results.empty() ? 0x40 : sig.results[0]);
    return;
  }
  put_s64(out, explicit_index ? *explicit_index : type_for(sig, where));
}

// An empty else is left out, as wabt leaves it out: the same code.
void WatParser::drop_empty_else(Bytes& out, const Label& label) {
  if (label.in_else && out.size() == label.else_at + 1) out.pop_back();
}

void WatParser::parse_instrs(Bytes& out) {
  const size_t base = labels_.size();  // the blocks this sequence opened lie above
  for (;;) {
    const Token& t = peek();
    if (t.kind == TokenKind::RParen || t.kind == TokenKind::Eof) {
      if (labels_.size() > base) fail_expected(t, "\"end\"");
      return;
    }
    if (t.kind == TokenKind::LParen) {
      parse_folded(out);
      continue;
    }
    if (t.kind != TokenKind::Keyword) fail_expected(t, "an instruction");
    if (t.text == "block" || t.text == "loop" || t.text == "if") {
      next();
      std::optional<std::string_view> label = take_id();
      out.push_back(t.text == "block" ? 0x02 : t.text == "loop" ? 0x03 : 0x04);
      parse_block_type(out);
      push_label(label, t.text == "if", t);
    } else if (t.text == "else") {
      if (labels_.size() == base || !labels_.back().is_if || labels_.back().in_else) {
        fail_at(t, "unexpected token \"else\": no if to continue");
      }
      next();
      check_end_label(labels_.back(), t);
      labels_.back().in_else = true;
      labels_.back().else_at = out.size();
      out.push_back(0x05);
    } else if (t.text == "end") {
      if (labels_.size() == base) fail_at(t, "unexpected token \"end\": no block to close");
      next();
      check_end_label(labels_.back(), t);
      drop_empty_else(out, labels_.back());
      pop_label();
      out.push_back(0x0B);
    } else {
      parse_plain(out);
    }
  }
}

// (block ...), (loop ...), (if ... (then ...) (else ...)?) or
// (op immediates folded*): the operands' code first, then the operator's.
void WatParser::parse_folded(Bytes& out) {
  next();  // "("
  const Token& t = peek();
  if (t.kind != TokenKind::Keyword) fail_expected(t, "an instruction");
  if (t.text == "block" || t.text == "loop") {
    next();
    std::optional<std::string_view> label = take_id();
    out.push_back(t.text == "block" ? 0x02 : 0x03);
    parse_block_type(out);
    push_label(label, false, t);
    parse_instrs(out);
    pop_label();
    out.push_back(0x0B);
  } else if (t.text == "if") {
    next();
    std::optional<std::string_view> label = take_id();
    Bytes block_type;
    parse_block_type(block_type);
    while (peek().kind == TokenKind::LParen && !at_keyword("then", 1)) parse_folded(out);
    out.push_back(0x04);
    put_bytes(out, block_type);
    push_label(label, true, t);
    expect_lparen_keyword("then");
    parse_instrs(out);
    expect_rparen();
    if (at_lparen_keyword("else")) {
      next(), next();
      labels_.back().in_else = true;
      labels_.back().else_at = out.size();
      out.push_back(0x05);
      parse_instrs(out);
      expect_rparen();
      drop_empty_else(out, labels_.back());
    }
    pop_label();
    out.push_back(0x0B);
  } else {
    Bytes op;
    parse_plain(op);
    while (peek().kind == TokenKind::LParen) parse_folded(out);
    put_bytes(out, op);
  }
  expect_rparen();
}

void WatParser::parse_plain(Bytes& out) {
  const Token& t = next();
  auto& table = operator_table();
  auto it = table.find(t.text);
  if (t.kind != TokenKind::Keyword || it == table.end()) fail_at(t, "unknown operator " + describe(t));
  const OpRow& row = it->second;
  if (row.kind == OpKind::Numeric) {
    put_opcode(out, row.op);
    return;
  }
  if (row.kind == OpKind::Load || row.kind == OpKind::Store) {
    put_opcode(out, row.op);
    parse_memarg(out, row.size_log2);
    return;
  }
  auto optional_table = [&] { return at_index() ? resolve_next(tables_) : 0u; };
  switch (row.op) {
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If:
    case Opcode::Else:
    case Opcode::End:
      fail_at(t, "unexpected token " + describe(t));
    case Opcode::Br:
    case Opcode::BrIf:
      put_opcode(out, row.op);
      put_u32(out, parse_label());
      return;
    case Opcode::BrTable: {
      put_opcode(out, row.op);
      std::vector<uint32_t> targets;
      do {
        targets.push_back(parse_label());
        check_limit(targets.size(), uint64_t{limits_.max_br_table_size} + 1, t, "br_table targets");
      } while (peek().kind == TokenKind::Id || peek().kind == TokenKind::Number);
      put_u32(out, targets.size() - 1);
      for (uint32_t l : targets) put_u32(out, l);
      return;
    }
    case Opcode::Call:
    case Opcode::RefFunc:
      put_opcode(out, row.op);
      put_u32(out, resolve_next(funcs_));
      return;
    case Opcode::CallIndirect: {
      uint32_t table_index = optional_table();
      TypeUse use = parse_typeuse(false);
      put_opcode(out, row.op);
      put_u32(out, use.index);
      put_u32(out, table_index);
      return;
    }
    case Opcode::Select:
    case Opcode::SelectTyped: {
      if (!at_lparen_keyword("result")) {
        put_opcode(out, Opcode::Select);
        return;
      }
      Bytes types;
      while (at_lparen_keyword("result")) {
        next(), next();
        while (peek().kind != TokenKind::RParen) types.push_back(parse_valtype());
        expect_rparen();
      }
      put_opcode(out, Opcode::SelectTyped);
      put_u32(out, types.size());
      put_bytes(out, types);
      return;
    }
    case Opcode::LocalGet:
    case Opcode::LocalSet:
    case Opcode::LocalTee:
      put_opcode(out, row.op);
      put_u32(out, parse_local());
      return;
    case Opcode::GlobalGet:
    case Opcode::GlobalSet:
      put_opcode(out, row.op);
      put_u32(out, resolve_next(globals_));
      return;
    case Opcode::TableGet:
    case Opcode::TableSet:
    case Opcode::TableGrow:
    case Opcode::TableSize:
    case Opcode::TableFill:
      put_opcode(out, row.op);
      put_u32(out, optional_table());
      return;
    case Opcode::TableCopy: {
      uint32_t dst = 0, src = 0;
      if (at_index()) {
        dst = resolve_next(tables_);
        src = resolve_next(tables_);
      }
      put_opcode(out, row.op);
      put_u32(out, dst);
      put_u32(out, src);
      return;
    }
    case Opcode::TableInit: {
      // table.init x y (table x, elem y) or table.init y (table 0).
      uint32_t table_index = 0;
      const Token& first = peek();
      if (first.kind != TokenKind::Id && first.kind != TokenKind::Number) fail_expected(first, "an elem segment index");
      if (peek(1).kind == TokenKind::Id || peek(1).kind == TokenKind::Number) table_index = resolve_next(tables_);
      uint32_t elem = resolve_next(elems_);
      put_opcode(out, row.op);
      put_u32(out, elem);
      put_u32(out, table_index);
      return;
    }
    case Opcode::ElemDrop:
      put_opcode(out, row.op);
      put_u32(out, resolve_next(elems_));
      return;
    case Opcode::MemoryInit:
      put_opcode(out, row.op);
      put_u32(out, resolve_next(datas_));
      out.push_back(0x00);
      m_.needs_data_count = true;
      return;
    case Opcode::DataDrop:
      put_opcode(out, row.op);
      put_u32(out, resolve_next(datas_));
      m_.needs_data_count = true;
      return;
    case Opcode::MemorySize:
    case Opcode::MemoryGrow:
    case Opcode::MemoryFill:
      put_opcode(out, row.op);
      out.push_back(0x00);
      return;
    case Opcode::MemoryCopy:
      put_opcode(out, row.op);
      out.push_back(0x00);
      out.push_back(0x00);
      return;
    case Opcode::RefNull:
      put_opcode(out, row.op);
      out.push_back(parse_heaptype());
      return;
    case Opcode::I32Const:
    case Opcode::I64Const: {
      const Token& v = peek();
      unsigned bits = row.op == Opcode::I32Const ? 32 : 64;
      if (!is_number_token(v)) fail_expected(v, bits == 32 ? "an i32 literal" : "an i64 literal");
      next();
      uint64_t pattern;
      try {
        pattern = parse_int_bits(v.text, bits);
      } catch (const NumberError&) {
        fail_at(v, "constant out of range or malformed: " + describe(v) + " is not an i" + std::to_string(bits));
      }
      put_opcode(out, row.op);
      put_s64(out, bits == 32 ? int64_t{static_cast<int32_t>(pattern)} : static_cast<int64_t>(pattern));
      return;
    }
    case Opcode::F32Const:
    case Opcode::F64Const: {
      const Token& v = peek();
      bool f32 = row.op == Opcode::F32Const;
      if (!is_float_token(v)) fail_expected(v, f32 ? "an f32 literal" : "an f64 literal");
      next();
      uint64_t pattern;
      try {
        pattern = f32 ? parse_f32_bits(v.text) : parse_f64_bits(v.text);
      } catch (const NumberError&) {
        fail_at(v, "constant out of range or malformed: " + describe(v) + " is not an " + (f32 ? "f32" : "f64"));
      }
      put_opcode(out, row.op);
      for (int i = 0; i < (f32 ? 4 : 8); ++i) out.push_back(static_cast<uint8_t>(pattern >> (8 * i)));
      return;
    }
    default:
      // Operators with no immediate: unreachable, nop, return, drop, ref.is_null.
      put_opcode(out, row.op);
      return;
  }
}

}  // namespace detwasm::text
