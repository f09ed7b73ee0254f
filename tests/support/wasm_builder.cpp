#include "support/wasm_builder.hpp"

#include <bit>
#include <stdexcept>

#include "util/leb128.hpp"

namespace detwasm::test {

namespace wasm_bytes {

void put_u32(std::vector<uint8_t>& out, uint32_t v) { leb128::encode<uint32_t>(out, v); }
void put_u64(std::vector<uint8_t>& out, uint64_t v) { leb128::encode<uint64_t>(out, v); }
void put_s32(std::vector<uint8_t>& out, int32_t v) { leb128::encode<int32_t>(out, v); }
void put_s64(std::vector<uint8_t>& out, int64_t v) { leb128::encode<int64_t>(out, v); }

void put_bytes(std::vector<uint8_t>& out, std::span<const uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void put_sized(std::vector<uint8_t>& out, std::span<const uint8_t> bytes) {
  put_u32(out, static_cast<uint32_t>(bytes.size()));
  put_bytes(out, bytes);
}

void put_name(std::vector<uint8_t>& out, std::string_view name) {
  put_u32(out, static_cast<uint32_t>(name.size()));
  out.insert(out.end(), name.begin(), name.end());
}

void put_limits(std::vector<uint8_t>& out, const Limits& limits) {
  out.push_back(limits.max ? 0x01 : 0x00);
  put_u32(out, limits.min);
  if (limits.max) put_u32(out, *limits.max);
}

void put_section(std::vector<uint8_t>& out, SectionId id, std::span<const uint8_t> payload) {
  out.push_back(static_cast<uint8_t>(id));
  put_sized(out, payload);
}

std::vector<uint8_t> preamble() {
  return {kMagic[0], kMagic[1], kMagic[2], kMagic[3], kVersion[0], kVersion[1], kVersion[2], kVersion[3]};
}

}  // namespace wasm_bytes

using namespace wasm_bytes;

uint32_t natural_align_log2(Opcode opcode) {
  switch (opcode) {
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2, ...) \
  case Opcode::Name:                                        \
    return size_log2;
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2, ...) \
  case Opcode::Name:                                        \
    return size_log2;
#include "decode/opcodes.def"
    default: throw std::logic_error("natural_align_log2: not a load or store");
  }
}

// ---------------------------------------------------------------------------
// Code

Code& Code::opcode_(Opcode opcode) {
  auto value = static_cast<uint16_t>(opcode);
  if (value > 0xFF) {
    bytes_.push_back(static_cast<uint8_t>(value >> 8));
    put_u32(bytes_, value & 0xFF);
  } else {
    bytes_.push_back(static_cast<uint8_t>(value));
  }
  return *this;
}

Code& Code::memarg_(uint32_t align_log2, uint32_t offset) {
  put_u32(bytes_, align_log2);
  put_u32(bytes_, offset);
  return *this;
}

Code& Code::block_type_(BlockType type) {
  switch (type.kind) {
    case BlockType::Kind::Empty: bytes_.push_back(0x40); break;
    case BlockType::Kind::Value: bytes_.push_back(static_cast<uint8_t>(type.value)); break;
    // A type index is a positive s33.
    case BlockType::Kind::TypeIndex: put_s64(bytes_, type.type_index); break;
  }
  return *this;
}

Code& Code::op(Opcode opcode) { return opcode_(opcode); }
Code& Code::raw(std::span<const uint8_t> bytes) {
  put_bytes(bytes_, bytes);
  return *this;
}
Code& Code::raw(std::initializer_list<uint8_t> bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return *this;
}
Code& Code::append(const Code& other) { return raw(other.bytes_); }

Code& Code::unreachable() { return opcode_(Opcode::Unreachable); }
Code& Code::nop() { return opcode_(Opcode::Nop); }
Code& Code::block(BlockType type) { return opcode_(Opcode::Block).block_type_(type); }
Code& Code::loop(BlockType type) { return opcode_(Opcode::Loop).block_type_(type); }
Code& Code::if_(BlockType type) { return opcode_(Opcode::If).block_type_(type); }
Code& Code::else_() { return opcode_(Opcode::Else); }
Code& Code::end() { return opcode_(Opcode::End); }

Code& Code::br(uint32_t depth) {
  opcode_(Opcode::Br);
  put_u32(bytes_, depth);
  return *this;
}

Code& Code::br_if(uint32_t depth) {
  opcode_(Opcode::BrIf);
  put_u32(bytes_, depth);
  return *this;
}

