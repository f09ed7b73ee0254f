# The WASI tests (tests/unit/wasi_*_test.cpp) compile the C programs of
# tests/wasi/programs at test time with clang for wasm32-wasi against
# Debian's wasi-libc (scripts/install-deps.sh installs both). Without them,
# those tests skip and say why.
find_program(DETWASM_WASI_CLANG NAMES clang clang-14)
set(DETWASM_WASI_SYSROOT "/usr" CACHE PATH "sysroot holding wasi-libc (lib/wasm32-wasi, include/wasm32-wasi)")
if(NOT DETWASM_WASI_CLANG OR NOT EXISTS "${DETWASM_WASI_SYSROOT}/lib/wasm32-wasi/libc.a")
  set(DETWASM_WASI_CLANG "")
endif()
target_compile_definitions(detwasm-tests PRIVATE
  DETWASM_WASI_CLANG="${DETWASM_WASI_CLANG}"
  DETWASM_WASI_SYSROOT="${DETWASM_WASI_SYSROOT}"
  DETWASM_WASI_PROGRAMS="${CMAKE_CURRENT_SOURCE_DIR}/wasi/programs"
  DETWASM_WASI_BUILD_DIR="${CMAKE_CURRENT_BINARY_DIR}/wasi-programs")
