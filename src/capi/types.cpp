// wasm.h: vectors, type objects and their conversions to the C++ types.
#include "capi/capi.hpp"

#include <cstdlib>
#include <new>

using namespace detwasm;
using namespace detwasm::capi;

namespace {

// Allocates `n` zeroed elements with new[]; nothing for 0 or for a size
// that cannot be allocated (data stays NULL and the size 0).
template <typename T>
T* alloc_elems(size_t n) {
  if (n == 0) return nullptr;
  try {
    return new T[n]();
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

}  // namespace

// Vectors of plain values: bytes and vals. new_uninitialized of a size that
// cannot be allocated gives an empty vector.
#define DETWASM_VEC_COMMON(name, elem_t)                                                        \
  extern "C" void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) {                       \
    out->size = 0;                                                                              \
    out->data = nullptr;                                                                        \
  }                                                                                             \
  extern "C" void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t size) {  \
    out->data = alloc_elems<elem_t>(size);                                                      \
    out->size = out->data ? size : 0;                                                           \
  }

// Plain data: new copies the elements; copy copies them, deep for vals.
#define DETWASM_VEC_PLAIN(name, elem_t, copy_elem, delete_elem)                                 \
  DETWASM_VEC_COMMON(name, elem_t)                                                              \
  extern "C" void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t size,                  \
                                        const elem_t data[]) {                                  \
    wasm_##name##_vec_new_uninitialized(out, size);                                             \
    if (out->size && data) std::memcpy(out->data, data, size * sizeof(elem_t));                 \
  }                                                                                             \
  extern "C" void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* v) { \
    wasm_##name##_vec_new_uninitialized(out, v ? v->size : 0);                                  \
    for (size_t i = 0; i < out->size; ++i) copy_elem(&out->data[i], &v->data[i]);               \
  }                                                                                             \
  extern "C" void wasm_##name##_vec_delete(wasm_##name##_vec_t* v) {                            \
    if (!v) return;                                                                             \
    for (size_t i = 0; i < v->size && v->data; ++i) delete_elem(&v->data[i]);                   \
    delete[] v->data;                                                                           \
    v->data = nullptr;                                                                          \
    v->size = 0;                                                                                \
  }

// Vectors of owned pointers: new takes them; copy copies each; delete
// deletes each (null elements are skipped).
#define DETWASM_VEC_OWNED(name)                                                                 \
  DETWASM_VEC_COMMON(name, wasm_##name##_t*)                                                    \
  extern "C" void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t size,                  \
                                        wasm_##name##_t* const data[]) {                        \
    wasm_##name##_vec_new_uninitialized(out, size);                                             \
    for (size_t i = 0; i < out->size && data; ++i) out->data[i] = data[i];                      \
  }                                                                                             \
  extern "C" void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* v) { \
    wasm_##name##_vec_new_uninitialized(out, v ? v->size : 0);                                  \
    for (size_t i = 0; i < out->size; ++i)                                                      \
      out->data[i] = v->data[i] ? wasm_##name##_copy(v->data[i]) : nullptr;                     \
  }                                                                                             \
  extern "C" void wasm_##name##_vec_delete(wasm_##name##_vec_t* v) {                            \
    if (!v) return;                                                                             \
    for (size_t i = 0; i < v->size && v->data; ++i) wasm_##name##_delete(v->data[i]);           \
    delete[] v->data;                                                                           \
    v->data = nullptr;                                                                          \
    v->size = 0;                                                                                \
  }

namespace {
void copy_byte(wasm_byte_t* out, const wasm_byte_t* in) { *out = *in; }
void delete_byte(wasm_byte_t*) {}
}  // namespace

