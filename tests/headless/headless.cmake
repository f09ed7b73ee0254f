# Artifacts a compiling build wrote, run through the runtime API: in a full
# build with its own CLI as the producer, in a headless build
# (DETWASM_HEADLESS) with DETWASM_ARTIFACT_PRODUCER, a full build's detwasm.
find_program(WAT2WASM wat2wasm REQUIRED)
if(DETWASM_HEADLESS)
  set(DETWASM_ARTIFACT_PRODUCER "" CACHE FILEPATH
      "A detwasm that compiles: it writes the artifacts and fills the caches the headless tests load")
  if(NOT DETWASM_ARTIFACT_PRODUCER)
    message(FATAL_ERROR "a headless build's tests need -DDETWASM_ARTIFACT_PRODUCER=PATH, a full build's detwasm")
  endif()
  set(producer ${DETWASM_ARTIFACT_PRODUCER})
else()
  set(producer $<TARGET_FILE:detwasm-cli>)
endif()

set(artifacts ${CMAKE_BINARY_DIR}/headless-artifacts)
add_test(NAME headless.artifacts
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/headless/make_artifacts.sh ${producer} ${WAT2WASM}
          ${CMAKE_CURRENT_SOURCE_DIR}/headless/module.wat ${artifacts})
set_tests_properties(headless.artifacts PROPERTIES FIXTURES_SETUP headless-artifacts)

add_executable(detwasm-tests-headless ${CMAKE_CURRENT_SOURCE_DIR}/headless/headless_test.cpp
                                      ${CMAKE_CURRENT_SOURCE_DIR}/headless/capi_headless_test.cpp)
target_link_libraries(detwasm-tests-headless PRIVATE detwasm GTest::gtest_main)
target_include_directories(detwasm-tests-headless PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(detwasm-tests-headless PRIVATE DETWASM_HEADLESS_ARTIFACTS="${artifacts}"
                           $<$<BOOL:${DETWASM_HEADLESS}>:DETWASM_HEADLESS=1>
                           $<$<BOOL:${CMAKE_CROSSCOMPILING_EMULATOR}>:DETWASM_TESTS_UNDER_EMULATOR=1>)
gtest_discover_tests(detwasm-tests-headless DISCOVERY_TIMEOUT 60 TEST_PREFIX headless.
                     PROPERTIES FIXTURES_REQUIRED headless-artifacts)

if(DETWASM_HEADLESS)
  # The whole spec suite, every module found in a compile cache the producer
  # filled (compile errors included): the same pinned totals as a fresh
  # compile, in both tiers and both metering modes, less the malformed text
  # modules (a headless build has no text parser, so it reads wast2json's
  # conversion, which leaves them out).
  find_program(WAST2JSON wast2json REQUIRED)
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  set(DETWASM_SPEC_SUITE ${PROJECT_SOURCE_DIR}/../shared/spec-testsuite
      CACHE PATH "The WebAssembly spec test suite (with core/ inside)")
  foreach(tier ${DETWASM_TEST_TIERS})
    foreach(metering plain metered)
      set(extra "")
      if(metering STREQUAL metered)
        set(extra --metered)
      endif()
      set(name ${tier}-${metering})
      add_test(NAME headless.spec.${name}
        COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/run-spec.py
          --detwasm $<TARGET_FILE:detwasm-cli> --producer ${producer} --front-end json --wast2json ${WAST2JSON}
          --suite ${DETWASM_SPEC_SUITE}/core --out ${CMAKE_BINARY_DIR}/spec/core-${name}
          --cache-dir ${CMAKE_BINARY_DIR}/spec/cache-${name}
          --tier ${tier} --expected ${CMAKE_CURRENT_SOURCE_DIR}/spec/expected-${tier}-json.txt --jobs 2 ${extra})
      set_tests_properties(headless.spec.${name} PROPERTIES TIMEOUT 1200 PROCESSORS 2)
    endforeach()
  endforeach()
  # The CLI says why it cannot run a module it would have to compile.
  add_test(NAME headless.cli.refuses-to-compile
    COMMAND $<TARGET_FILE:detwasm-cli> run ${artifacts}/div.wasm --no-cache --invoke div 7 2)
  set_tests_properties(headless.cli.refuses-to-compile PROPERTIES
    FIXTURES_REQUIRED headless-artifacts PASS_REGULAR_EXPRESSION "has no compiler")
  add_test(NAME headless.cli.runs-an-artifact
    COMMAND $<TARGET_FILE:detwasm-cli> run ${artifacts}/div-jit.dwa --invoke div 7 2)
  set_tests_properties(headless.cli.runs-an-artifact PROPERTIES
    FIXTURES_REQUIRED headless-artifacts PASS_REGULAR_EXPRESSION "^i32:3\n$")
endif()
