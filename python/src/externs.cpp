// Memory, Table and Global.
#include "binding.hpp"

namespace detwasm::python {

namespace {

// Python slice bounds over [0, size), as slice(start, stop).indices(size).
std::pair<uint64_t, uint64_t> slice_bounds(py::object start, py::object stop, uint64_t size) {
  py::slice s(start, stop, py::none());
  size_t b = 0, e = 0, step = 0, len = 0;
  if (!s.compute(size, &b, &e, &step, &len)) throw py::error_already_set();
  return {b, e};
}

// The bytes of a memory, through the buffer protocol; holding the store, so
// a memoryview of it never outlives the memory.
struct MemoryBuffer {
  StorePtr state;
  Memory memory;
};

template <typename Handle>
StorePtr checked_store(const Handle& h, py::object store) {
  StorePtr st = store_of(store);
  check_same_store(h.state, st);
  return st;
}

}  // namespace

void register_externs(py::module_& m) {
  py::class_<MemoryBuffer>(m, "_MemoryBuffer", py::buffer_protocol())
      .def_buffer([](MemoryBuffer& b) {
        return py::buffer_info(b.memory.data(), static_cast<ssize_t>(b.memory.data_size()), false);
      });

  py::class_<PyMemory>(m, "Memory", "A linear memory.")
      .def(py::init([](py::object store, const PyMemoryType& type) {
             StorePtr st = store_of(store);
             return PyMemory{st, st->store->new_memory(type.type)};
           }),
           py::arg("store"), py::arg("ty"))
      .def(
          "type", [](const PyMemory& mem, py::object store) { checked_store(mem, store); return PyMemoryType{mem.memory.type()}; },
          py::arg("store"))
      .def(
          "size", [](const PyMemory& mem, py::object store) { checked_store(mem, store); return mem.memory.pages(); },
          py::arg("store"), "The size in 64 KiB pages.")
      .def(
          "data_len", [](const PyMemory& mem, py::object store) { checked_store(mem, store); return mem.memory.data_size(); },
          py::arg("store"), "The size in bytes.")
      .def(
          "grow",
          [](const PyMemory& mem, py::object store, int64_t delta) {
            checked_store(mem, store);
            if (delta < 0) raise_wasmtime_error("cannot grow by negative amount");
            if (delta > UINT32_MAX) raise_wasmtime_error("failed to grow memory by " + std::to_string(delta) + " pages");
            EnterStore running(*mem.state);  // no growing under Wasm running on another thread
            std::optional<uint32_t> old = mem.memory.grow(static_cast<uint32_t>(delta));
            if (!old) raise_wasmtime_error("failed to grow memory by " + std::to_string(delta) + " pages");
            return *old;
          },
          py::arg("store"), py::arg("delta"), "Grows by `delta` pages; returns the old size in pages.")
      .def(
          "read",
          [](const PyMemory& mem, py::object store, py::object start, py::object stop) {
            checked_store(mem, store);
            auto [b, e] = slice_bounds(start, stop, mem.memory.data_size());
            if (e <= b) return py::bytearray("", 0);
            return py::bytearray(reinterpret_cast<const char*>(mem.memory.data() + b), e - b);
          },
          py::arg("store"), py::arg("start") = 0, py::arg("stop") = py::none(),
          "A copy of bytes [start, stop), with Python's slice rules for negative and missing bounds.")
      .def(
          "write",
          [](const PyMemory& mem, py::object store, py::buffer value, py::object start) {
            checked_store(mem, store);
            uint64_t size = mem.memory.data_size();
            auto [b, e] = slice_bounds(start, py::none(), size);
            (void)e;
            if (b >= size) raise_builtin(PyExc_IndexError, "index out of range");
            py::buffer_info info = value.request();
            uint64_t n = static_cast<uint64_t>(info.size) * info.itemsize;
            if (n == 0) return n;
            if (b + n > size) raise_builtin(PyExc_IndexError, "index out of range");
            std::memcpy(mem.memory.data() + b, info.ptr, n);
            return n;
          },
          py::arg("store"), py::arg("value"), py::arg("start") = py::none(),
          "Writes the bytes of `value` at `start`; returns how many. IndexError past the end.")
      .def(
          "buffer",
          [](const PyMemory& mem, py::object store) {
            checked_store(mem, store);
            return py::memoryview(py::cast(MemoryBuffer{mem.state, mem.memory}));
          },
          py::arg("store"),
          "A writable memoryview of the whole memory, without copying. It keeps the store alive; the memory "
          "never moves, so it stays valid when the memory grows, but covers only the bytes there were when made.")
      .def(
          "data_ptr",
          [](const PyMemory& mem, py::object store) {
            checked_store(mem, store);
            py::object ctypes = py::module_::import("ctypes");
            return ctypes.attr("cast")(reinterpret_cast<uintptr_t>(mem.memory.data()),
                                       ctypes.attr("POINTER")(ctypes.attr("c_ubyte")));
          },
          py::arg("store"), "A ctypes pointer to the first byte; accesses must stay below data_len().")
      .def(
          "get_buffer_ptr",
          [](const PyMemory& mem, py::object store, std::optional<uint64_t> size, uint64_t offset) {
            checked_store(mem, store);
            uint64_t total = mem.memory.data_size();
            uint64_t n = size.value_or(total - std::min(offset, total));
            if (offset > total || n > total - offset) raise_builtin(PyExc_IndexError, "buffer out of range");
            py::object ctypes = py::module_::import("ctypes");
            py::object array_type = py::reinterpret_steal<py::object>(PyNumber_Multiply(ctypes.attr("c_ubyte").ptr(), py::int_(n).ptr()));
            if (!array_type) throw py::error_already_set();
            return array_type.attr("from_address")(reinterpret_cast<uintptr_t>(mem.memory.data()) + offset);
          },
          py::arg("store"), py::arg("size") = py::none(), py::arg("offset") = 0,
          "A ctypes array over `size` bytes at `offset`, without copying (for numpy.frombuffer).")
      .def("__eq__", [](const PyMemory& a, py::object b) {
        return py::isinstance<PyMemory>(b) && a.memory == b.cast<PyMemory&>().memory;
      })
      .def("__hash__", [](const PyMemory& a) { return std::hash<const void*>{}(a.memory.raw()); });

  py::class_<PyTable>(m, "Table", "A table of references.")
      .def(py::init([](py::object store, const PyTableType& type, py::object init) {
             StorePtr st = store_of(store);
             Value v = to_value(*st, type.type.elem, init, "table initial value");
             return PyTable{st, st->store->new_table(type.type, v)};
           }),
           py::arg("store"), py::arg("ty"), py::arg("init"))
      .def(
          "type", [](const PyTable& t, py::object store) { checked_store(t, store); return PyTableType{t.table.type()}; },
          py::arg("store"))
      .def(
          "size", [](const PyTable& t, py::object store) { checked_store(t, store); return t.table.size(); },
          py::arg("store"))
      .def(
          "get",
          [](const PyTable& t, py::object store, uint32_t index) -> py::object {
            StorePtr st = checked_store(t, store);
            std::optional<Value> v = t.table.get(index);
            if (!v) return py::none();
            return from_value(st, *v);
          },
          py::arg("store"), py::arg("idx"), "The element at `idx`, or None (also when out of bounds).")
      .def(
          "set",
          [](const PyTable& t, py::object store, uint32_t index, py::object val) {
            StorePtr st = checked_store(t, store);
            if (!t.table.set(index, to_value(*st, t.table.type().elem, val, "table element")))
              raise_wasmtime_error("table index out of bounds");
          },
          py::arg("store"), py::arg("idx"), py::arg("val"))
      .def(
          "grow",
          [](const PyTable& t, py::object store, uint32_t delta, py::object init) {
            StorePtr st = checked_store(t, store);
            std::optional<uint32_t> old = t.table.grow(delta, to_value(*st, t.table.type().elem, init, "table element"));
            if (!old) raise_wasmtime_error("failed to grow table by " + std::to_string(delta));
            return *old;
          },
          py::arg("store"), py::arg("amt"), py::arg("init"), "Grows by `amt` elements set to `init`; returns the old size.");

  py::class_<PyGlobal>(m, "Global", "A global variable.")
      .def(py::init([](py::object store, const PyGlobalType& type, py::object val) {
             StorePtr st = store_of(store);
             Value v = to_value(*st, type.type.type, val, "global initial value");
             return PyGlobal{st, st->store->new_global(type.type, v)};
           }),
           py::arg("store"), py::arg("ty"), py::arg("val"))
      .def(
          "type", [](const PyGlobal& g, py::object store) { checked_store(g, store); return PyGlobalType{g.global.type()}; },
          py::arg("store"))
      .def(
          "value",
          [](const PyGlobal& g, py::object store) {
            StorePtr st = checked_store(g, store);
            return from_value(st, g.global.get());
          },
          py::arg("store"))
      .def(
          "set_value",
          [](const PyGlobal& g, py::object store, py::object val) {
            StorePtr st = checked_store(g, store);
            if (!g.global.type().mut) raise_wasmtime_error("global is immutable");
            g.global.set(to_value(*st, g.global.type().type, val, "global value"));
          },
          py::arg("store"), py::arg("val"));
}

}  // namespace detwasm::python
