// WASI preview 1 (`wasi_snapshot_preview1`) for detwasm, deterministic by
// default.
//
// A Wasi object is the system a program sees: its arguments and
// environment, its standard streams, the host directories it was given
// (preopens) and nothing else, a virtual clock and a seeded random stream.
// Define it into a Linker for one Store, instantiate a command module, then
// run its `_start` with run_command. Nothing of the host leaks unless the
// configuration opts in (inherit_env, wall_clock, os_random, an inherited
// stdin); determinism/WASI.md states the contract.
//
// A Wasi object is used with one Store, by one thread at a time, and must
// outlive every call into the instance it serves (the functions it defines
// share its state).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <detwasm/detwasm.hpp>

namespace detwasm {

namespace internal {
struct WasiContext;
}

// Where a standard stream goes, or comes from.
struct WasiStdio {
  enum class Kind : uint8_t {
    Inherit,  // the host process's own stream (stdin: an input the host chose to give)
    File,     // a host file: read for stdin, created or truncated for output
    Buffer,   // memory: `input` is what stdin reads; output is kept (Wasi::output)
    Null,     // reads end at once; writes are accepted and dropped
  };
  Kind kind = Kind::Null;
  std::string path;   // Kind::File
  std::string input;  // Kind::Buffer, stdin only

  static WasiStdio inherit() { return {Kind::Inherit, {}, {}}; }
  static WasiStdio file(std::string path) { return {Kind::File, std::move(path), {}}; }
  static WasiStdio buffer(std::string input = {}) { return {Kind::Buffer, {}, std::move(input)}; }
  static WasiStdio null() { return {Kind::Null, {}, {}}; }
};

// A host directory the program sees as `guest_path` (e.g. "/data" or ".").
struct WasiPreopen {
  std::string host_path;
  std::string guest_path;
  bool read_only = false;  // refuse every change below it (ENOTCAPABLE)
};

struct WasiConfig {
  std::vector<std::string> args;  // args[0] is the program name, by convention
  std::vector<std::string> env;   // "NAME=VALUE"
  bool inherit_env = false;       // the host's environment first, then `env`
  std::vector<WasiPreopen> preopens;
  WasiStdio stdin_stream = WasiStdio::null();
  WasiStdio stdout_stream = WasiStdio::inherit();
  WasiStdio stderr_stream = WasiStdio::inherit();
  // The virtual clock: realtime reads clock_start_ns plus the virtual time
  // passed; every clock_time_get advances it by clock_step_ns, and a
  // poll_oneoff clock subscription advances it to its deadline.
  uint64_t clock_start_ns = 1'577'836'800'000'000'000ULL;  // 2020-01-01T00:00:00Z
  uint64_t clock_step_ns = 1'000'000;                      // 1 ms
  uint64_t random_seed = 0;  // random_get is a ChaCha20 keystream keyed from it
  bool wall_clock = false;   // opt-in: the host's clocks and file times instead
  bool os_random = false;    // opt-in: the host's random bytes instead

  // A text naming every choice that changes what the program can observe
  // (not the contents of files or streams), for a replay record.
  std::string identity() const;
};

// How a command ended: by returning from _start or by proc_exit (exit_code
// set), or by a trap (trap set: a fault or out of gas).
struct CommandOutcome {
  std::optional<uint32_t> exit_code;
  std::optional<Trap> trap;
  bool exited() const { return exit_code.has_value(); }
};

class Wasi {
 public:
  // Opens the preopened directories and the stream files. Throws Error
  // naming the one that cannot be opened.
  explicit Wasi(WasiConfig config);
  ~Wasi();
  Wasi(const Wasi&) = delete;
  Wasi& operator=(const Wasi&) = delete;

  // Defines every wasi_snapshot_preview1 function into `linker`, as host
  // functions of `store`. Each call is charged the schedule's wasi_call gas,
  // and wasi_per_byte for each byte it moves. Throws LinkError as
  // Linker::define does.
  void define(Linker& linker, Store& store);

  // What a Buffer stream received: 1 for stdout, 2 for stderr.
  const std::string& output(int fd) const;

  const WasiConfig& config() const;

 private:
  std::shared_ptr<internal::WasiContext> ctx_;
};

// Calls the instance's `_start` (UsageError if it has none of type () -> ()),
// and turns a proc_exit into an exit code: 0 when _start returns.
CommandOutcome run_command(Store& store, const Instance& instance);

// Whether `module` is a WASI program: it imports wasi_snapshot_preview1 or
// exports a _start of type () -> ().
bool is_wasi_command(const Module& module);

}  // namespace detwasm
