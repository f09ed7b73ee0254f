// Code shared by every compiled module of the process: the entry trampoline
// and the adapter through which compiled code calls host functions. Built by
// the target backend on first use, immutable afterwards.
#pragma once

#include "jit/abi.hpp"
#include "jit/code_memory.hpp"

namespace detwasm::jit {

struct RuntimeStubs {
  CodeMemory code;
  EntryTrampoline entry = nullptr;
  // The `code` of a JitFuncRef for a host function: it publishes the stack
  // budget and calls ExecState::host_call (abi.hpp).
  const void* host_adapter = nullptr;
};

const RuntimeStubs& runtime_stubs();

}  // namespace detwasm::jit
