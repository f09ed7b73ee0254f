// What a module declares, as decoded and validated: its types, imports,
// functions, tables, memories, globals, exports, segments and names, with
// what the body decoder learnt of each function. It holds no compiled code
// and nothing of any engine, so an artifact or another engine can take it
// as it is (module_data.hpp puts the three together).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <detwasm/detwasm.hpp>
#include <detwasm/types.hpp>

#include "module/func_index.hpp"

namespace detwasm::internal {

// A constant expression as Wasm 2.0 allows it: one constant, ref.null,
// ref.func or global.get.
struct ConstExpr {
  enum class Kind : uint8_t { Const, GlobalGet, RefNull, RefFunc };
  Kind kind = Kind::Const;
  ValType type = ValType::I32;
  uint64_t bits = 0;    // for Const
  uint32_t index = 0;   // global or function index
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0;  // type index, for functions
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

struct GlobalDef {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  ValType type = ValType::FuncRef;
  uint32_t table_index = 0;
  ConstExpr offset;
  std::vector<ConstExpr> items;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t memory_index = 0;
  ConstExpr offset;
  uint32_t bytes_offset = 0;  // into ModuleDecls::bytes
  uint32_t bytes_size = 0;
};

// A run of declared locals of one type: indices [previous run's end, end).
// Kept compressed so that one declaration of many locals costs O(1).
struct LocalRun {
  uint32_t end = 0;  // one past the last local index of the run (params included)
  ValType type = ValType::I32;
};

// A function defined by the module (not imported), as declared and as the
// body decoder found it; its code is in ModuleCode.
struct FunctionDef {
  uint32_t type_index = 0;
  uint32_t body_offset = 0;       // of the body's first byte (locals) in the module
  uint32_t body_size = 0;
  std::vector<LocalRun> local_runs;  // declared locals, run-length encoded as in the binary
  uint32_t num_locals = 0;        // params + declared locals
  uint32_t max_stack_height = 0;  // operand stack, in values
  uint64_t stack_cost = 0;        // kFrameOverheadSlots + num_locals + max_stack_height
};

struct ModuleDecls {
  // The exact module bytes when decoded; from an artifact, the bytes of the
  // data segments only (DataSegment::bytes_offset points into either).
  std::vector<uint8_t> bytes;
  ModuleHash hash{};

  std::vector<FuncType> types;

  std::vector<Import> imports;
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  std::vector<uint32_t> func_types;   // type index of every function, imported first
  std::vector<TableType> tables;      // every table, imported first
  std::vector<MemoryType> memories;   // every memory, imported first
  std::vector<GlobalType> global_types;  // every global, imported first
  std::vector<GlobalDef> globals;     // defined globals only

  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<FunctionDef> functions;  // defined functions only
  std::vector<bool> declared_funcs;    // function indices that ref.func may name

  std::string module_name;                              // from the name section
  std::unordered_map<uint32_t, std::string> func_names; // from the name section

  // The defined function at `f`; nullopt for an imported one.
  std::optional<DefinedFuncIdx> defined(FuncIdx f) const {
    if (f.value < num_imported_funcs) return std::nullopt;
    return DefinedFuncIdx{f.value - num_imported_funcs};
  }
  FuncIdx func_index(DefinedFuncIdx d) const { return FuncIdx{num_imported_funcs + d.value}; }
  const FunctionDef& function(DefinedFuncIdx d) const { return functions[d.value]; }
  FunctionDef& function(DefinedFuncIdx d) { return functions[d.value]; }

  const FuncType& func_type(FuncIdx f) const { return types[func_types[f.value]]; }
  std::string func_name(FuncIdx f) const {
    auto it = func_names.find(f.value);
    return it == func_names.end() ? std::string() : it->second;
  }
};

}  // namespace detwasm::internal