Code& Code::br_table(std::span<const uint32_t> depths, uint32_t default_depth) {
  opcode_(Opcode::BrTable);
  put_u32(bytes_, static_cast<uint32_t>(depths.size()));
  for (uint32_t d : depths) put_u32(bytes_, d);
  put_u32(bytes_, default_depth);
  return *this;
}

Code& Code::return_() { return opcode_(Opcode::Return); }

Code& Code::call(uint32_t func_index) {
  opcode_(Opcode::Call);
  put_u32(bytes_, func_index);
  return *this;
}

Code& Code::call_indirect(uint32_t type_index, uint32_t table_index) {
  opcode_(Opcode::CallIndirect);
  put_u32(bytes_, type_index);
  put_u32(bytes_, table_index);
  return *this;
}

Code& Code::drop() { return opcode_(Opcode::Drop); }
Code& Code::select() { return opcode_(Opcode::Select); }
Code& Code::select(ValType type) {
  opcode_(Opcode::SelectTyped);
  put_u32(bytes_, 1);
  bytes_.push_back(static_cast<uint8_t>(type));
  return *this;
}

Code& Code::local_get(uint32_t index) {
  opcode_(Opcode::LocalGet);
  put_u32(bytes_, index);
  return *this;
}
Code& Code::local_set(uint32_t index) {
  opcode_(Opcode::LocalSet);
  put_u32(bytes_, index);
  return *this;
}
Code& Code::local_tee(uint32_t index) {
  opcode_(Opcode::LocalTee);
  put_u32(bytes_, index);
  return *this;
}
Code& Code::global_get(uint32_t index) {
  opcode_(Opcode::GlobalGet);
  put_u32(bytes_, index);
  return *this;
}
Code& Code::global_set(uint32_t index) {
  opcode_(Opcode::GlobalSet);
  put_u32(bytes_, index);
  return *this;
}

Code& Code::i32_const(int32_t v) {
  opcode_(Opcode::I32Const);
  put_s32(bytes_, v);
  return *this;
}
Code& Code::i64_const(int64_t v) {
  opcode_(Opcode::I64Const);
  put_s64(bytes_, v);
  return *this;
}
Code& Code::f32_const_bits(uint32_t bits) {
  opcode_(Opcode::F32Const);
  for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  return *this;
}
Code& Code::f64_const_bits(uint64_t bits) {
  opcode_(Opcode::F64Const);
  for (int i = 0; i < 8; ++i) bytes_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  return *this;
}
Code& Code::f32_const(float v) { return f32_const_bits(std::bit_cast<uint32_t>(v)); }
Code& Code::f64_const(double v) { return f64_const_bits(std::bit_cast<uint64_t>(v)); }

Code& Code::load(Opcode opcode, uint32_t offset, std::optional<uint32_t> align_log2) {
  opcode_(opcode);
  return memarg_(align_log2.value_or(natural_align_log2(opcode)), offset);
}
Code& Code::store(Opcode opcode, uint32_t offset, std::optional<uint32_t> align_log2) {
  return load(opcode, offset, align_log2);
}

Code& Code::memory_size() {
  opcode_(Opcode::MemorySize);
  bytes_.push_back(0x00);
  return *this;
}
Code& Code::memory_grow() {
  opcode_(Opcode::MemoryGrow);
  bytes_.push_back(0x00);
  return *this;
}
Code& Code::memory_init(uint32_t data_index) {
  opcode_(Opcode::MemoryInit);
  put_u32(bytes_, data_index);
  bytes_.push_back(0x00);
  return *this;
}
Code& Code::data_drop(uint32_t data_index) {
  opcode_(Opcode::DataDrop);
  put_u32(bytes_, data_index);
  return *this;
}
Code& Code::memory_copy() {
  opcode_(Opcode::MemoryCopy);
  bytes_.push_back(0x00);
  bytes_.push_back(0x00);
  return *this;
}
Code& Code::memory_fill() {
  opcode_(Opcode::MemoryFill);
  bytes_.push_back(0x00);
  return *this;
}

