// A direct encoder for the x86-64 instructions the compiler emits most:
// register moves, frame slot and linear-memory loads and stores, two-address
// integer arithmetic and compares. asmjit's generic encoder validates and
// dispatches every operand; these forms are fixed, so writing their bytes
// straight into the buffer is several times cheaper. Everything else still
// goes through asmjit. tests/jit/x64/encoder_test.cpp checks each form
// byte for byte against asmjit over every register and a range of
// displacements.
#pragma once

#include <cstdint>
#include <cstring>

namespace detwasm::jit::x64::enc {

// An opcode: an optional legacy prefix (0x66, 0xF2, 0xF3), REX.W, and one or
// two opcode bytes (0x0F escapes). `byte_reg` marks an 8-bit register operand
// in ModRM.reg, which needs a REX prefix to name spl, bpl, sil or dil.
struct Opcode {
  uint8_t prefix = 0;
  bool w = false;
  uint8_t op0 = 0;
  uint8_t op1 = 0;  // second byte after 0x0F, when op0 == 0x0F
  bool byte_reg = false;
};

inline constexpr Opcode with_w(Opcode o, bool w) {
  o.w = w;
  return o;
}

// Loads (ModRM.reg is the destination) and stores (ModRM.reg is the source).
inline constexpr Opcode kMovLoad{0, false, 0x8B};        // mov r32, m32 (W: r64, m64)
inline constexpr Opcode kMovStore{0, false, 0x89};       // mov m32, r32 (W: m64, r64)
inline constexpr Opcode kMovStore16{0x66, false, 0x89};  // mov m16, r16
inline constexpr Opcode kMovStore8{0, false, 0x88, 0, true};
inline constexpr Opcode kMovzx8{0, false, 0x0F, 0xB6};
inline constexpr Opcode kMovzx16{0, false, 0x0F, 0xB7};
inline constexpr Opcode kMovsx8{0, false, 0x0F, 0xBE};  // W: to 64 bits
inline constexpr Opcode kMovsx16{0, false, 0x0F, 0xBF};
inline constexpr Opcode kMovsxd{0, true, 0x63};
inline constexpr Opcode kMovssLoad{0xF3, false, 0x0F, 0x10};
inline constexpr Opcode kMovsdLoad{0xF2, false, 0x0F, 0x10};
inline constexpr Opcode kMovssStore{0xF3, false, 0x0F, 0x11};
inline constexpr Opcode kMovsdStore{0xF2, false, 0x0F, 0x11};
inline constexpr Opcode kLea{0, true, 0x8D};
// Register forms, reg <- reg op rm.
inline constexpr Opcode kMovaps{0, false, 0x0F, 0x28};
inline constexpr Opcode kImul{0, false, 0x0F, 0xAF};

// The ALU group: `op r, r/m` is 8*n + 3, `op r/m, imm` is 0x81 or 0x83 /n.
enum class Alu : uint8_t { Add = 0, Or = 1, And = 4, Sub = 5, Xor = 6, Cmp = 7 };

// Writes one instruction at a time at `p`; the caller guarantees room for
// kMaxInstruction bytes.
class Writer {
 public:
  static constexpr size_t kMaxInstruction = 16;

  explicit Writer(uint8_t* p) : p_(p) {}
  uint8_t* end() const { return p_; }

