#include "summary.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

#include "shapes.hpp"
#include "tiers.hpp"

namespace detwasm::bench {
namespace {

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

template <class Base>
class CapturingReporter : public Base {
 public:
  template <class... Args>
  explicit CapturingReporter(Summary& summary, Args... args) : Base(args...), summary_(summary) {}
  void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run>& runs) override {
    for (const auto& run : runs) summary_.add(run);
    Base::ReportRuns(runs);
  }

 private:
  Summary& summary_;
};

// Names are "<kind>/<tier>/<...>"; see compile_bench.cpp and kernel_bench.cpp.
std::vector<std::string> split(const std::string& name) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t slash; (slash = name.find('/', start)) != std::string::npos; start = slash + 1)
    parts.push_back(name.substr(start, slash - start));
  parts.push_back(name.substr(start));
  return parts;
}

}  // namespace

void Summary::add(const benchmark::BenchmarkReporter::Run& run) {
  if (run.error_occurred) return;
  // With repetitions, the median stands for the benchmark.
  bool aggregate = run.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate;
  if (aggregate && run.aggregate_name != "median") return;
  std::string name = run.run_name.function_name;
  if (!aggregate && figures_.count(name) && run.repetitions > 1) return;
  Figure& f = figures_[name];
  // Kernel rows are read by their CPU time, the figure least disturbed by
  // other load; compile and metering rows by their counters.
  f.seconds = run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
  f.counters = run.counters;
}

const Summary::Figure* Summary::find(const std::string& name) const {
  auto it = figures_.find(name);
  return it == figures_.end() ? nullptr : &it->second;
}

void Summary::print(std::ostream& out) const {
  out << "\n== Ratios (from this run only)\n";
  for (const TierInfo& t : tiers())
    if (!t.available) out << "tier " << t.name << " unavailable, its rows skipped: " << t.unavailable_reason << "\n";
  print_shapes(out);
  print_kernels(out);
}

void Summary::print_shapes(std::ostream& out) const {
  // shape/<tier>/<shape>/<size>: the vs_baseline counter.
  std::vector<std::string> sizes;
  for (const auto& [name, f] : figures_) {
    auto p = split(name);
    if (p.size() == 4 && p[0] == "shape" && std::find(sizes.begin(), sizes.end(), p[3]) == sizes.end())
      sizes.push_back(p[3]);
  }
  if (sizes.empty()) return;
  for (const TierInfo& t : tiers()) {
    if (!t.available) continue;
    out << "\ncompile time per Wasm KB, relative to " << kBaselineShape
        << " compiled alternately with it (tier " << t.name << "; target: worst within 3x)\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-16s", "shape");
    out << line;
    for (const auto& s : sizes) std::snprintf(line, sizeof line, "%10s", s.c_str()), out << line;
    out << "\n";
    std::vector<double> worst(sizes.size(), 0);
    std::vector<std::string> worst_name(sizes.size());
    for (const Shape& shape : shapes()) {
      std::snprintf(line, sizeof line, "%-16s", std::string(shape.name).c_str());
      out << line;
      for (size_t i = 0; i < sizes.size(); ++i) {
        std::string prefix = "shape/" + std::string(t.name) + "/";
        const Figure* f = find(prefix + std::string(shape.name) + "/" + sizes[i]);
        double ratio = 0;
        if (shape.name == kBaselineShape && f) {
          ratio = 1;
        } else if (f && f->counters.count("vs_baseline")) {
          ratio = f->counters.at("vs_baseline").value;
        } else {
          out << "         -";
          continue;
        }
        if (ratio > worst[i]) worst[i] = ratio, worst_name[i] = shape.name;
        out << format("%9.2fx", ratio);
      }
      out << "\n";
    }
    for (size_t i = 0; i < sizes.size(); ++i)
      if (worst[i] > 0)
        out << "worst at " << sizes[i] << ": " << worst_name[i] << format(" %.2fx", worst[i])
            << (worst[i] <= 3.0 ? " (within 3x)" : " (OVER 3x)") << "\n";
  }
}

void Summary::print_kernels(std::ostream& out) const {
  // kernel/<tier>/<kernel>, kernel/native/<kernel> and metering/<tier>/<kernel>.
  std::set<std::string> kernels;
  for (const auto& [name, f] : figures_) {
    auto p = split(name);
    if (p.size() == 3 && (p[0] == "kernel" || p[0] == "metering")) kernels.insert(p[2]);
  }
  if (kernels.empty()) return;
  out << "\nkernel run time (CPU ms per run): tier/native, and metered/unmetered (target in the JIT: at most 1.10x)\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-10s %12s", "kernel", "native ms");
  out << line;
  for (const TierInfo& t : tiers()) {
    if (!t.available) continue;
    std::string n(t.name);
    std::snprintf(line, sizeof line, " %12s %14s %14s", (n + " ms").c_str(), (n + "/native").c_str(),
                  (n + " metered").c_str());
    out << line;
  }
  out << "\n";
  for (const auto& k : kernels) {
    const Figure* native = find("kernel/native/" + k);
    std::snprintf(line, sizeof line, "%-10s %12s", k.c_str(), native ? format("%.3f", native->seconds * 1e3).c_str() : "-");
    out << line;
    for (const TierInfo& t : tiers()) {
      if (!t.available) continue;
      const Figure* run = find("kernel/" + std::string(t.name) + "/" + k);
      const Figure* metering = find("metering/" + std::string(t.name) + "/" + k);
      std::string ms = run ? format("%.3f", run->seconds * 1e3) : "-";
      std::string vs_native = run && native ? format("%.2fx", run->seconds / native->seconds) : "-";
      std::string metered = metering && metering->counters.count("overhead")
                                ? format("%.3fx", metering->counters.at("overhead").value)
                                : "-";
      std::snprintf(line, sizeof line, " %12s %14s %14s", ms.c_str(), vs_native.c_str(), metered.c_str());
      out << line;
    }
    out << "\n";
  }
}

std::unique_ptr<benchmark::BenchmarkReporter> make_reporter(std::string_view format, Summary& summary) {
  if (format == "json") return std::make_unique<CapturingReporter<benchmark::JSONReporter>>(summary);
  auto options = isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Defaults
                                       : benchmark::ConsoleReporter::OO_Tabular;
  return std::make_unique<CapturingReporter<benchmark::ConsoleReporter>>(summary, options);
}

}  // namespace detwasm::bench
