#include "jit/runtime_stubs.hpp"

namespace detwasm::jit {

namespace {

RuntimeStubs map_stubs() {
  PrebuiltStubs prebuilt = prebuilt_runtime_stubs();
  RuntimeStubs stubs;
  if (prebuilt.bytes.empty()) return stubs;  // a host without a backend: no compiled code ever runs
  stubs.code = CodeMemory(prebuilt.bytes, {prebuilt.entry_offset, prebuilt.host_adapter_offset});
  stubs.entry = reinterpret_cast<EntryTrampoline>(const_cast<void*>(stubs.code.func_entry(0)));
  stubs.host_adapter = stubs.code.func_entry(1);
  return stubs;
}

}  // namespace

const RuntimeStubs& runtime_stubs() {
  static const RuntimeStubs stubs = map_stubs();
  return stubs;
}

}  // namespace detwasm::jit
