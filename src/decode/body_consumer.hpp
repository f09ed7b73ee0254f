// What the module decoder does with each function body once its bytes are
// in. The decoder's caller chooses the implementation (validation alone,
// lowering for the interpreter, compiling for the JIT); each one runs the
// body decoder (validate/body_decoder.hpp) with its own operator consumer,
// so the module decoder itself needs to know no tier.
#pragma once

#include <cstdint>

#include "module/module_data.hpp"

namespace detwasm::internal {

// Calls come in this order: begin_code once if the module has a code
// section, on_body for each defined function in index order, then, when the
// whole module is decoded, finish_bodies, and finish_module if the module is
// valid. `module` is the module being decoded, the same object each time; it
// keeps its address until the decoder is done and outlives the consumer's use.
// Any call may throw ModuleError; before the decoder throws any error it
// calls throw_earlier_body_error, so that a body failure that comes earlier
// in the module wins, as it would in a decoder that ran strictly in order.
class BodyConsumer {
 public:
  virtual ~BodyConsumer() = default;

  // The code section starts: every section before it is decoded. It holds
  // `code_bytes` bytes (the bodies and their sizes).
  virtual void begin_code(ModuleData& module, uint64_t code_bytes) {
    (void)module;
    (void)code_bytes;
  }

  // Validates and prepares defined function `f`, whose body is [begin, end)
  // at module offset `offset`; module.function(f) already has its type, body
  // offset and size. Throws the body's
  // ModuleError, or leaves it for finish_bodies if the body is prepared later
  // (on another thread).
  virtual void on_body(ModuleData& module, DefinedFuncIdx f, const uint8_t* begin, const uint8_t* end,
                       uint64_t offset) = 0;

  // Every body has been handed over: throws the ModuleError of the first
  // failing body in module order, if any. Returns the module offset of the
  // earliest memory.init or data.drop in a module without a data count
  // section, or UINT64_MAX if there is none: whether that is an error
  // depends on the rest of the module (BodyDecoder::data_use_without_count).
  virtual uint64_t finish_bodies() = 0;

  // The decoder is about to throw an error found at module offset `offset`:
  // if a body before it failed and its error is still pending, throws that
  // one instead.
  virtual void throw_earlier_body_error(uint64_t offset) { (void)offset; }

  // The module is decoded and valid (hash included): the last of the
  // preparation, e.g. linking the compiled functions into loaded code.
  virtual void finish_module(ModuleData& module) { (void)module; }
};

}  // namespace detwasm::internal
