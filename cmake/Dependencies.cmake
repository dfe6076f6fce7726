# Every dependency is a Debian 12 package (tools/setup installs them); nothing
# is downloaded at build time.
find_package(yaml-cpp 0.7 REQUIRED)          # libyaml-cpp-dev
find_package(Catch2 2.13 REQUIRED)           # catch2
find_package(nlohmann_json 3.10 REQUIRED)    # nlohmann-json3-dev
find_package(OpenSSL 3 REQUIRED)             # libssl-dev
find_package(fmt 9 REQUIRED)                 # libfmt-dev
find_package(CLI11 2 REQUIRED)               # libcli11-dev
find_package(Threads REQUIRED)
find_package(CURL 7.88 REQUIRED)            # libcurl4-openssl-dev: the live transport
find_package(ZLIB 1.2 REQUIRED)             # zlib1g-dev: gzip of CloudWatch subscription payloads (capture)
# libcpp-httplib-dev ships no CMake package, only cpp-httplib.pc: the loopback fake API in tests.
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# libdtl-dev is headers only, with neither a CMake package nor a .pc file: the
# diff algorithm behind the dry run's request diff (src/eval/request_diff.cpp).
find_path(DTL_INCLUDE_DIR dtl/dtl.hpp REQUIRED)
add_library(dtl::dtl INTERFACE IMPORTED)
target_include_directories(dtl::dtl SYSTEM INTERFACE "${DTL_INCLUDE_DIR}")

# Third-party headers are included as system headers so their warnings do not
# count against ours.
foreach(dep yaml-cpp PkgConfig::HTTPLIB Catch2::Catch2 nlohmann_json::nlohmann_json fmt::fmt CLI11::CLI11)
  if(TARGET ${dep})
    get_target_property(_inc ${dep} INTERFACE_INCLUDE_DIRECTORIES)
    if(_inc)
      set_target_properties(${dep} PROPERTIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${_inc}")
    endif()
  endif()
endforeach()
