#include "artifact/artifact.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include <detwasm/config.hpp>

#include "artifact/byte_stream.hpp"
#include "jit/loaded_code.hpp"
#include "runtime/objects.hpp"

#ifndef DETWASM_VERSION
#error "the engine version (DETWASM_VERSION) is part of every artifact"
#endif

namespace detwasm::artifact {

namespace {

using internal::ConstExpr;
using internal::ModuleCode;
using internal::ModuleData;
using internal::ModuleDecls;

constexpr uint8_t kMagic[8] = {0x00, 'd', 'e', 't', 'w', 'a', 'r', 't'};
// XXH3-128: a checksum against damage (a flipped bit, a cut file) that
// reads gigabytes a second; trust is the signature's business.
constexpr size_t kDigestSize = 16;
constexpr uint32_t kFlagSigned = 1;
// Arrays of these are copied whole (ByteWriter::array): no padding.
static_assert(sizeof(jit::SourcePos) == 8 && sizeof(internal::InterpSourcePos) == 8);
constexpr size_t kSignatureBlockSize = 32 + 64;  // public key, Ed25519 signature
// Magic, version, flags, tier, arch, reserved, features, identity, hash.
constexpr size_t kFixedHeaderSize = 8 + 4 + 4 + 1 + 1 + 2 + 4 + 32 + 32;

std::array<uint8_t, kDigestSize> digest(std::span<const uint8_t> bytes) {
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, XXH3_128bits(bytes.data(), bytes.size()));
  std::array<uint8_t, kDigestSize> out;
  std::memcpy(out.data(), c.digest, out.size());
  return out;
}

[[noreturn]] void refuse(ArtifactError::Reason reason, const std::string& detail) {
  throw ArtifactError(reason, detail);
}

// ---- Writing ----------------------------------------------------------------

void put_limits(ByteWriter& w, const Limits& l) {
  w.u32(l.min);
  w.u8(l.max ? 1 : 0);
  w.u32(l.max.value_or(0));
}

void put_const(ByteWriter& w, const ConstExpr& e) {
  w.u8(static_cast<uint8_t>(e.kind));
  w.u8(static_cast<uint8_t>(e.type));
  w.u64(e.bits);
  w.u32(e.index);
}

void put_types(ByteWriter& w, const std::vector<ValType>& types) {
  w.count(types.size());
  for (ValType t : types) w.u8(static_cast<uint8_t>(t));
}

void put_declarations(ByteWriter& w, const ModuleDecls& m, std::vector<uint8_t>& data_blob) {
  w.string(m.module_name);
  std::vector<std::pair<uint32_t, std::string>> names(m.func_names.begin(), m.func_names.end());
  std::sort(names.begin(), names.end());  // the map's order is not the same in every process
  w.count(names.size());
  for (const auto& [index, name] : names) {
    w.u32(index);
    w.string(name);
  }

  w.count(m.types.size());
  for (const FuncType& t : m.types) {
    put_types(w, t.params);
    put_types(w, t.results);
  }
  w.count(m.imports.size());
  for (const internal::Import& i : m.imports) {
    w.string(i.module);
    w.string(i.name);
    w.u8(static_cast<uint8_t>(i.kind));
    w.u32(i.func_type);
    w.u8(static_cast<uint8_t>(i.table.elem));
    put_limits(w, i.table.limits);
    put_limits(w, i.memory.limits);
    w.u8(static_cast<uint8_t>(i.global.type));
    w.u8(i.global.mut ? 1 : 0);
  }
  // The imported counts, every function's type and every global's type
  // follow from the imports and the definitions: the reader derives them.
  w.count(m.tables.size());
  for (const TableType& t : m.tables) {
    w.u8(static_cast<uint8_t>(t.elem));
    put_limits(w, t.limits);
  }
  w.count(m.memories.size());
  for (const MemoryType& t : m.memories) put_limits(w, t.limits);
  w.count(m.globals.size());
  for (const internal::GlobalDef& g : m.globals) {
    w.u8(static_cast<uint8_t>(g.type.type));
    w.u8(g.type.mut ? 1 : 0);
    put_const(w, g.init);
  }

  w.count(m.exports.size());
  for (const internal::Export& e : m.exports) {
    w.string(e.name);
    w.u8(static_cast<uint8_t>(e.kind));
    w.u32(e.index);
  }
  w.u8(m.start ? 1 : 0);
  w.u32(m.start.value_or(0));
  w.count(m.elems.size());
  for (const internal::ElemSegment& s : m.elems) {
    w.u8(static_cast<uint8_t>(s.mode));
    w.u8(static_cast<uint8_t>(s.type));
    w.u32(s.table_index);
    put_const(w, s.offset);
    w.count(s.items.size());
    for (const ConstExpr& e : s.items) put_const(w, e);
  }
  // Data segments keep their bytes in one blob, written after the
  // functions: the Wasm bytes themselves are not part of the artifact.
  w.count(m.datas.size());
  for (const internal::DataSegment& s : m.datas) {
    w.u8(static_cast<uint8_t>(s.mode));
    w.u32(s.memory_index);
    put_const(w, s.offset);
    w.u32(static_cast<uint32_t>(data_blob.size()));
    w.u32(s.bytes_size);
    data_blob.insert(data_blob.end(), m.bytes.begin() + s.bytes_offset, m.bytes.begin() + s.bytes_offset + s.bytes_size);
  }
  w.u8(m.data_count ? 1 : 0);
  w.u32(m.data_count.value_or(0));
  w.count(m.declared_funcs.size());
  for (bool d : m.declared_funcs) w.u8(d ? 1 : 0);
}

// Each defined function's declared facts, then its lowered code (none for
// the JIT tier, whose code part has no interpreter code).
void put_functions(ByteWriter& w, const ModuleDecls& m, const ModuleCode& code) {
  static const internal::InterpFunction kNoCode;
  w.count(m.functions.size());
  for (size_t i = 0; i < m.functions.size(); ++i) {
    const internal::FunctionDef& f = m.functions[i];
    const internal::InterpFunction& interp = code.interp.empty() ? kNoCode : code.interp[i];
    w.u32(f.type_index);
    w.u32(f.body_offset);
    w.u32(f.body_size);
    w.count(f.local_runs.size());
    for (const internal::LocalRun& r : f.local_runs) {
      w.u32(r.end);
      w.u8(static_cast<uint8_t>(r.type));
    }
    w.u32(f.num_locals);
    w.u32(f.max_stack_height);
    w.u64(f.stack_cost);
    w.count(interp.code.size());
    w.array<uint32_t>(interp.code);
    w.count(interp.sources.size());
    w.array<internal::InterpSourcePos>(interp.sources);
  }
}

// Machine code starts on this boundary of the artifact, so a loader can map
// it from the file instead of copying it: the page size of every Linux
// kernel of the architecture (AArch64 kernels use pages up to 64 KiB).
uint32_t code_alignment(Arch arch) { return arch == Arch::AArch64 ? 65536 : 4096; }

void put_machine_code(ByteWriter& w, const ModuleCode& m, Arch arch) {
  w.u8(m.jit ? 1 : 0);
  if (!m.jit) return;
  const jit::LoadedCode& code = *m.jit;
  w.u64(code.memory.size());
  uint32_t align = code_alignment(arch);
  auto pad = static_cast<uint32_t>((align - (w.size() + 4) % align) % align);
  w.u32(pad);
  w.buffer().resize(w.size() + pad, 0);
  w.bytes({code.memory.base(), code.memory.size()});
  w.count(code.memory.num_functions());
  for (uint32_t i = 0; i < code.memory.num_functions(); ++i) w.u32(code.memory.func_offset(i));  // few: one each
  // Trap sites as three arrays, code offsets, module offsets, then kinds,
  // each copied whole.
  static_assert(sizeof(TrapKind) == 1);
  w.count(code.traps.size());
  w.array<uint32_t>(code.traps.offsets());
  w.array<uint32_t>(code.traps.module_offsets());
  w.bytes({reinterpret_cast<const uint8_t*>(code.traps.kinds().data()), code.traps.size()});
  w.count(code.sources.entries().size());
  w.array<jit::SourcePos>(code.sources.entries());
}

// ---- Reading ----------------------------------------------------------------

// What a section reader needs: the input, and the facts later checks use.
class ModuleReader {
 public:
  explicit ModuleReader(ByteReader& r) : r_(r) {}

