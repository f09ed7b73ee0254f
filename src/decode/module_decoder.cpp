#include "decode/module_decoder.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_set>

#include "decode/reader.hpp"
#include "validate/body_decoder.hpp"

namespace detwasm::internal {

namespace {

enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
};

// Position of each known section in the required order (data count sits
// between element and code).
uint8_t section_order(uint8_t id) {
  static constexpr uint8_t kOrder[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kOrder[id];
}

}  // namespace

ModuleDecoder::ModuleDecoder(const ResourceLimits& limits, BodyConsumer& bodies)
    : limits_(limits), bodies_(bodies), m_(std::make_shared<ModuleData>()) {
  if (sodium_init() < 0) throw Error("libsodium failed to initialise");
  crypto_generichash_init(&hash_state_, nullptr, 0, 32);
}

ModuleDecoder::~ModuleDecoder() = default;

void ModuleDecoder::feed_bytes(const uint8_t* data, size_t size) {
  if (m_->bytes.size() + size > limits_.max_module_size)
    throw_limit(m_->bytes.size(), "module larger than the configured maximum");
  m_->bytes.insert(m_->bytes.end(), data, data + size);
  crypto_generichash_update(&hash_state_, data, size);
  pump(false);
}

void ModuleDecoder::feed(const uint8_t* data, size_t size) {
  try {
    feed_bytes(data, size);
  } catch (const ModuleError& e) {
    // Bodies prepared by workers were handed over earlier: one of theirs
    // comes first, as it would in order.
    bodies_.throw_earlier_body_error(e.offset());
    throw;
  }
}

std::shared_ptr<ModuleData> ModuleDecoder::finish() {
  try {
    return finish_module();
  } catch (const ModuleError& e) {
    bodies_.throw_earlier_body_error(e.offset());
    throw;
  }
}

std::shared_ptr<ModuleData> ModuleDecoder::finish_module() {
  pump(true);
  const size_t n = m_->bytes.size();
  if (stage_ == Stage::Header) throw_malformed(n, "unexpected end: magic header not detected");
  if (stage_ != Stage::SectionStart || pos_ != n)
    throw_malformed(n, "unexpected end of section or function: length out of bounds");
  const size_t defined = m_->func_types.size() - m_->num_imported_funcs;
  if (defined != 0 && !saw_code_section_)
    throw_malformed(n, "function and code section have inconsistent lengths");
  if (m_->data_count && !saw_data_section_ && *m_->data_count != 0)
    throw_malformed(n, "data count and data section have inconsistent lengths");
  const uint64_t data_use_without_count = bodies_.finish_bodies();
  // memory.init and data.drop need the data count section when there are data
  // segments; with none at all, the segment index is simply unknown.
  if (data_use_without_count != UINT64_MAX) {
    if (saw_data_section_) throw_malformed(data_use_without_count, "data count section required");
    throw_invalid(data_use_without_count, "unknown data segment");
  }
  crypto_generichash_final(&hash_state_, m_->hash.data(), m_->hash.size());
  m_->declared_funcs.resize(m_->func_types.size());
  bodies_.finish_module(*m_);
  return std::move(m_);
}

bool ModuleDecoder::try_read_u32(size_t& pos, size_t limit, uint32_t& out, bool final) {
  const uint8_t* b = m_->bytes.data();
  size_t end = std::min(limit, m_->bytes.size());
  auto d = leb128::decode<uint32_t>(b + pos, b + end);
  if (d.status == leb128::Status::Truncated) {
    if (final || end == limit) throw_malformed(pos + d.length, "unexpected end: integer truncated");
    return false;
  }
  if (d.status == leb128::Status::TooLong) throw_malformed(pos, "integer representation too long");
  if (d.status == leb128::Status::BadUnusedBits) throw_malformed(pos, "integer too large");
  out = d.value;
  pos += d.length;
  return true;
}

void ModuleDecoder::pump(bool final) {
  for (;;) {
    const size_t avail = m_->bytes.size() - pos_;
    const uint8_t* b = m_->bytes.data();
    switch (stage_) {
      case Stage::Header: {
        if (avail < 8) {
          if (final && avail) throw_malformed(m_->bytes.size(), "unexpected end: magic header not detected");
          return;
        }
        if (std::memcmp(b, "\0asm", 4) != 0) throw_malformed(0, "magic header not detected");
        if (std::memcmp(b + 4, "\x01\0\0\0", 4) != 0) throw_malformed(4, "unknown binary version");
        pos_ = 8;
        stage_ = Stage::SectionStart;
        break;
      }
      case Stage::SectionStart: {
        if (avail == 0) return;
        size_t p = pos_;
        uint8_t id = b[p++];
        if (id > kDataCount) throw_malformed(pos_, "malformed section id " + std::to_string(id));
        uint32_t size;
        if (!try_read_u32(p, SIZE_MAX, size, final)) return;
        if (size > limits_.max_module_size) throw_limit(pos_, "section larger than the configured maximum");
        if (id != kCustom) {
          uint8_t order = section_order(id);
          if (order <= last_section_order_)
            throw_malformed(pos_, "unexpected content after last section (section out of order or repeated)");
          last_section_order_ = order;
        }
        section_id_ = id;
        pos_ = p;
        section_end_ = p + size;
        if (id == kCode) {
          saw_code_section_ = true;
          bodies_.begin_code(*m_, size);
          stage_ = Stage::CodeCount;
        } else {
          stage_ = Stage::SectionBody;
        }
        break;
      }
      case Stage::SectionBody: {
        if (m_->bytes.size() < section_end_) {
          if (final) throw_malformed(m_->bytes.size(), "unexpected end: section length out of bounds");
          return;
        }
        decode_section(section_id_, pos_, section_end_);
        pos_ = section_end_;
        stage_ = Stage::SectionStart;
        break;
      }
      case Stage::CodeCount: {
        size_t p = pos_;
        uint32_t count;
        if (!try_read_u32(p, section_end_, count, final)) return;
        const size_t defined = m_->func_types.size() - m_->num_imported_funcs;
        if (count != defined) throw_malformed(pos_, "function and code section have inconsistent lengths");
        pos_ = p;
        code_count_ = count;
        code_done_ = 0;
        m_->declared_funcs.resize(m_->func_types.size());
        stage_ = Stage::CodeBody;
        break;
      }
      case Stage::CodeBody: {
        if (code_done_ == code_count_) {
          if (pos_ != section_end_) throw_malformed(pos_, "section size mismatch");
          stage_ = Stage::SectionStart;
          break;
        }
        size_t p = pos_;
        uint32_t size;
        if (!try_read_u32(p, section_end_, size, final)) return;
        if (size > limits_.max_function_body_size) throw_limit(pos_, "function body larger than the configured maximum");
        if (p + size > section_end_) throw_malformed(pos_, "section size mismatch: function body out of bounds");
        if (m_->bytes.size() < p + size) {
          if (final) throw_malformed(m_->bytes.size(), "unexpected end of section or function");
          return;
        }
        decode_function_body(p, p + size);
        pos_ = p + size;
        ++code_done_;
        break;
      }
    }
  }
}

void ModuleDecoder::decode_section(uint8_t id, size_t begin, size_t end) {
  Reader r(m_->bytes.data() + begin, m_->bytes.data() + end, begin);
  switch (id) {
    case kCustom: decode_custom_section(r); return;  // may stop early: its contents are free-form
    case kType: decode_type_section(r); break;
    case kImport: decode_import_section(r); break;
    case kFunction: decode_function_section(r); break;
    case kTable: decode_table_section(r); break;
    case kMemory: decode_memory_section(r); break;
    case kGlobal: decode_global_section(r); break;
    case kExport: decode_export_section(r); break;
    case kStart: decode_start_section(r); break;
    case kElement: decode_element_section(r); break;
    case kDataCount: decode_data_count_section(r); break;
    case kData: decode_data_section(r); break;
    default: throw_malformed(begin, "malformed section id");
  }
  if (!r.at_end()) throw_malformed(r.offset(), "section size mismatch");
}

void ModuleDecoder::decode_type_section(Reader& r) {
  uint32_t n = r.count(limits_.max_types, "types", 3);
  m_->types.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t at = r.offset();
    uint8_t form = r.u8();
    if (form != 0x60) throw_malformed(at, "integer representation too long: malformed function type");
    FuncType ft;
    uint32_t np = r.count(limits_.max_function_params, "parameters");
    ft.params.reserve(np);
    for (uint32_t k = 0; k < np; ++k) ft.params.push_back(read_val_type(r));
    uint32_t nr = r.count(limits_.max_function_results, "results");
    ft.results.reserve(nr);
    for (uint32_t k = 0; k < nr; ++k) ft.results.push_back(read_val_type(r));
    m_->types.push_back(std::move(ft));
  }
}

