#include "text/text_module.hpp"

namespace detwasm::text {

namespace {

void put_section(Bytes& out, uint8_t id, const Bytes& payload) {
  out.push_back(id);
  put_u32(out, payload.size());
  put_bytes(out, payload);
}

void put_vector_section(Bytes& out, uint8_t id, const std::vector<Bytes>& entries) {
  if (entries.empty()) return;
  Bytes payload;
  put_u32(payload, entries.size());
  for (const Bytes& e : entries) put_bytes(payload, e);
  put_section(out, id, payload);
}

void put_name_map(Bytes& out, const std::vector<NameEntry>& names) {
  put_u32(out, names.size());
  for (const NameEntry& n : names) {
    put_u32(out, n.index);
    put_name(out, n.name);
  }
}

Bytes name_section(const TextModule& m) {
  Bytes payload;
  put_name(payload, "name");
  if (!m.module_name.empty()) {
    Bytes sub;
    put_name(sub, m.module_name);
    put_section(payload, 0, sub);
  }
  if (!m.index_names[1].empty()) {
    Bytes sub;
    put_name_map(sub, m.index_names[1]);
    put_section(payload, 1, sub);
  }
  Bytes sub;
  put_u32(sub, m.local_names.size());
  for (size_t f = 0; f < m.local_names.size(); ++f) {
    put_u32(sub, f);
    put_name_map(sub, m.local_names[f]);
  }
  put_section(payload, 2, sub);
  for (uint8_t id = 4; id <= 9; ++id) {
    if (m.index_names[id].empty()) continue;
    Bytes names;
    put_name_map(names, m.index_names[id]);
    put_section(payload, id, names);
  }
  return payload;
}

}  // namespace

Bytes write_binary(const TextModule& m) {
  Bytes out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  put_vector_section(out, 1, m.types);
  put_vector_section(out, 2, m.imports);
  if (!m.functions.empty()) {
    Bytes payload;
    put_u32(payload, m.functions.size());
    for (uint32_t t : m.functions) put_u32(payload, t);
    put_section(out, 3, payload);
  }
  put_vector_section(out, 4, m.tables);
  put_vector_section(out, 5, m.memories);
  put_vector_section(out, 6, m.globals);
  put_vector_section(out, 7, m.exports);
  if (m.start) {
    Bytes payload;
    put_u32(payload, *m.start);
    put_section(out, 8, payload);
  }
  put_vector_section(out, 9, m.elems);
  if (m.needs_data_count && !m.datas.empty()) {
    Bytes payload;
    put_u32(payload, m.datas.size());
    put_section(out, 12, payload);
  }
  put_vector_section(out, 10, m.codes);
  put_vector_section(out, 11, m.datas);
  if (m.has_names) {
    put_section(out, 0, name_section(m));
  }
  return out;
}

}  // namespace detwasm::text