  ValType val_type() {
    uint8_t b = r_.u8();
    switch (static_cast<ValType>(b)) {
      case ValType::I32:
      case ValType::I64:
      case ValType::F32:
      case ValType::F64:
      case ValType::FuncRef:
      case ValType::ExternRef: return static_cast<ValType>(b);
      default: r_.malformed("not a value type");
    }
  }
  ValType ref_type() {
    ValType t = val_type();
    if (!is_ref(t)) r_.malformed("not a reference type");
    return t;
  }
  bool flag() {
    uint8_t b = r_.u8();
    if (b > 1) r_.malformed("not a flag");
    return b == 1;
  }
  template <typename E>
  E enumerator(uint8_t last) {
    uint8_t b = r_.u8();
    if (b > last) r_.malformed("an unknown enumerator");
    return static_cast<E>(b);
  }
  Limits limits() {
    Limits l;
    l.min = r_.u32();
    bool has_max = flag();
    uint32_t max = r_.u32();
    if (has_max) l.max = max;
    return l;
  }
  ConstExpr const_expr() {
    ConstExpr e;
    e.kind = enumerator<ConstExpr::Kind>(static_cast<uint8_t>(ConstExpr::Kind::RefFunc));
    e.type = val_type();
    e.bits = r_.u64();
    e.index = r_.u32();
    return e;
  }
  std::vector<ValType> types() {
    std::vector<ValType> out(r_.count());
    for (ValType& t : out) t = val_type();
    return out;
  }
  ByteReader& in() { return r_; }