Limits ModuleDecoder::read_limits(Reader& r, uint64_t max_allowed, const char* what, bool is_memory) {
  uint64_t at = r.offset();
  uint8_t flags = r.u8();
  if (is_memory && flags == 3) throw_unsupported(at, "unsupported feature: shared memory (threads)");
  if (flags > 1) throw_malformed(at, "integer too large: malformed limits flags");
  Limits l;
  uint64_t min_at = r.offset();
  l.min = r.u32();
  if (flags == 1) l.max = r.u32();
  if (l.min > max_allowed)
    throw_invalid(min_at, std::string(what) + " size must be at most " + std::to_string(max_allowed));
  if (l.max && *l.max > max_allowed)
    throw_invalid(min_at, std::string(what) + " size must be at most " + std::to_string(max_allowed));
  if (l.max && l.min > *l.max) throw_invalid(min_at, "size minimum must not be greater than maximum");
  return l;
}

TableType ModuleDecoder::read_table_type(Reader& r) {
  TableType t;
  t.elem = read_ref_type(r);
  uint64_t at = r.offset();
  t.limits = read_limits(r, 0xFFFFFFFFull, "table", false);
  if (t.limits.min > limits_.max_table_elements) throw_limit(at, "table larger than the configured maximum");
  return t;
}