DETWASM_VEC_PLAIN(byte, wasm_byte_t, copy_byte, delete_byte)
DETWASM_VEC_PLAIN(val, wasm_val_t, wasm_val_copy, wasm_val_delete)
DETWASM_VEC_OWNED(valtype)
DETWASM_VEC_OWNED(functype)
DETWASM_VEC_OWNED(globaltype)
DETWASM_VEC_OWNED(tabletype)
DETWASM_VEC_OWNED(memorytype)
DETWASM_VEC_OWNED(externtype)
DETWASM_VEC_OWNED(importtype)
DETWASM_VEC_OWNED(exporttype)
DETWASM_VEC_OWNED(frame)
DETWASM_VEC_OWNED(extern)

// ---------------------------------------------------------------------------
// Value types

extern "C" wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) {
  if (!to_cpp(kind)) return nullptr;
  return new wasm_valtype_t{kind};
}
extern "C" void wasm_valtype_delete(wasm_valtype_t* t) { delete t; }
extern "C" wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* t) { return t ? new wasm_valtype_t{*t} : nullptr; }
extern "C" wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t) { return t ? t->kind : wasm_valkind_t{WASM_I32}; }

// ---------------------------------------------------------------------------
// Function types

extern "C" wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  auto* t = new wasm_functype_t{};
  t->kind = WASM_EXTERN_FUNC;
  wasm_valtype_vec_new_empty(&t->params);
  wasm_valtype_vec_new_empty(&t->results);
  if (params) std::swap(t->params, *params);
  if (results) std::swap(t->results, *results);
  return t;
}
extern "C" void wasm_functype_delete(wasm_functype_t* t) {
  if (!t) return;
  wasm_valtype_vec_delete(&t->params);
  wasm_valtype_vec_delete(&t->results);
  delete t;
}
extern "C" wasm_functype_t* wasm_functype_copy(const wasm_functype_t* t) {
  if (!t) return nullptr;
  wasm_valtype_vec_t p, r;
  wasm_valtype_vec_copy(&p, &t->params);
  wasm_valtype_vec_copy(&r, &t->results);
  return wasm_functype_new(&p, &r);
}
extern "C" const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* t) { return t ? &t->params : nullptr; }
extern "C" const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* t) {
  return t ? &t->results : nullptr;
}

// ---------------------------------------------------------------------------
// Global, table and memory types

extern "C" wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t mut) {
  if (!content || mut > WASM_VAR) {
    wasm_valtype_delete(content);
    return nullptr;
  }
  auto* t = new wasm_globaltype_t{};
  t->kind = WASM_EXTERN_GLOBAL;
  t->content = content;
  t->mutability = mut;
  return t;
}
extern "C" void wasm_globaltype_delete(wasm_globaltype_t* t) {
  if (!t) return;
  wasm_valtype_delete(t->content);
  delete t;
}
extern "C" wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* t) {
  return t ? wasm_globaltype_new(wasm_valtype_copy(t->content), t->mutability) : nullptr;
}
extern "C" const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* t) { return t ? t->content : nullptr; }
extern "C" wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* t) {
  return t ? t->mutability : wasm_mutability_t{WASM_CONST};
}

extern "C" wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* elem, const wasm_limits_t* limits) {
  if (!elem || !limits || !wasm_valkind_is_ref(elem->kind)) {
    wasm_valtype_delete(elem);
    return nullptr;
  }
  auto* t = new wasm_tabletype_t{};
  t->kind = WASM_EXTERN_TABLE;
  t->element = elem;
  t->limits = *limits;
  return t;
}
extern "C" void wasm_tabletype_delete(wasm_tabletype_t* t) {
  if (!t) return;
  wasm_valtype_delete(t->element);
  delete t;
}
extern "C" wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* t) {
  return t ? wasm_tabletype_new(wasm_valtype_copy(t->element), &t->limits) : nullptr;
}
extern "C" const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* t) { return t ? t->element : nullptr; }
extern "C" const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* t) { return t ? &t->limits : nullptr; }

extern "C" wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) {
  if (!limits) return nullptr;
  auto* t = new wasm_memorytype_t{};
  t->kind = WASM_EXTERN_MEMORY;
  t->limits = *limits;
  return t;
}
extern "C" void wasm_memorytype_delete(wasm_memorytype_t* t) { delete t; }
extern "C" wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* t) {
  return t ? wasm_memorytype_new(&t->limits) : nullptr;
}
extern "C" const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* t) { return t ? &t->limits : nullptr; }

