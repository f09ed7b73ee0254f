#include <detwasm/target.hpp>

#include <vector>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace detwasm {

namespace {

struct FeatureName {
  CpuFeature feature;
  const char* name;
};
constexpr FeatureName kFeatureNames[] = {{CpuFeature::Lzcnt, "lzcnt"}, {CpuFeature::Bmi1, "bmi1"}};

const char* arch_name(Arch a) { return a == Arch::X86_64 ? "x86_64" : "aarch64"; }

#if defined(__x86_64__)
struct HostX86 {
  bool sse4_1 = false, popcnt = false, lzcnt = false, bmi1 = false;
};

HostX86 host_x86() {
  HostX86 h;
  unsigned a, b, c, d;
  if (__get_cpuid(1, &a, &b, &c, &d)) {
    h.sse4_1 = (c >> 19) & 1;
    h.popcnt = (c >> 23) & 1;
  }
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) h.bmi1 = (b >> 3) & 1;
  if (__get_cpuid(0x80000001, &a, &b, &c, &d)) h.lzcnt = (c >> 5) & 1;  // ABM
  return h;
}
#endif

}  // namespace

Target Target::build_default() {
#if defined(__aarch64__)
  return baseline(Arch::AArch64);
#else
  return baseline(Arch::X86_64);
#endif
}

Target Target::host() {
  Target t = build_default();
#if defined(__x86_64__)
  HostX86 h = host_x86();
  if (h.lzcnt) t = t.with(CpuFeature::Lzcnt);
  if (h.bmi1) t = t.with(CpuFeature::Bmi1);
#endif
  return t;
}

std::optional<std::string> Target::missing_on_host() const {
  Target here = host();
  if (arch != here.arch)
    return std::string("code for ") + arch_name(arch) + " cannot run on this " + arch_name(here.arch) + " machine";
  std::vector<std::string> missing;
#if defined(__x86_64__)
  HostX86 h = host_x86();
  if (!h.sse4_1) missing.push_back("sse4.1");
  if (!h.popcnt) missing.push_back("popcnt");
#endif
  for (const FeatureName& f : kFeatureNames)
    if (has(f.feature) && !here.has(f.feature)) missing.push_back(f.name);
  if (missing.empty()) return std::nullopt;
  std::string out = "this CPU lacks";
  for (const std::string& m : missing) out += " " + m;
  return out + ", which code for " + to_string() + " needs";
}

std::vector<std::string> Target::optional_features(Arch arch) {
  std::vector<std::string> out;
  if (arch == Arch::X86_64)
    for (const FeatureName& f : kFeatureNames) out.push_back(f.name);
  return out;
}

std::string Target::baseline_description(Arch arch) {
  return arch == Arch::X86_64 ? "x86-64-v2: SSE4.1 and POPCNT" : "ARMv8.0-A with FP and Advanced SIMD";
}

std::string Target::to_string() const {
  std::string out = arch_name(arch);
  for (const FeatureName& f : kFeatureNames)
    if (has(f.feature)) out += std::string("+") + f.name;
  return out;
}

std::optional<Target> Target::parse(std::string_view text) {
  if (text == "native") return host();
  size_t plus = text.find('+');
  std::string_view arch = text.substr(0, plus);
  Target t;
  if (arch == "x86_64") t.arch = Arch::X86_64;
  else if (arch == "aarch64") t.arch = Arch::AArch64;
  else return std::nullopt;
  while (plus != std::string_view::npos) {
    size_t next = text.find('+', plus + 1);
    std::string_view name = text.substr(plus + 1, next == std::string_view::npos ? next : next - plus - 1);
    bool known = false;
    for (const FeatureName& f : kFeatureNames) {
      if (name == f.name && t.arch == Arch::X86_64) {
        t = t.with(f.feature);
        known = true;
      }
    }
    if (!known) return std::nullopt;
    plus = next;
  }
  return t;
}

}  // namespace detwasm
