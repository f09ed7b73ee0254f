// A minimal Wasm binary writer for generated benchmark modules: types,
// functions, one optional memory and exports. Only what the shapes need.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <detwasm/types.hpp>

namespace detwasm::bench {

// Bytes with LEB128 and opcode helpers; a function body is written with it.
class ByteWriter {
 public:
  void u8(uint8_t b) { out_.push_back(b); }
  void u32(uint32_t v) {
    do {
      uint8_t b = v & 0x7F;
      v >>= 7;
      out_.push_back(v ? (b | 0x80) : b);
    } while (v);
  }
  void s64(int64_t v) {
    for (;;) {
      uint8_t b = v & 0x7F;
      v >>= 7;  // arithmetic shift
      bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
      out_.push_back(done ? b : (b | 0x80));
      if (done) return;
    }
  }
  void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void name(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }

  // Operators used by the generators.
  void op(uint8_t opcode) { u8(opcode); }
  void op_idx(uint8_t opcode, uint32_t index) { u8(opcode), u32(index); }
  void local_get(uint32_t i) { op_idx(0x20, i); }
  void local_set(uint32_t i) { op_idx(0x21, i); }
  void local_tee(uint32_t i) { op_idx(0x22, i); }
  void i32_const(int32_t v) { u8(0x41), s64(v); }
  void i64_const(int64_t v) { u8(0x42), s64(v); }
  void block_void(uint8_t opcode) { u8(opcode), u8(0x40); }  // block, loop or if with no type
  void block_typed(uint8_t opcode, uint32_t type_index) { u8(opcode), s64(type_index); }
  void br_if(uint32_t depth) { op_idx(0x0D, depth); }
  void end() { u8(0x0B); }

  size_t size() const { return out_.size(); }
  const std::vector<uint8_t>& data() const { return out_; }
  std::vector<uint8_t>& data() { return out_; }

 private:
  std::vector<uint8_t> out_;
};

namespace op {
constexpr uint8_t kBlock = 0x02, kLoop = 0x03, kIf = 0x04, kElse = 0x05, kBrTable = 0x0E;
constexpr uint8_t kDrop = 0x1A;
constexpr uint8_t kI32GtU = 0x4B;
constexpr uint8_t kI32Add = 0x6A, kI32Sub = 0x6B, kI32Mul = 0x6C, kI32And = 0x71, kI32Or = 0x72,
                  kI32Xor = 0x73, kI32Shl = 0x74, kI32ShrU = 0x76, kI32Rotl = 0x77;
constexpr uint8_t kI64Add = 0x7C, kI64Mul = 0x7E, kI64Xor = 0x85, kI64ShrU = 0x88;
constexpr uint8_t kI64ExtendI32U = 0xAD, kI32WrapI64 = 0xA7;
}  // namespace op

class ModuleWriter {
 public:
  uint32_t add_type(std::vector<ValType> params, std::vector<ValType> results) {
    types_.push_back({std::move(params), std::move(results)});
    return static_cast<uint32_t>(types_.size() - 1);
  }
  // `body` holds the local declarations and the code, without the size prefix.
  uint32_t add_function(uint32_t type_index, std::span<const uint8_t> body) {
    funcs_.push_back(type_index);
    code_.u32(static_cast<uint32_t>(body.size()));
    code_.bytes(body);
    return static_cast<uint32_t>(funcs_.size() - 1);
  }
  void add_export(std::string_view name, uint32_t func_index) { exports_.push_back({std::string(name), func_index}); }
  size_t code_size() const { return code_.size(); }
  size_t function_count() const { return funcs_.size(); }

  std::vector<uint8_t> finish() const {
    ByteWriter m;
    m.bytes(std::vector<uint8_t>{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00});
    ByteWriter types;
    types.u32(static_cast<uint32_t>(types_.size()));
    for (const auto& t : types_) {
      types.u8(0x60);
      types.u32(static_cast<uint32_t>(t.params.size()));
      for (ValType v : t.params) types.u8(static_cast<uint8_t>(v));
      types.u32(static_cast<uint32_t>(t.results.size()));
      for (ValType v : t.results) types.u8(static_cast<uint8_t>(v));
    }
    section(m, 1, types);
    ByteWriter funcs;
    funcs.u32(static_cast<uint32_t>(funcs_.size()));
    for (uint32_t t : funcs_) funcs.u32(t);
    section(m, 3, funcs);
    if (!exports_.empty()) {
      ByteWriter exports;
      exports.u32(static_cast<uint32_t>(exports_.size()));
      for (const auto& e : exports_) {
        exports.name(e.name);
        exports.u8(0x00);
        exports.u32(e.func_index);
      }
      section(m, 7, exports);
    }
    ByteWriter code;
    code.u32(static_cast<uint32_t>(funcs_.size()));
    code.bytes(code_.data());
    section(m, 10, code);
    return std::move(m.data());
  }

 private:
  struct Export {
    std::string name;
    uint32_t func_index;
  };
  static void section(ByteWriter& m, uint8_t id, const ByteWriter& contents) {
    m.u8(id);
    m.u32(static_cast<uint32_t>(contents.size()));
    m.bytes(contents.data());
  }

  std::vector<FuncType> types_;
  std::vector<uint32_t> funcs_;
  std::vector<Export> exports_;
  ByteWriter code_;  // the code section's entries, without their count
};

}  // namespace detwasm::bench
