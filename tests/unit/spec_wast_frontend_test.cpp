// The spec runner's two front ends, wast2json's JSON and .wast scripts read
// with the text parser, agree over the whole suite: per file and per command
// kind, the same passes and failures, except that the .wast front end checks
// the malformed text modules the JSON one skips (and must pass them all).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <detwasm/detwasm.hpp>

#include "support/spec_suite.hpp"
#include "spec/spec_runner.hpp"
#include "support/run_process.hpp"

namespace detwasm::test {
namespace {

namespace fs = std::filesystem;

TEST(SpecWastFrontEnd, SameCountsAsTheJsonFrontEndOverTheSuite) {
  std::vector<fs::path> files = spec_wast_files();
  ASSERT_FALSE(files.empty());
  spec::RunOptions options;
  TempDir dir;
  spec::Counts json_total, wast_total;
  for (const fs::path& wast : files) {
    fs::path json = dir.path() / wast.stem() / (wast.stem().string() + ".json");
    fs::create_directories(json.parent_path());
    ProcessResult r = run_process({"/usr/bin/env", "wast2json", wast.string(), "-o", json.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ostringstream json_out, wast_out;
    spec::RunReport from_json = spec::run_spec_file(json, options, json_out);
    spec::RunReport from_wast = spec::run_wast_file(wast, options, wast_out);
    json_total += from_json.total;
    wast_total += from_wast.total;
    std::string name = wast.filename().string();
    EXPECT_EQ(from_wast.total.skipped, 0u) << name;
    for (const auto& [kind, want] : from_json.by_kind) {
      const spec::Counts& got = from_wast.by_kind[kind];
      // Only malformed text modules are skipped by the JSON front end.
      if (kind != "assert_malformed") EXPECT_EQ(want.skipped, 0u) << name << " " << kind;
      EXPECT_EQ(got.passed, want.passed + want.skipped) << name << " " << kind << "\n" << wast_out.str();
      EXPECT_EQ(got.failed, want.failed) << name << " " << kind << "\n" << wast_out.str();
    }
    EXPECT_EQ(from_wast.by_kind.size(), from_json.by_kind.size()) << name;
  }
  std::cout << "spec suite, JSON front end: " << json_total.to_string() << "; .wast front end: "
            << wast_total.to_string() << "\n";
  EXPECT_GT(wast_total.passed, 27000u);
  EXPECT_EQ(wast_total.passed, json_total.passed + json_total.skipped);
}

// A failure is a failure in either front end: an altered expectation fails
// exactly one command.
TEST(SpecWastFrontEnd, ReportsFailures) {
  TempDir dir;
  fs::path wast = dir.path() / "altered.wast";
  {
    std::ofstream out(wast);
    out << R"w((module (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
              (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0))))
             (assert_return (invoke "f" (i32.const 1)) (i32.const 2))
             (assert_return (invoke "f" (i32.const -1)) (i32.const 1))
             (assert_return (invoke "nan") (f32.const nan:canonical))
             (assert_malformed (module quote "(func (i32.const))") "unexpected token")
             (assert_malformed (module quote "(func)") "accepted: a failure")
             (assert_invalid (module (func (result i32))) "type mismatch"))w";
  }
  std::ostringstream out;
  spec::RunReport report = spec::run_wast_file(wast, {}, out);
  EXPECT_EQ(report.total.passed, 5u) << out.str();
  EXPECT_EQ(report.total.failed, 2u) << out.str();
  EXPECT_NE(out.str().find("altered.wast:4: assert_return: FAILED"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("altered.wast:7: assert_malformed: FAILED"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace detwasm::test
