# The official spec suite (../shared/spec-testsuite beside the source tree),
# its .wast scripts read by detwasm's own text front end and run with
# `detwasm spec`: every command, text modules included. Totals are pinned per
# tier in tests/spec/expected-TIER.txt; a tier is tested once its pins file
# exists. wabt's wast2json stays as an oracle: the front-end comparison test
# and the runner checks below read its JSON.
find_program(WAST2JSON wast2json REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(DETWASM_SPEC_SUITE ${PROJECT_SOURCE_DIR}/../shared/spec-testsuite
    CACHE PATH "The WebAssembly spec test suite (with core/ inside)")

foreach(tier ${DETWASM_TEST_TIERS})
  set(pins ${CMAKE_CURRENT_SOURCE_DIR}/spec/expected-${tier}.txt)
  if(EXISTS ${pins})
    add_test(NAME spec.core.${tier}
      COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/run-spec.py
        --detwasm $<TARGET_FILE:detwasm-cli>
        --suite ${DETWASM_SPEC_SUITE}/core
        --tier ${tier} --expected ${pins} --jobs 2)
    set_tests_properties(spec.core.${tier} PROPERTIES TIMEOUT 1200 PROCESSORS 2)
    # Metering must change no result, trap or verdict: same pins.
    add_test(NAME spec.core.${tier}-metered
      COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/run-spec.py
        --detwasm $<TARGET_FILE:detwasm-cli>
        --suite ${DETWASM_SPEC_SUITE}/core
        --tier ${tier} --expected ${pins} --jobs 2 --metered)
    set_tests_properties(spec.core.${tier}-metered PROPERTIES TIMEOUT 1200 PROCESSORS 2)
    # Every module run from its artifact (compile, serialize, deserialize),
    # in both metering modes: same pins again. Under an emulator only the
    # JIT's: the interpreter's artifacts hold target-independent lowered
    # code, which the native build checks already.
    set(artifact_meterings plain metered)
    if(CMAKE_CROSSCOMPILING_EMULATOR AND tier STREQUAL "interp")
      set(artifact_meterings "")
    endif()
    foreach(metering ${artifact_meterings})
      set(extra --via-artifact)
      if(metering STREQUAL metered)
        list(APPEND extra --metered)
      endif()
      add_test(NAME spec.core.${tier}-artifact-${metering}
        COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/run-spec.py
          --detwasm $<TARGET_FILE:detwasm-cli>
          --suite ${DETWASM_SPEC_SUITE}/core
          --tier ${tier} --expected ${pins} --jobs 2 ${extra})
      set_tests_properties(spec.core.${tier}-artifact-${metering} PROPERTIES TIMEOUT 1200 PROCESSORS 2)
    endforeach()
  endif()
endforeach()

# The runner itself: a small file with every command kind passes as is, and
# each altered expectation gives exactly one failure.
foreach(alter none return-value nan-expected externref trap-kind accepted-module unlinkable)
  add_test(NAME spec.runner.${alter}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/spec/runner_check.py
      --detwasm $<TARGET_FILE:detwasm-cli> --wast2json ${WAST2JSON}
      --wast ${CMAKE_CURRENT_SOURCE_DIR}/spec/runner-check.wast
      --out ${CMAKE_BINARY_DIR}/spec/runner-check --alter ${alter})
endforeach()
