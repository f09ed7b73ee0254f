# The Python package's tests (tests/python), one ctest test per file, run
# with pytest by the interpreter DETWASM_PYTEST_PYTHON (Debian's, which has
# pytest and Hypothesis from apt) against the package in the build tree.
if(NOT TARGET _detwasm)
  return()
endif()
set(DETWASM_PYTEST_PYTHON "/usr/bin/python3" CACHE FILEPATH "The Python that runs the Python package's tests")
get_property(DETWASM_PYTHON_PATH GLOBAL PROPERTY DETWASM_PYTHON_PATH)
file(GLOB DETWASM_PYTHON_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/python/test_*.py)
foreach(test_file ${DETWASM_PYTHON_TESTS})
  get_filename_component(name ${test_file} NAME_WE)
  string(REGEX REPLACE "^test_" "" name ${name})
  add_test(NAME python.${name}
    COMMAND ${DETWASM_PYTEST_PYTHON} -m pytest -q -p no:cacheprovider ${test_file})
  set_tests_properties(python.${name} PROPERTIES
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
    ENVIRONMENT "PYTHONPATH=${DETWASM_PYTHON_PATH};DETWASM_CLI=$<TARGET_FILE:detwasm-cli>;DETWASM_WASI_PROGRAMS=${CMAKE_CURRENT_SOURCE_DIR}/wasi/programs;DETWASM_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/python-tmp")
endforeach()
