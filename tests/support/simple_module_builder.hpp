// Builds small Wasm modules in tests, for cases generated from the operator
// table (one function per operator) where hand-written wat would be long.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <detwasm/types.hpp>

#include "decode/opcodes.hpp"
#include "util/leb128.hpp"

namespace detwasm::test {

class SimpleModuleBuilder {
 public:
  uint32_t add_type(std::vector<ValType> params, std::vector<ValType> results) {
    types_.push_back({std::move(params), std::move(results)});
    return static_cast<uint32_t>(types_.size() - 1);
  }
  // `body` is the instruction sequence without the final `end`.
  uint32_t add_function(uint32_t type, std::vector<ValType> locals, std::vector<uint8_t> body, std::string name = {}) {
    funcs_.push_back({type, std::move(locals), std::move(body), std::move(name)});
    return static_cast<uint32_t>(funcs_.size() - 1);
  }
  void set_memory(uint32_t min, std::optional<uint32_t> max = {}) { memory_ = Limits{min, max}; }

  std::vector<uint8_t> build() const {
    std::vector<uint8_t> out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    std::vector<uint8_t> s;
    u32(s, static_cast<uint32_t>(types_.size()));
    for (const FuncType& t : types_) {
      s.push_back(0x60);
      u32(s, static_cast<uint32_t>(t.params.size()));
      for (ValType v : t.params) s.push_back(static_cast<uint8_t>(v));
      u32(s, static_cast<uint32_t>(t.results.size()));
      for (ValType v : t.results) s.push_back(static_cast<uint8_t>(v));
    }
    section(out, 1, s);
    s.clear();
    u32(s, static_cast<uint32_t>(funcs_.size()));
    for (const Func& f : funcs_) u32(s, f.type);
    section(out, 3, s);
    if (memory_) {
      s.clear();
      u32(s, 1);
      s.push_back(memory_->max ? 1 : 0);
      u32(s, memory_->min);
      if (memory_->max) u32(s, *memory_->max);
      section(out, 5, s);
    }
    s.clear();
    uint32_t exports = 0;
    for (const Func& f : funcs_) exports += !f.name.empty();
    u32(s, exports);
    for (uint32_t i = 0; i < funcs_.size(); ++i) {
      if (funcs_[i].name.empty()) continue;
      u32(s, static_cast<uint32_t>(funcs_[i].name.size()));
      s.insert(s.end(), funcs_[i].name.begin(), funcs_[i].name.end());
      s.push_back(0x00);
      u32(s, i);
    }
    section(out, 7, s);
    s.clear();
    u32(s, static_cast<uint32_t>(funcs_.size()));
    for (const Func& f : funcs_) {
      std::vector<uint8_t> b;
      u32(b, static_cast<uint32_t>(f.locals.size()));
      for (ValType t : f.locals) {
        u32(b, 1);
        b.push_back(static_cast<uint8_t>(t));
      }
      b.insert(b.end(), f.body.begin(), f.body.end());
      b.push_back(0x0B);
      u32(s, static_cast<uint32_t>(b.size()));
      s.insert(s.end(), b.begin(), b.end());
    }
    section(out, 10, s);
    return out;
  }

 private:
  struct Func {
    uint32_t type;
    std::vector<ValType> locals;
    std::vector<uint8_t> body;
    std::string name;
  };
  static void u32(std::vector<uint8_t>& out, uint32_t v) { leb128::encode<uint32_t>(out, v); }
  static void section(std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& body) {
    out.push_back(id);
    u32(out, static_cast<uint32_t>(body.size()));
    out.insert(out.end(), body.begin(), body.end());
  }
  std::vector<FuncType> types_;
  std::vector<Func> funcs_;
  std::optional<Limits> memory_;
};

// Instruction encoders.
inline void emit_op(std::vector<uint8_t>& b, internal::Opcode op) {
  auto v = static_cast<uint16_t>(op);
  if (v >> 8) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    leb128::encode<uint32_t>(b, v & 0xFF);
  } else {
    b.push_back(static_cast<uint8_t>(v));
  }
}
inline void emit_local_get(std::vector<uint8_t>& b, uint32_t i) {
  b.push_back(0x20);
  leb128::encode<uint32_t>(b, i);
}
inline void emit_const(std::vector<uint8_t>& b, ValType t, uint64_t bits) {
  switch (t) {
    case ValType::I32: b.push_back(0x41); leb128::encode<int32_t>(b, static_cast<int32_t>(bits)); break;
    case ValType::I64: b.push_back(0x42); leb128::encode<int64_t>(b, static_cast<int64_t>(bits)); break;
    case ValType::F32:
      b.push_back(0x43);
      for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(bits >> (8 * i)));
      break;
    default:
      b.push_back(0x44);
      for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(bits >> (8 * i)));
      break;
  }
}

}  // namespace detwasm::test
