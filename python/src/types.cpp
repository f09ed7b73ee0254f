// Type objects, as wasmtime-py has them: ValType, FuncType, Limits,
// MemoryType, TableType, GlobalType, ImportType and ExportType.
#include "binding.hpp"

namespace detwasm::python {

namespace {

std::vector<ValType> val_types(const std::vector<PyValType>& v) {
  std::vector<ValType> out;
  for (const PyValType& t : v) out.push_back(t.type);
  return out;
}

std::vector<PyValType> py_val_types(const std::vector<ValType>& v) {
  std::vector<PyValType> out;
  for (ValType t : v) out.push_back(PyValType{t});
  return out;
}

std::string limits_repr(const Limits& l) {
  return "Limits(" + std::to_string(l.min) + ", " + (l.max ? std::to_string(*l.max) : "None") + ")";
}

std::string val_type_name(ValType t) { return std::string(to_string(t)); }

}  // namespace

py::object extern_type_object(ExternKind kind, const FuncType& f, const TableType& t, const MemoryType& m,
                              const GlobalType& g) {
  switch (kind) {
    case ExternKind::Func: return py::cast(PyFuncType{f});
    case ExternKind::Table: return py::cast(PyTableType{t});
    case ExternKind::Memory: return py::cast(PyMemoryType{m});
    case ExternKind::Global: return py::cast(PyGlobalType{g});
  }
  return py::none();
}

void register_types(py::module_& m) {
  py::class_<PyValType>(m, "ValType", "A Wasm value type: ValType.i32(), ..., ValType.externref().")
      .def_static("i32", [] { return PyValType{ValType::I32}; })
      .def_static("i64", [] { return PyValType{ValType::I64}; })
      .def_static("f32", [] { return PyValType{ValType::F32}; })
      .def_static("f64", [] { return PyValType{ValType::F64}; })
      .def_static("funcref", [] { return PyValType{ValType::FuncRef}; })
      .def_static("externref", [] { return PyValType{ValType::ExternRef}; })
      .def("__eq__", [](const PyValType& a, py::object b) {
        return py::isinstance<PyValType>(b) && a.type == b.cast<PyValType>().type;
      })
      .def("__hash__", [](const PyValType& a) { return static_cast<int>(a.type); })
      .def("__str__", [](const PyValType& a) { return val_type_name(a.type); })
      .def("__repr__", [](const PyValType& a) { return "ValType." + val_type_name(a.type) + "()"; });

  py::class_<PyFuncType>(m, "FuncType", "A function type: parameter and result value types.")
      .def(py::init([](std::vector<PyValType> params, std::vector<PyValType> results) {
             return PyFuncType{FuncType{val_types(params), val_types(results)}};
           }),
           py::arg("params"), py::arg("results"))
      .def_property_readonly("params", [](const PyFuncType& t) { return py_val_types(t.type.params); })
      .def_property_readonly("results", [](const PyFuncType& t) { return py_val_types(t.type.results); })
      .def("__eq__", [](const PyFuncType& a, py::object b) {
        return py::isinstance<PyFuncType>(b) && a.type == b.cast<PyFuncType>().type;
      })
      .def("__repr__", [](const PyFuncType& t) { return "FuncType(" + to_string(t.type) + ")"; });

  py::class_<PyLimits>(m, "Limits", "Minimum and optional maximum size (pages or elements).")
      .def(py::init([](uint32_t min, std::optional<uint32_t> max) { return PyLimits{Limits{min, max}}; }),
           py::arg("min"), py::arg("max") = py::none())
      .def_property_readonly("min", [](const PyLimits& l) { return l.limits.min; })
      .def_property_readonly("max", [](const PyLimits& l) { return l.limits.max; })
      .def("__eq__", [](const PyLimits& a, py::object b) {
        return py::isinstance<PyLimits>(b) && a.limits == b.cast<PyLimits>().limits;
      })
      .def("__repr__", [](const PyLimits& l) { return limits_repr(l.limits); });

  py::class_<PyMemoryType>(m, "MemoryType", "A memory type: its limits in 64 KiB pages.")
      .def(py::init([](const PyLimits& limits, bool is_64, bool shared) {
             if (is_64) raise_wasmtime_error("detwasm does not support 64-bit memories");
             if (shared) raise_wasmtime_error("detwasm does not support shared memories");
             if (limits.limits.max && limits.limits.min > *limits.limits.max)
               raise_wasmtime_error("memory minimum exceeds maximum");
             return PyMemoryType{MemoryType{limits.limits}};
           }),
           py::arg("limits"), py::arg("is_64") = false, py::arg("shared") = false)
      .def_property_readonly("limits", [](const PyMemoryType& t) { return PyLimits{t.type.limits}; })
      .def_property_readonly("is_64", [](const PyMemoryType&) { return false; })
      .def_property_readonly("is_shared", [](const PyMemoryType&) { return false; })
      .def("__eq__", [](const PyMemoryType& a, py::object b) {
        return py::isinstance<PyMemoryType>(b) && a.type == b.cast<PyMemoryType>().type;
      })
      .def("__repr__", [](const PyMemoryType& t) { return "MemoryType(" + limits_repr(t.type.limits) + ")"; });

  py::class_<PyTableType>(m, "TableType", "A table type: its element (reference) type and limits.")
      .def(py::init([](const PyValType& element, const PyLimits& limits) {
             if (!is_ref(element.type)) raise_wasmtime_error("a table's element type must be a reference type");
             return PyTableType{TableType{element.type, limits.limits}};
           }),
           py::arg("valtype"), py::arg("limits"))
      .def_property_readonly("element", [](const PyTableType& t) { return PyValType{t.type.elem}; })
      .def_property_readonly("limits", [](const PyTableType& t) { return PyLimits{t.type.limits}; })
      .def("__eq__", [](const PyTableType& a, py::object b) {
        return py::isinstance<PyTableType>(b) && a.type == b.cast<PyTableType>().type;
      })
      .def("__repr__", [](const PyTableType& t) {
        return "TableType(ValType." + val_type_name(t.type.elem) + "(), " + limits_repr(t.type.limits) + ")";
      });

  py::class_<PyGlobalType>(m, "GlobalType", "A global's type: its value type and whether it is mutable.")
      .def(py::init([](const PyValType& content, bool mut) { return PyGlobalType{GlobalType{content.type, mut}}; }),
           py::arg("valtype"), py::arg("mutable"))
      .def_property_readonly("content", [](const PyGlobalType& t) { return PyValType{t.type.type}; })
      .def_property_readonly("mutable", [](const PyGlobalType& t) { return t.type.mut; })
      .def("__eq__", [](const PyGlobalType& a, py::object b) {
        return py::isinstance<PyGlobalType>(b) && a.type == b.cast<PyGlobalType>().type;
      })
      .def("__repr__", [](const PyGlobalType& t) {
        return "GlobalType(ValType." + val_type_name(t.type.type) + "(), " + (t.type.mut ? "True" : "False") + ")";
      });

  py::class_<PyImportType>(m, "ImportType", "One import of a module: module name, name and type.")
      .def_property_readonly("module", [](const PyImportType& t) { return t.type.module; })
      .def_property_readonly("name", [](const PyImportType& t) -> std::optional<std::string> { return t.type.name; })
      .def_property_readonly("type", [](const PyImportType& t) {
        return extern_type_object(t.type.kind, t.type.func, t.type.table, t.type.memory, t.type.global);
      })
      .def("__repr__", [](const PyImportType& t) {
        return "ImportType(\"" + t.type.module + "\", \"" + t.type.name + "\", " + std::string(to_string(t.type.kind)) + ")";
      });

  py::class_<PyExportType>(m, "ExportType", "One export of a module: name and type.")
      .def_property_readonly("name", [](const PyExportType& t) { return t.type.name; })
      .def_property_readonly("type", [](const PyExportType& t) {
        return extern_type_object(t.type.kind, t.type.func, t.type.table, t.type.memory, t.type.global);
      })
      .def("__repr__", [](const PyExportType& t) {
        return "ExportType(\"" + t.type.name + "\", " + std::string(to_string(t.type.kind)) + ")";
      });
}

}  // namespace detwasm::python
