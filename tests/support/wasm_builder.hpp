// Builds Wasm module bytes for tests, one section at a time.
//
//   ModuleBuilder m;
//   uint32_t t = m.add_type({{ValType::I32, ValType::I32}, {ValType::I32}});
//   uint32_t f = m.add_func(t, {}, Code().local_get(0).local_get(1).op(Opcode::I32Add));
//   m.add_export("add", ExternKind::Func, f);
//   std::vector<uint8_t> bytes = m.build();
//
// Function bodies and constant expressions are given WITHOUT their final
// `end`: the builder appends it. Indices returned by add_* are in the module's
// index spaces (imports first), so every import must be added before the first
// definition of its kind; the builder throws std::logic_error otherwise.
// Nothing is validated here: tests build invalid modules on purpose.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <detwasm/types.hpp>

#include "decode/opcodes.hpp"

namespace detwasm::test {

using internal::Opcode;

// Low-level writers shared by the builder and by tests that hand-craft
// (possibly malformed) bytes.
namespace wasm_bytes {

constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
constexpr uint8_t kVersion[4] = {0x01, 0x00, 0x00, 0x00};

enum class SectionId : uint8_t {
  Custom = 0,
  Type = 1,
  Import = 2,
  Function = 3,
  Table = 4,
  Memory = 5,
  Global = 6,
  Export = 7,
  Start = 8,
  Element = 9,
  Code = 10,
  Data = 11,
  DataCount = 12,
};

void put_u32(std::vector<uint8_t>& out, uint32_t v);  // unsigned LEB128
void put_u64(std::vector<uint8_t>& out, uint64_t v);
void put_s32(std::vector<uint8_t>& out, int32_t v);   // signed LEB128
void put_s64(std::vector<uint8_t>& out, int64_t v);
void put_bytes(std::vector<uint8_t>& out, std::span<const uint8_t> bytes);
// A vector of bytes: its length, then the bytes.
void put_sized(std::vector<uint8_t>& out, std::span<const uint8_t> bytes);
void put_name(std::vector<uint8_t>& out, std::string_view name);
void put_limits(std::vector<uint8_t>& out, const Limits& limits);
// Section id, payload size, payload.
void put_section(std::vector<uint8_t>& out, SectionId id, std::span<const uint8_t> payload);
// The 8-byte preamble (magic and version).
std::vector<uint8_t> preamble();

}  // namespace wasm_bytes

// Access size of a load or store, as log2 of bytes (its natural alignment).
uint32_t natural_align_log2(Opcode opcode);

// The type of a block, loop or if: empty, one result, or a type index.
struct BlockType {
  enum class Kind : uint8_t { Empty, Value, TypeIndex };
  Kind kind = Kind::Empty;
  ValType value = ValType::I32;
  uint32_t type_index = 0;

  static BlockType empty() { return {}; }
  static BlockType of(ValType t) { return {Kind::Value, t, 0}; }
  static BlockType index(uint32_t type_index) { return {Kind::TypeIndex, ValType::I32, type_index}; }
};

// An instruction sequence. Each method appends one instruction with its
// immediates and returns *this, so sequences read in order.
class Code {
 public:
  Code() = default;

  // Any operator without immediates (numeric ops, drop, select, ...),
  // including 0xFC-prefixed ones.
  Code& op(Opcode opcode);
  // Raw bytes, for malformed sequences.
  Code& raw(std::span<const uint8_t> bytes);
  Code& raw(std::initializer_list<uint8_t> bytes);
  Code& append(const Code& other);

  // Control.
  Code& unreachable();
  Code& nop();
  Code& block(BlockType type = BlockType::empty());
  Code& loop(BlockType type = BlockType::empty());
  Code& if_(BlockType type = BlockType::empty());
  Code& else_();
  Code& end();
  Code& br(uint32_t depth);
  Code& br_if(uint32_t depth);
  Code& br_table(std::span<const uint32_t> depths, uint32_t default_depth);
  Code& return_();
  Code& call(uint32_t func_index);
  Code& call_indirect(uint32_t type_index, uint32_t table_index = 0);

  // Parametric.
  Code& drop();
  Code& select();                // untyped: numeric operands only
  Code& select(ValType type);    // typed (0x1C with one type)

  // Variables.
  Code& local_get(uint32_t index);
  Code& local_set(uint32_t index);
  Code& local_tee(uint32_t index);
  Code& global_get(uint32_t index);
  Code& global_set(uint32_t index);

  // Constants; float constants take raw bits so any NaN can be written.
  Code& i32_const(int32_t v);
  Code& i64_const(int64_t v);
  Code& f32_const_bits(uint32_t bits);
  Code& f64_const_bits(uint64_t bits);
  Code& f32_const(float v);
  Code& f64_const(double v);

  // Memory. `align_log2` is the alignment exponent as encoded; nullopt means
  // the natural alignment of the operator.
  Code& load(Opcode opcode, uint32_t offset = 0, std::optional<uint32_t> align_log2 = std::nullopt);
  Code& store(Opcode opcode, uint32_t offset = 0, std::optional<uint32_t> align_log2 = std::nullopt);
  Code& memory_size();
  Code& memory_grow();
  Code& memory_init(uint32_t data_index);
  Code& data_drop(uint32_t data_index);
  Code& memory_copy();
  Code& memory_fill();

  // References and tables.
  Code& ref_null(ValType type);
  Code& ref_is_null();
  Code& ref_func(uint32_t func_index);
  Code& table_get(uint32_t table_index);
  Code& table_set(uint32_t table_index);
  Code& table_init(uint32_t elem_index, uint32_t table_index = 0);
  Code& elem_drop(uint32_t elem_index);
  Code& table_copy(uint32_t dst_table, uint32_t src_table);
  Code& table_grow(uint32_t table_index);
  Code& table_size(uint32_t table_index);
  Code& table_fill(uint32_t table_index);

