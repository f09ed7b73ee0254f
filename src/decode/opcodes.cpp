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
#define DETWASM_CONTROL_OP(Name, opcode, text, Gas) \
  case Opcode::Name:                           \
    return text;
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, Gas) \
  case Opcode::Name:                                          \
    return text;
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2, Gas) \
  case Opcode::Name:                                        \
    return text;
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2, Gas) \
  case Opcode::Name:                                        \
    return text;
#include "decode/opcodes.def"
  }
  return "<unknown>";
}

GasClass gas_class(Opcode op) {
  switch (op) {
#define DETWASM_CONTROL_OP(Name, opcode, text, Gas) \
  case Opcode::Name:                                \
    return GasClass::Gas;
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, Gas) \
  case Opcode::Name:                                               \
    return GasClass::Gas;
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2, Gas) \
  case Opcode::Name:                                             \
    return GasClass::Gas;
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2, Gas) \
  case Opcode::Name:                                             \
    return GasClass::Gas;
#include "decode/opcodes.def"
  }
  return GasClass::Base;
}

const std::array<uint8_t, 256> kByteOperatorGasClass = [] {
  std::array<uint8_t, 256> t{};
  t.fill(kNoGasClass);
  auto set = [&t](Opcode op, GasClass c) {
    if (static_cast<uint32_t>(op) < 0x100) t[static_cast<uint32_t>(op)] = static_cast<uint8_t>(c);
  };
#define DETWASM_CONTROL_OP(Name, opcode, text, Gas) set(Opcode::Name, GasClass::Gas);
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, Gas) set(Opcode::Name, GasClass::Gas);
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2, Gas) set(Opcode::Name, GasClass::Gas);
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2, Gas) set(Opcode::Name, GasClass::Gas);
#include "decode/opcodes.def"
  return t;
}();

bool numeric_signature(Opcode op, NumericSig* sig) {
  switch (op) {
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, Gas) \
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
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size, Gas) \
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
#define DETWASM_STORE_OP(Name, opcode, text, In, size, Gas) \
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

namespace detwasm::internal {

bool is_known_opcode(uint8_t b) {
  if (b <= 0x05 || (b >= 0x0B && b <= 0x11) || (b >= 0x1A && b <= 0x1C) || (b >= 0x20 && b <= 0x26) ||
      (b >= 0x28 && b <= 0xC4) || (b >= 0xD0 && b <= 0xD2) || (b >= 0xFC && b <= 0xFE))
    return true;
  return false;
}

int skip_operator(Reader& r) {
  uint64_t at = r.offset();
  uint8_t b = r.u8();
  switch (b) {
    case 0x02:
    case 0x03:
    case 0x04: {
      uint8_t t = r.peek_u8();
      if (t == 0x40 || t == 0x7F || t == 0x7E || t == 0x7D || t == 0x7C || t == 0x70 || t == 0x6F || t == 0x7B) {
        r.u8();
      } else {
        auto d = leb128::decode<int64_t>(r.pos(), r.end());
        if (d.status != leb128::Status::Ok || d.length > 5 || d.value < 0) throw_malformed(r.offset(), "malformed block type");
        r.skip(d.length);
      }
      return 1;
    }
    case 0x0B: return -1;
    case 0x0C: case 0x0D: case 0x10: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25:
    case 0x26: case 0xD2:
      r.u32();
      return 0;
    case 0x0E: {
      uint32_t n = r.u32();
      for (uint64_t i = 0; i <= n; ++i) r.u32();
      return 0;
    }
    case 0x11: r.u32(); r.u32(); return 0;
    case 0x1C: {
      uint32_t n = r.u32();
      for (uint32_t i = 0; i < n; ++i) read_val_type(r);
      return 0;
    }
    case 0x3F: case 0x40:
      if (r.u8() != 0) throw_malformed(r.offset() - 1, "zero byte expected");
      return 0;
    case 0x41: r.s32(); return 0;
    case 0x42: r.s64(); return 0;
    case 0x43: r.fixed_u32(); return 0;
    case 0x44: r.fixed_u64(); return 0;
    case 0xD0: read_ref_type(r); return 0;
    case 0xFC: {
      uint32_t sub = r.u32();
      switch (sub) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: return 0;
        case 8: r.u32(); if (r.u8() != 0) throw_malformed(r.offset() - 1, "zero byte expected"); return 0;
        case 9: case 13: case 15: case 16: case 17: r.u32(); return 0;
        case 10: if (r.u8() != 0 || r.u8() != 0) throw_malformed(r.offset() - 1, "zero byte expected"); return 0;
        case 11: if (r.u8() != 0) throw_malformed(r.offset() - 1, "zero byte expected"); return 0;
        case 12: case 14: r.u32(); r.u32(); return 0;
        default: throw_malformed(at, "illegal opcode");
      }
    }
    case 0xFD: throw_unsupported(at, "unsupported feature: SIMD operator (prefix 0xfd)");
    case 0xFE: throw_unsupported(at, "unsupported feature: threads operator (prefix 0xfe)");
    default: break;
  }
  if (b >= 0x28 && b <= 0x3E) {  // loads and stores: memarg
    uint32_t align = r.u32();
    if (align >= 32) throw_malformed(at, "malformed memop flags");
    r.u32();
    return 0;
  }
  if (!is_known_opcode(b)) throw_malformed(at, "illegal opcode");
  return 0;
}

}  // namespace detwasm::internal
