# The Python package's tests (tests/python), run with pytest by the
# interpreter DETWASM_PYTEST_PYTHON (Debian's, which has pytest and
# Hypothesis from apt) against the package in the build tree.
if(NOT TARGET _detwasm)
  return()
endif()
set(DETWASM_PYTEST_PYTHON "/usr/bin/python3" CACHE FILEPATH "The Python that runs the Python package's tests")
get_property(DETWASM_PYTHON_PATH GLOBAL PROPERTY DETWASM_PYTHON_PATH)
add_test(NAME python.pytest
  COMMAND ${DETWASM_PYTEST_PYTHON} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_SOURCE_DIR}/python)
set_tests_properties(python.pytest PROPERTIES
  ENVIRONMENT "PYTHONPATH=${DETWASM_PYTHON_PATH};DETWASM_CLI=$<TARGET_FILE:detwasm-cli>;DETWASM_WASI_PROGRAMS=${CMAKE_CURRENT_SOURCE_DIR}/wasi/programs;DETWASM_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/python-tmp")
