// The Opcode enumeration and per-operator facts, generated from opcodes.def.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <detwasm/gas.hpp>
#include <detwasm/types.hpp>

namespace detwasm::internal {

enum class Opcode : uint16_t {
#define DETWASM_CONTROL_OP(Name, opcode, text, Gas) Name = opcode,
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, Gas) Name = opcode,
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2, Gas) Name = opcode,
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2, Gas) Name = opcode,
#include "decode/opcodes.def"
};

constexpr uint16_t kPrefixMisc = 0xFC;  // 0xFC-prefixed operators: 0xFC00 | sub-opcode
constexpr uint16_t kPrefixSimd = 0xFD;  // rejected: SIMD is not supported
constexpr uint16_t kPrefixAtomic = 0xFE;  // rejected: threads are not supported

std::string_view opcode_name(Opcode op);  // "i32.add"; "<unknown>" for none

// For a numeric operator: its operand and result types. `in2` is nullopt-like
// (has_in2 false) for unary operators.
struct NumericSig {
  ValType in1, in2, out;
  bool has_in2;
};

// The gas class of every operator, from the operator table.
GasClass gas_class(Opcode op);
// The gas class of every single-byte operator, indexed by its byte;
// kNoGasClass for the prefixes and the bytes that are no operator. A table
// rather than gas_class() because the decoder prices every operator.
inline constexpr uint8_t kNoGasClass = 0xFF;
extern const std::array<uint8_t, 256> kByteOperatorGasClass;

// Access size of a load or store in bytes, as log2.
uint32_t memory_access_size_log2(Opcode op);

}  // namespace detwasm::internal
