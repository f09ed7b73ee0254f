#include "text/wat_parser.hpp"

#include <algorithm>

#include "text/numbers.hpp"

namespace detwasm::text {

namespace {

constexpr uint8_t kExternFunc = 0, kExternTable = 1, kExternMemory = 2, kExternGlobal = 3;
constexpr uint8_t kFuncRef = 0x70, kExternRef = 0x6F;

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      unsigned char d = s[i + k];
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::string_view id_name(std::string_view id) { return id.substr(1); }

}  // namespace

TextModule parse_module(const std::vector<Token>& tokens, size_t begin, size_t end, const ResourceLimits& limits) {
  return WatParser(tokens, limits).parse(begin, end);
}

// ---- cursor

const Token& WatParser::tok(size_t i) const { return i < t_.size() ? t_[i] : t_.back(); }

const Token& WatParser::peek(size_t ahead) const {
  size_t i = pos_ + ahead;
  return i < t_.size() ? t_[i] : t_.back();
}

const Token& WatParser::next() {
  const Token& t = peek();
  if (pos_ < t_.size() - 1) ++pos_;
  return t;
}

bool WatParser::at_keyword(std::string_view kw, size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::Keyword && t.text == kw;
}

bool WatParser::at_lparen_keyword(std::string_view kw) const {
  return peek().kind == TokenKind::LParen && at_keyword(kw, 1);
}

bool WatParser::at_index() const {
  TokenKind k = peek().kind;
  return k == TokenKind::Number || k == TokenKind::Id;
}

void WatParser::expect_lparen_keyword(std::string_view kw) {
  if (peek().kind != TokenKind::LParen) fail_expected(peek(), "\"(" + std::string(kw) + "\"");
  next();
  expect_keyword(kw);
}

void WatParser::expect_keyword(std::string_view kw) {
  if (!at_keyword(kw)) fail_expected(peek(), "\"" + std::string(kw) + "\"");
  next();
}

void WatParser::expect_rparen() {
  if (peek().kind != TokenKind::RParen) fail_expected(peek(), "\")\"");
  next();
}

std::optional<std::string_view> WatParser::take_id() {
  if (peek().kind != TokenKind::Id) return std::nullopt;
  return next().text;
}

uint32_t WatParser::parse_u32(std::string_view what) {
  const Token& t = peek();
  if (t.kind != TokenKind::Number || !(t.text[0] >= '0' && t.text[0] <= '9')) fail_expected(t, what);
  next();
  try {
    return static_cast<uint32_t>(parse_count(t.text, UINT32_MAX));
  } catch (const NumberError&) {
    fail_at(t, "i32 constant out of range: " + describe(t) + " is not " + std::string(what));
  }
}

std::string WatParser::parse_name() {
  const Token& t = peek();
  if (t.kind != TokenKind::String) fail_expected(t, "a name (a string)");
  next();
  std::string name = string_value(t);
  if (!valid_utf8(name)) fail_at(t, "malformed UTF-8 encoding in the name " + describe(t));
  return name;
}

uint8_t WatParser::parse_valtype() {
  const Token& t = peek();
  if (t.kind == TokenKind::Keyword) {
    uint8_t v = t.text == "i32"         ? 0x7F
                : t.text == "i64"       ? 0x7E
                : t.text == "f32"       ? 0x7D
                : t.text == "f64"       ? 0x7C
                : t.text == "funcref"   ? kFuncRef
                : t.text == "externref" ? kExternRef
                                        : 0;
    if (v) {
      next();
      return v;
    }
  }
  fail_expected(t, "a value type");
}

uint8_t WatParser::parse_reftype() {
  if (at_keyword("funcref")) return next(), kFuncRef;
  if (at_keyword("externref")) return next(), kExternRef;
  fail_expected(peek(), "a reference type (funcref or externref)");
}

uint8_t WatParser::parse_heaptype() {
  if (at_keyword("func")) return next(), kFuncRef;
  if (at_keyword("extern")) return next(), kExternRef;
  fail_expected(peek(), "a heap type (func or extern)");
}

void WatParser::parse_limits(Bytes& out) {
  uint32_t min = parse_u32("a limit (u32)");
  if (peek().kind == TokenKind::Number) {
    uint32_t max = parse_u32("a limit (u32)");
    out.push_back(1);
    put_u32(out, min);
    put_u32(out, max);
  } else {
    out.push_back(0);
    put_u32(out, min);
  }
}

void WatParser::check_limit(uint64_t count, uint64_t limit, const Token& where, const char* what) const {
  if (count > limit) fail_at(where, std::string("more ") + what + " than the limit of " + std::to_string(limit));
}

// ---- names

void WatParser::declare(Space& space, const Token& id) {
  if (id.kind == TokenKind::Id) {
    auto [it, inserted] = space.names.emplace(id.text, space.count);
    if (!inserted) fail_at(id, std::string("duplicate ") + space.kind + " " + std::string(id.text));
  }
  ++space.count;
}

uint32_t WatParser::resolve(Space& space, const Token& t) {
  if (t.kind == TokenKind::Id) {
    auto it = space.names.find(t.text);
    if (it == space.names.end()) fail_at(t, std::string("unknown ") + space.kind + " " + std::string(t.text));
    return it->second;
  }
  if (t.kind == TokenKind::Number && t.text[0] >= '0' && t.text[0] <= '9') {
    try {
      return static_cast<uint32_t>(parse_count(t.text, UINT32_MAX));
    } catch (const NumberError&) {
      fail_at(t, "i32 constant out of range: " + describe(t) + " is not an index");
    }
  }
  fail_expected(t, std::string("a ") + space.kind + " index or identifier");
}

uint32_t WatParser::resolve_next(Space& space) {
  const Token& t = peek();
  uint32_t i = resolve(space, t);
  next();
  return i;
}

// ---- types

uint32_t WatParser::type_for(const FuncSig& sig, const Token& where) {
  std::string key(sig.params.begin(), sig.params.end());
  key += '\xFF';
  key.append(sig.results.begin(), sig.results.end());
  auto it = sig_index_.find(key);
  if (it != sig_index_.end()) return it->second;
  check_limit(sigs_.size() + 1, limits_.max_types, where, "types");
  uint32_t index = static_cast<uint32_t>(sigs_.size());
  sigs_.push_back(sig);
  sig_index_.emplace(std::move(key), index);
  Bytes entry = {0x60};
  put_name(entry, std::string_view(reinterpret_cast<const char*>(sig.params.data()), sig.params.size()));
  put_name(entry, std::string_view(reinterpret_cast<const char*>(sig.results.data()), sig.results.size()));
  m_.types.push_back(std::move(entry));
  return index;
}

// (param ...)* (result ...)*; with `names`, a param may be named.
std::optional<uint32_t> WatParser::parse_optional_type_ref() {
  if (!at_lparen_keyword("type")) return std::nullopt;
  next(), next();
  uint32_t index = resolve_next(types_);
  expect_rparen();
  return index;
}

void WatParser::parse_params_results(FuncSig& sig, std::vector<NameEntry>* names, const Token& where) {
  while (at_lparen_keyword("param")) {
    next(), next();
    if (peek().kind == TokenKind::Id) {
      const Token& id = next();
      if (!names) fail_at(id, "unexpected token " + describe(id) + ": a parameter here has no name");
      names->push_back({static_cast<uint32_t>(sig.params.size()), std::string(id.text)});
      sig.params.push_back(parse_valtype());
    } else {
      while (peek().kind != TokenKind::RParen) sig.params.push_back(parse_valtype());
    }
    expect_rparen();
  }
  while (at_lparen_keyword("result")) {
    next(), next();
    while (peek().kind != TokenKind::RParen) sig.results.push_back(parse_valtype());
    expect_rparen();
  }
  check_limit(sig.params.size(), limits_.max_function_params, where, "parameters");
  check_limit(sig.results.size(), limits_.max_function_results, where, "results");
}

WatParser::TypeUse WatParser::parse_typeuse(bool allow_param_names) {
  const Token& where = peek();
  TypeUse use;
  std::optional<uint32_t> explicit_index = parse_optional_type_ref();
  const Token& inline_start = peek();
  FuncSig sig;
  parse_params_results(sig, allow_param_names ? &use.param_names : nullptr, where);
  bool has_inline = &peek() != &inline_start;
  if (explicit_index) {
    use.index = *explicit_index;
    if (has_inline && use.index >= sigs_.size()) {
      fail_at(where, "unknown type " + std::to_string(use.index) + " for an inline function type");
    }
    if (use.index < sigs_.size()) {
      const FuncSig& declared = sigs_[use.index];
      if (has_inline && (declared.params != sig.params || declared.results != sig.results)) {
        fail_at(inline_start, "inline function type does not match type " + std::to_string(use.index));
      }
      use.param_count = static_cast<uint32_t>(declared.params.size());
    }
  } else {
    use.index = type_for(sig, where);
    use.param_count = static_cast<uint32_t>(sig.params.size());
  }
  return use;
}

// ---- pass 1

// `(kw $id? (export ...)* (import ...)? ...)` at tok(at): declares its
// identifier, and the elem or data segment an inline `(elem ...)` or
// `(data ...)` defines; returns whether it is an import.
bool WatParser::scan_definition(Space& space, size_t at) {
  size_t i = at + 2;
  const Token& id = tok(i);
  if (id.kind == TokenKind::Id) ++i;
  while (tok(i).kind == TokenKind::LParen && tok(i + 1).kind == TokenKind::Keyword && tok(i + 1).text == "export") {
    i = tok(i).match + 1;
  }
  bool is_import = tok(i).kind == TokenKind::LParen && tok(i + 1).kind == TokenKind::Keyword && tok(i + 1).text == "import";
  declare(space, id);
  if (is_import) return true;
  if (&space == &tables_ && tok(i).kind == TokenKind::Keyword && tok(i + 1).kind == TokenKind::LParen &&
      tok(i + 2).kind == TokenKind::Keyword && tok(i + 2).text == "elem") {
    declare(elems_, tok(at));
  }
  if (&space == &memories_ && tok(i).kind == TokenKind::LParen && tok(i + 1).kind == TokenKind::Keyword &&
      tok(i + 1).text == "data") {
    declare(datas_, tok(at));
  }
  return false;
}

void WatParser::scan_fields(size_t begin, size_t end) {
  const char* defined = nullptr;  // the kind of the first definition, once one is seen
  auto import_allowed = [&](size_t at) {
    if (defined) fail_at(tok(at), std::string("import after ") + defined + ": imports must come before definitions");
  };
  for (size_t i = begin; i < end; i = tok(i).match + 1) {
    const Token& open = tok(i);
    if (open.kind != TokenKind::LParen) fail_expected(open, "a module field");
    const Token& kw = tok(i + 1);
    if (kw.kind != TokenKind::Keyword) fail_expected(kw, "a module field keyword");
    auto definition = [&](Space& space, const char* what) {
      if (scan_definition(space, i)) {
        import_allowed(i);
      } else if (!defined) {
        defined = what;
      }
    };
    if (kw.text == "type") {
      declare(types_, tok(i + 2));
      pos_ = i;
      parse_type_field();
    } else if (kw.text == "func") {
      definition(funcs_, "function");
    } else if (kw.text == "table") {
      definition(tables_, "table");
    } else if (kw.text == "memory") {
      definition(memories_, "memory");
    } else if (kw.text == "global") {
      definition(globals_, "global");
    } else if (kw.text == "import") {
      import_allowed(i);
      // (import "m" "n" (kind $id? ...))
      size_t d = i + 4;
      if (tok(d).kind == TokenKind::LParen && tok(d + 1).kind == TokenKind::Keyword) {
        std::string_view k = tok(d + 1).text;
        Space* space = k == "func" ? &funcs_ : k == "table" ? &tables_ : k == "memory" ? &memories_
                     : k == "global" ? &globals_ : nullptr;
        if (space) declare(*space, tok(d + 2));
      }
    } else if (kw.text == "elem") {
      declare(elems_, tok(i + 2));
    } else if (kw.text == "data") {
      declare(datas_, tok(i + 2));
    } else if (kw.text != "export" && kw.text != "start") {
      fail_expected(kw, "a module field (type, import, func, table, memory, global, export, start, elem, data)");
    }
  }
  check_limit(types_.count, limits_.max_types, tok(begin), "types");
  check_limit(funcs_.count, limits_.max_functions, tok(begin), "functions");
  check_limit(tables_.count, limits_.max_tables, tok(begin), "tables");
  check_limit(globals_.count, limits_.max_globals, tok(begin), "globals");
  check_limit(elems_.count, limits_.max_elem_segments, tok(begin), "elem segments");
  check_limit(datas_.count, limits_.max_data_segments, tok(begin), "data segments");
}

// ---- the module

TextModule WatParser::parse(size_t begin, size_t end) {
  size_t fields_begin = begin, fields_end = end;
  bool wrapped = tok(begin).kind == TokenKind::LParen && tok(begin + 1).kind == TokenKind::Keyword &&
                 tok(begin + 1).text == "module";
  if (wrapped) {
    fields_begin = begin + 2;
    if (tok(fields_begin).kind == TokenKind::Id) {
      m_.module_name = std::string(id_name(tok(fields_begin).text));
      m_.has_names = true;
      ++fields_begin;
    }
    fields_end = tok(begin).match;
  }
  scan_fields(fields_begin, fields_end);
  pos_ = fields_begin;
  while (pos_ < fields_end) parse_field();
  if (wrapped) {
    pos_ = fields_end + 1;
    if (pos_ < end && tok(pos_).kind != TokenKind::Eof) fail_expected(tok(pos_), "the end of the text after the module");
  }
  // Identifiers of every index space, for the name section.
  const std::pair<uint8_t, const Space*> spaces[] = {{1, &funcs_},    {4, &types_},   {5, &tables_}, {6, &memories_},
                                                     {7, &globals_}, {8, &elems_}, {9, &datas_}};
  for (auto [id, space] : spaces) {
    auto& names = m_.index_names[id];
    for (const auto& [name, index] : space->names) names.push_back({index, std::string(id_name(name))});
    std::sort(names.begin(), names.end(), [](const NameEntry& a, const NameEntry& b) { return a.index < b.index; });
    if (!names.empty()) m_.has_names = true;
  }
  check_limit(m_.imports.size(), limits_.max_imports, tok(begin), "imports");
  check_limit(m_.exports.size(), limits_.max_exports, tok(begin), "exports");
  return std::move(m_);
}

void WatParser::parse_field() {
  std::string_view kw = peek(1).text;
  if (kw == "type") {
    pos_ = peek().match + 1;  // parsed in pass 1
  } else if (kw == "import") {
    parse_import_field();
  } else if (kw == "func") {
    parse_func_field();
  } else if (kw == "table") {
    parse_table_field();
  } else if (kw == "memory") {
    parse_memory_field();
  } else if (kw == "global") {
    parse_global_field();
  } else if (kw == "export") {
    parse_export_field();
  } else if (kw == "start") {
    parse_start_field();
  } else if (kw == "elem") {
    parse_elem_field();
  } else {
    parse_data_field();
  }
}

// (type $id? (func $id? (param ...)* (result ...)*))
void WatParser::parse_type_field() {
  const Token& where = peek();
  expect_lparen_keyword("type");
  take_id();
  expect_lparen_keyword("func");
  take_id();
  FuncSig sig;
  std::vector<NameEntry> names;
  parse_params_results(sig, &names, where);
  expect_rparen();
  expect_rparen();
  // An explicit type is always a new index; only the first of equal types
  // is what implicit type uses find.
  std::string key(sig.params.begin(), sig.params.end());
  key += '\xFF';
  key.append(sig.results.begin(), sig.results.end());
  uint32_t index = static_cast<uint32_t>(sigs_.size());
  sig_index_.emplace(std::move(key), index);
  Bytes entry = {0x60};
  put_name(entry, std::string_view(reinterpret_cast<const char*>(sig.params.data()), sig.params.size()));
  put_name(entry, std::string_view(reinterpret_cast<const char*>(sig.results.data()), sig.results.size()));
  sigs_.push_back(std::move(sig));
  m_.types.push_back(std::move(entry));
}

bool WatParser::parse_inline_import(Bytes& entry) {
  if (!at_lparen_keyword("import")) return false;
  next(), next();
  put_name(entry, parse_name());
  put_name(entry, parse_name());
  expect_rparen();
  return true;
}

void WatParser::parse_inline_exports(uint8_t kind, uint32_t index) {
  while (at_lparen_keyword("export")) {
    next(), next();
    Bytes entry;
    put_name(entry, parse_name());
    entry.push_back(kind);
    put_u32(entry, index);
    m_.exports.push_back(std::move(entry));
    expect_rparen();
  }
}

void WatParser::parse_global_type(Bytes& out) {
  if (at_lparen_keyword("mut")) {
    next(), next();
    out.push_back(parse_valtype());
    out.push_back(1);
    expect_rparen();
  } else {
    out.push_back(parse_valtype());
    out.push_back(0);
  }
}

// (import "m" "n" (func|table|memory|global $id? ...))
void WatParser::parse_import_field() {
  expect_lparen_keyword("import");
  Bytes entry;
  put_name(entry, parse_name());
  put_name(entry, parse_name());
  if (peek().kind != TokenKind::LParen) fail_expected(peek(), "an import description");
  next();
  const Token& kind = next();
  std::optional<std::string_view> id = take_id();
  if (kind.kind == TokenKind::Keyword && kind.text == "func") {
    uint32_t index = next_func_++;
    TypeUse use = parse_typeuse(true);
    entry.push_back(kExternFunc);
    put_u32(entry, use.index);
    name_function(index, id, use.param_names);
  } else if (kind.kind == TokenKind::Keyword && kind.text == "table") {
    next_table_++;
    entry.push_back(kExternTable);
    Bytes limits;
    parse_limits(limits);
    entry.push_back(parse_reftype());
    put_bytes(entry, limits);
  } else if (kind.kind == TokenKind::Keyword && kind.text == "memory") {
    next_memory_++;
    entry.push_back(kExternMemory);
    parse_limits(entry);
  } else if (kind.kind == TokenKind::Keyword && kind.text == "global") {
    next_global_++;
    entry.push_back(kExternGlobal);
    parse_global_type(entry);
  } else {
    fail_expected(kind, "an import kind (func, table, memory or global)");
  }
  expect_rparen();
  expect_rparen();
  m_.imports.push_back(std::move(entry));
}

// (func $id? (export ...)* (import "m" "n")? typeuse (local ...)* instr*)
void WatParser::parse_func_field() {
  expect_lparen_keyword("func");
  std::optional<std::string_view> id = take_id();
  uint32_t index = next_func_++;
  parse_inline_exports(kExternFunc, index);
  Bytes import;
  if (parse_inline_import(import)) {
    TypeUse use = parse_typeuse(true);
    name_function(index, id, use.param_names);
    import.push_back(kExternFunc);
    put_u32(import, use.index);
    m_.imports.push_back(std::move(import));
    expect_rparen();
    return;
  }
  TypeUse use = parse_typeuse(true);
  m_.functions.push_back(use.index);
  name_function(index, id, {});
  parse_func_body(index, use);
}

// The function's name and its parameters' (a body adds its locals').
void WatParser::name_function(uint32_t index, std::optional<std::string_view> id, const std::vector<NameEntry>& params) {
  if (id) m_.has_names = true;
  std::vector<NameEntry>& names = m_.local_names.emplace_back();
  for (const NameEntry& p : params) names.push_back({p.index, std::string(id_name(p.name))});
  if (!names.empty()) m_.has_names = true;
}

void WatParser::parse_func_body(uint32_t func_index, const TypeUse& use) {
  const Token& where = peek();
  std::unordered_map<std::string_view, uint32_t> locals;
  std::vector<NameEntry>& names = m_.local_names[func_index];
  if (!use.param_names.empty()) m_.has_names = true;
  for (const NameEntry& p : use.param_names) {
    if (!locals.emplace(p.name, p.index).second) fail_at(where, "duplicate local " + p.name);
    names.push_back({p.index, std::string(id_name(p.name))});
  }
  uint32_t count = use.param_count;
  Bytes declared;  // the local types in order
  while (at_lparen_keyword("local")) {
    next(), next();
    if (peek().kind == TokenKind::Id) {
      const Token& id = next();
      if (!locals.emplace(id.text, count).second) fail_at(id, "duplicate local " + std::string(id.text));
      names.push_back({count, std::string(id_name(id.text))});
      m_.has_names = true;
      declared.push_back(parse_valtype());
      ++count;
    } else {
      while (peek().kind != TokenKind::RParen) {
        declared.push_back(parse_valtype());
        ++count;
        check_limit(count, limits_.max_locals_per_function, where, "locals");
      }
    }
    expect_rparen();
    check_limit(count, limits_.max_locals_per_function, where, "locals");
  }
  Bytes body;
  // Runs of equal types share one entry, as wabt writes them.
  uint32_t runs = 0;
  Bytes run_bytes;
  for (size_t i = 0; i < declared.size();) {
    size_t j = i;
    while (j < declared.size() && declared[j] == declared[i]) ++j;
    put_u32(run_bytes, j - i);
    run_bytes.push_back(declared[i]);
    ++runs;
    i = j;
  }
  put_u32(body, runs);
  put_bytes(body, run_bytes);
  locals_ = &locals;
  parse_expr(body);
  locals_ = nullptr;
  body.push_back(0x0B);
  expect_rparen();
  check_limit(body.size(), limits_.max_function_body_size, where, "bytes in a function body");
  Bytes code;
  put_u32(code, body.size());
  put_bytes(code, body);
  m_.codes.push_back(std::move(code));
}

// (table $id? (export ...)* (import "m" "n")? limits reftype)
// (table $id? (export ...)* reftype (elem ...)): a table just large enough
// for an active segment at 0.
void WatParser::parse_table_field() {
  expect_lparen_keyword("table");
  take_id();
  uint32_t index = next_table_++;
  parse_inline_exports(kExternTable, index);
  Bytes import;
  bool imported = parse_inline_import(import);
  if (!imported && peek().kind == TokenKind::Keyword) {
    uint8_t type = parse_reftype();
    expect_lparen_keyword("elem");
    std::vector<Bytes> items;
    uint8_t elem_type = type;
    if (peek().kind == TokenKind::LParen) {
      parse_elem_list(elem_type, items, false);
    } else {
      while (at_index()) {
        Bytes item = {0xD2};
        put_u32(item, resolve_next(funcs_));
        items.push_back(std::move(item));
      }
    }
    expect_rparen();
    expect_rparen();
    Bytes table = {type, 1};
    put_u32(table, items.size());
    put_u32(table, items.size());
    m_.tables.push_back(std::move(table));
    Bytes offset = {0x41, 0x00, 0x0B};
    m_.elems.push_back(encode_elem(0, index, offset, type, items));
    return;
  }
  Bytes limits;
  parse_limits(limits);
  Bytes entry = {parse_reftype()};
  put_bytes(entry, limits);
  expect_rparen();
  if (imported) {
    import.push_back(kExternTable);
    put_bytes(import, entry);
    m_.imports.push_back(std::move(import));
  } else {
    m_.tables.push_back(std::move(entry));
  }
}

// (memory $id? (export ...)* (import "m" "n")? limits)
// (memory $id? (export ...)* (data "..."*)): just the pages the data needs.
void WatParser::parse_memory_field() {
  expect_lparen_keyword("memory");
  take_id();
  uint32_t index = next_memory_++;
  parse_inline_exports(kExternMemory, index);
  Bytes import;
  bool imported = parse_inline_import(import);
  if (!imported && at_lparen_keyword("data")) {
    next(), next();
    Bytes bytes;
    while (peek().kind == TokenKind::String) put_bytes(bytes, string_value(next()));
    expect_rparen();
    expect_rparen();
    uint64_t pages = (bytes.size() + 65535) / 65536;
    Bytes memory = {1};
    put_u32(memory, pages);
    put_u32(memory, pages);
    m_.memories.push_back(std::move(memory));
    Bytes data = {0};
    if (index != 0) {
      data[0] = 2;
      put_u32(data, index);
    }
    put_bytes(data, Bytes{0x41, 0x00, 0x0B});
    put_u32(data, bytes.size());
    put_bytes(data, bytes);
    m_.datas.push_back(std::move(data));
    return;
  }
  Bytes limits;
  parse_limits(limits);
  expect_rparen();
  if (imported) {
    import.push_back(kExternMemory);
    put_bytes(import, limits);
    m_.imports.push_back(std::move(import));
  } else {
    m_.memories.push_back(std::move(limits));
  }
}

// (global $id? (export ...)* (import "m" "n")? globaltype expr?)
void WatParser::parse_global_field() {
  expect_lparen_keyword("global");
  take_id();
  uint32_t index = next_global_++;
  parse_inline_exports(kExternGlobal, index);
  Bytes import;
  bool imported = parse_inline_import(import);
  Bytes entry;
  parse_global_type(entry);
  if (imported) {
    expect_rparen();
    import.push_back(kExternGlobal);
    put_bytes(import, entry);
    m_.imports.push_back(std::move(import));
    return;
  }
  parse_expr(entry);
  entry.push_back(0x0B);
  expect_rparen();
  m_.globals.push_back(std::move(entry));
}

// (export "name" (func|table|memory|global x))
void WatParser::parse_export_field() {
  expect_lparen_keyword("export");
  Bytes entry;
  put_name(entry, parse_name());
  if (peek().kind != TokenKind::LParen) fail_expected(peek(), "an export description");
  next();
  const Token& kind = next();
  if (kind.kind == TokenKind::Keyword && kind.text == "func") {
    entry.push_back(kExternFunc);
    put_u32(entry, resolve_next(funcs_));
  } else if (kind.kind == TokenKind::Keyword && kind.text == "table") {
    entry.push_back(kExternTable);
    put_u32(entry, resolve_next(tables_));
  } else if (kind.kind == TokenKind::Keyword && kind.text == "memory") {
    entry.push_back(kExternMemory);
    put_u32(entry, resolve_next(memories_));
  } else if (kind.kind == TokenKind::Keyword && kind.text == "global") {
    entry.push_back(kExternGlobal);
    put_u32(entry, resolve_next(globals_));
  } else {
    fail_expected(kind, "an export kind (func, table, memory or global)");
  }
  expect_rparen();
  expect_rparen();
  m_.exports.push_back(std::move(entry));
}

void WatParser::parse_start_field() {
  const Token& where = peek();
  expect_lparen_keyword("start");
  if (seen_start_) fail_at(where, "multiple start sections");
  seen_start_ = true;
  m_.start = resolve_next(funcs_);
  expect_rparen();
}

// (offset instr*) or one folded instruction.
void WatParser::parse_offset(Bytes& out) {
  if (at_lparen_keyword("offset")) {
    next(), next();
    parse_expr(out);
    expect_rparen();
  } else if (peek().kind == TokenKind::LParen) {
    parse_folded(out);
  } else {
    fail_expected(peek(), "an offset expression");
  }
  out.push_back(0x0B);
}

// `func x*`, or `reftype item*` with item `(item instr*)` or one folded
// instruction, or (with `bare_indices`, the MVP form) x*.
void WatParser::parse_elem_list(uint8_t& elem_type, std::vector<Bytes>& items, bool bare_indices) {
  if (at_keyword("func") || (bare_indices && at_index())) {
    if (at_keyword("func")) next();
    elem_type = kFuncRef;
    while (at_index()) {
      Bytes item = {0xD2};
      put_u32(item, resolve_next(funcs_));
      items.push_back(std::move(item));
    }
    return;
  }
  if (peek().kind == TokenKind::Keyword) elem_type = parse_reftype();
  while (peek().kind == TokenKind::LParen) {
    Bytes item;
    if (at_lparen_keyword("item")) {
      next(), next();
      parse_expr(item);
      expect_rparen();
    } else {
      parse_folded(item);
    }
    items.push_back(std::move(item));
  }
  check_limit(items.size(), limits_.max_table_elements, peek(), "elements in a segment");
}

namespace {

// Whether an item is `ref.func x` alone; if so, x.
std::optional<uint32_t> ref_func_index(const Bytes& item) {
  if (item.empty() || item[0] != 0xD2) return std::nullopt;
  uint64_t v = 0;
  size_t i = 1;
  for (unsigned shift = 0; i < item.size() && shift < 35; shift += 7) {
    v |= uint64_t(item[i] & 0x7F) << shift;
    if (!(item[i++] & 0x80)) return i == item.size() ? std::optional<uint32_t>(static_cast<uint32_t>(v)) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

// mode 0: active, 1: passive, 3: declarative. The flags are those wabt
// chooses: function indices when every item is `ref.func x` in a funcref
// segment, expressions otherwise; a table index and element kind only where
// table 0 and funcref cannot be implied.
Bytes WatParser::encode_elem(int mode, uint32_t table, const Bytes& offset, uint8_t elem_type,
                             const std::vector<Bytes>& items) {
  uint8_t flags = static_cast<uint8_t>(mode);
  if (mode == 0 && (elem_type != kFuncRef || table != 0)) flags |= 2;
  bool all_ref_func = elem_type == kFuncRef;
  for (const Bytes& item : items) all_ref_func = all_ref_func && ref_func_index(item).has_value();
  if (!all_ref_func) flags |= 4;
  Bytes out = {flags};
  if (mode == 0) {
    if (flags & 2) put_u32(out, table);
    put_bytes(out, offset);
  }
  if ((flags & 1) || (flags & 2)) out.push_back(all_ref_func ? 0x00 : elem_type);
  put_u32(out, items.size());
  for (const Bytes& item : items) {
    if (all_ref_func) {
      put_u32(out, *ref_func_index(item));
    } else {
      put_bytes(out, item);
      out.push_back(0x0B);
    }
  }
  return out;
}

// (elem $id? elemlist)                      passive
// (elem $id? declare elemlist)              declarative
// (elem $id? (table x)? offset elemlist)    active (table 0 without (table x));
// the MVP forms `(elem offset x*)` and `(elem x offset x*)` too.
void WatParser::parse_elem_field() {
  expect_lparen_keyword("elem");
  take_id();
  int mode = 0;
  uint32_t table = 0;
  Bytes offset;
  uint8_t elem_type = kFuncRef;
  std::vector<Bytes> items;
  if (at_keyword("declare")) {
    next();
    mode = 3;
    parse_elem_list(elem_type, items, false);
  } else if (peek().kind == TokenKind::LParen || at_index()) {
    if (at_lparen_keyword("table")) {
      next(), next();
      table = resolve_next(tables_);
      expect_rparen();
    } else if (at_index()) {
      table = resolve_next(tables_);
    }
    parse_offset(offset);
    parse_elem_list(elem_type, items, true);
  } else {
    mode = 1;
    parse_elem_list(elem_type, items, false);
  }
  expect_rparen();
  m_.elems.push_back(encode_elem(mode, table, offset, elem_type, items));
}

// (data $id? string*)                       passive
// (data $id? (memory x)? offset string*)    active (memory 0 without (memory x))
void WatParser::parse_data_field() {
  expect_lparen_keyword("data");
  take_id();
  Bytes entry = {1};
  if (peek().kind == TokenKind::LParen || at_index()) {
    uint32_t memory = 0;
    if (at_lparen_keyword("memory")) {
      next(), next();
      memory = resolve_next(memories_);
      expect_rparen();
    } else if (at_index()) {
      memory = resolve_next(memories_);
    }
    entry[0] = memory ? 2 : 0;
    if (memory) put_u32(entry, memory);
    parse_offset(entry);
  }
  Bytes bytes;
  while (peek().kind == TokenKind::String) put_bytes(bytes, string_value(next()));
  expect_rparen();
  put_u32(entry, bytes.size());
  put_bytes(entry, bytes);
  m_.datas.push_back(std::move(entry));
}

}  // namespace detwasm::text