  const std::vector<uint8_t>& bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

 private:
  Code& opcode_(Opcode opcode);
  Code& memarg_(uint32_t align_log2, uint32_t offset);
  Code& block_type_(BlockType type);

  std::vector<uint8_t> bytes_;
};

// An element segment. Items are function indices (the compact encodings) or,
// when `exprs` is non-empty, constant expressions without their final `end`.
struct ElemSegmentDef {
  enum class Mode : uint8_t { Active, Passive, Declarative };
  Mode mode = Mode::Active;
  uint32_t table_index = 0;
  Code offset;                      // active only
  ValType type = ValType::FuncRef;
  std::vector<uint32_t> func_indices;
  std::vector<Code> exprs;
  bool use_exprs = false;           // use the expression encodings even if exprs is empty
  // Active segments on table 0 holding funcrefs have a short encoding that
  // omits the table index and the element kind; this forces the long one.
  bool explicit_table = false;
};

struct DataSegmentDef {
  enum class Mode : uint8_t { Active, Passive };
  Mode mode = Mode::Active;
  uint32_t memory_index = 0;
  Code offset;  // active only
  std::vector<uint8_t> bytes;
  bool explicit_memory = false;  // use encoding 2 even for memory 0
};

struct FunctionDef {
  uint32_t type_index = 0;
  std::vector<ValType> locals;  // declared locals, in order; run-length encoded on output
  Code body;                    // without the final `end`
};

class ModuleBuilder {
 public:
  // Types.
  uint32_t add_type(FuncType type);   // always a new entry
  uint32_t type_index(const FuncType& type);  // an existing equal entry, or a new one
  const FuncType& type(uint32_t index) const { return types_.at(index); }
  uint32_t num_types() const { return static_cast<uint32_t>(types_.size()); }

  // Imports (each returns its index in the kind's index space).
  uint32_t import_func(std::string module, std::string name, uint32_t type_index);
  uint32_t import_table(std::string module, std::string name, TableType type);
  uint32_t import_memory(std::string module, std::string name, MemoryType type);
  uint32_t import_global(std::string module, std::string name, GlobalType type);

  // Definitions.
  uint32_t add_func(uint32_t type_index, std::vector<ValType> locals, Code body);
  uint32_t add_func(const FuncType& type, std::vector<ValType> locals, Code body) {
    return add_func(type_index(type), std::move(locals), std::move(body));
  }
  // The definition of a function added with add_func, to fill in later (for
  // bodies that call functions not yet added).
  FunctionDef& func(uint32_t func_index);
  uint32_t add_table(TableType type);
  uint32_t add_memory(MemoryType type);
  uint32_t add_global(GlobalType type, Code init);
  void add_export(std::string name, ExternKind kind, uint32_t index);
  void set_start(uint32_t func_index) { start_ = func_index; }
  uint32_t add_elem(ElemSegmentDef segment);
  uint32_t add_data(DataSegmentDef segment);
  // Active segment shorthands (table 0 / memory 0).
  uint32_t add_active_elem(uint32_t offset, std::vector<uint32_t> func_indices);
  uint32_t add_active_data(uint32_t offset, std::vector<uint8_t> bytes);
  uint32_t add_passive_data(std::vector<uint8_t> bytes);
  // memory.init and data.drop need a data count section; it is written when
  // this is set (default: only when there are passive data segments).
  void set_data_count(bool emit) { data_count_ = emit; }
  // Appended after all other sections.
  void add_custom_section(std::string name, std::vector<uint8_t> payload);

  uint32_t num_funcs() const { return num_imported_funcs_ + static_cast<uint32_t>(funcs_.size()); }
  uint32_t num_tables() const { return num_imported_tables_ + static_cast<uint32_t>(tables_.size()); }
  uint32_t num_memories() const { return num_imported_memories_ + static_cast<uint32_t>(memories_.size()); }
  uint32_t num_globals() const { return num_imported_globals_ + static_cast<uint32_t>(globals_.size()); }

  std::vector<uint8_t> build() const;

 private:
  struct ImportDef {
    std::string module, name;
    ExternKind kind = ExternKind::Func;
    uint32_t type_index = 0;
    TableType table;
    MemoryType memory;
    GlobalType global;
  };
  struct GlobalDef {
    GlobalType type;
    Code init;
  };
  struct ExportDef {
    std::string name;
    ExternKind kind;
    uint32_t index;
  };
  struct CustomDef {
    std::string name;
    std::vector<uint8_t> payload;
  };

  void check_import_order_(ExternKind kind) const;
  ImportDef make_import_(std::string module, std::string name, ExternKind kind);

  std::vector<FuncType> types_;
  std::vector<ImportDef> imports_;
  uint32_t num_imported_funcs_ = 0, num_imported_tables_ = 0;
  uint32_t num_imported_memories_ = 0, num_imported_globals_ = 0;
  std::vector<FunctionDef> funcs_;
  std::vector<TableType> tables_;
  std::vector<MemoryType> memories_;
  std::vector<GlobalDef> globals_;
  std::vector<ExportDef> exports_;
  std::optional<uint32_t> start_;
  std::vector<ElemSegmentDef> elems_;
  std::vector<DataSegmentDef> datas_;
  std::optional<bool> data_count_;
  std::vector<CustomDef> customs_;
};

}  // namespace detwasm::test
