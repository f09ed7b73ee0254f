// Decodes a module's sections as its bytes arrive. Every section is decoded
// once, when its last byte is in; in the code section each function body is
// handed to a BodyConsumer as soon as it is complete.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <memory>

#include <detwasm/config.hpp>

#include "decode/body_consumer.hpp"
#include "decode/reader.hpp"
#include "module/module_data.hpp"

namespace detwasm::internal {

class ModuleDecoder {
 public:
  // Decodes under `limits`; `limits` and `bodies` must outlive the decoder.
  // The module it returns has its declarations and whatever code `bodies`
  // made; its EngineBinding is left empty for whoever owns the engine.
  ModuleDecoder(const ResourceLimits& limits, BodyConsumer& bodies);
  ~ModuleDecoder();

  void feed(const uint8_t* data, size_t size);  // throws ModuleError
  std::shared_ptr<ModuleData> finish();          // throws ModuleError

 private:
  enum class Stage : uint8_t { Header, SectionStart, SectionBody, CodeCount, CodeBody };

  void feed_bytes(const uint8_t* data, size_t size);
  std::shared_ptr<ModuleData> finish_module();
  void pump(bool final);
  // Tries to read an unsigned LEB128 at `pos` without passing `limit`.
  // Returns false (and does not advance) if more bytes are needed.
  bool try_read_u32(size_t& pos, size_t limit, uint32_t& out, bool final);
  void decode_section(uint8_t id, size_t begin, size_t end);
  void decode_type_section(Reader& r);
  void decode_import_section(Reader& r);
  void decode_function_section(Reader& r);
  void decode_table_section(Reader& r);
  void decode_memory_section(Reader& r);
  void decode_global_section(Reader& r);
  void decode_export_section(Reader& r);
  void decode_start_section(Reader& r);
  void decode_element_section(Reader& r);
  void decode_data_count_section(Reader& r);
  void decode_data_section(Reader& r);
  void decode_custom_section(Reader& r);
  void decode_function_body(size_t begin, size_t end);

  Limits read_limits(Reader& r, uint64_t max_allowed, const char* what, bool is_memory);
  TableType read_table_type(Reader& r);
  MemoryType read_memory_type(Reader& r);
  GlobalType read_global_type(Reader& r);
  ConstExpr read_const_expr(Reader& r, ValType expected);
  void declare_func(uint32_t index);

  const ResourceLimits& limits_;
  BodyConsumer& bodies_;
  std::shared_ptr<ModuleData> m_;
  crypto_generichash_state hash_state_;

  Stage stage_ = Stage::Header;
  size_t pos_ = 0;           // next undecoded byte
  uint8_t last_section_order_ = 0;
  uint8_t section_id_ = 0;
  size_t section_end_ = 0;
  uint32_t code_count_ = 0;  // bodies announced by the code section
  uint32_t code_done_ = 0;   // bodies decoded so far
  bool saw_function_section_ = false;
  bool saw_code_section_ = false;
  bool saw_data_section_ = false;
};

}  // namespace detwasm::internal