 private:
  ByteReader& r_;
};

void read_declarations(ModuleReader& mr, ModuleDecls& m) {
  ByteReader& r = mr.in();
  m.module_name = r.string();
  uint32_t num_names = r.count(8);
  m.func_names.reserve(num_names);
  for (uint32_t i = 0; i < num_names; ++i) {
    uint32_t index = r.u32();
    m.func_names[index] = r.string();
  }
  m.types.resize(r.count(8));
  for (FuncType& t : m.types) {
    t.params = mr.types();
    t.results = mr.types();
  }
  m.imports.resize(r.count(30));
  for (internal::Import& i : m.imports) {
    i.module = r.string();
    i.name = r.string();
    i.kind = mr.enumerator<ExternKind>(static_cast<uint8_t>(ExternKind::Global));
    i.func_type = r.u32();
    i.table.elem = mr.ref_type();
    i.table.limits = mr.limits();
    i.memory.limits = mr.limits();
    i.global.type = mr.val_type();
    i.global.mut = mr.flag();
  }
  m.tables.resize(r.count(10));
  for (TableType& t : m.tables) {
    t.elem = mr.ref_type();
    t.limits = mr.limits();
  }
  m.memories.resize(r.count(9));
  for (MemoryType& t : m.memories) t.limits = mr.limits();
  m.globals.resize(r.count(16));
  for (internal::GlobalDef& g : m.globals) {
    g.type.type = mr.val_type();
    g.type.mut = mr.flag();
    g.init = mr.const_expr();
  }

  m.exports.resize(r.count(9));
  for (internal::Export& e : m.exports) {
    e.name = r.string();
    e.kind = mr.enumerator<ExternKind>(static_cast<uint8_t>(ExternKind::Global));
    e.index = r.u32();
  }
  bool has_start = mr.flag();
  uint32_t start = r.u32();
  if (has_start) m.start = start;
  m.elems.resize(r.count(24));
  for (internal::ElemSegment& s : m.elems) {
    s.mode = mr.enumerator<internal::SegmentMode>(static_cast<uint8_t>(internal::SegmentMode::Declarative));
    s.type = mr.ref_type();
    s.table_index = r.u32();
    s.offset = mr.const_expr();
    s.items.resize(r.count(14));
    for (ConstExpr& e : s.items) e = mr.const_expr();
  }
  m.datas.resize(r.count(27));
  for (internal::DataSegment& s : m.datas) {
    s.mode = mr.enumerator<internal::SegmentMode>(static_cast<uint8_t>(internal::SegmentMode::Declarative));
    s.memory_index = r.u32();
    s.offset = mr.const_expr();
    s.bytes_offset = r.u32();
    s.bytes_size = r.u32();
  }
  bool has_data_count = mr.flag();
  uint32_t data_count = r.u32();
  if (has_data_count) m.data_count = data_count;
  m.declared_funcs.resize(r.count(1));
  for (size_t i = 0; i < m.declared_funcs.size(); ++i) m.declared_funcs[i] = mr.flag();
}

// Reads what put_functions wrote. `code.interp` gets one entry per function,
// empty ones from a JIT artifact.
void read_functions(ModuleReader& mr, ModuleDecls& m, ModuleCode& code) {
  ByteReader& r = mr.in();
  m.functions.resize(r.count(36));
  code.interp.resize(m.functions.size());
  for (size_t i = 0; i < m.functions.size(); ++i) {
    internal::FunctionDef& f = m.functions[i];
    internal::InterpFunction& interp = code.interp[i];
    f.type_index = r.u32();
    f.body_offset = r.u32();
    f.body_size = r.u32();
    f.local_runs.resize(r.count(5));
    for (internal::LocalRun& run : f.local_runs) {
      run.end = r.u32();
      run.type = mr.val_type();
    }
    f.num_locals = r.u32();
    f.max_stack_height = r.u32();
    f.stack_cost = r.u64();
    interp.code = r.array<uint32_t>(r.u32());
    interp.sources = r.array<internal::InterpSourcePos>(r.u32());
  }
}

std::shared_ptr<const jit::LoadedCode> read_machine_code(ModuleReader& mr, const ModuleDecls& m,
                                                        std::span<const uint8_t> artifact, const MappedFile* file) {
  ByteReader& r = mr.in();
  if (!mr.flag()) return nullptr;
  uint64_t size = r.u64();
  uint32_t pad = r.u32();
  if (pad >= 65536) r.malformed("padding larger than any page");
  r.bytes(pad);
  if (size == 0 || size > r.left()) r.malformed("a code size larger than the artifact");
  std::span<const uint8_t> code = r.bytes(static_cast<size_t>(size));
  std::vector<uint32_t> offsets(r.count(4));
  for (uint32_t& o : offsets) {
    o = r.u32();
    if (o >= size) r.malformed("a function entry outside the code");
  }
  if (offsets.size() != m.functions.size()) r.malformed("an entry count unlike the function count");
  uint32_t num_sites = r.count(9);
  std::vector<uint32_t> site_offsets = r.array<uint32_t>(num_sites);
  std::vector<uint32_t> site_sources = r.array<uint32_t>(num_sites);
  std::vector<TrapKind> site_kinds = r.array<TrapKind>(num_sites);
  if (!strictly_increasing_below(site_offsets, size)) r.malformed("trap sites unsorted or outside the code");
  if (largest_byte({reinterpret_cast<const uint8_t*>(site_kinds.data()), site_kinds.size()}) >
      static_cast<uint8_t>(TrapKind::HostError))
    r.malformed("an unknown trap kind");
  std::vector<jit::SourcePos> sources = r.array<jit::SourcePos>(r.u32());
  auto by_code = [](const jit::SourcePos& a, const jit::SourcePos& b) { return a.code_offset < b.code_offset; };
  if (!std::is_sorted(sources.begin(), sources.end(), by_code)) r.malformed("unsorted code tables");
  jit::TrapTable traps(std::move(site_offsets), std::move(site_kinds), std::move(site_sources));
  // From a file, the code's pages are mapped from it where they lie on a
  // page boundary; otherwise copied.
  auto at = static_cast<uint64_t>(code.data() - artifact.data());
  if (file && at % static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)) == 0) {
    jit::CodeMemory memory = jit::CodeMemory::map_file(file->fd, at, code.size(), std::move(offsets));
    return std::make_shared<jit::LoadedCode>(std::move(memory), std::move(traps), std::move(sources));
  }
  return std::make_shared<jit::LoadedCode>(jit::CodeMemory(code, std::move(offsets)), std::move(traps),
                                           std::move(sources));
}

