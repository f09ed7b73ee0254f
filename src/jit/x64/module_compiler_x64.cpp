// The x86-64 instantiation of the singlepass compiler.
#include <asmjit/x86.h>

#include <cstdlib>
#include <utility>

#include "jit/code_buffer.hpp"
#include "jit/function_compiler.hpp"
#include "jit/module_compiler.hpp"
#include "jit/x64/masm_x64.hpp"

namespace detwasm::jit {

using Masm = x64::X64MacroAssembler;

namespace {

// Compiling module after module (a node loading contracts, a benchmark), each
// compile would take fresh pages for the assembler's buffer, megabytes for a
// large module, and the allocator often hands them back to the system in
// between. The thread keeps the buffer of its last compile for the next.
// asmjit allocates and frees code buffers with malloc/realloc/free.
struct RecycledCodeBuffer {
  uint8_t* data = nullptr;
  size_t capacity = 0;
  RecycledCodeBuffer() = default;
  RecycledCodeBuffer(const RecycledCodeBuffer&) = delete;
  RecycledCodeBuffer& operator=(const RecycledCodeBuffer&) = delete;
  ~RecycledCodeBuffer() { std::free(data); }
};
thread_local RecycledCodeBuffer t_recycled_buffer;
constexpr size_t kMaxRecycledBuffer = size_t{32} << 20;  // what stays resident per thread

}  // namespace

struct ModuleCompiler::Impl {
  Impl(const internal::ModuleData& m, const ResourceLimits& l) : module(m), limits(l) {
    code.init(asmjit::Environment(asmjit::Arch::kX64));
  }
  ~Impl() {
    // The assembler lets go of the buffer first; then the thread keeps it.
    compiler.reset();
    decoder.reset();
    masm.reset();
    asmjit::CodeBuffer& b = code.textSection()->buffer();
    if (b._data && !b.isExternal() && b._capacity <= kMaxRecycledBuffer &&
        b._capacity > t_recycled_buffer.capacity) {
      std::free(t_recycled_buffer.data);
      t_recycled_buffer.data = b._data;
      t_recycled_buffer.capacity = b._capacity;
      b._data = nullptr;
      b._capacity = 0;
      b._size = 0;
    }
  }
  const internal::ModuleData& module;
  const ResourceLimits& limits;
  asmjit::CodeHolder code;
  std::unique_ptr<Masm> masm;
  ModuleEnv env;
  std::unique_ptr<FunctionCompiler<Masm>> compiler;
  using Decoder = internal::BodyDecoder<FunctionCompiler<Masm>>;
  std::unique_ptr<Decoder> decoder;
  internal::FunctionDef scratch;
  uint64_t expected_code_bytes = 0;  // of Wasm bodies, when the code section said

  void finish_assembly() {
    if (!masm) masm = std::make_unique<Masm>(code, x64::Features::host());
    masm->finish_module();
  }
  std::vector<uint32_t> func_offsets() const {
    std::vector<uint32_t> out;
    out.reserve(env.entry_labels.size());
    for (Label l : env.entry_labels) out.push_back(masm->label_offset(l));
    return out;
  }
};

ModuleCompiler::ModuleCompiler(const internal::ModuleData& module, const ResourceLimits& limits)
    : impl_(std::make_unique<Impl>(module, limits)) {}

ModuleCompiler::~ModuleCompiler() = default;

uint64_t ModuleCompiler::compile_function(uint32_t defined_index, const uint8_t* body, const uint8_t* body_end,
                                          uint64_t body_offset) {
  Impl& s = *impl_;
  if (!s.masm) {
    // Features are fixed for reproducible code; see x64::Features.
    s.masm = std::make_unique<Masm>(s.code, x64::Features::host());
    s.masm->expect_code_bytes(s.expected_code_bytes);
    s.env.module = &s.module;
    s.env.gas = s.module.gas ? &*s.module.gas : nullptr;
    s.env.func_labels.resize(s.module.functions.size());
    for (Label& l : s.env.func_labels) l = s.masm->new_label();
    s.env.entry_labels.resize(s.module.functions.size());
    for (Label& l : s.env.entry_labels) l = s.masm->new_label();
    s.compiler = std::make_unique<FunctionCompiler<Masm>>(*s.masm, s.env);
  }
  const internal::FunctionDef& def = s.module.functions[defined_index];
  // The decoder fills a FunctionDef's locals and stack facts; give it a
  // scratch one. Both live as long as the compiler, so their buffers are
  // allocated once per module rather than once per function.
  internal::FunctionDef& scratch = s.scratch;
  scratch.type_index = def.type_index;
  scratch.body_offset = def.body_offset;
  scratch.body_size = def.body_size;
  scratch.local_runs.clear();
  if (!s.decoder) s.decoder = std::make_unique<Impl::Decoder>(s.module, s.limits, *s.compiler, s.env.gas);
  s.decoder->decode(s.module.num_imported_funcs + defined_index, scratch, body, body_end, body_offset);
  // The decoder keeps the earliest such offset over all bodies so far, which
  // is what the caller keeps too.
  return s.decoder->data_use_without_count();
}

void ModuleCompiler::expect_code_bytes(uint64_t n) {
  // Reserved address space costs nothing until written, and growing by
  // reallocation copies; code is at most a few bytes per Wasm byte (more
  // only for tiny functions, which then grow the buffer as usual).
  constexpr uint64_t kMaxReserve = uint64_t{1} << 30;
  uint64_t want = std::min(n * 4 + 4096, kMaxReserve);
  asmjit::CodeHolder& code = impl_->code;
  asmjit::CodeBuffer& b = code.textSection()->buffer();
  if (!b._data && !impl_->masm && t_recycled_buffer.capacity >= want) {
    b._data = std::exchange(t_recycled_buffer.data, nullptr);
    b._capacity = std::exchange(t_recycled_buffer.capacity, 0);
    b._size = 0;
  } else if (code.reserveBuffer(&b, static_cast<size_t>(want)) != asmjit::kErrorOk) {
    throw std::bad_alloc();
  }
  impl_->expected_code_bytes = std::min(n, kMaxReserve);
}

CompiledCode ModuleCompiler::finish() {
  Impl& s = *impl_;
  s.finish_assembly();
  CompiledCode out;
  out.code = take_position_independent_code(s.code);
  out.func_offsets = s.func_offsets();
  out.trap_sites = s.masm->trap_sites();
  return out;
}

std::shared_ptr<LoadedCode> ModuleCompiler::finish_loaded() {
  Impl& s = *impl_;
  s.finish_assembly();
  size_t size = resolve_position_independent(s.code);
  CodeMemory memory(size, [&s, size](uint8_t* dst) { copy_code(s.code, dst, size); }, s.func_offsets());
  return std::make_shared<LoadedCode>(std::move(memory), s.masm->take_trap_sites());
}

CompiledCode compile_module(const internal::ModuleData& module, const ResourceLimits& limits) {
  ModuleCompiler compiler(module, limits);
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    const internal::FunctionDef& def = module.functions[i];
    const uint8_t* body = module.bytes.data() + def.body_offset;
    compiler.compile_function(i, body, body + def.body_size, def.body_offset);
  }
  return compiler.finish();
}

}  // namespace detwasm::jit
