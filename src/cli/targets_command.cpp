#include <cstdio>
#include <string>

#include <detwasm/target.hpp>

#include "cli/commands.hpp"

namespace detwasm::cli {

// Lists what --target accepts: each architecture with its baseline and
// optional features, then this machine's.
int targets_command(const Args&) {
  for (Arch arch : {Arch::X86_64, Arch::AArch64}) {
    std::string name = Target::baseline(arch).to_string();
    std::string features;
    for (const std::string& f : Target::optional_features(arch)) features += " +" + f;
    std::printf("%-8s baseline %s; optional features:%s\n", name.c_str(), Target::baseline_description(arch).c_str(),
                features.empty() ? " none" : features.c_str());
  }
  std::printf("default  %s (this build's architecture, baseline)\n", Target::build_default().to_string().c_str());
  std::printf("native   %s (this machine)\n", Target::host().to_string().c_str());
  return kExitOk;
}

}  // namespace detwasm::cli