// The index spaces as the decoder builds them, imports first: what the
// artifact leaves out because it follows from the rest.
void derive_index_spaces(ModuleDecls& m) {
  for (const internal::Import& i : m.imports) {
    switch (i.kind) {
      case ExternKind::Func:
        ++m.num_imported_funcs;
        m.func_types.push_back(i.func_type);
        break;
      case ExternKind::Table: ++m.num_imported_tables; break;
      case ExternKind::Memory: ++m.num_imported_memories; break;
      case ExternKind::Global:
        ++m.num_imported_globals;
        m.global_types.push_back(i.global);
        break;
    }
  }
  for (const internal::FunctionDef& f : m.functions) m.func_types.push_back(f.type_index);
  for (const internal::GlobalDef& g : m.globals) m.global_types.push_back(g.type);
}

// Every index the runtime follows without checking, checked once here.
void check_indices(const ModuleDecls& m, const ByteReader& r) {
  auto bad = [&](const char* what) { r.malformed(std::string("an index out of range: ") + what); };
  const size_t nt = m.types.size(), nf = m.func_types.size();
  for (uint32_t t : m.func_types)
    if (t >= nt) bad("function type");
  if (m.tables.size() < m.num_imported_tables || m.memories.size() < m.num_imported_memories)
    bad("definition counts");
  if (m.declared_funcs.size() != nf) bad("declared functions");
  auto check_const = [&](const ConstExpr& e) {
    if (e.kind == ConstExpr::Kind::GlobalGet && e.index >= m.global_types.size()) bad("global.get");
    if (e.kind == ConstExpr::Kind::RefFunc && e.index >= nf) bad("ref.func");
  };
  for (const internal::GlobalDef& g : m.globals) check_const(g.init);
  for (const internal::Export& e : m.exports) {
    size_t space[4] = {nf, m.tables.size(), m.memories.size(), m.global_types.size()};
    if (e.index >= space[static_cast<size_t>(e.kind)]) bad("export");
  }
  if (m.start && *m.start >= nf) bad("start");
  for (const internal::ElemSegment& s : m.elems) {
    if (s.mode == internal::SegmentMode::Active && s.table_index >= m.tables.size()) bad("element table");
    check_const(s.offset);
    for (const ConstExpr& e : s.items) check_const(e);
  }
  for (const internal::DataSegment& s : m.datas) {
    if (s.mode == internal::SegmentMode::Active && s.memory_index >= m.memories.size()) bad("data memory");
    check_const(s.offset);
    if (uint64_t{s.bytes_offset} + s.bytes_size > m.bytes.size()) bad("data bytes");
  }
  if (m.data_count && *m.data_count != m.datas.size()) bad("data count");
}

}  // namespace