MemoryType ModuleDecoder::read_memory_type(Reader& r) {
  MemoryType t;
  uint64_t at = r.offset();
  t.limits = read_limits(r, kMaxWasmPages, "memory", true);
  if (t.limits.min > limits_.max_memory_pages) throw_limit(at, "memory larger than the configured maximum");
  return t;
}

GlobalType ModuleDecoder::read_global_type(Reader& r) {
  GlobalType g;
  g.type = read_val_type(r);
  uint64_t at = r.offset();
  uint8_t mut = r.u8();
  if (mut > 1) throw_malformed(at, "malformed mutability");
  g.mut = mut == 1;
  return g;
}

void ModuleDecoder::declare_func(uint32_t index) {
  if (m_->declared_funcs.size() < m_->func_types.size()) m_->declared_funcs.resize(m_->func_types.size());
  m_->declared_funcs[index] = true;
}

ConstExpr ModuleDecoder::read_const_expr(Reader& r, ValType expected) {
  ConstExpr e;
  uint64_t at = r.offset();
  uint8_t op = r.u8();
  switch (op) {
    case 0x41: e.kind = ConstExpr::Kind::Const; e.type = ValType::I32; e.bits = static_cast<uint32_t>(r.s32()); break;
    case 0x42: e.kind = ConstExpr::Kind::Const; e.type = ValType::I64; e.bits = static_cast<uint64_t>(r.s64()); break;
    case 0x43: e.kind = ConstExpr::Kind::Const; e.type = ValType::F32; e.bits = r.fixed_u32(); break;
    case 0x44: e.kind = ConstExpr::Kind::Const; e.type = ValType::F64; e.bits = r.fixed_u64(); break;
    case 0xD0: e.kind = ConstExpr::Kind::RefNull; e.type = read_ref_type(r); break;
    case 0xD2: {
      e.kind = ConstExpr::Kind::RefFunc;
      e.type = ValType::FuncRef;
      e.index = r.u32();
      if (e.index >= m_->func_types.size()) throw_invalid(at, "unknown function " + std::to_string(e.index));
      declare_func(e.index);
      break;
    }
    case 0x23: {
      e.kind = ConstExpr::Kind::GlobalGet;
      e.index = r.u32();
      // Wasm 2.0: only imported globals are visible to constant expressions.
      if (e.index >= m_->num_imported_globals) throw_invalid(at, "unknown global " + std::to_string(e.index));
      const GlobalType& g = m_->global_types[e.index];
      if (g.mut) throw_invalid(at, "constant expression required: global.get of a mutable global");
      e.type = g.type;
      break;
    }
    case 0x0B:
      throw_invalid(at, "type mismatch: empty constant expression");
    case 0xFD:
      throw_unsupported(at, "unsupported feature: SIMD operator (prefix 0xfd)");
    default:
      if (!is_known_opcode(op)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "illegal opcode 0x%02x", op);
        throw_malformed(at, buf);
      }
      throw_invalid(at, "constant expression required");
  }
  uint64_t end_at = r.offset();
  uint8_t end = r.u8();
  if (end != 0x0B) {
    // A second constant would leave two values; anything else is not constant.
    bool is_const = end == 0x41 || end == 0x42 || end == 0x43 || end == 0x44 || end == 0xD0 || end == 0xD2 || end == 0x23;
    throw_invalid(end_at, is_const ? "type mismatch: constant expression leaves more than one value"
                                   : "constant expression required");
  }
  if (e.type != expected) throw_invalid(at, "type mismatch in constant expression");
  return e;
}

