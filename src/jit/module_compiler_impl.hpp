// The module compiler for one MacroAssembler: emitters that each compile
// functions into a buffer of their own, the scheduling of bodies onto the
// engine's workers, and the link step. Included by each target's
// module_compiler_<target>.cpp, which instantiates it.
#pragma once

#include <asmjit/core.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <detwasm/errors.hpp>

#include "jit/code_memory.hpp"
#include "jit/function_code.hpp"
#include "jit/function_compiler.hpp"
#include "jit/module_compiler.hpp"
#include "util/worker_pool.hpp"

namespace detwasm::jit {

namespace detail {

// Compiling module after module (a node loading contracts, a benchmark), each
// compile would take fresh pages for the assembler's buffer, megabytes for a
// large module, and the allocator often hands them back to the system in
// between. A thread keeps the buffer of its last compile for the next.
// asmjit allocates and frees code buffers with malloc/realloc/free.
struct RecycledCodeBuffer {
  uint8_t* data = nullptr;
  size_t capacity = 0;
  RecycledCodeBuffer() = default;
  RecycledCodeBuffer(const RecycledCodeBuffer&) = delete;
  RecycledCodeBuffer& operator=(const RecycledCodeBuffer&) = delete;
  ~RecycledCodeBuffer() { std::free(data); }
};
inline thread_local RecycledCodeBuffer t_recycled_buffer;
constexpr size_t kMaxRecycledBuffer = size_t{32} << 20;  // what stays resident per thread

}  // namespace detail

template <MacroAssembler Masm>
class ModuleCompilerImpl final : public ModuleCompiler::Backend {
 public:
  ModuleCompilerImpl(const internal::ModuleDecls& module, const EngineConfig& config, util::WorkerPool* pool)
      : module_(module), config_(config), pool_(pool), results_(module.functions.size()) {
    env_.module = &module_;
    env_.gas = config.metering ? &config.gas_schedule : nullptr;
    emitters_.resize(std::max<uint32_t>(config.compile_threads, 1));
  }
  ~ModuleCompilerImpl() override {
    // Workers may still hold this compiler if a decoding error came first.
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return running_ == 0; });
  }

  void expect_code_bytes(uint64_t n) override {
    expected_code_bytes_ = n;
    parallel_ = pool_ && emitters_.size() > 1 && n >= config_.parallel_compile_min_bytes;
  }

  void compile_function(internal::DefinedFuncIdx f, const uint8_t* body, const uint8_t* body_end,
                        uint64_t body_offset) override {
    if (!parallel_) {
      // In order, on this thread: a body's error is thrown at once.
      Result& r = results_[f.value];
      emitter(0).compile(f, body, body_end, body_offset, r);
      if (r.error) std::rethrow_exception(r.error);
      return;
    }
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back({f, std::vector<uint8_t>(body, body_end), body_offset});
      if (running_ < emitters_.size()) {
        ++running_;
        wake = true;
      }
    }
    if (wake) pool_->submit([this] { drain(); });
  }

  uint64_t finish_bodies() override {
    wait_for_workers();
    for (const Result& r : results_)
      if (r.error) std::rethrow_exception(r.error);
    uint64_t data_use = UINT64_MAX;
    for (const auto& e : emitters_)
      if (e) data_use = std::min(data_use, e->decoder->data_use_without_count());
    return data_use;
  }

  void throw_earlier_body_error(uint64_t offset) override {
    wait_for_workers();
    for (uint32_t i = 0; i < results_.size(); ++i) {
      const Result& r = results_[i];
      if (r.error && module_.functions[i].body_offset < offset) std::rethrow_exception(r.error);
    }
  }

  CompiledCode finish() override {
    Layout layout = link();
    CompiledCode out;
    out.code.resize(layout.size);
    write(layout, out.code.data());
    out.func_offsets = std::move(layout.func_offsets);
    out.trap_sites = std::move(layout.trap_sites);
    out.sources = std::move(layout.sources);
    return out;
  }

  std::shared_ptr<LoadedCode> finish_loaded() override {
    Layout layout = link();
    CodeMemory memory(layout.size, [&](uint8_t* dst) { write(layout, dst); }, std::move(layout.func_offsets));
    return std::make_shared<LoadedCode>(std::move(memory), std::move(layout.trap_sites), std::move(layout.sources));
  }

 private:
  struct Result {
    uint32_t emitter = 0;
    FunctionCode code;
    std::exception_ptr error;
  };

  // Compiles functions into its own buffer, one after another; used by one
  // thread at a time.
  struct Emitter {
    Emitter(const ModuleCompilerImpl& c, uint32_t index, uint64_t expected_code_bytes) : owner(c), id(index) {
      Masm::init_code(code);
      reserve(expected_code_bytes);
      masm = std::make_unique<Masm>(code, c.config_.target);
      masm->expect_code_bytes(expected_code_bytes);
      compiler = std::make_unique<FunctionCompiler<Masm>>(*masm, c.env_);
      decoder = std::make_unique<Decoder>(c.module_, c.config_.limits, *compiler, c.env_.gas);
    }
    ~Emitter() {
      // The assembler lets go of the buffer first; then the thread keeps it.
      decoder.reset();
      compiler.reset();
      masm.reset();
      asmjit::CodeBuffer& b = code.textSection()->buffer();
      auto& recycled = detail::t_recycled_buffer;
      if (b._data && !b.isExternal() && b._capacity <= detail::kMaxRecycledBuffer && b._capacity > recycled.capacity) {
        std::free(recycled.data);
        recycled.data = b._data;
        recycled.capacity = b._capacity;
        b._data = nullptr;
        b._capacity = 0;
        b._size = 0;
      }
    }

    // Reserved address space costs nothing until written, and growing by
    // reallocation copies; code is at most a few bytes per Wasm byte (more
    // only for tiny functions, which then grow the buffer as usual).
    void reserve(uint64_t body_bytes) {
      constexpr uint64_t kMaxReserve = uint64_t{1} << 30;
      uint64_t want = std::min(body_bytes * 4 + 4096, kMaxReserve);
      asmjit::CodeBuffer& b = code.textSection()->buffer();
      auto& recycled = detail::t_recycled_buffer;
      if (!b._data && recycled.capacity >= want) {
        b._data = std::exchange(recycled.data, nullptr);
        b._capacity = std::exchange(recycled.capacity, 0);
        b._size = 0;
      } else if (code.reserveBuffer(&b, static_cast<size_t>(want)) != asmjit::kErrorOk) {
        throw std::bad_alloc();
      }
    }

    void compile(internal::DefinedFuncIdx f, const uint8_t* body, const uint8_t* body_end, uint64_t body_offset,
                 Result& out) {
      const internal::FunctionDef& def = owner.module_.function(f);
      // The decoder fills a FunctionDef's locals and stack facts; give it a
      // scratch one, whose buffers live as long as the emitter.
      scratch.type_index = def.type_index;
      scratch.body_offset = def.body_offset;
      scratch.body_size = def.body_size;
      scratch.local_runs.clear();
      try {
        decoder->decode(f, scratch, body, body_end, body_offset);
        out.code = compiler->take_function_code();
        out.emitter = id;
      } catch (...) {
        out.error = std::current_exception();
      }
    }

    const uint8_t* bytes() { return code.textSection()->data(); }

    using Decoder = internal::BodyDecoder<FunctionCompiler<Masm>>;
    const ModuleCompilerImpl& owner;
    uint32_t id;
    asmjit::CodeHolder code;
    std::unique_ptr<Masm> masm;
    std::unique_ptr<FunctionCompiler<Masm>> compiler;
    std::unique_ptr<Decoder> decoder;
    internal::FunctionDef scratch;
  };

  Emitter& emitter(uint32_t slot) {
    if (!emitters_[slot]) {
      uint64_t share = parallel_ ? expected_code_bytes_ / emitters_.size() + 1 : expected_code_bytes_;
      emitters_[slot] = std::make_unique<Emitter>(*this, slot, share);
    }
    return *emitters_[slot];
  }

  struct Task {
    internal::DefinedFuncIdx func;
    std::vector<uint8_t> body;
    uint64_t body_offset;
  };

  // A worker's job: compiles queued bodies until none is left.
  void drain() {
    uint32_t slot;
    {
      std::lock_guard lock(mutex_);
      slot = take_free_slot();
    }
    for (;;) {
      Task task;
      {
        std::unique_lock lock(mutex_);
        if (tasks_.empty()) {
          free_slots_.push_back(slot);
          --running_;
          idle_.notify_all();
          return;
        }
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      Result& r = results_[task.func.value];
      try {
        emitter(slot).compile(task.func, task.body.data(), task.body.data() + task.body.size(),
                              task.body_offset, r);
      } catch (...) {
        r.error = std::current_exception();  // no memory for an emitter
      }
    }
  }

  uint32_t take_free_slot() {
    if (free_slots_.empty()) {
      // Slots are handed out in order; at most emitters_.size() drainers run.
      return next_slot_++;
    }
    uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }

  void wait_for_workers() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return running_ == 0 && tasks_.empty(); });
  }

  // Where each function and the tail go, and the tail itself.
  struct Layout {
    std::vector<uint32_t> starts;        // of each defined function
    std::vector<uint32_t> func_offsets;  // outer entries
    std::vector<TrapSite> trap_sites;
    std::vector<SourcePos> sources;
    std::vector<uint32_t> gas_costs;     // of the tail's thunks, ascending
    // Cost -> index into gas_costs: one entry per distinct cost, where the
    // relocations are one per charge site.
    std::unordered_map<uint32_t, uint32_t> gas_thunk_index;
    TailCode tail;
    std::vector<uint8_t> tail_bytes;
    uint32_t tail_at = 0;
    size_t size = 0;
  };

  Layout link() {
    finish_bodies();
    for (const auto& e : emitters_)
      if (e && (e->code.hasUnresolvedLinks() || !e->code.relocEntries().empty()))
        throw std::runtime_error("compiled code is not position independent");
    Layout l;
    auto align = [](uint64_t n) { return (n + kFunctionAlignment - 1) / kFunctionAlignment * kFunctionAlignment; };
    uint64_t cursor = 0;
    for (const Result& r : results_) {
      cursor = align(cursor);
      l.starts.push_back(static_cast<uint32_t>(cursor));
      l.func_offsets.push_back(static_cast<uint32_t>(cursor) + r.code.outer_entry);
      for (const TrapSite& t : r.code.trap_sites)
        l.trap_sites.push_back({static_cast<uint32_t>(cursor) + t.offset, t.kind, t.module_offset});
      for (const SourcePos& p : r.code.sources)
        l.sources.push_back({static_cast<uint32_t>(cursor) + p.code_offset, p.module_offset});
      for (const Relocation& rel : r.code.relocations)
        if (rel.target.kind == Symbol::Kind::GasThunk) l.gas_thunk_index.try_emplace(rel.target.index, 0);
      cursor += r.code.size;
    }
    for (const auto& [cost, index] : l.gas_thunk_index) l.gas_costs.push_back(cost);
    std::sort(l.gas_costs.begin(), l.gas_costs.end());
    for (uint32_t i = 0; i < l.gas_costs.size(); ++i) l.gas_thunk_index[l.gas_costs[i]] = i;
    // The tail: what every function's relocations may point into.
    {
      asmjit::CodeHolder code;
      Masm::init_code(code);
      Masm masm(code, config_.target);
      l.tail = masm.emit_tail(l.gas_costs);
      if (code.hasUnresolvedLinks() || !code.relocEntries().empty())
        throw std::runtime_error("compiled code is not position independent");
      const uint8_t* bytes = code.textSection()->data() + l.tail.start;
      l.tail_bytes.assign(bytes, bytes + l.tail.size);
    }
    cursor = align(cursor);
    l.tail_at = static_cast<uint32_t>(cursor);
    cursor += l.tail.size;
    if (cursor > UINT32_MAX) throw std::runtime_error("compiled code larger than 4 GiB");
    l.size = static_cast<size_t>(cursor);
    return l;
  }

  uint32_t symbol_offset(const Layout& l, Symbol s) const {
    switch (s.kind) {
      case Symbol::Kind::FunctionBody: return l.starts.at(s.index);
      case Symbol::Kind::TrapStub: return l.tail_at + l.tail.trap_stubs.at(s.index);
      case Symbol::Kind::BuiltinTrap: return l.tail_at + l.tail.builtin_trap;
      case Symbol::Kind::GasThunk: {
        return l.tail_at + l.tail.gas_thunks[l.gas_thunk_index.at(s.index)];
      }
    }
    throw std::logic_error("unknown symbol");
  }

  // Writes the module's code to `dst` (l.size bytes): the functions, the
  // tail, int3 between them, every relocation resolved.
  void write(const Layout& l, uint8_t* dst) {
    // Only the padding between pieces is filled: the rest is copied over.
    uint32_t end = 0;
    for (uint32_t i = 0; i < results_.size(); ++i) {
      const Result& r = results_[i];
      std::memset(dst + end, 0xCC, l.starts[i] - end);
      std::memcpy(dst + l.starts[i], emitters_[r.emitter]->bytes() + r.code.start, r.code.size);
      end = l.starts[i] + r.code.size;
    }
    std::memset(dst + end, 0xCC, l.tail_at - end);
    std::memcpy(dst + l.tail_at, l.tail_bytes.data(), l.tail_bytes.size());
    for (uint32_t i = 0; i < results_.size(); ++i) {
      for (const Relocation& rel : results_[i].code.relocations)
        Masm::apply_relocation(dst, l.starts[i] + rel.at, symbol_offset(l, rel.target));
    }
  }

  const internal::ModuleDecls& module_;
  const EngineConfig& config_;
  util::WorkerPool* pool_;
  ModuleEnv env_;
  uint64_t expected_code_bytes_ = 0;
  bool parallel_ = false;
  std::vector<Result> results_;                     // by defined function
  std::vector<std::unique_ptr<Emitter>> emitters_;  // by slot

  std::mutex mutex_;
  std::condition_variable idle_;
  std::deque<Task> tasks_;
  uint32_t running_ = 0;  // drainers submitted and not finished
  std::vector<uint32_t> free_slots_;
  uint32_t next_slot_ = 0;
};

}  // namespace detwasm::jit
