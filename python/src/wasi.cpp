// WasiConfig, as wasmtime-py's, over detwasm::WasiConfig.
#include "binding.hpp"

namespace detwasm::python {

namespace {

// DirPerms and FilePerms (detwasm._wasi): READ_ONLY 1, WRITE_ONLY 2, READ_WRITE 3.
int perms_value(py::handle perms) {
  py::object v = py::hasattr(perms, "value") ? py::object(perms.attr("value")) : py::reinterpret_borrow<py::object>(perms);
  if (!PyLong_Check(v.ptr())) raise_builtin(PyExc_TypeError, "expected a DirPerms or FilePerms");
  int p = v.cast<int>();
  if (p < 1 || p > 3) raise_builtin(PyExc_ValueError, "unknown permissions value " + std::to_string(p));
  return p;
}

}  // namespace

void register_wasi(py::module_& m) {
  py::class_<PyWasiConfig>(m, "WasiConfig",
                           "What a WASI program sees: arguments, environment, standard streams and preopened "
                           "directories. Deterministic by default; the streams are closed until configured.")
      .def(py::init([] {
        PyWasiConfig c;
        c.config.stdout_stream = WasiStdio::null();
        c.config.stderr_stream = WasiStdio::null();
        return c;
      }))
      .def_property(
          "argv", [](const PyWasiConfig& c) { return c.config.args; },
          [](PyWasiConfig& c, std::vector<std::string> args) { c.config.args = std::move(args); },
          "The program's arguments; argv[0] is its name by convention.")
      .def("inherit_argv",
           [](PyWasiConfig& c) { c.config.args = py::module_::import("sys").attr("argv").cast<std::vector<std::string>>(); })
      .def_property(
          "env",
          [](const PyWasiConfig& c) {
            std::vector<std::pair<std::string, std::string>> out;
            for (const std::string& kv : c.config.env) {
              size_t eq = kv.find('=');
              out.emplace_back(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
            }
            return out;
          },
          [](PyWasiConfig& c, std::vector<std::pair<std::string, std::string>> env) {
            c.config.env.clear();
            for (auto& [k, v] : env) {
              if (k.find('=') != std::string::npos) raise_builtin(PyExc_ValueError, "an environment name holds '='");
              c.config.env.push_back(k + "=" + v);
            }
          },
          "The environment, as (name, value) pairs.")
      .def("inherit_env", [](PyWasiConfig& c) { c.config.inherit_env = true; },
           "The host's environment, before the env pairs.")
      .def("stdin_file", [](PyWasiConfig& c, const std::string& path) { c.config.stdin_stream = WasiStdio::file(path); },
           py::arg("path"))
      .def("stdout_file", [](PyWasiConfig& c, const std::string& path) { c.config.stdout_stream = WasiStdio::file(path); },
           py::arg("path"), "Standard output to a file, created or truncated.")
      .def("stderr_file", [](PyWasiConfig& c, const std::string& path) { c.config.stderr_stream = WasiStdio::file(path); },
           py::arg("path"), "Standard error to a file, created or truncated.")
      .def("inherit_stdin", [](PyWasiConfig& c) { c.config.stdin_stream = WasiStdio::inherit(); })
      .def("inherit_stdout", [](PyWasiConfig& c) { c.config.stdout_stream = WasiStdio::inherit(); })
      .def("inherit_stderr", [](PyWasiConfig& c) { c.config.stderr_stream = WasiStdio::inherit(); })
      .def(
          "preopen_dir",
          [](PyWasiConfig& c, const std::string& path, const std::string& guest_path, py::object dir_perms,
             py::object file_perms) {
            int d = dir_perms.is_none() ? 3 : perms_value(dir_perms);
            int f = file_perms.is_none() ? 3 : perms_value(file_perms);
            if (!(d & 1) || !(f & 1))
              raise_wasmtime_error("detwasm cannot preopen a directory without read permission");
            // detwasm has one switch: a preopen is read-write, or read-only throughout.
            bool read_only = !(d & 2) || !(f & 2);
            c.config.preopens.push_back(WasiPreopen{path, guest_path, read_only});
          },
          py::arg("path"), py::arg("guest_path"), py::arg("dir_perms") = py::none(), py::arg("file_perms") = py::none(),
          "The host directory `path`, seen as `guest_path`. Read-only if either permission is READ_ONLY.")
      .def_property(
          "random_seed", [](const PyWasiConfig& c) { return c.config.random_seed; },
          [](PyWasiConfig& c, uint64_t seed) { c.config.random_seed = seed; },
          "The seed of random_get's ChaCha20 stream (detwasm; default 0).")
      .def_property(
          "wall_clock", [](const PyWasiConfig& c) { return c.config.wall_clock; },
          [](PyWasiConfig& c, bool on) { c.config.wall_clock = on; },
          "The host's clocks instead of the virtual clock (detwasm; default False).")
      .def_property(
          "os_random", [](const PyWasiConfig& c) { return c.config.os_random; },
          [](PyWasiConfig& c, bool on) { c.config.os_random = on; },
          "The host's random bytes instead of the seeded stream (detwasm; default False).");
}

}  // namespace detwasm::python