void reseal(std::vector<uint8_t>& artifact) {
  if (artifact.size() < kDigestSize) return;
  size_t body = artifact.size() - kDigestSize;
  std::array<uint8_t, kDigestSize> d = digest(std::span(artifact).first(body));
  std::copy(d.begin(), d.end(), artifact.begin() + static_cast<ptrdiff_t>(body));
}

bool is_artifact(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

std::vector<uint8_t> write(const ModuleData& m, const internal::EngineImpl& engine, const SigningKey* key) {
  const EngineConfig& config = engine.config;
  ByteWriter w;
  w.bytes(kMagic);
  w.u32(kFormatVersion);
  w.u32(key ? kFlagSigned : 0);
  w.u8(static_cast<uint8_t>(config.tier));
  w.u8(static_cast<uint8_t>(config.target.arch));
  w.u16(0);
  w.u32(config.target.features);
  w.bytes(config_identity(config));
  w.bytes(m.hash);
  w.string(DETWASM_VERSION);
  std::vector<uint8_t> data_blob;
  put_declarations(w, m, data_blob);
  put_functions(w, m, m.code);
  w.count(data_blob.size());
  w.bytes(data_blob);
  put_machine_code(w, m.code, config.target.arch);
  std::vector<uint8_t>& out = w.buffer();
  if (key) {
    std::array<uint8_t, 32> public_key = key->public_key();
    uint8_t signature[crypto_sign_BYTES];
    crypto_sign_detached(signature, nullptr, out.data(), out.size(), key->secret.data());
    out.insert(out.end(), public_key.begin(), public_key.end());
    out.insert(out.end(), signature, signature + sizeof signature);
  }
  std::array<uint8_t, kDigestSize> d = digest(out);
  out.insert(out.end(), d.begin(), d.end());
  return std::move(out);
}

namespace {

// The artifact without its digest, once the magic, the format version and
// the digest say it is intact.
std::span<const uint8_t> intact_body(std::span<const uint8_t> bytes) {
  using Reason = ArtifactError::Reason;
  if (!is_artifact(bytes)) refuse(Reason::NotAnArtifact, "no artifact magic");
  if (bytes.size() < kFixedHeaderSize + kDigestSize) refuse(Reason::Damaged, "shorter than an artifact's header");
  ByteReader header(bytes.first(kFixedHeaderSize));
  header.bytes(sizeof kMagic);
  if (uint32_t version = header.u32(); version != kFormatVersion)
    refuse(Reason::FormatVersion, "format version " + std::to_string(version) + ", this engine reads " +
                                      std::to_string(kFormatVersion));
  // Everything else is read only once the digest says it is what was written.
  std::span<const uint8_t> body = bytes.first(bytes.size() - kDigestSize);
  std::array<uint8_t, kDigestSize> d = digest(body);
  if (std::memcmp(d.data(), bytes.data() + body.size(), kDigestSize) != 0)
    refuse(Reason::Damaged, "the digest does not match its contents");
  return body;
}

}  // namespace

ModuleHash module_hash(std::span<const uint8_t> bytes) {
  std::span<const uint8_t> body = intact_body(bytes);
  ModuleHash hash;
  std::copy_n(body.data() + kFixedHeaderSize - hash.size(), hash.size(), hash.begin());
  return hash;
}

ArtifactInfo describe(std::span<const uint8_t> bytes) {
  std::span<const uint8_t> body = intact_body(bytes);
  ArtifactInfo info;
  uint32_t flags = ByteReader(body.subspan(sizeof kMagic + 4, 4)).u32();
  if ((flags & ~kFlagSigned) != 0)
    refuse(ArtifactError::Reason::FormatVersion, "flags this engine does not know");
  if (flags & kFlagSigned) {
    if (body.size() < kFixedHeaderSize + kSignatureBlockSize)
      refuse(ArtifactError::Reason::Malformed, "no room for its signature");
    std::span<const uint8_t> block = body.last(kSignatureBlockSize);
    body = body.first(body.size() - kSignatureBlockSize);
    info.signer.emplace();
    std::copy_n(block.data(), 32, info.signer->begin());
    info.signature_valid = crypto_sign_verify_detached(block.data() + 32, body.data(), body.size(), block.data()) == 0;
  }
  ByteReader r(body);
  r.bytes(sizeof kMagic + 8);
  uint8_t tier = r.u8();
  if (tier > static_cast<uint8_t>(Tier::Jit)) r.malformed("an unknown tier");
  info.tier = static_cast<Tier>(tier);
  uint8_t arch = r.u8();
  if (arch > static_cast<uint8_t>(Arch::AArch64)) r.malformed("an unknown architecture");
  info.target.arch = static_cast<Arch>(arch);
  r.u16();
  info.target.features = r.u32();
  std::span<const uint8_t> identity = r.bytes(32);
  std::copy(identity.begin(), identity.end(), info.config_identity.begin());
  std::span<const uint8_t> h = r.bytes(info.module_hash.size());
  std::copy(h.begin(), h.end(), info.module_hash.begin());
  info.engine_version = r.string();
  // The declarations' layout is this format's, whatever the engine version.
  ModuleReader mr(r);
  read_declarations(mr, info.decls);
  ModuleCode code;
  read_functions(mr, info.decls, code);
  derive_index_spaces(info.decls);
  std::span<const uint8_t> blob = r.bytes(r.count(1));
  info.decls.bytes.assign(blob.begin(), blob.end());
  check_indices(info.decls, r);  // so that a reader may follow every index
  return info;
}

std::shared_ptr<ModuleData> read(internal::EngineImpl& engine, std::span<const uint8_t> bytes, Origin origin,
                                 const MappedFile* file) {
  using Reason = ArtifactError::Reason;
  const EngineConfig& config = engine.config;
  std::span<const uint8_t> body = intact_body(bytes);
  uint32_t flags = ByteReader(body.subspan(sizeof kMagic + 4, 4)).u32();
  if ((flags & ~kFlagSigned) != 0) refuse(Reason::FormatVersion, "flags this engine does not know");
  // A signature covers everything before it; it must verify wherever it
  // is, and be there, by a trusted key, when the engine trusts only some.
  if (flags & kFlagSigned) {
    if (body.size() < kFixedHeaderSize + kSignatureBlockSize) refuse(Reason::Malformed, "no room for its signature");
    std::span<const uint8_t> block = body.last(kSignatureBlockSize);
    body = body.first(body.size() - kSignatureBlockSize);
    std::span<const uint8_t> public_key = block.first(32);
    if (crypto_sign_verify_detached(block.data() + 32, body.data(), body.size(), public_key.data()) != 0)
      refuse(Reason::Untrusted, "its signature does not verify");
    if (origin == Origin::Outside && !config.trusted_keys.empty() &&
        std::none_of(config.trusted_keys.begin(), config.trusted_keys.end(), [&](const auto& k) {
          return std::equal(k.begin(), k.end(), public_key.begin());
        }))
      refuse(Reason::Untrusted, "signed by a key this engine does not trust");
  } else if (origin == Origin::Outside && !config.trusted_keys.empty()) {
    refuse(Reason::Untrusted, "unsigned, and this engine loads only signed artifacts");
  }
  ByteReader r(body);
  r.bytes(sizeof kMagic + 8);
  uint8_t tier = r.u8();
  Target target;
  target.arch = static_cast<Arch>(r.u8());
  r.u16();
  target.features = r.u32();
  std::span<const uint8_t> identity = r.bytes(32);
  ModuleHash hash;
  std::span<const uint8_t> h = r.bytes(hash.size());
  std::copy(h.begin(), h.end(), hash.begin());
  std::string version = r.string();
  if (version != DETWASM_VERSION)
    refuse(Reason::EngineVersion, "written by detwasm " + version + ", this is " + DETWASM_VERSION);
  if (target.arch != config.target.arch || target.features != config.target.features)
    refuse(Reason::Target, "compiled for another target than this engine's " + config.target.to_string());
  auto expected = config_identity(config);
  if (tier != static_cast<uint8_t>(config.tier) || !std::equal(identity.begin(), identity.end(), expected.begin()))
    refuse(Reason::Configuration, "compiled under another configuration than this engine's");

  auto m = std::make_shared<ModuleData>();
  ModuleDecls& decls = *m;
  ModuleCode& code = m->code;
  decls.hash = hash;
  ModuleReader mr(r);
  read_declarations(mr, decls);
  read_functions(mr, decls, code);
  derive_index_spaces(decls);
  std::span<const uint8_t> blob = r.bytes(r.count(1));
  decls.bytes.assign(blob.begin(), blob.end());
  check_indices(decls, r);
  code.jit = read_machine_code(mr, decls, bytes, file);
  if ((config.tier == Tier::Jit) != (code.jit != nullptr)) r.malformed("code for another tier");
  if (code.jit) {
    // The JIT tier's code part has no interpreter code.
    for (const internal::InterpFunction& f : code.interp)
      if (!f.code.empty() || !f.sources.empty()) r.malformed("code for another tier");
    code.interp.clear();
  }
  if (r.left() != 0) r.malformed("bytes after the code");

  m->binding = engine.bind(decls);
  return m;
}

std::shared_ptr<ModuleData> read_file(internal::EngineImpl& engine, const std::string& path, Origin origin) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot read " + path + ": " + std::strerror(errno));
  MappedFile file{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("cannot read " + path + ": not a regular file");
  }
  auto size = static_cast<size_t>(st.st_size);
  void* p = size ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
  if (p == MAP_FAILED) {
    ::close(fd);
    if (size == 0) refuse(ArtifactError::Reason::NotAnArtifact, "an empty file");
    throw Error("cannot map " + path + ": " + std::strerror(errno));
  }
  // The whole file is read once (the digest); only the code's mapping
  // outlives this call.
  struct Unmap {
    void* p;
    size_t n;
    int fd;
    ~Unmap() {
      ::munmap(p, n);
      ::close(fd);
    }
  } unmap{p, size, fd};
  return read(engine, {static_cast<const uint8_t*>(p), size}, origin, &file);
}

}  // namespace detwasm::artifact
