// A module parsed from text, with every index resolved: each entry is held
// in its binary encoding, ready for its section. binary_writer.cpp lays the
// sections out.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace detwasm::text {

using Bytes = std::vector<uint8_t>;

inline void put_u32(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

inline void put_s64(Bytes& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7F;
    v >>= 7;  // arithmetic shift
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return;
  }
}

inline void put_bytes(Bytes& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }
inline void put_bytes(Bytes& out, const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); }
inline void put_name(Bytes& out, std::string_view s) {
  put_u32(out, s.size());
  put_bytes(out, s);
}

struct NameEntry {
  uint32_t index;
  std::string name;
};

struct TextModule {
  std::vector<Bytes> types;    // each a func type: 0x60 vec(params) vec(results)
  std::vector<Bytes> imports;
  std::vector<uint32_t> functions;  // type index of each defined function
  std::vector<Bytes> tables, memories, globals, exports, elems, codes, datas;
  std::optional<uint32_t> start;
  // Whether a body uses data.drop or memory.init, which need the data count
  // section (the only case where it is written, as wabt writes it).
  bool needs_data_count = false;

  // The name section, written when the text has an identifier, laid out as
  // wabt's --debug-names writes it: the local names of every function, with
  // none for most.
  std::string module_name;
  std::vector<std::vector<NameEntry>> local_names;  // by function index, imports included
  // The names of functions (subsection 1), types, tables, memories,
  // globals, elem and data segments (4 to 9), each by ascending index.
  std::array<std::vector<NameEntry>, 10> index_names;
  bool has_names = false;
};

// The binary module: sections in their required order, empty ones left out,
// every LEB128 minimal.
Bytes write_binary(const TextModule& m);

}  // namespace detwasm::text
