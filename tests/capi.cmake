# The C API: the C examples (examples/c), each run and its output compared
# with examples/c/expected; GoogleTest tests of ownership and bad input;
# and an install into a temporary prefix that an out-of-tree C program
# finds with find_package and with pkg-config, and the examples build
# against. All link the shared library,
# as hosts do.
find_package(Threads REQUIRED)

file(GLOB DETWASM_C_EXAMPLES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/examples/c/*.c)
foreach(source ${DETWASM_C_EXAMPLES})
  get_filename_component(name ${source} NAME_WE)
  add_executable(example-c-${name} ${source})
  target_link_libraries(example-c-${name} PRIVATE detwasm-shared Threads::Threads)
  set_target_properties(example-c-${name} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON)
  target_compile_options(example-c-${name} PRIVATE -Werror)
  add_test(NAME capi.example.${name}
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:example-c-${name}> "-DEMULATOR=${CMAKE_CROSSCOMPILING_EMULATOR}"
      -DEXPECTED=${PROJECT_SOURCE_DIR}/examples/c/expected/${name}.txt
      -P ${CMAKE_CURRENT_SOURCE_DIR}/capi/run_example.cmake)
endforeach()

file(GLOB DETWASM_CAPI_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/capi/*.cpp)
add_executable(detwasm-capi-tests ${DETWASM_CAPI_TEST_SOURCES})
target_link_libraries(detwasm-capi-tests PRIVATE detwasm-shared GTest::gtest_main Threads::Threads)
if(CMAKE_CROSSCOMPILING_EMULATOR)
  gtest_discover_tests(detwasm-capi-tests DISCOVERY_TIMEOUT 120 TEST_PREFIX capi.)
else()
  gtest_discover_tests(detwasm-capi-tests DISCOVERY_TIMEOUT 60 TEST_PREFIX capi.)
endif()

# The out-of-tree build runs host tools, and builds without sanitizers: not
# when cross-compiling, nor in a sanitizer build (whose library needs the
# sanitizer runtime loaded first).
if(NOT CMAKE_CROSSCOMPILING AND NOT DETWASM_SANITIZE)
  add_test(NAME capi.install
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/capi/install_test.sh ${CMAKE_BINARY_DIR}
      ${CMAKE_CURRENT_SOURCE_DIR}/capi/consumer ${CMAKE_BINARY_DIR}/capi-install-test
      ${PROJECT_SOURCE_DIR}/examples/c)
  set_tests_properties(capi.install PROPERTIES RUN_SERIAL TRUE)
endif()
