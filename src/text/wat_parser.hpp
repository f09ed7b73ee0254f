// Text module fields to a TextModule, in two passes over the tokens: the
// first registers every identifier of every index space (so a use may come
// before its definition) and the explicit types; the second parses each
// field, resolving identifiers through hash maps, and appends the implicit
// types of type uses as the spec says (at the end, in order of use).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <detwasm/config.hpp>

#include "text/lexer.hpp"
#include "text/text_module.hpp"

namespace detwasm::text {

// The module at tokens[begin]: `(module $id? field*)`, or when tokens[begin]
// is not `(module`, the fields from `begin` up to `end` (exclusive). Throws
// TextError.
TextModule parse_module(const std::vector<Token>& tokens, size_t begin, size_t end, const ResourceLimits& limits);

// The parser's state and its parts; fields are in wat_parser.cpp,
// instructions in instructions.cpp.
class WatParser {
 public:
  WatParser(const std::vector<Token>& tokens, const ResourceLimits& limits) : t_(tokens), limits_(limits) {}

  TextModule parse(size_t begin, size_t end);

 private:
  // An index space: identifiers to indices, and the count so far.
  struct Space {
    explicit Space(const char* k) : kind(k) {}
    const char* kind;
    std::unordered_map<std::string_view, uint32_t> names;
    uint32_t count = 0;
  };
  struct Label {
    std::string_view name;  // empty: none
    bool is_if = false;
    bool in_else = false;
    size_t else_at = 0;  // where the else opcode went in the body
  };
  struct FuncSig {
    Bytes params, results;  // value types, as bytes
  };
  struct TypeUse {
    uint32_t index = 0;
    std::vector<NameEntry> param_names;
    uint32_t param_count = 0;
  };

  // Cursor. tok(i) is t_[i], or the final Eof past the end.
  const Token& tok(size_t i) const;
  const Token& peek(size_t ahead = 0) const;
  const Token& next();
  bool at_keyword(std::string_view kw, size_t ahead = 0) const;
  bool at_lparen_keyword(std::string_view kw) const;  // "(" kw
  bool at_index() const;                              // a number or $id
  void expect_lparen_keyword(std::string_view kw);
  void expect_keyword(std::string_view kw);
  void expect_rparen();
  std::optional<std::string_view> take_id();
  uint32_t parse_u32(std::string_view what);
  std::string parse_name();  // a string that is valid UTF-8
  uint8_t parse_valtype();
  uint8_t parse_reftype();
  uint8_t parse_heaptype();  // `func` or `extern`, as its reftype byte
  void parse_limits(Bytes& out);
  void check_limit(uint64_t count, uint64_t limit, const Token& where, const char* what) const;

  // Names.
  void declare(Space& space, const Token& id_or_end);
  uint32_t resolve(Space& space, const Token& t);
  uint32_t resolve_next(Space& space);

  // Types.
  uint32_t type_for(const FuncSig& sig, const Token& where);  // the first equal type, or a new one
  // `(type x)` where a type use or block type may name its type.
  std::optional<uint32_t> parse_optional_type_ref();
  void parse_params_results(FuncSig& sig, std::vector<NameEntry>* names, const Token& where);
  TypeUse parse_typeuse(bool allow_param_names);

  // Pass 1.
  void scan_fields(size_t begin, size_t end);
  bool scan_definition(Space& space, size_t at);

  // Pass 2: one field each.
  void parse_field();
  void parse_type_field();
  void parse_import_field();
  void parse_func_field();
  void parse_table_field();
  void parse_memory_field();
  void parse_global_field();
  void parse_export_field();
  void parse_start_field();
  void parse_elem_field();
  void parse_data_field();
  void parse_inline_exports(uint8_t kind, uint32_t index);
  bool parse_inline_import(Bytes& entry);  // `(import "m" "n")`: module and field names into entry
  void parse_global_type(Bytes& out);
  void name_function(uint32_t index, std::optional<std::string_view> id, const std::vector<NameEntry>& params);
  void parse_func_body(uint32_t func_index, const TypeUse& use);
  void parse_offset(Bytes& out);
  void parse_elem_list(uint8_t& elem_type, std::vector<Bytes>& items, bool bare_indices);
  Bytes encode_elem(int mode, uint32_t table, const Bytes& offset, uint8_t elem_type, const std::vector<Bytes>& items);

  // Instructions (instructions.cpp). An expression is instructions up to
  // the ")" that closes it, without the final `end`.
  void parse_expr(Bytes& out);
  void parse_instrs(Bytes& out);
  void parse_folded(Bytes& out);
  void parse_plain(Bytes& out);  // one instruction that is not block, loop or if
  void parse_block_type(Bytes& out);
  void push_label(std::optional<std::string_view> name, bool is_if, const Token& where);
  void pop_label();
  void drop_empty_else(Bytes& out, const Label& label);
  void check_end_label(const Label& label, const Token& keyword);
  uint32_t parse_label();
  uint32_t parse_local();
  void parse_memarg(Bytes& out, uint32_t natural_log2);

  const std::vector<Token>& t_;
  const ResourceLimits& limits_;
  size_t pos_ = 0;
  TextModule m_;

  Space types_{"type"}, funcs_{"function"}, tables_{"table"}, memories_{"memory"}, globals_{"global"};
  Space elems_{"elem segment"}, datas_{"data segment"};
  std::vector<FuncSig> sigs_;
  std::unordered_map<std::string, uint32_t> sig_index_;  // key: params 0xFF results

  // Pass 2 counters: the index the next definition of each kind gets.
  uint32_t next_func_ = 0, next_table_ = 0, next_memory_ = 0, next_global_ = 0;
  bool seen_start_ = false;

  // The function being parsed (locals, labels), or none in constant expressions.
  std::unordered_map<std::string_view, uint32_t>* locals_ = nullptr;
  std::vector<Label> labels_;
  std::unordered_map<std::string_view, std::vector<uint32_t>> label_depths_;  // name to positions in labels_
};

}  // namespace detwasm::text
