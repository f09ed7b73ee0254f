// Values in and out of Wasm, functions (Func, host functions in Python) and Caller.
#include "binding.hpp"

#include <cmath>

namespace detwasm::python {

namespace {

// Val, looked up once and kept for the life of the process (never released:
// the interpreter may be finalising when statics are destroyed).
py::handle val_class() {
  static py::handle cls = py::object(py::module_::import("detwasm._value").attr("Val")).release();
  return cls;
}

// An int in [lo, hi], as a Python int: OverflowError outside, TypeError if not an int.
// An int of the range [lo, hi] as its low 64 bits; TypeError or
// OverflowError naming `what` otherwise. Machine-sized ints take the fast
// path; only unsigned i64 values past 2^63 compare as Python ints.
uint64_t checked_int(py::handle obj, const char* type_name, int64_t lo, uint64_t hi, const What& what) {
  if (!PyLong_Check(obj.ptr()))
    raise_builtin(PyExc_TypeError, what.str() + ": expected an int for " + type_name + ", got " +
                                       std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
  if (overflow == 0 && v >= lo && (v < 0 || static_cast<unsigned long long>(v) <= hi)) return static_cast<uint64_t>(v);
  if (overflow > 0 && hi > static_cast<uint64_t>(INT64_MAX)) {
    unsigned long long u = PyLong_AsUnsignedLongLong(obj.ptr());
    if (!(u == static_cast<unsigned long long>(-1) && PyErr_Occurred())) return u;
    PyErr_Clear();
  }
  raise_builtin(PyExc_OverflowError,
                what.str() + ": " + std::string(py::str(obj)) + " does not fit in " + type_name);
}

double checked_float(py::handle obj, const char* type_name, const What& what) {
  if (!PyFloat_Check(obj.ptr()) && !PyLong_Check(obj.ptr()))
    raise_builtin(PyExc_TypeError, what.str() + ": expected a float for " + type_name + ", got " +
                                       std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
  double d = PyFloat_AsDouble(obj.ptr());
  if (d == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  return d;
}

std::string type_name(ValType t) { return std::string(to_string(t)); }

}  // namespace

StorePtr store_of(py::handle storelike) {
  if (py::isinstance<PyStore>(storelike)) return storelike.cast<PyStore&>().state;
  if (py::isinstance<PyCaller>(storelike)) {
    PyCaller& c = storelike.cast<PyCaller&>();
    if (!c.caller) raise_builtin(PyExc_ValueError, "the Caller is no longer valid: its host call has returned");
    return c.state;
  }
  raise_builtin(PyExc_TypeError, "expected a Store or a Caller, got " +
                                     std::string(py::str(py::type::handle_of(storelike).attr("__name__"))));
}

void check_same_store(const StorePtr& owner, const StorePtr& used) {
  if (owner != used) raise_wasmtime_error("the object belongs to another store");
}

Value to_value(StoreState& state, ValType type, py::handle obj, const What& what) {
  // The common case first: a plain int or float, no Val around it.
  if (PyLong_CheckExact(obj.ptr())) {
    if (type == ValType::I32) return Value{ValType::I32, static_cast<uint32_t>(checked_int(obj, "i32", INT32_MIN, UINT32_MAX, what))};
    if (type == ValType::I64) return Value{ValType::I64, checked_int(obj, "i64", INT64_MIN, UINT64_MAX, what)};
  }
  py::object inner = py::reinterpret_borrow<py::object>(obj);
  if (py::isinstance(obj, val_class())) {
    ValType given = obj.attr("_type").cast<PyValType>().type;
    if (given != type)
      raise_builtin(PyExc_TypeError, what.str() + ": expected a value of type " + type_name(type) + ", got a Val of type " +
                                         type_name(given));
    inner = obj.attr("_value");
  }
  switch (type) {
    case ValType::I32: return Value{ValType::I32, static_cast<uint32_t>(checked_int(inner, "i32", INT32_MIN, UINT32_MAX, what))};
    case ValType::I64: return Value{ValType::I64, checked_int(inner, "i64", INT64_MIN, UINT64_MAX, what)};
    case ValType::F32: return Value::f32(static_cast<float>(checked_float(inner, "f32", what)));
    case ValType::F64: return Value::f64(checked_float(inner, "f64", what));
    case ValType::FuncRef: {
      if (inner.is_none()) return Value::null_ref(ValType::FuncRef);
      if (!py::isinstance<PyFunc>(inner))
        raise_builtin(PyExc_TypeError, what.str() + ": expected a Func or None for funcref");
      PyFunc& f = inner.cast<PyFunc&>();
      check_same_store(f.state, state.shared_from_this());
      return Value::funcref(f.func);
    }
    case ValType::ExternRef:
      if (inner.is_none()) return Value::null_ref(ValType::ExternRef);
      return state.store->externref(std::any(inner));
    case ValType::V128: break;
  }
  raise_builtin(PyExc_TypeError, what.str() + ": values of type " + type_name(type) + " are not supported");
}

py::object from_value(const StorePtr& state, const Value& v) {
  switch (v.type) {
    case ValType::I32: return py::int_(v.as_i32());
    case ValType::I64: return py::int_(v.as_i64());
    case ValType::F32: return py::float_(v.as_f32());
    case ValType::F64: return py::float_(v.as_f64());
    case ValType::FuncRef: {
      std::optional<Func> f = v.as_func(*state->store);
      if (!f) return py::none();
      return py::cast(PyFunc{state, *f});
    }
    case ValType::ExternRef: {
      std::any* a = state->store->externref_data(v);
      if (!a) return py::none();
      if (py::object* o = std::any_cast<py::object>(a)) return *o;
      return py::none();  // an object the host put there from C++, not Python
    }
    case ValType::V128: break;
  }
  return py::none();
}

py::object wrap_extern(const StorePtr& state, const Extern& e) {
  if (auto* f = std::get_if<Func>(&e)) return py::cast(PyFunc{state, *f});
  if (auto* m = std::get_if<Memory>(&e)) return py::cast(PyMemory{state, *m});
  if (auto* t = std::get_if<Table>(&e)) return py::cast(PyTable{state, *t});
  return py::cast(PyGlobal{state, std::get<Global>(e)});
}

std::optional<Extern> extern_of(py::handle obj, StorePtr* owner) {
  auto take = [&](const StorePtr& s, Extern e) {
    if (owner) *owner = s;
    return std::optional<Extern>(e);
  };
  if (py::isinstance<PyFunc>(obj)) { auto& x = obj.cast<PyFunc&>(); return take(x.state, x.func); }
  if (py::isinstance<PyMemory>(obj)) { auto& x = obj.cast<PyMemory&>(); return take(x.state, x.memory); }
  if (py::isinstance<PyTable>(obj)) { auto& x = obj.cast<PyTable&>(); return take(x.state, x.table); }
  if (py::isinstance<PyGlobal>(obj)) { auto& x = obj.cast<PyGlobal&>(); return take(x.state, x.global); }
  return std::nullopt;
}

EnterStore::EnterStore(StoreState& state) : state_(state) {
  if (state.running_depth > 0 && state.running_thread != std::this_thread::get_id())
    raise_wasmtime_error("the store is running Wasm on another thread: a store is used by one thread at a time");
  state.running_thread = std::this_thread::get_id();
  ++state.running_depth;
}

EnterStore::~EnterStore() { --state_.running_depth; }

py::object call_func(const StorePtr& state, const Func& func, const py::args& args) {
  const FuncType& type = func.type();
  size_t n = type.params.size();
  if (args.size() > n)
    raise_wasmtime_error("too many parameters provided: given " + std::to_string(args.size()) + ", expected " +
                         std::to_string(n));
  if (args.size() < n)
    raise_wasmtime_error("too few parameters provided: given " + std::to_string(args.size()) + ", expected " +
                         std::to_string(n));
  std::vector<Value> in;
  in.reserve(n);
  for (size_t i = 0; i < n; ++i) in.push_back(to_value(*state, type.params[i], args[i], What("parameter", i)));
  CallResult r;
  {
    EnterStore running(*state);
    // Wasm runs without the GIL, so other Python threads go on meanwhile;
    // a Python host function takes it back for as long as it runs.
    py::gil_scoped_release released;
    r = func.call(*state->store, in);
  }
  if (r.trap) raise_trap(*state, *r.trap);
  if (r.results.empty()) return py::none();
  if (r.results.size() == 1) return from_value(state, r.results[0]);
  py::list out;
  for (const Value& v : r.results) out.append(from_value(state, v));
  return out;
}

Func new_python_func(const StorePtr& state, const FuncType& type, py::object callable, bool access_caller,
                     std::optional<uint64_t> fuel_cost) {
  if (!PyCallable_Check(callable.ptr())) raise_builtin(PyExc_TypeError, "expected a callable for the host function");
  StoreState* raw = state.get();
  FuncType result_type = type;
  // The callable lives as long as the store (a Python object in a C++
  // closure: destroyed with the store, under the GIL of its deallocation).
  HostFunction fn = [raw, callable, access_caller, result_type](Caller& caller, std::span<const Value> args,
                                                               std::span<Value> results) -> std::optional<Trap> {
    py::gil_scoped_acquire gil;  // Wasm may run without it (call_func)
    StorePtr self = raw->shared_from_this();
    py::object py_caller;
    try {
      py::list params;
      if (access_caller) {
        py_caller = py::cast(PyCaller{self, &caller});
        params.append(py_caller);
      }
      for (const Value& v : args) params.append(from_value(self, v));
      py::object out = callable(*params);
      size_t n = result_type.results.size();
      if (n == 0) {
        if (!out.is_none()) raise_wasmtime_error("callback produced results when it shouldn't");
      } else if (n == 1) {
        results[0] = to_value(*raw, result_type.results[0], out, What("result", 0));
      } else {
        if (!py::isinstance<py::sequence>(out) || py::len(out) != n)
          raise_wasmtime_error("callback produced wrong number of results: expected " + std::to_string(n));
        py::sequence seq = out.cast<py::sequence>();
        for (size_t i = 0; i < n; ++i)
          results[i] = to_value(*raw, result_type.results[i], seq[i], What("result", i));
      }
    } catch (py::error_already_set& e) {
      if (py_caller) py_caller.cast<PyCaller&>().caller = nullptr;
      // Caller.consume_fuel ran out: the engine's own out-of-gas trap, with its frames.
      if (e.matches(py::module_::import("detwasm._errors").attr("_OutOfFuel"))) return Trap::make(TrapKind::OutOfGas);
      raw->pending = PendingException{e.type(), e.value(), e.trace()};
      return Trap::host("python exception");
    } catch (const std::exception& e) {
      // A C++ error (a cast, a reference of another store): as WasmtimeError.
      if (py_caller) py_caller.cast<PyCaller&>().caller = nullptr;
      set_wasmtime_error(e.what());
      py::error_already_set err;
      raw->pending = PendingException{err.type(), err.value(), err.trace()};
      return Trap::host("python exception");
    }
    if (py_caller) py_caller.cast<PyCaller&>().caller = nullptr;
    return std::nullopt;
  };
  return state->store->new_host_func(type, std::move(fn), {}, fuel_cost);
}

void register_values(py::module_& m) {
  py::class_<PyCaller>(m, "Caller",
                       "The caller of a host function made with access_caller=True: its instance's exports, and a "
                       "store-like object. Valid only during the call.")
      .def(
          "get",
          [](PyCaller& c, const std::string& name) -> py::object {
            if (!c.caller) return py::none();
            std::optional<Extern> e = c.caller->get_export(name);
            if (!e) return py::none();
            return wrap_extern(c.state, *e);
          },
          py::arg("name"), "The calling instance's export `name`, or None.")
      .def(
          "consume_fuel",
          [](PyCaller& c, uint64_t amount) {
            if (!c.caller) raise_builtin(PyExc_ValueError, "the Caller is no longer valid: its host call has returned");
            if (!c.state->fuel_enabled) raise_wasmtime_error("fuel is not configured in this store (Config.consume_fuel)");
            if (c.caller->consume_gas(amount)) {
              py::object cls = py::module_::import("detwasm._errors").attr("_OutOfFuel");
              PyErr_SetObject(cls.ptr(), cls("out of fuel").ptr());
              throw py::error_already_set();
            }
            return c.caller->gas_left();
          },
          py::arg("amount"),
          "Charges `amount` fuel for the host's own work (detwasm) and returns what is left. When less is left, "
          "it charges nothing and raises an exception which, unless caught, ends the call with the out-of-fuel trap.")
      .def("__getitem__", [](PyCaller& c, const std::string& name) -> py::object {
        std::optional<Extern> e = c.caller ? c.caller->get_export(name) : std::nullopt;
        if (!e) raise_builtin(PyExc_KeyError, "failed to find export " + name);
        return wrap_extern(c.state, *e);
      });

  py::class_<PyFunc>(m, "Func", "A Wasm function, or a Python callable made one (a host function).")
      .def(py::init([](py::object store, const PyFuncType& type, py::object func, bool access_caller,
                       std::optional<uint64_t> fuel_cost) {
             StorePtr state = store_of(store);
             return PyFunc{state, new_python_func(state, type.type, std::move(func), access_caller, fuel_cost)};
           }),
           py::arg("store"), py::arg("ty"), py::arg("func"), py::arg("access_caller") = false, py::kw_only(),
           py::arg("fuel_cost") = py::none(),
           "A host function of type `ty` calling `func` with Python values (and first the Caller when "
           "access_caller is True). It returns None, one value, or a sequence of values. `fuel_cost` (detwasm) "
           "is the fuel each call costs a metered caller; by default the gas schedule's host_call_default.")
      .def(
          "type",
          [](const PyFunc& f, py::object store) {
            check_same_store(f.state, store_of(store));
            return PyFuncType{f.func.type()};
          },
          py::arg("store"))
      .def(
          "__call__",
          [](const PyFunc& f, py::object store, py::args args) {
            StorePtr state = store_of(store);
            check_same_store(f.state, state);
            return call_func(state, f.func, args);
          },
          py::arg("store"),
          "Calls the function with Python values or Val objects: returns None, the one result, or a list.")
      .def("__eq__", [](const PyFunc& a, py::object b) {
        return py::isinstance<PyFunc>(b) && a.func == b.cast<PyFunc&>().func;
      })
      .def("__hash__", [](const PyFunc& a) { return std::hash<const void*>{}(a.func.raw()); });
}

}  // namespace detwasm::python
