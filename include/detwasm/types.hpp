// Wasm type vocabulary shared by the decoder, the runtime and the embedding API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace detwasm {

// Value types, with their binary encodings as enumerator values.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

inline bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
inline bool is_num(ValType t) { return !is_ref(t) && t != ValType::V128; }
std::string_view to_string(ValType t);  // "i32", "funcref", ...
std::optional<ValType> val_type_from_string(std::string_view s);

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string to_string(const FuncType& t);  // "(i32 i64) -> (f32)"

struct Limits {
  uint32_t min = 0;
  std::optional<uint32_t> max;
  bool operator==(const Limits&) const = default;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
  bool operator==(const TableType&) const = default;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
  bool operator==(const MemoryType&) const = default;
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
  bool operator==(const GlobalType&) const = default;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
std::string_view to_string(ExternKind k);

struct ImportType {
  std::string module;
  std::string name;
  ExternKind kind;
  // Exactly the member matching `kind` is meaningful.
  FuncType func;
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct ExportType {
  std::string name;
  ExternKind kind;
  FuncType func;
  TableType table;
  MemoryType memory;
  GlobalType global;
};

constexpr uint32_t kWasmPageSize = 65536;
constexpr uint32_t kMaxWasmPages = 65536;  // 4 GiB, the wasm32 ceiling

}  // namespace detwasm