void ModuleDecoder::decode_import_section(Reader& r) {
  uint32_t n = r.count(limits_.max_imports, "imports", 4);
  m_->imports.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Import imp;
    imp.module = r.name();
    imp.name = r.name();
    uint64_t at = r.offset();
    uint8_t kind = r.u8();
    switch (kind) {
      case 0: {
        imp.kind = ExternKind::Func;
        imp.func_type = r.u32();
        if (imp.func_type >= m_->types.size()) throw_invalid(at, "unknown type " + std::to_string(imp.func_type));
        if (m_->func_types.size() >= limits_.max_functions) throw_limit(at, "too many functions");
        m_->func_types.push_back(imp.func_type);
        ++m_->num_imported_funcs;
        break;
      }
      case 1:
        imp.kind = ExternKind::Table;
        imp.table = read_table_type(r);
        if (m_->tables.size() >= limits_.max_tables) throw_limit(at, "too many tables");
        m_->tables.push_back(imp.table);
        ++m_->num_imported_tables;
        break;
      case 2:
        imp.kind = ExternKind::Memory;
        imp.memory = read_memory_type(r);
        m_->memories.push_back(imp.memory);
        ++m_->num_imported_memories;
        break;
      case 3:
        imp.kind = ExternKind::Global;
        imp.global = read_global_type(r);
        if (m_->global_types.size() >= limits_.max_globals) throw_limit(at, "too many globals");
        m_->global_types.push_back(imp.global);
        ++m_->num_imported_globals;
        break;
      default:
        throw_malformed(at, "malformed import kind");
    }
    m_->imports.push_back(std::move(imp));
  }
  if (m_->memories.size() > 1) throw_invalid(r.offset(), "multiple memories");
}

void ModuleDecoder::decode_function_section(Reader& r) {
  saw_function_section_ = true;
  uint32_t n = r.count(limits_.max_functions, "functions");
  if (static_cast<uint64_t>(n) + m_->func_types.size() > limits_.max_functions)
    throw_limit(r.offset(), "too many functions");
  m_->functions.resize(n);
  m_->func_types.reserve(m_->func_types.size() + n);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t at = r.offset();
    uint32_t t = r.u32();
    if (t >= m_->types.size()) throw_invalid(at, "unknown type " + std::to_string(t));
    m_->functions[i].type_index = t;
    m_->func_types.push_back(t);
  }
}

