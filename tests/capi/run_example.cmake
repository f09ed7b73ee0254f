# Runs one C example and compares what it prints with its expected output.
# -DPROGRAM=... -DEXPECTED=... [-DEMULATOR=...]
execute_process(COMMAND ${EMULATOR} ${PROGRAM} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${rc}\n${out}${err}")
endif()
file(READ ${EXPECTED} want)
if(NOT out STREQUAL want)
  message(FATAL_ERROR "output of ${PROGRAM} differs\n--- expected\n${want}--- got\n${out}${err}")
endif()
message(STATUS "output as expected")