Code& Code::ref_null(ValType type) {
  opcode_(Opcode::RefNull);
  bytes_.push_back(static_cast<uint8_t>(type));
  return *this;
}
Code& Code::ref_is_null() { return opcode_(Opcode::RefIsNull); }
Code& Code::ref_func(uint32_t func_index) {
  opcode_(Opcode::RefFunc);
  put_u32(bytes_, func_index);
  return *this;
}
Code& Code::table_get(uint32_t table_index) {
  opcode_(Opcode::TableGet);
  put_u32(bytes_, table_index);
  return *this;
}
Code& Code::table_set(uint32_t table_index) {
  opcode_(Opcode::TableSet);
  put_u32(bytes_, table_index);
  return *this;
}
Code& Code::table_init(uint32_t elem_index, uint32_t table_index) {
  opcode_(Opcode::TableInit);
  put_u32(bytes_, elem_index);
  put_u32(bytes_, table_index);
  return *this;
}
Code& Code::elem_drop(uint32_t elem_index) {
  opcode_(Opcode::ElemDrop);
  put_u32(bytes_, elem_index);
  return *this;
}
Code& Code::table_copy(uint32_t dst_table, uint32_t src_table) {
  opcode_(Opcode::TableCopy);
  put_u32(bytes_, dst_table);
  put_u32(bytes_, src_table);
  return *this;
}
Code& Code::table_grow(uint32_t table_index) {
  opcode_(Opcode::TableGrow);
  put_u32(bytes_, table_index);
  return *this;
}
Code& Code::table_size(uint32_t table_index) {
  opcode_(Opcode::TableSize);
  put_u32(bytes_, table_index);
  return *this;
}
Code& Code::table_fill(uint32_t table_index) {
  opcode_(Opcode::TableFill);
  put_u32(bytes_, table_index);
  return *this;
}

// ---------------------------------------------------------------------------
// ModuleBuilder

uint32_t ModuleBuilder::add_type(FuncType type) {
  types_.push_back(std::move(type));
  return static_cast<uint32_t>(types_.size() - 1);
}

uint32_t ModuleBuilder::type_index(const FuncType& type) {
  for (uint32_t i = 0; i < types_.size(); ++i)
    if (types_[i] == type) return i;
  return add_type(type);
}

ModuleBuilder::ImportDef ModuleBuilder::make_import_(std::string module, std::string name, ExternKind kind) {
  check_import_order_(kind);
  ImportDef d;
  d.module = std::move(module);
  d.name = std::move(name);
  d.kind = kind;
  return d;
}

void ModuleBuilder::check_import_order_(ExternKind kind) const {
  bool defined = false;
  switch (kind) {
    case ExternKind::Func: defined = !funcs_.empty(); break;
    case ExternKind::Table: defined = !tables_.empty(); break;
    case ExternKind::Memory: defined = !memories_.empty(); break;
    case ExternKind::Global: defined = !globals_.empty(); break;
  }
  // Imports come first in each index space; a late import would silently
  // shift indices already handed out.
  if (defined) throw std::logic_error("ModuleBuilder: import added after a definition of its kind");
}

uint32_t ModuleBuilder::import_func(std::string module, std::string name, uint32_t type_index) {
  ImportDef d = make_import_(std::move(module), std::move(name), ExternKind::Func);
  d.type_index = type_index;
  imports_.push_back(std::move(d));
  return num_imported_funcs_++;
}

uint32_t ModuleBuilder::import_table(std::string module, std::string name, TableType type) {
  ImportDef d = make_import_(std::move(module), std::move(name), ExternKind::Table);
  d.table = type;
  imports_.push_back(std::move(d));
  return num_imported_tables_++;
}

uint32_t ModuleBuilder::import_memory(std::string module, std::string name, MemoryType type) {
  ImportDef d = make_import_(std::move(module), std::move(name), ExternKind::Memory);
  d.memory = type;
  imports_.push_back(std::move(d));
  return num_imported_memories_++;
}

uint32_t ModuleBuilder::import_global(std::string module, std::string name, GlobalType type) {
  ImportDef d = make_import_(std::move(module), std::move(name), ExternKind::Global);
  d.global = type;
  imports_.push_back(std::move(d));
  return num_imported_globals_++;
}

uint32_t ModuleBuilder::add_func(uint32_t type_index, std::vector<ValType> locals, Code body) {
  funcs_.push_back({type_index, std::move(locals), std::move(body)});
  return num_funcs() - 1;
}

FunctionDef& ModuleBuilder::func(uint32_t func_index) {
  if (func_index < num_imported_funcs_) throw std::logic_error("ModuleBuilder::func: an imported function");
  return funcs_.at(func_index - num_imported_funcs_);
}

uint32_t ModuleBuilder::add_table(TableType type) {
  tables_.push_back(type);
  return num_tables() - 1;
}

