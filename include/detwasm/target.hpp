// What compiled code is for: an architecture and the CPU features that
// change the instructions the JIT emits. A target is configuration, never a
// question the compiler asks the host CPU: the default is the same on every
// node of an architecture, and each feature beyond it is an explicit opt-in
// recorded in the configuration identity, so code compiled on one machine
// never executes an instruction another machine lacks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace detwasm {

enum class Arch : uint8_t { X86_64, AArch64 };

// Optional x86-64 instructions the JIT uses when the target has them. The
// x86-64 baseline the JIT always needs is SSE4.1 and POPCNT (x86-64-v2
// machines, 2008 on); these go beyond it.
enum class CpuFeature : uint32_t {
  Lzcnt = 1u << 0,  // i32/i64.clz in one instruction
  Bmi1 = 1u << 1,   // i32/i64.ctz in one instruction (tzcnt)
};

struct Target {
  Arch arch = Arch::X86_64;
  uint32_t features = 0;  // CpuFeature bits beyond the baseline

  bool has(CpuFeature f) const { return (features & static_cast<uint32_t>(f)) != 0; }
  Target with(CpuFeature f) const { return {arch, features | static_cast<uint32_t>(f)}; }
  bool operator==(const Target&) const = default;

  // The baseline of `arch`: no optional feature.
  static Target baseline(Arch arch) { return {arch, 0}; }
  // The baseline of the architecture this library was built for: the
  // default of every engine.
  static Target build_default();
  // This machine's architecture with every optional feature its CPU has:
  // faster code that only machines with the same features can run.
  static Target host();
  // Whether this machine can run code compiled for the target (the same
  // architecture, the baseline and every feature). Empty if it can, else
  // what is missing.
  std::optional<std::string> missing_on_host() const;

  // The optional features of `arch` by name ("lzcnt", ...), and what its
  // baseline assumes.
  static std::vector<std::string> optional_features(Arch arch);
  static std::string baseline_description(Arch arch);

  // "x86_64", "x86_64+lzcnt+bmi1", "aarch64".
  std::string to_string() const;
  // The same form, or "native" for host(). Nothing if it is not a target.
  static std::optional<Target> parse(std::string_view text);
};

}  // namespace detwasm
