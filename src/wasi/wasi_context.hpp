// The state behind one Wasi object: the descriptor table, the virtual clock,
// the random stream, and the call frame each WASI function runs in.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <detwasm/wasi.hpp>

#include "wasi/wasi_abi.hpp"

namespace detwasm::internal {

using wasi_abi::Errno;

// Thrown inside a WASI function to return `code` to the guest; never leaves
// the function's wrapper.
struct WasiError {
  Errno code;
};

// Thrown inside a WASI function to end the call with a trap (out of gas, exit).
struct WasiTrap {
  Trap trap;
};

// The guest's memory 0 for one call: every access is checked, and a pointer
// or length out of bounds is EFAULT, never a host access.
class GuestMemory {
 public:
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}
  std::span<uint8_t> bytes(uint32_t ptr, uint64_t len) const {
    if (static_cast<uint64_t>(ptr) + len > size_) throw WasiError{wasi_abi::kFault};
    return {base_ + ptr, static_cast<size_t>(len)};
  }
  template <typename T>
  T load(uint32_t ptr) const {
    T v;
    std::memcpy(&v, bytes(ptr, sizeof(T)).data(), sizeof(T));  // hosts are little-endian, as Wasm is
    return v;
  }
  template <typename T>
  void store(uint32_t ptr, T v) const {
    std::memcpy(bytes(ptr, sizeof(T)).data(), &v, sizeof(T));
  }
  std::string_view string(uint32_t ptr, uint32_t len) const {
    auto b = bytes(ptr, len);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }

 private:
  uint8_t* base_;
  uint64_t size_;
};

// One standard stream.
struct StdioStream {
  WasiStdio::Kind kind = WasiStdio::Kind::Null;
  int host_fd = -1;      // Inherit (borrowed) or File (owned)
  bool owned = false;
  std::string input;     // Buffer stdin: what is left to read
  size_t input_pos = 0;
  std::string output;    // Buffer stdout/stderr
};

// An open descriptor of the guest.
struct FdEntry {
  enum class Kind : uint8_t { Stdio, File, Directory };
  Kind kind = Kind::File;
  int host_fd = -1;  // File, Directory: owned
  StdioStream* stream = nullptr;  // Stdio
  uint8_t filetype = wasi_abi::kFiletypeUnknown;
  uint16_t fdflags = 0;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  std::optional<std::string> preopen_name;  // a preopened directory's guest path
  // Directory: the sorted listing fd_readdir serves, read at cookie 0.
  std::vector<std::pair<std::string, uint8_t>> listing;
  bool listing_valid = false;

  ~FdEntry();
};

// A file's times as the guest sees them without wall_clock: the virtual
// realtime when the guest first saw the file, then whatever it set.
struct VirtualTimes {
  uint64_t atim = 0, mtim = 0, ctim = 0;
};

struct WasiContext {
  explicit WasiContext(WasiConfig config);
  ~WasiContext();

  WasiConfig config;
  std::vector<std::string> env;  // "NAME=VALUE", what environ_get gives
  StdioStream streams[3];
  std::map<uint32_t, std::unique_ptr<FdEntry>> fds;

  uint64_t virtual_ns = 0;  // virtual time passed since the start
  uint64_t random_offset = 0;
  std::array<uint8_t, 32> random_key{};
  // Host (device, inode) pairs in the order the guest first saw them: the
  // guest sees their position, so inode numbers do not depend on the host.
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> inodes;
  uint64_t next_inode = 1;
  std::map<std::pair<uint64_t, uint64_t>, VirtualTimes> times;

  FdEntry& entry(uint32_t fd, uint64_t rights = 0);  // EBADF, or ENOTCAPABLE without `rights`
  uint32_t insert(std::unique_ptr<FdEntry> e);      // the lowest free number
  uint64_t virtual_inode(uint64_t dev, uint64_t ino);
  VirtualTimes& virtual_times(uint64_t dev, uint64_t ino);
  // The file's contents or size changed: its virtual mtime and ctime become
  // the virtual now, as the host's would.
  void mark_modified(uint64_t dev, uint64_t ino) {
    VirtualTimes& vt = virtual_times(dev, ino);
    vt.mtim = vt.ctim = virtual_realtime();
  }
  // A file the guest removed: its host inode, if reused, is a new file.
  void forget_inode(uint64_t dev, uint64_t ino);
  // The virtual realtime, without advancing the clock.
  uint64_t virtual_realtime() const { return saturating_add(config.clock_start_ns, virtual_ns); }
  // Virtual time stops at 2^64 - 1 ns rather than wrap round: a clock never goes back.
  void advance_clock(uint64_t ns) { virtual_ns = saturating_add(virtual_ns, ns); }
  static uint64_t saturating_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
  // Reads the clock (advancing the virtual one by a step). EINVAL for an unknown id.
  uint64_t clock_now(uint32_t id);
  void random_fill(std::span<uint8_t> out);
};

// One WASI call: the context, the caller, its memory, and gas per byte.
struct WasiCall {
  WasiContext& ctx;
  Caller& caller;
  GuestMemory mem;
  uint64_t per_byte;

  // Charges gas for `n` bytes moved; throws WasiTrap when out of gas.
  void charge_bytes(uint64_t n) {
    if (per_byte == 0 || n == 0) return;
    uint64_t amount = n > UINT64_MAX / per_byte ? UINT64_MAX : n * per_byte;
    if (auto trap = caller.consume_gas(amount)) throw WasiTrap{std::move(*trap)};
  }
};

// A host errno as a WASI errno.
Errno errno_from_host(int host_errno);
// Throws WasiError with the current host errno.
[[noreturn]] void throw_host_errno();

// The guest's iovec array as spans of its memory (EFAULT if any is out of bounds).
std::vector<std::span<uint8_t>> guest_iovecs(const GuestMemory& mem, uint32_t iovs, uint32_t count);

// A WASI function: its arguments as raw values; returns the errno.
using WasiHandler = Errno (*)(WasiCall& call, std::span<const Value> args);

struct WasiFunctionDef {
  const char* name;
  const char* params;  // one letter per parameter: i for i32, I for i64
  WasiHandler handler;
};

// The tables of each family of calls, ending with a null name.
extern const WasiFunctionDef kWasiFdFunctions[];
extern const WasiFunctionDef kWasiPathFunctions[];
extern const WasiFunctionDef kWasiProcFunctions[];

inline uint32_t arg_u32(std::span<const Value> a, size_t i) { return static_cast<uint32_t>(a[i].bits); }
inline uint64_t arg_u64(std::span<const Value> a, size_t i) { return a[i].bits; }

}  // namespace detwasm::internal