void ModuleDecoder::decode_table_section(Reader& r) {
  uint32_t n = r.count(limits_.max_tables, "tables", 3);
  if (static_cast<uint64_t>(n) + m_->tables.size() > limits_.max_tables) throw_limit(r.offset(), "too many tables");
  for (uint32_t i = 0; i < n; ++i) m_->tables.push_back(read_table_type(r));
}

void ModuleDecoder::decode_memory_section(Reader& r) {
  uint64_t at = r.offset();
  uint32_t n = r.count(1000, "memories", 2);
  for (uint32_t i = 0; i < n; ++i) m_->memories.push_back(read_memory_type(r));
  if (m_->memories.size() > 1) throw_invalid(at, "multiple memories");
}

void ModuleDecoder::decode_global_section(Reader& r) {
  uint32_t n = r.count(limits_.max_globals, "globals", 3);
  if (static_cast<uint64_t>(n) + m_->global_types.size() > limits_.max_globals)
    throw_limit(r.offset(), "too many globals");
  m_->globals.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    GlobalDef g;
    g.type = read_global_type(r);
    g.init = read_const_expr(r, g.type.type);
    m_->globals.push_back(g);
    m_->global_types.push_back(g.type);
  }
}

void ModuleDecoder::decode_export_section(Reader& r) {
  uint32_t n = r.count(limits_.max_exports, "exports", 3);
  std::unordered_set<std::string> names;
  m_->exports.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Export e;
    uint64_t name_at = r.offset();
    e.name = r.name();
    uint64_t at = r.offset();
    uint8_t kind = r.u8();
    e.index = r.u32();
    switch (kind) {
      case 0:
        e.kind = ExternKind::Func;
        if (e.index >= m_->func_types.size()) throw_invalid(at, "unknown function " + std::to_string(e.index));
        declare_func(e.index);
        break;
      case 1:
        e.kind = ExternKind::Table;
        if (e.index >= m_->tables.size()) throw_invalid(at, "unknown table " + std::to_string(e.index));
        break;
      case 2:
        e.kind = ExternKind::Memory;
        if (e.index >= m_->memories.size()) throw_invalid(at, "unknown memory " + std::to_string(e.index));
        break;
      case 3:
        e.kind = ExternKind::Global;
        if (e.index >= m_->global_types.size()) throw_invalid(at, "unknown global " + std::to_string(e.index));
        break;
      default:
        throw_malformed(at, "malformed export kind");
    }
    if (!names.insert(e.name).second) throw_invalid(name_at, "duplicate export name \"" + e.name + "\"");
    m_->exports.push_back(std::move(e));
  }
}

void ModuleDecoder::decode_start_section(Reader& r) {
  uint64_t at = r.offset();
  uint32_t f = r.u32();
  if (f >= m_->func_types.size()) throw_invalid(at, "unknown function " + std::to_string(f));
  const FuncType& t = m_->func_type(FuncIdx{f});
  if (!t.params.empty() || !t.results.empty()) throw_invalid(at, "start function must have type [] -> []");
  m_->start = f;
}

void ModuleDecoder::decode_element_section(Reader& r) {
  uint32_t n = r.count(limits_.max_elem_segments, "element segments");
  m_->elems.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t at = r.offset();
    uint32_t flags = r.u32();
    if (flags > 7) throw_malformed(at, "malformed elements segment kind");
    ElemSegment seg;
    const bool passive_or_declarative = flags & 1;
    const bool explicit_table = flags & 2;
    const bool uses_exprs = flags & 4;
    if (!passive_or_declarative) {
      seg.mode = SegmentMode::Active;
      if (explicit_table) seg.table_index = r.u32();
      if (seg.table_index >= m_->tables.size())
        throw_invalid(at, "unknown table " + std::to_string(seg.table_index));
      seg.offset = read_const_expr(r, ValType::I32);
    } else {
      seg.mode = explicit_table ? SegmentMode::Declarative : SegmentMode::Passive;
    }
    // Flags 0 and 4 imply funcref; the others name an element kind or type.
    if (flags != 0 && flags != 4) {
      if (uses_exprs) {
        seg.type = read_ref_type(r);
      } else {
        uint64_t kat = r.offset();
        if (r.u8() != 0x00) throw_malformed(kat, "malformed element kind");
        seg.type = ValType::FuncRef;
      }
    }
    uint32_t count = r.count(limits_.max_table_elements, "segment elements");
    seg.items.reserve(count);
    for (uint32_t k = 0; k < count; ++k) {
      if (uses_exprs) {
        seg.items.push_back(read_const_expr(r, seg.type));
      } else {
        uint64_t fat = r.offset();
        ConstExpr e;
        e.kind = ConstExpr::Kind::RefFunc;
        e.type = ValType::FuncRef;
        e.index = r.u32();
        if (e.index >= m_->func_types.size()) throw_invalid(fat, "unknown function " + std::to_string(e.index));
        declare_func(e.index);
        seg.items.push_back(e);
      }
    }
    if (seg.mode == SegmentMode::Active && m_->tables[seg.table_index].elem != seg.type)
      throw_invalid(at, "type mismatch: element segment and table types differ");
    m_->elems.push_back(std::move(seg));
  }
}

