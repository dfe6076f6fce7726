# Warnings are on for all of reprise's own code. They are errors under
# REPRISE_WERROR (set by the presets and CI) so a warning cannot land, but a
# developer on a newer compiler with new warnings can still build locally.
add_library(reprise_warnings INTERFACE)
target_compile_options(reprise_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough)
# Not -Wnull-dereference: with GCC 12 at -O2 it fires inside libstdc++'s
# std::string (a known false positive), which -Werror would turn into a failed build.
if(REPRISE_WERROR)
  target_compile_options(reprise_warnings INTERFACE -Werror)
endif()
