// Runs the official Wasm spec tests as converted by wabt's `wast2json`: a
// JSON list of commands, with every binary module in a .wasm file beside it;
// or as .wast scripts, read with the text format parser.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>

#include <detwasm/config.hpp>
#include <detwasm/errors.hpp>

namespace detwasm::spec {

struct Counts {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;

  Counts& operator+=(const Counts& o) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    return *this;
  }
  std::string to_string() const;  // "N passed, N failed, N skipped"
};

struct RunOptions {
  EngineConfig config;  // tier, limits, metering
  bool verbose = false;  // a line for every command, not only for failures
  // Every module goes compile -> serialize -> deserialize before it is used,
  // so the suite checks artifacts as it checks fresh modules.
  bool via_artifact = false;
};

struct RunReport {
  Counts total;
  std::map<std::string, Counts> by_kind;  // by command type: "module", "assert_return", ...
};

// The JSON file cannot be read or is not a wast2json command list.
class SpecFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs every command of `json_file` in one fresh Engine and Store, with the
// spectest host module defined and `register` adding to the same linker.
// Writes one line per failed command ("FILE.wast:LINE: KIND: FAILED: what
// differed"), one per note ("...: note: ...", e.g. a module rejected with
// another error kind than the test names), in verbose mode one per command,
// and last "FILE.json: N passed, N failed, N skipped". A C++ exception from the engine fails only the command that
// raised it. Text modules (only usable by a text parser) are skipped.
// Throws SpecFileError, or UsageError if the engine rejects the options.
RunReport run_spec_file(const std::filesystem::path& json_file, const RunOptions& options, std::ostream& out);

// The same for a .wast script read directly (wast_script.hpp), with no
// wast2json: its modules are parsed by the text format parser, and its
// malformed text modules (assert_malformed of text or `module quote`) are
// checked rather than skipped: they pass when the text does not parse. Any
// other module whose text does not parse fails its command. Throws
// SpecFileError for a script whose commands cannot be read.
RunReport run_wast_file(const std::filesystem::path& wast_file, const RunOptions& options, std::ostream& out);

// How the runner and the CLI name a rejected module:
// "invalid module at offset 0x1f: type mismatch ...".
std::string describe_module_error(const ModuleError& e);

}  // namespace detwasm::spec
