// Ratios the benchmarks are read by, computed from the runs of one process:
// each hostile shape against the plain baseline, metered against unmetered,
// and each tier against native code. Figures from one run on one machine are
// comparable with each other; absolute times from different runs are not.
#pragma once

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

namespace detwasm::bench {

class Summary {
 public:
  void add(const benchmark::BenchmarkReporter::Run& run);
  void print(std::ostream& out) const;

 private:
  struct Figure {
    double seconds = 0;  // CPU time per iteration
    benchmark::UserCounters counters;
  };
  const Figure* find(const std::string& name) const;
  void print_shapes(std::ostream& out) const;
  void print_kernels(std::ostream& out) const;

  std::map<std::string, Figure> figures_;  // by benchmark name
};

// The reporter for --benchmark_format (console or json), which also
// hands every run to `summary`.
std::unique_ptr<benchmark::BenchmarkReporter> make_reporter(std::string_view format, Summary& summary);

}  // namespace detwasm::bench
