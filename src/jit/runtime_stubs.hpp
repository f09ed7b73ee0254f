// Code shared by every compiled module of the process: the entry trampoline
// and the adapter through which compiled code calls host functions.
//
// The stubs are data: each target keeps their bytes in its folder
// (x64/runtime_stubs_x64_code.cpp, a64/runtime_stubs_a64_code.cpp), so that every build runs the same bytes
// and a build without the compiler (DETWASM_HEADLESS) has them too. The
// backend's assembly is their source; a test checks that it still assembles
// to the bytes kept.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "jit/abi.hpp"
#include "jit/code_memory.hpp"

namespace detwasm::jit {

// The stubs as position-independent bytes, with where each starts.
struct RuntimeStubCode {
  std::vector<uint8_t> bytes;
  uint32_t entry_offset = 0;
  uint32_t host_adapter_offset = 0;
};

// Each target's bytes (in every build), and the ones this host runs (none
// on a host without a backend).
struct PrebuiltStubs {
  std::span<const uint8_t> bytes;
  uint32_t entry_offset;
  uint32_t host_adapter_offset;
};
PrebuiltStubs prebuilt_x64_runtime_stubs();
PrebuiltStubs prebuilt_a64_runtime_stubs();
PrebuiltStubs prebuilt_runtime_stubs();

// Each backend's assembly of the same stubs (only in builds with the compiler).
RuntimeStubCode assemble_x64_runtime_stubs();
RuntimeStubCode assemble_a64_runtime_stubs();

struct RuntimeStubs {
  CodeMemory code;
  EntryTrampoline entry = nullptr;
  // The `code` of a JitFuncRef for a host function: it publishes the stack
  // budget and calls ExecState::host_call (abi.hpp).
  const void* host_adapter = nullptr;
};

// Mapped on first use from the prebuilt bytes, immutable afterwards.
const RuntimeStubs& runtime_stubs();

}  // namespace detwasm::jit
