// The Python extension `detwasm._detwasm`: pybind11 over the C++ API.
//
// Object model: a Python Store owns a StoreState (the C++ Store and what
// Python needs beside it), shared with every handle (Func, Memory, Table,
// Global, Instance) made in it, so a handle never outlives its store.
// A call into Wasm from Python releases the GIL while Wasm runs; a host
// function written in Python takes it back while it runs, called directly
// from the engine's host-call bridge.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <detwasm/detwasm.hpp>
#include <detwasm/wasi.hpp>

namespace py = pybind11;

namespace detwasm::python {

// What Config configures: the engine's configuration plus whether stores
// count fuel (metering, with every new store starting at zero fuel).
struct PyConfig {
  EngineConfig config;
  bool consume_fuel = false;
};

struct PyEngine {
  std::shared_ptr<Engine> engine;
  bool consume_fuel = false;
};

// A Python exception raised in a host function, kept while its trap unwinds
// the Wasm frames between it and the host call that re-raises it.
struct PendingException {
  py::object type, value, trace;
};

struct StoreState : std::enable_shared_from_this<StoreState> {
  std::shared_ptr<Engine> engine;
  bool fuel_enabled = false;
  // Gas used under earlier limits: Store::gas_used counts since the limit
  // was last set, fuel_consumed since the store was made.
  uint64_t gas_used_before = 0;
  py::object data;
  std::optional<WasiConfig> wasi_config;
  std::unique_ptr<Wasi> wasi;  // made from wasi_config on first use by a Linker
  std::optional<PendingException> pending;
  // The thread running Wasm in this store, and how deep: a host function
  // may release the GIL, and another thread must not enter the store then.
  std::thread::id running_thread;
  uint32_t running_depth = 0;
  // Last: the C++ store goes first, with the host functions (and their
  // Python callables) it holds.
  std::unique_ptr<Store> store;

  uint64_t fuel_consumed() const { return gas_used_before + store->gas_used(); }
  // Sets the gas left to `fuel`, keeping the count of gas used.
  void set_fuel(uint64_t fuel) {
    gas_used_before += store->gas_used();
    store->set_gas_limit(fuel);
  }
};
using StorePtr = std::shared_ptr<StoreState>;

// Marks `state` as running Wasm on this thread for its lifetime; raises
// WasmtimeError if another thread is running Wasm in it.
class EnterStore {
 public:
  explicit EnterStore(StoreState& state);
  ~EnterStore();
  EnterStore(const EnterStore&) = delete;
  EnterStore& operator=(const EnterStore&) = delete;

 private:
  StoreState& state_;
};

struct PyStore {
  StorePtr state;
  py::object engine;  // the Python Engine, as wasmtime-py's Store.engine
};

// The caller of a host function, valid only during that call.
struct PyCaller {
  StorePtr state;
  Caller* caller = nullptr;  // null once the call has returned
};

struct PyFunc {
  StorePtr state;
  Func func;
};
struct PyMemory {
  StorePtr state;
  Memory memory;
};
struct PyTable {
  StorePtr state;
  Table table;
};
struct PyGlobal {
  StorePtr state;
  Global global;
};
struct PyInstance {
  StorePtr state;
  Instance instance;
};
struct PyModule {
  std::shared_ptr<Engine> engine;
  std::shared_ptr<Module> module;
};

struct PyWasiConfig {
  WasiConfig config;
};

// Types, as wasmtime-py's type objects.
struct PyValType {
  ValType type;
};
struct PyFuncType {
  FuncType type;
};
struct PyLimits {
  Limits limits;
};
struct PyMemoryType {
  MemoryType type;
};
struct PyTableType {
  TableType type;
};
struct PyGlobalType {
  GlobalType type;
};
struct PyImportType {
  ImportType type;
};
struct PyExportType {
  ExportType type;
};

// --- errors (module.cpp) ---

// Sets detwasm._errors.WasmtimeError(message) as the Python error.
void set_wasmtime_error(const std::string& message);
// Raises detwasm._errors.WasmtimeError(message).
[[noreturn]] void raise_wasmtime_error(const std::string& message);
// Raises a Python built-in exception (TypeError, ValueError, ...).
[[noreturn]] void raise_builtin(PyObject* type, const std::string& message);
// Raises what a call that ended in `trap` raises: the pending Python
// exception of a host function if there is one, else ExitTrap for a WASI
// exit, else Trap with its frames.
[[noreturn]] void raise_trap(StoreState& state, const Trap& trap);
// Re-raises a host function's pending exception, if there is one.
void raise_pending(StoreState& state);

// --- stores and values (values.cpp) ---

// The store state of a Store or of a live Caller (wasmtime-py's Storelike).
StorePtr store_of(py::handle storelike);
// Refuses an object of another store (WasmtimeError).
void check_same_store(const StorePtr& owner, const StorePtr& used);
// A Python value (a Val, an int, a float, a Func, None or any object for
// externref) as a Value of `type`: TypeError or OverflowError if it is not one.
// What a converted value is, for error messages only: built when one is
// raised, so that a call converts its arguments without making strings.
struct What {
  const char* text;
  int index = -1;  // "parameter 2" and the like
  What(const char* t) : text(t) {}  // NOLINT: a literal is a What
  What(const char* t, size_t i) : text(t), index(static_cast<int>(i)) {}
  std::string str() const { return index < 0 ? std::string(text) : std::string(text) + " " + std::to_string(index); }
};
Value to_value(StoreState& state, ValType type, py::handle obj, const What& what);
// A Value as wasmtime-py gives it: int, float, Func, the externref's
// object, or None for a null reference.
py::object from_value(const StorePtr& state, const Value& v);
// The Python object for an extern: Func, Memory, Table or Global.
py::object wrap_extern(const StorePtr& state, const Extern& e);
// The extern of a Python Func, Memory, Table or Global; nullopt for any other object.
std::optional<Extern> extern_of(py::handle obj, StorePtr* owner = nullptr);
// Calls `func` with Python arguments converted by its type; returns None,
// the one result, or a list of results.
py::object call_func(const StorePtr& state, const Func& func, const py::args& args);
// A host function in `state` calling `callable`; `fuel_cost` is the gas each
// call costs metered callers (default: the schedule's host_call_default).
Func new_python_func(const StorePtr& state, const FuncType& type, py::object callable, bool access_caller,
                     std::optional<uint64_t> fuel_cost = std::nullopt);

// --- type objects (types.cpp) ---
py::object extern_type_object(ExternKind kind, const FuncType& f, const TableType& t, const MemoryType& m,
                              const GlobalType& g);

// --- registration, one function per file ---
void register_types(py::module_& m);
void register_values(py::module_& m);
void register_store(py::module_& m);
void register_externs(py::module_& m);
void register_wasi(py::module_& m);

}  // namespace detwasm::python
