// The extension module: errors, Config, Engine and wat2wasm.
#include "binding.hpp"

#include <detwasm/text.hpp>

namespace detwasm::python {

namespace {

py::object errors_module() { return py::module_::import("detwasm._errors"); }

[[noreturn]] void raise_object(py::object cls, py::object exc) {
  PyErr_SetObject(cls.ptr(), exc.ptr());
  throw py::error_already_set();
}

const char* trap_code_name(TrapKind kind) {
  switch (kind) {
    case TrapKind::Unreachable: return "UNREACHABLE";
    case TrapKind::MemoryOutOfBounds: return "MEMORY_OUT_OF_BOUNDS";
    case TrapKind::TableOutOfBounds: return "TABLE_OUT_OF_BOUNDS";
    case TrapKind::IndirectCallToNull: return "INDIRECT_CALL_TO_NULL";
    case TrapKind::IndirectCallSignature: return "BAD_SIGNATURE";
    case TrapKind::IntegerDivideByZero: return "INTEGER_DIVISION_BY_ZERO";
    case TrapKind::IntegerOverflow: return "INTEGER_OVERFLOW";
    case TrapKind::InvalidConversion: return "BAD_CONVERSION_TO_INTEGER";
    case TrapKind::StackExhausted: return "STACK_OVERFLOW";
    case TrapKind::OutOfGas: return "OUT_OF_FUEL";
    case TrapKind::HostError: return nullptr;
    case TrapKind::Exit: return nullptr;
  }
  return nullptr;
}

Tier tier_from_string(const std::string& s) {
  if (s == "jit" || s == "auto" || s == "cranelift" || s == "winch") return Tier::Jit;
  if (s == "interpreter" || s == "interp") return Tier::Interpreter;
  raise_builtin(PyExc_ValueError, "unknown tier \"" + s + "\": expected \"jit\" or \"interpreter\"");
}

}  // namespace

void set_wasmtime_error(const std::string& message) {
  py::object cls = errors_module().attr("WasmtimeError");
  py::object exc = cls(message);
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

void raise_wasmtime_error(const std::string& message) {
  set_wasmtime_error(message);
  throw py::error_already_set();
}

void raise_builtin(PyObject* type, const std::string& message) {
  PyErr_SetString(type, message.c_str());
  throw py::error_already_set();
}

void raise_pending(StoreState& state) {
  if (!state.pending) return;
  PendingException p = std::move(*state.pending);
  state.pending.reset();
  PyErr_Restore(p.type.release().ptr(), p.value.release().ptr(), p.trace.release().ptr());
  throw py::error_already_set();
}

void raise_trap(StoreState& state, const Trap& trap) {
  raise_pending(state);
  py::object errors = errors_module();
  if (trap.is_exit()) {
    py::object cls = errors.attr("ExitTrap");
    raise_object(cls, cls(trap.message, trap.exit_status));
  }
  py::list frames;
  py::object frame_cls = errors.attr("Frame");
  for (const TrapFrame& f : trap.frames) {
    auto opt = [](const std::optional<uint64_t>& v) -> py::object { return v ? py::object(py::int_(*v)) : py::object(py::none()); };
    auto name = [](const std::string& s) -> py::object { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); };
    frames.append(frame_cls(f.func_index, name(f.func_name), name(f.module_name), opt(f.func_offset),
                            opt(f.module_offset)));
  }
  py::object code = py::none();
  if (const char* c = trap_code_name(trap.kind)) code = errors.attr("TrapCode").attr(c);
  py::object cls = errors.attr("Trap");
  raise_object(cls, cls(trap.message, frames, code, trap.to_string()));
}

namespace {

void register_config_engine(py::module_& m) {
  py::class_<PyConfig>(m, "Config", "Settings for an Engine: fuel (gas metering), tier, limits and cache.")
      .def(py::init<>())
      .def_property(
          "consume_fuel", [](const PyConfig& c) { return c.consume_fuel; },
          [](PyConfig& c, bool on) {
            c.consume_fuel = on;
            c.config.metering = on;
          },
          "Meter execution: each store starts with zero fuel, and fuel is detwasm's gas.")
      .def_property(
          "tier", [](const PyConfig& c) { return c.config.tier == Tier::Jit ? "jit" : "interpreter"; },
          [](PyConfig& c, const std::string& s) { c.config.tier = tier_from_string(s); },
          "\"jit\" (the default where this build has a backend) or \"interpreter\".")
      .def_property(
          "strategy", [](const PyConfig& c) { return c.config.tier == Tier::Jit ? "jit" : "interpreter"; },
          [](PyConfig& c, const std::string& s) { c.config.tier = tier_from_string(s); },
          "wasmtime-py's compiler strategy: \"auto\", \"cranelift\" and \"winch\" all mean the JIT.")
      .def_property(
          "limits",
          [](const PyConfig& c) {
            return c.config.limits.max_memory_pages == ResourceLimits::for_contracts().max_memory_pages ? "contract"
                                                                                                        : "default";
          },
          [](PyConfig& c, const std::string& s) {
            if (s == "contract") c.config.limits = ResourceLimits::for_contracts();
            else if (s == "default") c.config.limits = ResourceLimits{};
            else raise_builtin(PyExc_ValueError, "unknown limits profile \"" + s + "\": expected \"default\" or \"contract\"");
          },
          "The resource limits profile: \"default\" or \"contract\" (ResourceLimits::for_contracts).")
      .def_property(
          "max_memory_pages", [](const PyConfig& c) { return c.config.limits.max_memory_pages; },
          [](PyConfig& c, uint32_t pages) { c.config.limits.max_memory_pages = pages; },
          "The most 64 KiB pages one memory may have.")
      .def_property(
          "cache", [](const PyConfig& c) -> py::object {
            return c.config.cache.dir.empty() ? py::object(py::bool_(false)) : py::object(py::str(c.config.cache.dir));
          },
          [](PyConfig& c, py::object v) {
            if (py::isinstance<py::bool_>(v)) {
              if (!v.cast<bool>()) { c.config.cache.dir.clear(); return; }
              const char* xdg = std::getenv("XDG_CACHE_HOME");
              const char* home = std::getenv("HOME");
              c.config.cache.dir = xdg && *xdg ? std::string(xdg) + "/detwasm" : std::string(home ? home : ".") + "/.cache/detwasm";
            } else if (py::isinstance<py::str>(v)) {
              c.config.cache.dir = v.cast<std::string>();
            } else {
              raise_builtin(PyExc_TypeError, "cache: expected a bool or a directory");
            }
          },
          "The on-disk cache of compiled modules: True (the user's cache directory), a directory, or False.")
      .def_property(
          "parallel_compilation", [](const PyConfig& c) { return c.config.compile_threads > 1; },
          [](PyConfig& c, bool on) { c.config.compile_threads = on ? 2 : 1; },
          "Compile a module's functions on more than one thread (the code is the same).")
      // Features detwasm always has, which cannot be switched off, and ones it never has.
      .def_property("wasm_reference_types", [](const PyConfig&) { return true; }, [](PyConfig&, bool on) {
        if (!on) raise_wasmtime_error("detwasm cannot switch off reference types");
      })
      .def_property("wasm_bulk_memory", [](const PyConfig&) { return true; }, [](PyConfig&, bool on) {
        if (!on) raise_wasmtime_error("detwasm cannot switch off bulk memory");
      })
      .def_property("wasm_multi_value", [](const PyConfig&) { return true; }, [](PyConfig&, bool on) {
        if (!on) raise_wasmtime_error("detwasm cannot switch off multi-value");
      })
      .def_property("wasm_threads", [](const PyConfig&) { return false; }, [](PyConfig&, bool on) {
        if (on) raise_wasmtime_error("detwasm does not support threads (they are not deterministic)");
      })
      .def_property("wasm_simd", [](const PyConfig&) { return false; }, [](PyConfig&, bool on) {
        if (on) raise_wasmtime_error("detwasm does not support SIMD yet");
      })
      .def_property("wasm_memory64", [](const PyConfig&) { return false; }, [](PyConfig&, bool on) {
        if (on) raise_wasmtime_error("detwasm does not support memory64");
      })
      .def_property("wasm_multi_memory", [](const PyConfig&) { return false; }, [](PyConfig&, bool on) {
        if (on) raise_wasmtime_error("detwasm does not support multiple memories");
      })
      .def_property("debug_info", [](const PyConfig&) { return false; }, [](PyConfig&, bool) {},
                    "Accepted and ignored: frames always carry names and offsets.");

  py::class_<PyEngine>(m, "Engine", "Compiles modules under one configuration; shared by stores and modules.")
      .def(py::init([](std::optional<PyConfig> config) {
             PyConfig c = config.value_or(PyConfig{});
             return PyEngine{std::make_shared<Engine>(c.config), c.consume_fuel};
           }),
           py::arg("config") = py::none())
      .def_property_readonly("tier", [](const PyEngine& e) { return e.engine->config().tier == Tier::Jit ? "jit" : "interpreter"; })
      .def_property_readonly("consume_fuel", [](const PyEngine& e) { return e.consume_fuel; });
}

}  // namespace

}  // namespace detwasm::python

using namespace detwasm::python;

PYBIND11_MODULE(_detwasm, m) {
  m.doc() = "detwasm's native extension: the engine, stores, modules, functions and WASI.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const detwasm::Error& e) {
      set_wasmtime_error(e.what());
    }
  });
  register_config_engine(m);
  register_types(m);
  register_values(m);
  register_store(m);
  register_externs(m);
  register_wasi(m);
  m.def(
      "wat2wasm",
      [](py::object text) {
        std::string s = py::isinstance<py::bytes>(text) ? std::string(text.cast<py::bytes>()) : text.cast<std::string>();
        std::vector<uint8_t> bytes = detwasm::wat2wasm(s);
        return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      },
      py::arg("wat"), "The binary module a module in the Wasm text format denotes. WasmtimeError if malformed.");
}
