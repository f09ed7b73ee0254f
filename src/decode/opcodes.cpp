#include "decode/opcodes.hpp"

#include "decode/reader.hpp"
#include "validate/body_decoder.hpp"

namespace detwasm::internal {

namespace {
constexpr ValType None = ValType::I32;  // placeholder for a missing second operand
constexpr ValType I32 = ValType::I32;
constexpr ValType I64 = ValType::I64;
constexpr ValType F32 = ValType::F32;
constexpr ValType F64 = ValType::F64;
}  // namespace

std::string_view opcode_name(Opcode op) {
  switch (op) {
#define DETWASM_CONTROL_OP(Name, opcode, text) \
  case Opcode::Name:                           \
    return text;
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out) \
  case Opcode::Name:                                          \
    return text;
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2) \
  case Opcode::Name:                                        \
    return text;
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2) \
  case Opcode::Name:                                        \
    return text;
#include "decode/opcodes.def"
  }
  return "<unknown>";
}

bool numeric_signature(Opcode op, NumericSig* sig) {
  switch (op) {
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out) \
  case Opcode::Name:                                          \
    *sig = NumericSig{In1, In2, Out, #In2[0] != 'N'};          \
    return true;
#include "decode/opcodes.def"
    default:
      return false;
  }
}

bool load_signature(Opcode op, ValType* type, uint32_t* size_log2) {
  switch (op) {
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size) \
  case Opcode::Name:                                   \
    *type = Out;                                       \
    *size_log2 = size;                                 \
    return true;
#include "decode/opcodes.def"
    default:
      return false;
  }
}

bool store_signature(Opcode op, ValType* type, uint32_t* size_log2) {
  switch (op) {
#define DETWASM_STORE_OP(Name, opcode, text, In, size) \
  case Opcode::Name:                                   \
    *type = In;                                        \
    *size_log2 = size;                                 \
    return true;
#include "decode/opcodes.def"
    default:
      return false;
  }
}

uint32_t memory_access_size_log2(Opcode op) {
  ValType t;
  uint32_t s = 0;
  if (load_signature(op, &t, &s) || store_signature(op, &t, &s)) return s;
  return 0;
}

ValType read_val_type(Reader& r) {
  uint64_t at = r.offset();
  uint8_t b = r.u8();
  switch (b) {
    case 0x7F:
    case 0x7E:
    case 0x7D:
    case 0x7C:
    case 0x70:
    case 0x6F:
      return static_cast<ValType>(b);
    case 0x7B:
      throw_unsupported(at, "unsupported feature: v128 value type (SIMD)");
    default: {
      char buf[48];
      std::snprintf(buf, sizeof buf, "malformed value type 0x%02x", b);
      throw_malformed(at, buf);
    }
  }
}

ValType read_ref_type(Reader& r) {
  uint64_t at = r.offset();
  uint8_t b = r.u8();
  if (b == 0x70 || b == 0x6F) return static_cast<ValType>(b);
  throw_malformed(at, "malformed reference type");
}

}  // namespace detwasm::internal
