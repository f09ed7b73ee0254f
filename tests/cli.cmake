# The CLI tests (tests/unit/cli_test.cpp) run the built `detwasm` binary on
# modules they assemble with wabt's wat2wasm.
find_program(WAT2WASM wat2wasm REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
add_dependencies(detwasm-tests detwasm-cli)
target_compile_definitions(detwasm-tests PRIVATE
  DETWASM_CLI_PATH="$<TARGET_FILE:detwasm-cli>"
  DETWASM_WAT2WASM="${WAT2WASM}")
target_link_libraries(detwasm-tests PRIVATE nlohmann_json::nlohmann_json)
