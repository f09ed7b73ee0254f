// Faults in compiled code become traps. Linear memory accesses carry no bounds
// check: the memory reservation's guard region faults instead, and the
// SIGSEGV/SIGBUS handler, for a faulting instruction listed in its module's
// trap table, resumes at the entry trampoline's trap exit with the listed
// trap kind. Any other fault goes to the handler installed before ours.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <detwasm/trap.hpp>

namespace detwasm::jit {

// An instruction that may fault, as a code offset, the trap it means, and
// the module offset of the Wasm operator it was compiled from (its place in
// trap frames; the source map lists calls and trap calls, not these).
struct TrapSite {
  uint32_t offset;
  TrapKind kind;
  uint32_t module_offset = 0;
  bool operator==(const TrapSite&) const = default;
};

// Code offset -> trap site, as three arrays sorted by code offset: the
// layout an artifact keeps, so that loading one copies each array whole.
class TrapTable {
 public:
  TrapTable() = default;
  explicit TrapTable(const std::vector<TrapSite>& sites);  // sorts
  // Arrays of one length, sorted by offset (the caller has checked).
  TrapTable(std::vector<uint32_t> offsets, std::vector<TrapKind> kinds, std::vector<uint32_t> module_offsets);

  std::optional<TrapSite> find(uint32_t offset) const;  // async-signal-safe
  size_t size() const { return offsets_.size(); }
  std::span<const uint32_t> offsets() const { return offsets_; }
  std::span<const TrapKind> kinds() const { return kinds_; }
  std::span<const uint32_t> module_offsets() const { return module_offsets_; }
  std::vector<TrapSite> sites() const;

 private:
  std::vector<uint32_t> offsets_;
  std::vector<TrapKind> kinds_;
  std::vector<uint32_t> module_offsets_;
};

// Installs the process-wide handler (once) and gives the calling thread an
// alternate signal stack if it has none. Call before running compiled code.
void prepare_thread_for_jit_code();

// Keeps [start, start + size) known to the handler while it lives. The table
// must outlive the registration.
class CodeRegistration {
 public:
  CodeRegistration() = default;
  CodeRegistration(const uint8_t* start, size_t size, const TrapTable* table);
  ~CodeRegistration();
  CodeRegistration(CodeRegistration&& other) noexcept;
  CodeRegistration& operator=(CodeRegistration&& other) noexcept;
  CodeRegistration(const CodeRegistration&) = delete;
  CodeRegistration& operator=(const CodeRegistration&) = delete;

 private:
  const uint8_t* start_ = nullptr;
};

// The trap a fault at `pc` means, if `pc` is a listed site in registered code.
// Exposed for tests; the signal handler uses it.
std::optional<TrapSite> lookup_trap_site(const void* pc);

// Target hooks (x64/trap_context_x64.cpp): read the faulting pc from a
// ucontext_t, and rewrite it to continue at the trap exit of the ExecState
// reachable from the context register.
const void* fault_pc(const void* ucontext);
void resume_at_trap_exit(void* ucontext, TrapKind kind);

}  // namespace detwasm::jit
