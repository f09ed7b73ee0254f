// The C API in a build that may have no compiler: artifacts load and run
// through wasm_module_deserialize; wasm_module_new refuses, as
// Module::compile does, when the build is headless.
#include <gtest/gtest.h>

#include <detwasm.h>
#include <wasm.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kDir = DETWASM_HEADLESS_ARTIFACTS;

struct Bytes {
  explicit Bytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<char> data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    wasm_byte_vec_new(&vec, data.size(), data.data());
  }
  ~Bytes() { wasm_byte_vec_delete(&vec); }
  wasm_byte_vec_t vec;
};

TEST(HeadlessCApi, RunsAnArtifact) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  Bytes artifact(kDir / "div-jit.dwa");
  ASSERT_GT(artifact.vec.size, 0u) << "run the headless.artifacts test first";
  wasm_module_t* module = wasm_module_deserialize(store, &artifact.vec);
  ASSERT_NE(module, nullptr);
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, nullptr);
  ASSERT_NE(instance, nullptr);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* div = wasm_extern_as_func(exports.data[0]);
  wasm_val_t args[] = {WASM_I32_VAL(7), WASM_I32_VAL(2)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args);
  wasm_val_vec_t r = WASM_ARRAY_VEC(results);
  EXPECT_EQ(wasm_func_call(div, &a, &r), nullptr);
  EXPECT_EQ(results[0].of.i32, 3);
  args[1].of.i32 = 0;
  wasm_trap_t* trap = wasm_func_call(div, &a, &r);
  ASSERT_NE(trap, nullptr);
  EXPECT_EQ(detwasm_trap_kind(trap), DETWASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(wasm_frame_func_index(origin), 0u);
  wasm_frame_delete(origin);
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

#ifdef DETWASM_HEADLESS
TEST(HeadlessCApi, RefusesToCompile) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  Bytes wasm(kDir / "div.wasm");
  EXPECT_TRUE(wasm_module_validate(store, &wasm.vec));
  EXPECT_EQ(wasm_module_new(store, &wasm.vec), nullptr);
  wasm_message_t error;
  detwasm_last_error(&error);
  EXPECT_NE(std::string(error.data).find("no compiler"), std::string::npos) << error.data;
  wasm_byte_vec_delete(&error);
  wasm_byte_vec_t text, out;
  wasm_name_new_from_string(&text, "(module)");
  EXPECT_FALSE(detwasm_wat2wasm(&text, &out));
  wasm_byte_vec_delete(&text);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}
#endif

}  // namespace