void ModuleDecoder::decode_data_count_section(Reader& r) {
  uint64_t at = r.offset();
  uint32_t n = r.u32();
  if (n > limits_.max_data_segments) throw_limit(at, "too many data segments");
  m_->data_count = n;
}

void ModuleDecoder::decode_data_section(Reader& r) {
  saw_data_section_ = true;
  uint64_t count_at = r.offset();
  uint32_t n = r.count(limits_.max_data_segments, "data segments");
  if (m_->data_count && *m_->data_count != n)
    throw_malformed(count_at, "data count and data section have inconsistent lengths");
  m_->datas.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t at = r.offset();
    uint32_t flags = r.u32();
    DataSegment seg;
    switch (flags) {
      case 0:
        seg.mode = SegmentMode::Active;
        break;
      case 1:
        seg.mode = SegmentMode::Passive;
        break;
      case 2:
        seg.mode = SegmentMode::Active;
        seg.memory_index = r.u32();
        break;
      default:
        throw_malformed(at, "malformed data segment kind");
    }
    if (seg.mode == SegmentMode::Active) {
      if (seg.memory_index >= m_->memories.size())
        throw_invalid(at, "unknown memory " + std::to_string(seg.memory_index));
      seg.offset = read_const_expr(r, ValType::I32);
    }
    uint64_t len_at = r.offset();
    uint32_t len = r.u32();
    if (len > r.remaining()) throw_malformed(len_at, "unexpected end of section or function: data segment length out of bounds");
    seg.bytes_offset = static_cast<uint32_t>(r.offset());
    seg.bytes_size = len;
    r.skip(len);
    m_->datas.push_back(seg);
  }
}

void ModuleDecoder::decode_custom_section(Reader& r) {
  std::string name = r.name();
  if (name != "name") return;
  // The name section is debugging information: a damaged one is ignored.
  try {
    while (!r.at_end()) {
      uint8_t sub = r.u8();
      uint32_t size = r.u32();
      uint64_t sub_offset = r.offset();
      const uint8_t* sub_begin = r.bytes(size);
      Reader sr(sub_begin, sub_begin + size, sub_offset);
      if (sub == 0) {
        m_->module_name = sr.name();
      } else if (sub == 1) {
        uint32_t n = sr.count(limits_.max_functions, "function names", 2);
        for (uint32_t i = 0; i < n; ++i) {
          uint32_t idx = sr.u32();
          m_->func_names[idx] = sr.name();
        }
      }
    }
  } catch (const ModuleError&) {
  }
}

void ModuleDecoder::decode_function_body(size_t begin, size_t end) {
  FunctionDef& def = m_->functions[code_done_];
  def.body_offset = static_cast<uint32_t>(begin);
  def.body_size = static_cast<uint32_t>(end - begin);
  const uint8_t* b = m_->bytes.data();
  bodies_.on_body(*m_, DefinedFuncIdx{code_done_}, b + begin, b + end, begin);
}

}  // namespace detwasm::internal
