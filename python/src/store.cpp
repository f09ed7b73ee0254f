// Store (fuel as gas), Module, Instance and its exports, and Linker.
#include "binding.hpp"

#include <fstream>
#include <iterator>
#include <set>

namespace detwasm::python {

namespace {

std::vector<uint8_t> buffer_bytes(py::handle obj, const char* what) {
  if (py::isinstance<py::str>(obj)) {
    std::string s = obj.cast<std::string>();
    return std::vector<uint8_t>(s.begin(), s.end());
  }
  if (!PyObject_CheckBuffer(obj.ptr()))
    raise_builtin(PyExc_TypeError, std::string(what) + ": expected bytes, bytearray, a buffer or a str");
  py::buffer_info info = py::reinterpret_borrow<py::buffer>(obj).request();
  const auto* p = static_cast<const uint8_t*>(info.ptr);
  return std::vector<uint8_t>(p, p + info.size * info.itemsize);
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) raise_wasmtime_error("cannot read \"" + path + "\"");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool is_binary_module(const std::vector<uint8_t>& b) { return !b.empty() && b[0] == 0; }

// A module from binary or text: text is anything that does not start with a
// NUL byte, as the detwasm tool decides.
PyModule compile_module(PyEngine& engine, const std::vector<uint8_t>& bytes) {
  if (Module::is_artifact(bytes))
    raise_wasmtime_error("these bytes are a compiled artifact, not a module: load them with Module.deserialize");
  if (is_binary_module(bytes)) return PyModule{engine.engine, std::make_shared<Module>(Module::compile(*engine.engine, bytes))};
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return PyModule{engine.engine, std::make_shared<Module>(Module::compile_text(*engine.engine, text))};
}

void check_engine(const std::shared_ptr<Engine>& a, const std::shared_ptr<Engine>& b) {
  if (a != b) raise_wasmtime_error("the module was compiled by another engine than the store's");
}

void require_fuel(const StoreState& st) {
  if (!st.fuel_enabled) raise_wasmtime_error("fuel is not configured in this store (Config.consume_fuel)");
}

PyInstance finish_instantiation(const StorePtr& st, const Instantiation& inst) {
  raise_pending(*st);
  if (inst.trap) raise_trap(*st, *inst.trap);
  return PyInstance{st, inst.instance};
}

struct PyInstanceExports {
  std::vector<std::string> names;
  std::vector<py::object> items;

  py::object get(const std::string& name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return items[i];
    return py::none();
  }
};

// One definition of a Linker. A Func, Memory, Table or Global belongs to
// one store; a Python callable (define_func) becomes a host function of
// each store the linker instantiates in.
struct LinkerEntry {
  std::string module, name;
  py::object item;  // an extern, or None for a callable
  StorePtr owner;   // the item's store
  FuncType func_type;
  py::object callable;
  bool access_caller = false;
  std::optional<uint64_t> fuel_cost;
};

struct PyLinker {
  std::shared_ptr<Engine> engine;
  bool allow_shadowing = false;
  bool wasi = false;
  std::vector<LinkerEntry> entries;
  std::set<std::pair<std::string, std::string>> names;

  void add(LinkerEntry entry) {
    auto key = std::make_pair(entry.module, entry.name);
    if (!allow_shadowing && names.contains(key))
      raise_wasmtime_error("import of `" + entry.module + "::" + entry.name + "` defined twice");
    names.insert(key);
    entries.push_back(std::move(entry));
  }

  // The extern an entry is in `st`.
  Extern resolve(const LinkerEntry& e, const StorePtr& st) const {
    if (!e.item.is_none()) {
      check_same_store(e.owner, st);
      return *extern_of(e.item);
    }
    return new_python_func(st, e.func_type, e.callable, e.access_caller, e.fuel_cost);
  }

  const LinkerEntry* find(const std::string& module, const std::string& name) const {
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
      if (it->module == module && it->name == name) return &*it;
    return nullptr;
  }

