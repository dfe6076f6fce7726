# Warnings are on for all of reprise's own code. They are errors under
# REPRISE_WERROR (set by the presets and CI) so a warning cannot land, but a
# developer on a newer compiler with new warnings can still build locally.
add_library(reprise_warnings INTERFACE)
target_compile_options(reprise_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wimplicit-fallthrough)
if(REPRISE_WERROR)
  target_compile_options(reprise_warnings INTERFACE -Werror)
endif()
