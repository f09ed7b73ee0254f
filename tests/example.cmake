# The C example (examples/math.c), compiled with clang to wasm32 the way
# scripts/setup.sh does, then run with `detwasm run`.
add_test(NAME example.math
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/example/run-example.sh
    $<TARGET_FILE:detwasm-cli> ${CMAKE_BINARY_DIR}/example-test)
# The compile cache `run` keeps goes to the build tree, not the user's.
set_tests_properties(example.math PROPERTIES ENVIRONMENT XDG_CACHE_HOME=${CMAKE_BINARY_DIR}/example-test/cache)