// ---------------------------------------------------------------------------
// Extern types: a kind tag in front of each of the four.

extern "C" wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* t) { return t ? t->kind : wasm_externkind_t{WASM_EXTERN_FUNC}; }

extern "C" void wasm_externtype_delete(wasm_externtype_t* t) {
  if (!t) return;
  switch (t->kind) {
    case WASM_EXTERN_FUNC: return wasm_functype_delete(static_cast<wasm_functype_t*>(t));
    case WASM_EXTERN_GLOBAL: return wasm_globaltype_delete(static_cast<wasm_globaltype_t*>(t));
    case WASM_EXTERN_TABLE: return wasm_tabletype_delete(static_cast<wasm_tabletype_t*>(t));
    case WASM_EXTERN_MEMORY: return wasm_memorytype_delete(static_cast<wasm_memorytype_t*>(t));
  }
}

extern "C" wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* t) {
  if (!t) return nullptr;
  switch (t->kind) {
    case WASM_EXTERN_FUNC: return wasm_functype_copy(static_cast<const wasm_functype_t*>(t));
    case WASM_EXTERN_GLOBAL: return wasm_globaltype_copy(static_cast<const wasm_globaltype_t*>(t));
    case WASM_EXTERN_TABLE: return wasm_tabletype_copy(static_cast<const wasm_tabletype_t*>(t));
    case WASM_EXTERN_MEMORY: return wasm_memorytype_copy(static_cast<const wasm_memorytype_t*>(t));
  }
  return nullptr;
}

#define DETWASM_EXTERNTYPE_CONVERSIONS(name, KIND)                                                     \
  extern "C" wasm_externtype_t* wasm_##name##_as_externtype(wasm_##name##_t* t) { return t; }          \
  extern "C" const wasm_externtype_t* wasm_##name##_as_externtype_const(const wasm_##name##_t* t) {    \
    return t;                                                                                          \
  }                                                                                                    \
  extern "C" wasm_##name##_t* wasm_externtype_as_##name(wasm_externtype_t* t) {                        \
    return t && t->kind == KIND ? static_cast<wasm_##name##_t*>(t) : nullptr;                          \
  }                                                                                                    \
  extern "C" const wasm_##name##_t* wasm_externtype_as_##name##_const(const wasm_externtype_t* t) {    \
    return t && t->kind == KIND ? static_cast<const wasm_##name##_t*>(t) : nullptr;                    \
  }

DETWASM_EXTERNTYPE_CONVERSIONS(functype, WASM_EXTERN_FUNC)
DETWASM_EXTERNTYPE_CONVERSIONS(globaltype, WASM_EXTERN_GLOBAL)
DETWASM_EXTERNTYPE_CONVERSIONS(tabletype, WASM_EXTERN_TABLE)
DETWASM_EXTERNTYPE_CONVERSIONS(memorytype, WASM_EXTERN_MEMORY)

// ---------------------------------------------------------------------------
// Import and export types

extern "C" wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new wasm_importtype_t{};
  wasm_name_new_empty(&t->module);
  wasm_name_new_empty(&t->name);
  if (module) std::swap(t->module, *module);
  if (name) std::swap(t->name, *name);
  t->type = type;
  return t;
}
extern "C" void wasm_importtype_delete(wasm_importtype_t* t) {
  if (!t) return;
  wasm_name_delete(&t->module);
  wasm_name_delete(&t->name);
  wasm_externtype_delete(t->type);
  delete t;
}
extern "C" wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* t) {
  if (!t) return nullptr;
  wasm_name_t m, n;
  wasm_name_copy(&m, &t->module);
  wasm_name_copy(&n, &t->name);
  return wasm_importtype_new(&m, &n, wasm_externtype_copy(t->type));
}
extern "C" const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* t) { return t ? &t->module : nullptr; }
extern "C" const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* t) { return t ? &t->name : nullptr; }
extern "C" const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* t) { return t ? t->type : nullptr; }