  // op reg, [base + disp]
  void mem(Opcode o, uint8_t reg, uint8_t base, int32_t disp) {
    head(o, reg, 0, base);
    modrm_mem(reg, base, disp, false, 0);
  }
  // op reg, [base + index + disp]; index is never rsp.
  void mem_index(Opcode o, uint8_t reg, uint8_t base, uint8_t index, int32_t disp) {
    head(o, reg, index, base);
    modrm_mem(reg, base, disp, true, index);
  }
  // op reg, rm (both registers).
  void rr(Opcode o, uint8_t reg, uint8_t rm) {
    head(o, reg, 0, rm);
    byte(static_cast<uint8_t>(0xC0 | (reg & 7) << 3 | (rm & 7)));
  }
  // mov r32, r32 or mov r64, r64 (the r/m, r form, as asmjit writes it).
  void mov(bool w, uint8_t dst, uint8_t src) { rr(with_w(kMovStore, w), src, dst); }
  // dst op= src (the r/m, r form).
  void alu(Alu a, bool w, uint8_t dst, uint8_t src) {
    rr(Opcode{0, w, static_cast<uint8_t>(static_cast<uint8_t>(a) << 3 | 1)}, src, dst);
  }
  // dst op= imm: the sign-extended imm8 form when it fits, the short
  // accumulator form for eax/rax.
  void alu_imm(Alu a, bool w, uint8_t dst, int32_t imm) {
    bool short_form = imm >= -128 && imm <= 127;
    rex(w, 0, 0, dst, false);
    if (dst == 0 && !short_form) {
      byte(static_cast<uint8_t>(static_cast<uint8_t>(a) << 3 | 5));
      u32(static_cast<uint32_t>(imm));
      return;
    }
    byte(short_form ? 0x83 : 0x81);
    byte(static_cast<uint8_t>(0xC0 | static_cast<uint8_t>(a) << 3 | (dst & 7)));
    if (short_form) byte(static_cast<uint8_t>(imm));
    else u32(static_cast<uint32_t>(imm));
  }
  // dst op= imm32, always the four-byte immediate (for patching).
  void alu_imm32(Alu a, bool w, uint8_t dst, int32_t imm) {
    rex(w, 0, 0, dst, false);
    byte(0x81);
    byte(static_cast<uint8_t>(0xC0 | static_cast<uint8_t>(a) << 3 | (dst & 7)));
    u32(static_cast<uint32_t>(imm));
  }
  // jcc rel32 and jmp rel32, relative to the end of the instruction.
  void jcc_rel32(uint8_t cc, int32_t rel) {
    byte(0x0F);
    byte(static_cast<uint8_t>(0x80 | cc));
    u32(static_cast<uint32_t>(rel));
  }
  void jcc_rel8(uint8_t cc, int8_t rel) {
    byte(static_cast<uint8_t>(0x70 | cc));
    byte(static_cast<uint8_t>(rel));
  }
  void jmp_rel8(int8_t rel) {
    byte(0xEB);
    byte(static_cast<uint8_t>(rel));
  }
  void call_rel32(int32_t rel) {
    byte(0xE8);
    u32(static_cast<uint32_t>(rel));
  }
  void jmp_rel32(int32_t rel) {
    byte(0xE9);
    u32(static_cast<uint32_t>(rel));
  }
  void push(uint8_t r) {
    rex(false, 0, 0, r, false);
    byte(static_cast<uint8_t>(0x50 | (r & 7)));
  }
  // push imm, sign-extended to 64 bits.
  void push_imm(int32_t imm) {
    if (imm >= -128 && imm <= 127) {
      byte(0x6A);
      byte(static_cast<uint8_t>(imm));
    } else {
      byte(0x68);
      u32(static_cast<uint32_t>(imm));
    }
  }
  void leave() { byte(0xC9); }
  void ret() { byte(0xC3); }
  // test a, b
  void test(bool w, uint8_t a, uint8_t b) { rr(Opcode{0, w, 0x85}, b, a); }
  // mov r32, imm32 (zero-extends)
  void mov_imm32(uint8_t dst, uint32_t imm) {
    rex(false, 0, 0, dst, false);
    byte(static_cast<uint8_t>(0xB8 | (dst & 7)));
    u32(imm);
  }
  // mov dword/qword [base + disp], imm32 (sign-extended for qword)
  void mov_mem_imm(bool w, uint8_t base, int32_t disp, uint32_t imm) {
    head(Opcode{0, w, 0xC7}, 0, 0, base);
    modrm_mem(0, base, disp, false, 0);
    u32(imm);
  }
  // setcc r8, then movzx r32, r8.
  void set_and_zero_extend(uint8_t cc, uint8_t dst) {
    rex(false, 0, 0, dst, dst >= 4);
    byte(0x0F);
    byte(static_cast<uint8_t>(0x90 | cc));
    byte(static_cast<uint8_t>(0xC0 | (dst & 7)));
    rex(false, dst, 0, dst, dst >= 4);
    byte(0x0F);
    byte(0xB6);
    byte(static_cast<uint8_t>(0xC0 | (dst & 7) << 3 | (dst & 7)));
  }

 private:
  void byte(uint8_t b) { *p_++ = b; }
  void u32(uint32_t v) {
    std::memcpy(p_, &v, 4);
    p_ += 4;
  }
  void rex(bool w, uint8_t reg, uint8_t index, uint8_t base, bool force) {
    auto r = static_cast<uint8_t>(0x40 | w << 3 | (reg >> 3 & 1) << 2 | (index >> 3 & 1) << 1 | (base >> 3 & 1));
    if (r != 0x40 || force) byte(r);
  }
  void head(Opcode o, uint8_t reg, uint8_t index, uint8_t base) {
    if (o.prefix) byte(o.prefix);
    rex(o.w, reg, index, base, o.byte_reg && reg >= 4);
    byte(o.op0);
    if (o.op0 == 0x0F) byte(o.op1);
  }
  void modrm_mem(uint8_t reg, uint8_t base, int32_t disp, bool has_index, uint8_t index) {
    // rbp and r13 as a base have no mod-00 form: they take a zero disp8.
    uint8_t mod = (disp == 0 && (base & 7) != 5) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
    if (has_index) {
      byte(static_cast<uint8_t>(mod << 6 | (reg & 7) << 3 | 4));
      byte(static_cast<uint8_t>((index & 7) << 3 | (base & 7)));
    } else {
      byte(static_cast<uint8_t>(mod << 6 | (reg & 7) << 3 | (base & 7)));
      if ((base & 7) == 4) byte(0x24);  // rsp and r12 as a base need a SIB byte
    }
    if (mod == 1) byte(static_cast<uint8_t>(disp));
    else if (mod == 2) u32(static_cast<uint32_t>(disp));
  }

  uint8_t* p_;
};

}  // namespace detwasm::jit::x64::enc
