# Run by ctest (see CTestCases.cmake): asks reprise-eval for the test names
# of every case and adds one test each, run from the source folder so
# failures name eval/<agent>/cases/<id>.yaml.
if(NOT EXISTS "${REPRISE_EVAL}")
  add_test(reprise-eval-missing "${REPRISE_EVAL}")
  return()
endif()
execute_process(
  COMMAND "${REPRISE_EVAL}" --eval-root eval --list-test-names-only
  WORKING_DIRECTORY "${REPRISE_SOURCE_DIR}"
  OUTPUT_VARIABLE names
  ERROR_QUIET)
# Catch2 exits with the number of tests listed, so the exit code says nothing.
string(REPLACE "\n" ";" names "${names}")
set(found 0)
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  if(name STREQUAL "")
    continue()
  endif()
  add_test("${name}" "${REPRISE_EVAL}" --eval-root eval "${name}")
  set_tests_properties("${name}" PROPERTIES WORKING_DIRECTORY "${REPRISE_SOURCE_DIR}" LABELS eval)
  math(EXPR found "${found} + 1")
endforeach()
if(found EQUAL 0)
  # An empty list would let ctest pass with no case run: make that a failure.
  add_test(reprise-eval-no-cases "${REPRISE_EVAL}" --eval-root eval --list-test-names-only)
  set_tests_properties(reprise-eval-no-cases PROPERTIES WORKING_DIRECTORY "${REPRISE_SOURCE_DIR}" WILL_FAIL ON)
endif()
