// The direct x86-64 encoder against asmjit: every form, every register
// (including the ones with special ModRM/SIB rules: rsp, rbp, r12, r13) and
// displacements at the disp8/disp32 boundaries must give the same bytes.
#include <gtest/gtest.h>

#include <asmjit/x86.h>

#include <functional>
#include <vector>

#include "jit/x64/encoder_x64.hpp"

namespace detwasm::jit::x64::enc {
namespace {

using namespace asmjit;
using namespace asmjit::x86;

std::vector<uint8_t> with_asmjit(const std::function<void(Assembler&)>& f) {
  CodeHolder code;
  code.init(Environment(asmjit::Arch::kX64));
  Assembler a(&code);
  f(a);
  const CodeBuffer& b = code.textSection()->buffer();
  return {b.data(), b.data() + b.size()};
}

std::vector<uint8_t> direct(const std::function<void(Writer&)>& f) {
  uint8_t buf[Writer::kMaxInstruction * 2] = {};
  Writer w(buf);
  f(w);
  return {buf, w.end()};
}

const int32_t kDisps[] = {0, 1, -1, 8, 127, 128, -128, -129, 0x1234, -0x7FFFFFFF, 0x7FFFFFFF};

std::string where(int a, int b, int32_t disp) {
  return "regs " + std::to_string(a) + ", " + std::to_string(b) + " disp " + std::to_string(disp);
}

TEST(JitEncoderX64, LoadsAndStoresAtBasePlusDisplacement) {
  struct Form {
    Opcode op;
    std::function<void(Assembler&, uint8_t reg, const Mem& m)> asmjit;
  };
  const Form forms[] = {
      {kMovLoad, [](Assembler& a, uint8_t r, const Mem& m) { a.mov(gpd(r), m); }},
      {with_w(kMovLoad, true), [](Assembler& a, uint8_t r, const Mem& m) { a.mov(gpq(r), m); }},
      {kMovStore, [](Assembler& a, uint8_t r, const Mem& m) { a.mov(m, gpd(r)); }},
      {with_w(kMovStore, true), [](Assembler& a, uint8_t r, const Mem& m) { a.mov(m, gpq(r)); }},
      {kMovStore16, [](Assembler& a, uint8_t r, const Mem& m) { a.mov(m, gpw(r)); }},
      {kMovStore8, [](Assembler& a, uint8_t r, const Mem& m) { a.mov(m, gpb(r)); }},
      {kMovzx8, [](Assembler& a, uint8_t r, const Mem& m) { a.movzx(gpd(r), m); }},
      {kMovzx16, [](Assembler& a, uint8_t r, const Mem& m) { a.movzx(gpd(r), m); }},
      {kMovsx8, [](Assembler& a, uint8_t r, const Mem& m) { a.movsx(gpd(r), m); }},
      {with_w(kMovsx8, true), [](Assembler& a, uint8_t r, const Mem& m) { a.movsx(gpq(r), m); }},
      {kMovsx16, [](Assembler& a, uint8_t r, const Mem& m) { a.movsx(gpd(r), m); }},
      {with_w(kMovsx16, true), [](Assembler& a, uint8_t r, const Mem& m) { a.movsx(gpq(r), m); }},
      {kMovsxd, [](Assembler& a, uint8_t r, const Mem& m) { a.movsxd(gpq(r), m); }},
      {kMovssLoad, [](Assembler& a, uint8_t r, const Mem& m) { a.movss(xmm(r), m); }},
      {kMovsdLoad, [](Assembler& a, uint8_t r, const Mem& m) { a.movsd(xmm(r), m); }},
      {kMovssStore, [](Assembler& a, uint8_t r, const Mem& m) { a.movss(m, xmm(r)); }},
      {kMovsdStore, [](Assembler& a, uint8_t r, const Mem& m) { a.movsd(m, xmm(r)); }},
      {kLea, [](Assembler& a, uint8_t r, const Mem& m) { a.lea(gpq(r), m); }},
      {with_w(kLea, false), [](Assembler& a, uint8_t r, const Mem& m) { a.lea(gpd(r), m); }},
  };
  // The operand size of the memory reference, as asmjit wants it spelled.
  const uint32_t sizes[] = {4, 8, 4, 8, 2, 1, 1, 2, 1, 1, 2, 2, 4, 4, 8, 4, 8, 0, 0};
  static_assert(std::size(sizes) == std::size(forms));
  for (size_t f = 0; f < std::size(forms); ++f) {
    for (uint8_t reg = 0; reg < 16; ++reg) {
      for (uint8_t base = 0; base < 16; ++base) {
        for (int32_t disp : kDisps) {
          Mem m = ptr(gpq(base), disp, sizes[f]);
          auto expected = with_asmjit([&](Assembler& a) { forms[f].asmjit(a, reg, m); });
          auto got = direct([&](Writer& w) { w.mem(forms[f].op, reg, base, disp); });
          ASSERT_EQ(got, expected) << "form " << f << " " << where(reg, base, disp);
          if (base == 4) continue;  // rsp is never an index
          // [r14 + index + disp], the linear-memory form.
          Mem mi = ptr(r14, gpq(base), 0, disp, sizes[f]);
          expected = with_asmjit([&](Assembler& a) { forms[f].asmjit(a, reg, mi); });
          got = direct([&](Writer& w) { w.mem_index(forms[f].op, reg, 14, base, disp); });
          ASSERT_EQ(got, expected) << "indexed form " << f << " " << where(reg, base, disp);
        }
      }
    }
  }
}

TEST(JitEncoderX64, RegisterForms) {
  for (uint8_t a = 0; a < 16; ++a) {
    for (uint8_t b = 0; b < 16; ++b) {
      std::string at = where(a, b, 0);
      for (bool w : {false, true}) {
        auto gp = [w](uint8_t r) -> Gp { return w ? Gp(gpq(r)) : Gp(gpd(r)); };
        EXPECT_EQ(direct([&](Writer& e) { e.mov(w, a, b); }),
                  with_asmjit([&](Assembler& x) { x.mov(gp(a), gp(b)); }))
            << at;
        EXPECT_EQ(direct([&](Writer& e) { e.test(w, a, b); }),
                  with_asmjit([&](Assembler& x) { x.test(gp(a), gp(b)); }))
            << at;
        EXPECT_EQ(direct([&](Writer& e) { e.rr(with_w(kImul, w), a, b); }),
                  with_asmjit([&](Assembler& x) { x.imul(gp(a), gp(b)); }))
            << at;
        const std::pair<Alu, InstId> alus[] = {{Alu::Add, Inst::kIdAdd}, {Alu::Or, Inst::kIdOr},
                                               {Alu::And, Inst::kIdAnd}, {Alu::Sub, Inst::kIdSub},
                                               {Alu::Xor, Inst::kIdXor}, {Alu::Cmp, Inst::kIdCmp}};
        for (auto [alu, id] : alus) {
          EXPECT_EQ(direct([&](Writer& e) { e.alu(alu, w, a, b); }),
                    with_asmjit([&](Assembler& x) { x.emit(id, gp(a), gp(b)); }))
              << at;
          if (b != 0) continue;  // the immediate forms take one register
          EXPECT_EQ(direct([&](Writer& e) { e.alu_imm32(alu, w, a, 5); }),
                    with_asmjit([&](Assembler& x) { x.long_().emit(id, gp(a), 5); }))
              << at << " long form";
          for (int32_t imm : kDisps) {
            EXPECT_EQ(direct([&](Writer& e) { e.alu_imm(alu, w, a, imm); }),
                      with_asmjit([&](Assembler& x) { x.emit(id, gp(a), imm); }))
                << at << " imm " << imm;
          }
        }
      }
      EXPECT_EQ(direct([&](Writer& e) { e.rr(kMovaps, a, b); }),
                with_asmjit([&](Assembler& x) { x.movaps(xmm(a), xmm(b)); }))
          << at;
    }
    for (uint32_t imm : {0u, 1u, 0x80000000u, 0xFFFFFFFFu}) {
      EXPECT_EQ(direct([&](Writer& e) { e.mov_imm32(a, imm); }),
                with_asmjit([&](Assembler& x) { x.mov(gpd(a), imm); }))
          << "reg " << int(a);
    }
    for (uint8_t cc = 0; cc < 16; ++cc) {
      EXPECT_EQ(direct([&](Writer& e) { e.set_and_zero_extend(cc, a); }), with_asmjit([&](Assembler& x) {
                  x.set(static_cast<CondCode>(cc), gpb(a));
                  x.movzx(gpd(a), gpb(a));
                }))
          << "reg " << int(a) << " cc " << int(cc);
    }
    EXPECT_EQ(direct([&](Writer& e) { e.push(a); }), with_asmjit([&](Assembler& x) { x.push(gpq(a)); }))
        << "reg " << int(a);
    if (a == 0) {
      for (int32_t imm : kDisps) {
        EXPECT_EQ(direct([&](Writer& e) { e.push_imm(imm); }), with_asmjit([&](Assembler& x) { x.push(imm); }))
            << "imm " << imm;
      }
      for (uint8_t cc = 0; cc < 16; ++cc) {
        auto expected = with_asmjit([&](Assembler& x) {
          asmjit::Label target = x.newLabel();
          x.long_().j(static_cast<CondCode>(cc), target);
          const uint8_t gap[0x100] = {};
          x.embed(gap, sizeof gap);
          x.bind(target);
        });
        expected.resize(6);
        EXPECT_EQ(direct([&](Writer& e) { e.jcc_rel32(cc, 0x100); }), expected) << "cc " << int(cc);
        auto short_form = with_asmjit([&](Assembler& x) {
          asmjit::Label back = x.newLabel();
          x.bind(back);
          const uint8_t gap[0x70] = {};
          x.embed(gap, sizeof gap);
          x.j(static_cast<CondCode>(cc), back);
        });
        EXPECT_EQ(direct([&](Writer& e) { e.jcc_rel8(cc, -0x72); }),
                  std::vector<uint8_t>(short_form.end() - 2, short_form.end()))
            << "cc " << int(cc);
      }
    }
    if (a == 0) {
      // jmp rel8, jmp rel32 and call rel32 against the same jumps to labels.
      auto jumps = with_asmjit([&](Assembler& x) {
        asmjit::Label back = x.newLabel(), ahead = x.newLabel();
        x.bind(back);
        x.jmp(back);
        x.long_().jmp(ahead);
        x.call(ahead);
        const uint8_t gap[0x100] = {};
        x.embed(gap, sizeof gap);
        x.bind(ahead);
      });
      jumps.resize(12);
      EXPECT_EQ(direct([&](Writer& e) {
                  e.jmp_rel8(-2);
                  e.jmp_rel32(0x105);
                  e.call_rel32(0x100);
                }),
                jumps);
    }
    for (int32_t disp : kDisps) {
      EXPECT_EQ(direct([&](Writer& e) { e.mov_mem_imm(false, a, disp, 0x12345678u); }),
                with_asmjit([&](Assembler& x) { x.mov(dword_ptr(gpq(a), disp), 0x12345678u); }))
          << where(a, 0, disp);
      EXPECT_EQ(direct([&](Writer& e) { e.mov_mem_imm(true, a, disp, 0xFFFFFFF0u); }),
                with_asmjit([&](Assembler& x) { x.mov(qword_ptr(gpq(a), disp), -16); }))
          << where(a, 0, disp);
    }
  }
}

}  // namespace
}  // namespace detwasm::jit::x64::enc
