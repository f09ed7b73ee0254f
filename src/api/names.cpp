// Names and printing of the API's vocabulary.
#include <bit>
#include <cmath>
#include <cstdio>
#include <string>

#include <detwasm/detwasm.hpp>

namespace detwasm {

std::string_view to_string(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
  }
  return "?";
}

std::optional<ValType> val_type_from_string(std::string_view s) {
  for (ValType t : {ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::V128, ValType::FuncRef,
                    ValType::ExternRef})
    if (to_string(t) == s) return t;
  return std::nullopt;
}

std::string to_string(const FuncType& t) {
  std::string s = "(";
  for (size_t i = 0; i < t.params.size(); ++i) s += (i ? " " : "") + std::string(to_string(t.params[i]));
  s += ") -> (";
  for (size_t i = 0; i < t.results.size(); ++i) s += (i ? " " : "") + std::string(to_string(t.results[i]));
  return s + ")";
}

std::string_view to_string(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "?";
}

const char* trap_kind_name(TrapKind kind) {
  switch (kind) {
    case TrapKind::Unreachable: return "unreachable";
    case TrapKind::MemoryOutOfBounds: return "memory_out_of_bounds";
    case TrapKind::TableOutOfBounds: return "table_out_of_bounds";
    case TrapKind::IndirectCallToNull: return "indirect_call_to_null";
    case TrapKind::IndirectCallSignature: return "indirect_call_signature_mismatch";
    case TrapKind::IntegerDivideByZero: return "integer_divide_by_zero";
    case TrapKind::IntegerOverflow: return "integer_overflow";
    case TrapKind::InvalidConversion: return "invalid_conversion_to_integer";
    case TrapKind::StackExhausted: return "stack_exhausted";
    case TrapKind::OutOfGas: return "out_of_gas";
    case TrapKind::HostError: return "host_error";
    case TrapKind::Exit: return "exit";
  }
  return "unknown";
}

const char* trap_kind_message(TrapKind kind) {
  switch (kind) {
    case TrapKind::Unreachable: return "unreachable";
    case TrapKind::MemoryOutOfBounds: return "out of bounds memory access";
    case TrapKind::TableOutOfBounds: return "out of bounds table access";
    case TrapKind::IndirectCallToNull: return "uninitialized element";
    case TrapKind::IndirectCallSignature: return "indirect call type mismatch";
    case TrapKind::IntegerDivideByZero: return "integer divide by zero";
    case TrapKind::IntegerOverflow: return "integer overflow";
    case TrapKind::InvalidConversion: return "invalid conversion to integer";
    case TrapKind::StackExhausted: return "call stack exhausted";
    case TrapKind::OutOfGas: return "out of gas";
    case TrapKind::HostError: return "host error";
    case TrapKind::Exit: return "exit";
  }
  return "unknown trap";
}

std::string Trap::to_string() const {
  std::string s = message;
  if (frames.empty()) return s;
  s += "\nwasm backtrace:";
  for (size_t i = 0; i < frames.size(); ++i) {
    const TrapFrame& f = frames[i];
    char head[48];
    std::snprintf(head, sizeof head, "\n  %3zu: ", i);
    s += head;
    if (f.module_offset) {
      char at[32];
      std::snprintf(at, sizeof at, "%#6llx - ", static_cast<unsigned long long>(*f.module_offset));
      s += at;
    }
    s += f.module_name.empty() ? "<unknown>" : f.module_name;
    s += "!";
    s += f.func_name.empty() ? "<wasm function " + std::to_string(f.func_index) + ">" : f.func_name;
  }
  if (frame_count > frames.size()) s += "\n  ... " + std::to_string(frame_count - frames.size()) + " more frames";
  return s;
}

ModuleError::ModuleError(Kind kind, uint64_t offset, const std::string& message)
    : Error(std::string(detwasm::to_string(kind)) + " module at offset 0x" +
            [](uint64_t v) {
              char b[24];
              std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
              return std::string(b);
            }(offset) +
            ": " + message),
      kind_(kind),
      offset_(offset),
      message_(message) {}

ArtifactError::ArtifactError(Reason reason, const std::string& detail)
    : Error(std::string("cannot load the artifact: ") + detwasm::to_string(reason) + " (" + detail + ")"),
      reason_(reason) {}

const char* to_string(ArtifactError::Reason reason) {
  switch (reason) {
    case ArtifactError::Reason::NotAnArtifact: return "not an artifact";
    case ArtifactError::Reason::Damaged: return "damaged";
    case ArtifactError::Reason::FormatVersion: return "another format version";
    case ArtifactError::Reason::EngineVersion: return "another engine version";
    case ArtifactError::Reason::Target: return "another target";
    case ArtifactError::Reason::Configuration: return "another configuration";
    case ArtifactError::Reason::Malformed: return "malformed";
    case ArtifactError::Reason::Untrusted: return "untrusted";
  }
  return "unknown";
}

const char* to_string(ModuleError::Kind kind) {
  switch (kind) {
    case ModuleError::Kind::Malformed: return "malformed";
    case ModuleError::Kind::Invalid: return "invalid";
    case ModuleError::Kind::Unsupported: return "unsupported";
    case ModuleError::Kind::LimitExceeded: return "over-limit";
  }
  return "bad";
}

Value Value::f32(float v) { return {ValType::F32, std::bit_cast<uint32_t>(v)}; }
Value Value::f64(double v) { return {ValType::F64, std::bit_cast<uint64_t>(v)}; }
float Value::as_f32() const { return std::bit_cast<float>(static_cast<uint32_t>(bits)); }
double Value::as_f64() const { return std::bit_cast<double>(bits); }

std::string Value::to_string() const {
  std::string s = std::string(detwasm::to_string(type)) + ":";
  char buf[64];
  switch (type) {
    case ValType::I32: return s + std::to_string(as_i32());
    case ValType::I64: return s + std::to_string(as_i64());
    case ValType::F32:
      if (std::isnan(as_f32())) {
        std::snprintf(buf, sizeof buf, "nan:0x%x", as_f32_bits());
        return s + buf;
      }
      std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(as_f32()));
      return s + buf;
    case ValType::F64:
      if (std::isnan(as_f64())) {
        std::snprintf(buf, sizeof buf, "nan:0x%llx", static_cast<unsigned long long>(bits));
        return s + buf;
      }
      std::snprintf(buf, sizeof buf, "%.17g", as_f64());
      return s + buf;
    case ValType::V128: return s + "?";
    case ValType::FuncRef:
    case ValType::ExternRef:
      if (!bits) return s + "null";
      std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(bits));
      return s + buf;
  }
  return s;
}

std::string to_hex(const ModuleHash& hash) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t b : hash) {
    s += d[b >> 4];
    s += d[b & 15];
  }
  return s;
}

}  // namespace detwasm