uint32_t ModuleBuilder::add_memory(MemoryType type) {
  memories_.push_back(type);
  return num_memories() - 1;
}

uint32_t ModuleBuilder::add_global(GlobalType type, Code init) {
  globals_.push_back({type, std::move(init)});
  return num_globals() - 1;
}

void ModuleBuilder::add_export(std::string name, ExternKind kind, uint32_t index) {
  exports_.push_back({std::move(name), kind, index});
}

uint32_t ModuleBuilder::add_elem(ElemSegmentDef segment) {
  elems_.push_back(std::move(segment));
  return static_cast<uint32_t>(elems_.size() - 1);
}

uint32_t ModuleBuilder::add_data(DataSegmentDef segment) {
  datas_.push_back(std::move(segment));
  return static_cast<uint32_t>(datas_.size() - 1);
}

uint32_t ModuleBuilder::add_active_elem(uint32_t offset, std::vector<uint32_t> func_indices) {
  ElemSegmentDef s;
  s.offset.i32_const(static_cast<int32_t>(offset));
  s.func_indices = std::move(func_indices);
  return add_elem(std::move(s));
}

uint32_t ModuleBuilder::add_active_data(uint32_t offset, std::vector<uint8_t> bytes) {
  DataSegmentDef s;
  s.offset.i32_const(static_cast<int32_t>(offset));
  s.bytes = std::move(bytes);
  return add_data(std::move(s));
}

uint32_t ModuleBuilder::add_passive_data(std::vector<uint8_t> bytes) {
  DataSegmentDef s;
  s.mode = DataSegmentDef::Mode::Passive;
  s.bytes = std::move(bytes);
  return add_data(std::move(s));
}

void ModuleBuilder::add_custom_section(std::string name, std::vector<uint8_t> payload) {
  customs_.push_back({std::move(name), std::move(payload)});
}

namespace {

void put_expr(std::vector<uint8_t>& out, const Code& expr) {
  put_bytes(out, expr.bytes());
  out.push_back(static_cast<uint8_t>(Opcode::End));
}

void put_val_types(std::vector<uint8_t>& out, const std::vector<ValType>& types) {
  put_u32(out, static_cast<uint32_t>(types.size()));
  for (ValType t : types) out.push_back(static_cast<uint8_t>(t));
}

// Declared locals as (count, type) runs.
void put_locals(std::vector<uint8_t>& out, const std::vector<ValType>& locals) {
  std::vector<std::pair<uint32_t, ValType>> runs;
  for (ValType t : locals) {
    if (!runs.empty() && runs.back().second == t)
      ++runs.back().first;
    else
      runs.push_back({1, t});
  }
  put_u32(out, static_cast<uint32_t>(runs.size()));
  for (auto [count, t] : runs) {
    put_u32(out, count);
    out.push_back(static_cast<uint8_t>(t));
  }
}

void put_elem(std::vector<uint8_t>& out, const ElemSegmentDef& s) {
  using Mode = ElemSegmentDef::Mode;
  bool exprs = s.use_exprs || !s.exprs.empty() || s.type != ValType::FuncRef;
  bool explicit_table = s.mode == Mode::Active && (s.explicit_table || s.table_index != 0);
  uint32_t flags = 0;
  switch (s.mode) {
    case Mode::Active: flags = explicit_table ? 2 : 0; break;
    case Mode::Passive: flags = 1; break;
    case Mode::Declarative: flags = 3; break;
  }
  if (exprs) flags |= 4;
  put_u32(out, flags);
  if (explicit_table) put_u32(out, s.table_index);
  if (s.mode == Mode::Active) put_expr(out, s.offset);
  // Every form except 0 and 4 names the element kind (0x00 = funcref) or reference type.
  if (flags != 0 && flags != 4) out.push_back(exprs ? static_cast<uint8_t>(s.type) : 0x00);
  if (exprs) {
    put_u32(out, static_cast<uint32_t>(s.exprs.size()));
    for (const Code& e : s.exprs) put_expr(out, e);
  } else {
    put_u32(out, static_cast<uint32_t>(s.func_indices.size()));
    for (uint32_t f : s.func_indices) put_u32(out, f);
  }
}

void put_data(std::vector<uint8_t>& out, const DataSegmentDef& s) {
  if (s.mode == DataSegmentDef::Mode::Passive) {
    put_u32(out, 1);
  } else if (s.explicit_memory || s.memory_index != 0) {
    put_u32(out, 2);
    put_u32(out, s.memory_index);
    put_expr(out, s.offset);
  } else {
    put_u32(out, 0);
    put_expr(out, s.offset);
  }
  put_sized(out, s.bytes);
}

}  // namespace

