#include "jit/trap_handler.hpp"

#include <signal.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>

namespace detwasm::jit {

TrapTable::TrapTable(const std::vector<TrapSite>& sites) {
  // Sites arrive in emission order, which is already sorted.
  auto by_offset = [](const TrapSite& a, const TrapSite& b) { return a.offset < b.offset; };
  const std::vector<TrapSite>* in = &sites;
  std::vector<TrapSite> sorted;
  if (!std::is_sorted(sites.begin(), sites.end(), by_offset)) {
    sorted = sites;
    std::sort(sorted.begin(), sorted.end(), by_offset);
    in = &sorted;
  }
  offsets_.reserve(in->size());
  kinds_.reserve(in->size());
  module_offsets_.reserve(in->size());
  for (const TrapSite& t : *in) {
    offsets_.push_back(t.offset);
    kinds_.push_back(t.kind);
    module_offsets_.push_back(t.module_offset);
  }
}

TrapTable::TrapTable(std::vector<uint32_t> offsets, std::vector<TrapKind> kinds, std::vector<uint32_t> module_offsets)
    : offsets_(std::move(offsets)), kinds_(std::move(kinds)), module_offsets_(std::move(module_offsets)) {}

std::optional<TrapSite> TrapTable::find(uint32_t offset) const {
  size_t lo = 0, hi = offsets_.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (offsets_[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  if (lo < offsets_.size() && offsets_[lo] == offset) return TrapSite{offset, kinds_[lo], module_offsets_[lo]};
  return std::nullopt;
}

std::vector<TrapSite> TrapTable::sites() const {
  std::vector<TrapSite> out(offsets_.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = {offsets_[i], kinds_[i], module_offsets_[i]};
  return out;
}

namespace {

struct CodeRange {
  const uint8_t* start;
  size_t size;
  const TrapTable* table;
};

// An immutable, sorted list of registered code. The handler reads the current
// snapshot without locks; a writer publishes a new one and frees the old one
// only after no handler is reading (g_readers drops to zero).
struct Snapshot {
  std::vector<CodeRange> ranges;
};

std::atomic<Snapshot*> g_snapshot{nullptr};
std::atomic<int> g_readers{0};
std::mutex g_write_mutex;

template <typename Edit>
void publish(Edit edit) {
  std::lock_guard lock(g_write_mutex);
  Snapshot* old = g_snapshot.load();
  auto* next = new Snapshot(old ? *old : Snapshot{});
  edit(next->ranges);
  std::sort(next->ranges.begin(), next->ranges.end(),
            [](const CodeRange& a, const CodeRange& b) { return a.start < b.start; });
  g_snapshot.store(next);
  while (g_readers.load() != 0) {
  }
  delete old;
}

struct sigaction g_previous_segv;
struct sigaction g_previous_bus;

void chain_to_previous(int sig, siginfo_t* info, void* ucontext) {
  const struct sigaction& prev = sig == SIGBUS ? g_previous_bus : g_previous_segv;
  if (prev.sa_flags & SA_SIGINFO) {
    prev.sa_sigaction(sig, info, ucontext);
  } else if (prev.sa_handler == SIG_DFL || prev.sa_handler == SIG_IGN) {
    // Reinstate it; returning re-executes the faulting instruction, which
    // then takes the default action (a core dump, as without us).
    sigaction(sig, &prev, nullptr);
  } else {
    prev.sa_handler(sig);
  }
}

void handle_fault(int sig, siginfo_t* info, void* ucontext) {
  int saved_errno = errno;
  std::optional<TrapSite> site = lookup_trap_site(fault_pc(ucontext));
  if (site) {
    resume_at_trap_exit(ucontext, site->kind);
  } else {
    chain_to_previous(sig, info, ucontext);
  }
  errno = saved_errno;
}

void install_handler() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_sigaction = handle_fault;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, &g_previous_segv);
  sigaction(SIGBUS, &action, &g_previous_bus);
}

// Room for the handler and whatever it chains to.
constexpr size_t kAltStackSize = 64 * 1024;

struct ThreadAltStack {
  void* mapping = nullptr;
  ThreadAltStack() {
    stack_t current;
    if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return;  // keep the thread's own
    mapping = mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED) {
      mapping = nullptr;
      return;
    }
    stack_t ss{};
    ss.ss_sp = mapping;
    ss.ss_size = kAltStackSize;
    ss.ss_flags = 0;
    sigaltstack(&ss, nullptr);
  }
  ~ThreadAltStack() {
    if (!mapping) return;
    stack_t ss{};
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, nullptr);
    munmap(mapping, kAltStackSize);
  }
};

}  // namespace

void prepare_thread_for_jit_code() {
  static std::once_flag once;
  std::call_once(once, install_handler);
  thread_local ThreadAltStack alt_stack;
  (void)alt_stack;
}

std::optional<TrapSite> lookup_trap_site(const void* pc) {
  g_readers.fetch_add(1);
  std::optional<TrapSite> found;
  if (const Snapshot* snap = g_snapshot.load()) {
    auto p = static_cast<const uint8_t*>(pc);
    const auto& r = snap->ranges;
    // Last range starting at or before pc.
    size_t lo = 0, hi = r.size();
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (r[mid].start <= p) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) {
      const CodeRange& range = r[lo - 1];
      if (p < range.start + range.size) found = range.table->find(static_cast<uint32_t>(p - range.start));
    }
  }
  g_readers.fetch_sub(1);
  return found;
}

CodeRegistration::CodeRegistration(const uint8_t* start, size_t size, const TrapTable* table) : start_(start) {
  publish([&](std::vector<CodeRange>& ranges) { ranges.push_back({start, size, table}); });
}

CodeRegistration::~CodeRegistration() {
  if (!start_) return;
  publish([&](std::vector<CodeRange>& ranges) {
    std::erase_if(ranges, [&](const CodeRange& r) { return r.start == start_; });
  });
}

CodeRegistration::CodeRegistration(CodeRegistration&& other) noexcept : start_(std::exchange(other.start_, nullptr)) {}

CodeRegistration& CodeRegistration::operator=(CodeRegistration&& other) noexcept {
  if (this != &other) {
    CodeRegistration dying(std::move(*this));
    start_ = std::exchange(other.start_, nullptr);
  }
  return *this;
}

}  // namespace detwasm::jit
