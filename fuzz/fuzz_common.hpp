// What the fuzz harnesses share: engine limits small enough for fuzzing, and
// a plan that calls only the exports that certainly finish soon.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <detwasm/detwasm.hpp>

#include "support/module_runner.hpp"

namespace detwasm::fuzz {

// Operators one unmetered call may execute (by the static bound of support/code_walk.hpp).
constexpr uint64_t kMaxSteps = 200'000;
// Gas for instantiation and for each metered call.
constexpr uint64_t kGasPerCall = 2'000'000;

// Small memories, tables and stack budget, so that one input stays cheap.
EngineConfig fuzz_engine_config(Tier tier, bool metering);

// Every function export with zero arguments, metered with kGasPerCall.
test::RunPlan metered_zero_arg_plan(const Module& module);

// True if instantiation cannot run forever: no start function, or one with a bound.
bool start_is_bounded(const Module& module);

// Every function export whose step bound is at most kMaxSteps, with zero arguments.
test::RunPlan bounded_zero_arg_plan(const Module& module);

// Prints the module (as text) and what went wrong, then aborts so the fuzzer keeps the input.
[[noreturn]] void fail(std::span<const uint8_t> module, const std::string& what);

}  // namespace detwasm::fuzz