  PyInstance instantiate(const StorePtr& st, const PyModule& module) {
    check_engine(module.engine, st->engine);
    Linker linker;
    linker.allow_shadowing(true);  // later definitions replace earlier ones; checked in add()
    if (wasi) {
      if (st->wasi_config) {
        if (!st->wasi) st->wasi = std::make_unique<Wasi>(*st->wasi_config);
        st->wasi->define(linker, *st->store);
      } else {
        for (const ImportType& imp : module.module->imports())
          if (imp.module == "wasi_snapshot_preview1")
            raise_wasmtime_error("the store has no WASI configuration: call Store.set_wasi first");
      }
    }
    // Only what the module imports: a host function is made per use.
    for (const ImportType& imp : module.module->imports())
      if (const LinkerEntry* e = find(imp.module, imp.name)) linker.define(imp.module, imp.name, resolve(*e, st));
    Instantiation inst;
    {
      EnterStore running(*st);
      inst = linker.instantiate(*st->store, *module.module);
    }
    return finish_instantiation(st, inst);
  }
};

void define_instance(PyLinker& l, const StorePtr& st, const std::string& name, const PyInstance& inst) {
  check_same_store(inst.state, st);
  auto exports = inst.instance.exports();
  if (!l.allow_shadowing)
    for (auto& [export_name, ext] : exports)
      if (l.names.contains({name, export_name}))
        raise_wasmtime_error("import of `" + name + "::" + export_name + "` defined twice");
  for (auto& [export_name, ext] : exports)
    l.add(LinkerEntry{name, export_name, wrap_extern(st, ext), st, {}, py::none(), false, std::nullopt});
}

}  // namespace

void register_store(py::module_& m) {
  py::class_<PyStore>(m, "Store",
                      "Owns every runtime object (instances, functions, memories, tables, globals) and the fuel.")
      .def(py::init([](py::object engine, py::object data) {
             if (engine.is_none()) engine = py::cast(PyEngine{std::make_shared<Engine>(), false});
             if (!py::isinstance<PyEngine>(engine)) raise_builtin(PyExc_TypeError, "expected an Engine");
             PyEngine& e = engine.cast<PyEngine&>();
             auto st = std::make_shared<StoreState>();
             st->engine = e.engine;
             st->fuel_enabled = e.consume_fuel;
             st->data = data;
             st->store = std::make_unique<Store>(*e.engine);
             if (st->fuel_enabled) st->store->set_gas_limit(0);  // as wasmtime: no fuel until set
             return PyStore{st, engine};
           }),
           py::arg("engine") = py::none(), py::arg("data") = py::none())
      .def_readonly("engine", &PyStore::engine)
      .def("data", [](const PyStore& s) { return s.state->data; }, "The object given as `data`, or None.")
      .def("gc", [](const PyStore&) {}, "Nothing to do: a store keeps its externref objects until it goes.")
      .def(
          "set_fuel",
          [](PyStore& s, uint64_t fuel) {
            require_fuel(*s.state);
            s.state->set_fuel(fuel);
          },
          py::arg("fuel"), "Sets the fuel (gas) left to `fuel`.")
      .def(
          "get_fuel",
          [](PyStore& s) {
            require_fuel(*s.state);
            return s.state->store->gas_left();
          },
          "The fuel (gas) left.")
      .def(
          "add_fuel",
          [](PyStore& s, uint64_t fuel) {
            require_fuel(*s.state);
            uint64_t left = s.state->store->gas_left();
            if (left > UINT64_MAX - fuel) raise_wasmtime_error("fuel overflow");
            s.state->set_fuel(left + fuel);
          },
          py::arg("fuel"), "Adds `fuel` to the fuel (gas) left.")
      .def(
          "fuel_consumed",
          [](PyStore& s) -> std::optional<uint64_t> {
            if (!s.state->fuel_enabled) return std::nullopt;
            return s.state->fuel_consumed();
          },
          "The fuel (gas) used since the store was made; None without Config.consume_fuel.")
      .def(
          "consume_fuel",
          [](PyStore& s, uint64_t fuel) {
            require_fuel(*s.state);
            uint64_t left = s.state->store->gas_left();
            if (fuel > left) raise_wasmtime_error("not enough fuel remaining in store");
            s.state->gas_used_before += fuel;
            s.state->set_fuel(left - fuel);
            return left - fuel;
          },
          py::arg("fuel"), "Uses `fuel` from the fuel left and returns what is left.")
      .def(
          "set_wasi", [](PyStore& s, const PyWasiConfig& c) { s.state->wasi_config = c.config; s.state->wasi.reset(); },
          py::arg("wasi"), "The WASI configuration of this store's WASI functions (Linker.define_wasi).");

  py::class_<PyModule>(m, "Module", "A validated, compiled module, from the binary or the text format.")
      .def(py::init([](PyEngine& engine, py::object wasm) { return compile_module(engine, buffer_bytes(wasm, "Module")); }),
           py::arg("engine"), py::arg("wasm"))
      .def_static(
          "from_file", [](PyEngine& engine, const std::string& path) { return compile_module(engine, read_file(path)); },
          py::arg("engine"), py::arg("path"))
      .def_static(
          "validate",
          [](PyEngine& engine, py::object wasm) {
            std::vector<uint8_t> bytes = buffer_bytes(wasm, "Module.validate");
            if (!is_binary_module(bytes)) {
              std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
              bytes = wat2wasm(text, engine.engine->config().limits);
            }
            Module::validate(*engine.engine, bytes);
          },
          py::arg("engine"), py::arg("wasm"), "Raises WasmtimeError if `wasm` is not a valid module.")
      .def_static(
          "deserialize",
          [](PyEngine& engine, py::object encoded) {
            return PyModule{engine.engine, std::make_shared<Module>(Module::deserialize(*engine.engine, buffer_bytes(encoded, "Module.deserialize")))};
          },
          py::arg("engine"), py::arg("encoded"), "Loads what serialize() wrote (a detwasm artifact).")
      .def_static(
          "deserialize_file",
          [](PyEngine& engine, const std::string& path) {
            return PyModule{engine.engine, std::make_shared<Module>(Module::deserialize_file(*engine.engine, path))};
          },
          py::arg("engine"), py::arg("path"))
      .def(
          "serialize",
          [](const PyModule& m) {
            std::vector<uint8_t> b = m.module->serialize();
            return py::bytearray(reinterpret_cast<const char*>(b.data()), b.size());
          },
          "The compiled module as an artifact that Module.deserialize loads.")
      .def_property_readonly("imports", [](const PyModule& m) {
        std::vector<PyImportType> out;
        for (ImportType& t : m.module->imports()) out.push_back(PyImportType{std::move(t)});
        return out;
      })
      .def_property_readonly("exports", [](const PyModule& m) {
        std::vector<PyExportType> out;
        for (ExportType& t : m.module->exports()) out.push_back(PyExportType{std::move(t)});
        return out;
      })
      .def_property_readonly("hash", [](const PyModule& m) { return to_hex(m.module->hash()); },
                             "BLAKE2b-256 of the module's bytes, in hex (detwasm).");

  py::class_<PyInstanceExports>(m, "InstanceExports", "An instance's exports, by name or by index.")
      .def("__getitem__",
           [](const PyInstanceExports& e, py::object key) -> py::object {
             if (py::isinstance<py::str>(key)) {
               py::object v = e.get(key.cast<std::string>());
               if (v.is_none()) raise_builtin(PyExc_KeyError, key.cast<std::string>());
               return v;
             }
             if (!PyLong_Check(key.ptr())) raise_builtin(PyExc_TypeError, "expected an export name or index");
             int64_t i = key.cast<int64_t>();
             if (i < 0) i += static_cast<int64_t>(e.items.size());
             if (i < 0 || i >= static_cast<int64_t>(e.items.size())) raise_builtin(PyExc_IndexError, "export index out of range");
             return e.items[i];
           })
      .def("get", &PyInstanceExports::get, py::arg("name"))
      .def("__len__", [](const PyInstanceExports& e) { return e.items.size(); })
      .def("__contains__", [](const PyInstanceExports& e, const std::string& name) { return !e.get(name).is_none(); })
      .def("__iter__", [](const PyInstanceExports& e) { return py::iter(py::cast(e.items)); })
      .def("keys", [](const PyInstanceExports& e) { return e.names; })
      .def("items", [](const PyInstanceExports& e) {
        py::list out;
        for (size_t i = 0; i < e.names.size(); ++i) out.append(py::make_tuple(e.names[i], e.items[i]));
        return out;
      });

  py::class_<PyInstance>(m, "Instance", "An instantiated module.")
      .def(py::init([](py::object store, const PyModule& module, py::iterable imports) {
             StorePtr st = store_of(store);
             check_engine(module.engine, st->engine);
             std::vector<Extern> externs;
             for (py::handle item : imports) {
               StorePtr owner;
               std::optional<Extern> e = extern_of(item, &owner);
               if (!e) raise_builtin(PyExc_TypeError, "expected an external item (Func, Memory, Table or Global)");
               check_same_store(owner, st);
               externs.push_back(*e);
             }
             size_t wanted = module.module->imports().size();
             if (externs.size() != wanted)
               raise_wasmtime_error("expected " + std::to_string(wanted) + " imports, found " + std::to_string(externs.size()));
             Instantiation inst;
             {
               EnterStore running(*st);
               inst = st->store->instantiate(*module.module, externs);
             }
             return finish_instantiation(st, inst);
           }),
           py::arg("store"), py::arg("module"), py::arg("imports") = py::list())
      .def(
          "exports",
          [](const PyInstance& i, py::object store) {
            check_same_store(i.state, store_of(store));
            PyInstanceExports out;
            for (auto& [name, ext] : i.instance.exports()) {
              out.names.push_back(name);
              out.items.push_back(wrap_extern(i.state, ext));
            }
            return out;
          },
          py::arg("store"));

  py::class_<PyLinker>(m, "Linker", "Resolves a module's imports by module and name.")
      .def(py::init([](PyEngine& engine) {
             PyLinker l;
             l.engine = engine.engine;
             return l;
           }),
           py::arg("engine"))
      .def_readwrite("allow_shadowing", &PyLinker::allow_shadowing,
                     "Whether a definition may replace an earlier one of the same name.")
      .def(
          "define",
          [](PyLinker& l, py::object store, const std::string& module, const std::string& name, py::object item) {
            StorePtr st = store_of(store);
            StorePtr owner;
            if (!extern_of(item, &owner)) raise_builtin(PyExc_TypeError, "expected an external item (Func, Memory, Table or Global)");
            check_same_store(owner, st);
            l.add(LinkerEntry{module, name, item, owner, {}, py::none(), false, std::nullopt});
          },
          py::arg("store"), py::arg("module"), py::arg("name"), py::arg("item"))
      .def(
          "define_func",
          [](PyLinker& l, const std::string& module, const std::string& name, const PyFuncType& ty, py::object func,
             bool access_caller, std::optional<uint64_t> fuel_cost) {
            if (!PyCallable_Check(func.ptr())) raise_builtin(PyExc_TypeError, "expected a callable");
            l.add(LinkerEntry{module, name, py::none(), nullptr, ty.type, func, access_caller, fuel_cost});
          },
          py::arg("module"), py::arg("name"), py::arg("ty"), py::arg("func"), py::arg("access_caller") = false,
          py::kw_only(), py::arg("fuel_cost") = py::none(),
          "Defines a host function, made in each store this linker instantiates in.")
      .def(
          "define_instance",
          [](PyLinker& l, py::object store, const std::string& name, const PyInstance& inst) {
            define_instance(l, store_of(store), name, inst);
          },
          py::arg("store"), py::arg("name"), py::arg("instance"))
      .def(
          "define_module",
          [](PyLinker& l, py::object store, const std::string& name, const PyModule& module) {
            StorePtr st = store_of(store);
            PyInstance inst = l.instantiate(st, module);
            define_instance(l, st, name, inst);
          },
          py::arg("store"), py::arg("name"), py::arg("module"),
          "Instantiates `module` with this linker and defines its exports under `name`.")
      .def("define_wasi", [](PyLinker& l) { l.wasi = true; },
           "Defines WASI preview 1, as each store's WasiConfig (Store.set_wasi) configures it.")
      .def(
          "instantiate",
          [](PyLinker& l, py::object store, const PyModule& module) { return l.instantiate(store_of(store), module); },
          py::arg("store"), py::arg("module"))
      .def(
          "get",
          [](PyLinker& l, py::object store, const std::string& module, const std::string& name) {
            StorePtr st = store_of(store);
            const LinkerEntry* e = l.find(module, name);
            if (!e) raise_wasmtime_error("no item named `" + module + "::" + name + "` in the linker");
            return wrap_extern(st, l.resolve(*e, st));
          },
          py::arg("store"), py::arg("module"), py::arg("name"))
      .def(
          "get_default",
          [](PyLinker& l, py::object store, const std::string& name) -> py::object {
            StorePtr st = store_of(store);
            for (const char* export_name : {"", "_start"})
              if (const LinkerEntry* e = l.find(name, export_name)) {
                Extern ext = l.resolve(*e, st);
                if (std::holds_alternative<Func>(ext)) return wrap_extern(st, ext);
              }
            // As wasmtime: a module with no default export has a default that does nothing.
            HostFunction nothing = [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
              return std::nullopt;
            };
            return py::cast(PyFunc{st, st->store->new_host_func(FuncType{}, nothing)});
          },
          py::arg("store"), py::arg("name"), "The export \"\" or \"_start\" of the module defined as `name`.");
}

}  // namespace detwasm::python
