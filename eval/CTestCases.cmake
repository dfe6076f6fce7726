# Registers every case under eval/ as its own CTest test, so `ctest -R
# committee_narrator` runs just those and cases ride the same ctest run as
# the unit tests.
#
# Discovery happens when ctest starts, not at build time (Catch2 2.13's
# catch_discover_tests only discovers after a build): a case added or
# removed shows up in the next ctest run without rebuilding.
file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/reprise_eval_cases.cmake" CONTENT "
set(REPRISE_EVAL \"$<TARGET_FILE:reprise-eval>\")
set(REPRISE_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
include(\"${PROJECT_SOURCE_DIR}/eval/DiscoverCases.cmake\")
")
set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${CMAKE_BINARY_DIR}/reprise_eval_cases.cmake")
