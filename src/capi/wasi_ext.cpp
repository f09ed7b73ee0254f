// detwasm.h: WASI preview 1, configured from C. A configuration is a
// WasiConfig; a store's WASI system is a Wasi it owns, whose functions a
// linker defines for modules of that store.
#include "capi/capi.hpp"

using namespace detwasm;
using namespace detwasm::capi;

struct detwasm_wasi_config_t {
  WasiConfig config;
};

extern "C" detwasm_wasi_config_t* detwasm_wasi_config_new(void) { return new detwasm_wasi_config_t{}; }
extern "C" void detwasm_wasi_config_delete(detwasm_wasi_config_t* c) { delete c; }

extern "C" void detwasm_wasi_config_set_argv(detwasm_wasi_config_t* c, size_t argc, const char* const argv[]) {
  if (!c || (argc && !argv)) return;
  c->config.args.clear();
  for (size_t i = 0; i < argc; ++i) c->config.args.emplace_back(argv[i] ? argv[i] : "");
}

extern "C" void detwasm_wasi_config_set_env(detwasm_wasi_config_t* c, size_t n, const char* const names[],
                                            const char* const values[]) {
  if (!c || (n && (!names || !values))) return;
  c->config.env.clear();
  for (size_t i = 0; i < n; ++i) {
    if (!names[i]) continue;
    c->config.env.push_back(std::string(names[i]) + "=" + (values[i] ? values[i] : ""));
  }
}

extern "C" void detwasm_wasi_config_inherit_env(detwasm_wasi_config_t* c) {
  if (c) c->config.inherit_env = true;
}

extern "C" void detwasm_wasi_config_preopen_dir(detwasm_wasi_config_t* c, const char* host_path,
                                                const char* guest_path, bool read_only) {
  if (c && host_path && guest_path) c->config.preopens.push_back({host_path, guest_path, read_only});
}

namespace {
void set_stream(detwasm_wasi_config_t* c, WasiStdio WasiConfig::*which, WasiStdio stream) {
  if (c) c->config.*which = std::move(stream);
}
}  // namespace

extern "C" void detwasm_wasi_config_inherit_stdin(detwasm_wasi_config_t* c) {
  set_stream(c, &WasiConfig::stdin_stream, WasiStdio::inherit());
}
extern "C" void detwasm_wasi_config_set_stdin_file(detwasm_wasi_config_t* c, const char* path) {
  if (path) set_stream(c, &WasiConfig::stdin_stream, WasiStdio::file(path));
}
extern "C" void detwasm_wasi_config_set_stdin_bytes(detwasm_wasi_config_t* c, const wasm_byte_vec_t* bytes) {
  std::string input = bytes && bytes->data ? std::string(bytes->data, bytes->size) : std::string();
  set_stream(c, &WasiConfig::stdin_stream, WasiStdio::buffer(std::move(input)));
}
extern "C" void detwasm_wasi_config_inherit_stdout(detwasm_wasi_config_t* c) {
  set_stream(c, &WasiConfig::stdout_stream, WasiStdio::inherit());
}
extern "C" void detwasm_wasi_config_set_stdout_file(detwasm_wasi_config_t* c, const char* path) {
  if (path) set_stream(c, &WasiConfig::stdout_stream, WasiStdio::file(path));
}
extern "C" void detwasm_wasi_config_capture_stdout(detwasm_wasi_config_t* c) {
  set_stream(c, &WasiConfig::stdout_stream, WasiStdio::buffer());
}
extern "C" void detwasm_wasi_config_inherit_stderr(detwasm_wasi_config_t* c) {
  set_stream(c, &WasiConfig::stderr_stream, WasiStdio::inherit());
}
extern "C" void detwasm_wasi_config_set_stderr_file(detwasm_wasi_config_t* c, const char* path) {
  if (path) set_stream(c, &WasiConfig::stderr_stream, WasiStdio::file(path));
}
extern "C" void detwasm_wasi_config_capture_stderr(detwasm_wasi_config_t* c) {
  set_stream(c, &WasiConfig::stderr_stream, WasiStdio::buffer());
}

extern "C" void detwasm_wasi_config_set_clock(detwasm_wasi_config_t* c, uint64_t start_ns, uint64_t step_ns) {
  if (!c) return;
  c->config.clock_start_ns = start_ns;
  c->config.clock_step_ns = step_ns;
}
extern "C" void detwasm_wasi_config_set_random_seed(detwasm_wasi_config_t* c, uint64_t seed) {
  if (c) c->config.random_seed = seed;
}
extern "C" void detwasm_wasi_config_use_wall_clock(detwasm_wasi_config_t* c, bool on) {
  if (c) c->config.wall_clock = on;
}
extern "C" void detwasm_wasi_config_use_os_random(detwasm_wasi_config_t* c, bool on) {
  if (c) c->config.os_random = on;
}

extern "C" bool detwasm_store_set_wasi(wasm_store_t* store, detwasm_wasi_config_t* c) {
  std::unique_ptr<detwasm_wasi_config_t> owned(c);
  if (!store || !c) {
    set_last_error("detwasm_store_set_wasi: no store or no configuration");
    return false;
  }
  try {
    store->wasi = std::make_unique<Wasi>(std::move(c->config));
    return true;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return false;
  }
}

extern "C" bool detwasm_linker_define_wasi(detwasm_linker_t* l, wasm_store_t* store) {
  if (!l || !store) return false;
  if (!store->wasi) {
    set_last_error("the store has no WASI system (detwasm_store_set_wasi)");
    return false;
  }
  if (!same_store(l, store)) return false;
  try {
    store->wasi->define(l->linker, *store->store);
    return true;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return false;
  }
}

extern "C" void detwasm_store_wasi_output(const wasm_store_t* store, int fd, wasm_byte_vec_t* out) {
  if (!out) return;
  if (!store || !store->wasi || (fd != 1 && fd != 2)) {
    wasm_byte_vec_new_empty(out);
    return;
  }
  const std::string& bytes = store->wasi->output(fd);
  wasm_byte_vec_new(out, bytes.size(), bytes.data());
}