std::vector<uint8_t> ModuleBuilder::build() const {
  std::vector<uint8_t> out = preamble();
  std::vector<uint8_t> p;
  auto section = [&](SectionId id) {
    put_section(out, id, p);
    p.clear();
  };

  if (!types_.empty()) {
    put_u32(p, static_cast<uint32_t>(types_.size()));
    for (const FuncType& t : types_) {
      p.push_back(0x60);
      put_val_types(p, t.params);
      put_val_types(p, t.results);
    }
    section(SectionId::Type);
  }

  if (!imports_.empty()) {
    put_u32(p, static_cast<uint32_t>(imports_.size()));
    for (const ImportDef& i : imports_) {
      put_name(p, i.module);
      put_name(p, i.name);
      p.push_back(static_cast<uint8_t>(i.kind));
      switch (i.kind) {
        case ExternKind::Func: put_u32(p, i.type_index); break;
        case ExternKind::Table:
          p.push_back(static_cast<uint8_t>(i.table.elem));
          put_limits(p, i.table.limits);
          break;
        case ExternKind::Memory: put_limits(p, i.memory.limits); break;
        case ExternKind::Global:
          p.push_back(static_cast<uint8_t>(i.global.type));
          p.push_back(i.global.mut ? 0x01 : 0x00);
          break;
      }
    }
    section(SectionId::Import);
  }

  if (!funcs_.empty()) {
    put_u32(p, static_cast<uint32_t>(funcs_.size()));
    for (const FunctionDef& f : funcs_) put_u32(p, f.type_index);
    section(SectionId::Function);
  }

  if (!tables_.empty()) {
    put_u32(p, static_cast<uint32_t>(tables_.size()));
    for (const TableType& t : tables_) {
      p.push_back(static_cast<uint8_t>(t.elem));
      put_limits(p, t.limits);
    }
    section(SectionId::Table);
  }

  if (!memories_.empty()) {
    put_u32(p, static_cast<uint32_t>(memories_.size()));
    for (const MemoryType& m : memories_) put_limits(p, m.limits);
    section(SectionId::Memory);
  }

  if (!globals_.empty()) {
    put_u32(p, static_cast<uint32_t>(globals_.size()));
    for (const GlobalDef& g : globals_) {
      p.push_back(static_cast<uint8_t>(g.type.type));
      p.push_back(g.type.mut ? 0x01 : 0x00);
      put_expr(p, g.init);
    }
    section(SectionId::Global);
  }

  if (!exports_.empty()) {
    put_u32(p, static_cast<uint32_t>(exports_.size()));
    for (const ExportDef& e : exports_) {
      put_name(p, e.name);
      p.push_back(static_cast<uint8_t>(e.kind));
      put_u32(p, e.index);
    }
    section(SectionId::Export);
  }

  if (start_) {
    put_u32(p, *start_);
    section(SectionId::Start);
  }

  if (!elems_.empty()) {
    put_u32(p, static_cast<uint32_t>(elems_.size()));
    for (const ElemSegmentDef& s : elems_) put_elem(p, s);
    section(SectionId::Element);
  }

  bool any_passive = false;
  for (const DataSegmentDef& s : datas_) any_passive |= s.mode == DataSegmentDef::Mode::Passive;
  if (data_count_.value_or(any_passive)) {
    put_u32(p, static_cast<uint32_t>(datas_.size()));
    section(SectionId::DataCount);
  }

  if (!funcs_.empty()) {
    put_u32(p, static_cast<uint32_t>(funcs_.size()));
    for (const FunctionDef& f : funcs_) {
      std::vector<uint8_t> body;
      put_locals(body, f.locals);
      put_expr(body, f.body);
      put_sized(p, body);
    }
    section(SectionId::Code);
  }

  if (!datas_.empty()) {
    put_u32(p, static_cast<uint32_t>(datas_.size()));
    for (const DataSegmentDef& s : datas_) put_data(p, s);
    section(SectionId::Data);
  }

  for (const CustomDef& c : customs_) {
    put_name(p, c.name);
    put_bytes(p, c.payload);
    section(SectionId::Custom);
  }
  return out;
}

}  // namespace detwasm::test