extern "C" wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new wasm_exporttype_t{};
  wasm_name_new_empty(&t->name);
  if (name) std::swap(t->name, *name);
  t->type = type;
  return t;
}
extern "C" void wasm_exporttype_delete(wasm_exporttype_t* t) {
  if (!t) return;
  wasm_name_delete(&t->name);
  wasm_externtype_delete(t->type);
  delete t;
}
extern "C" wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* t) {
  if (!t) return nullptr;
  wasm_name_t n;
  wasm_name_copy(&n, &t->name);
  return wasm_exporttype_new(&n, wasm_externtype_copy(t->type));
}
extern "C" const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* t) { return t ? &t->name : nullptr; }
extern "C" const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* t) { return t ? t->type : nullptr; }

// ---------------------------------------------------------------------------
// Conversions to and from the C++ vocabulary

namespace detwasm::capi {

std::optional<ValType> to_cpp(wasm_valkind_t kind) {
  switch (kind) {
    case WASM_I32: return ValType::I32;
    case WASM_I64: return ValType::I64;
    case WASM_F32: return ValType::F32;
    case WASM_F64: return ValType::F64;
    case WASM_EXTERNREF: return ValType::ExternRef;
    case WASM_FUNCREF: return ValType::FuncRef;
    default: return std::nullopt;
  }
}

std::optional<FuncType> to_cpp(const wasm_functype_t* t) {
  if (!t) return std::nullopt;
  FuncType out;
  for (size_t i = 0; i < t->params.size; ++i) {
    auto v = t->params.data[i] ? to_cpp(t->params.data[i]->kind) : std::nullopt;
    if (!v) return std::nullopt;
    out.params.push_back(*v);
  }
  for (size_t i = 0; i < t->results.size; ++i) {
    auto v = t->results.data[i] ? to_cpp(t->results.data[i]->kind) : std::nullopt;
    if (!v) return std::nullopt;
    out.results.push_back(*v);
  }
  return out;
}

namespace {
void valtypes_to_c(const std::vector<ValType>& in, wasm_valtype_vec_t* out) {
  wasm_valtype_vec_new_uninitialized(out, in.size());
  for (size_t i = 0; i < out->size; ++i) out->data[i] = new wasm_valtype_t{to_c(in[i])};
}
wasm_limits_t limits_to_c(const Limits& l) { return {l.min, l.max.value_or(wasm_limits_max_default)}; }
}  // namespace

Limits to_cpp(const wasm_limits_t& l) {
  Limits out{l.min, std::nullopt};
  if (l.max != wasm_limits_max_default) out.max = l.max;
  return out;
}

wasm_functype_t* to_c(const FuncType& t) {
  wasm_valtype_vec_t p, r;
  valtypes_to_c(t.params, &p);
  valtypes_to_c(t.results, &r);
  return wasm_functype_new(&p, &r);
}
wasm_globaltype_t* to_c(const GlobalType& t) {
  return wasm_globaltype_new(new wasm_valtype_t{to_c(t.type)}, t.mut ? WASM_VAR : WASM_CONST);
}
wasm_tabletype_t* to_c(const TableType& t) {
  wasm_limits_t l = limits_to_c(t.limits);
  return wasm_tabletype_new(new wasm_valtype_t{to_c(t.elem)}, &l);
}
wasm_memorytype_t* to_c(const MemoryType& t) {
  wasm_limits_t l = limits_to_c(t.limits);
  return wasm_memorytype_new(&l);
}

wasm_externtype_t* extern_type_of(const Extern& e) {
  return std::visit([](const auto& x) -> wasm_externtype_t* { return to_c(x.type()); }, e);
}

std::string to_string(const wasm_name_t* name) {
  if (!name || !name->data) return {};
  return std::string(name->data, name->size);
}

void name_from(wasm_name_t* out, std::string_view s) { wasm_byte_vec_new(out, s.size(), s.data()); }

}  // namespace detwasm::capi
