# SPDX-License-Identifier: Apache-2.0
# The fuzz build (-DSYNDICD_BUILD_FUZZ=ON): clang's libFuzzer with
# AddressSanitizer and UndefinedBehaviorSanitizer, see docs/fuzzing.md.
#
# Everything compiled in this build gets coverage instrumentation
# (fuzzer-no-link) and the sanitizers, so the libraries a target links are
# measured and checked as much as the target itself; only the fuzz targets
# link libFuzzer's main(). A fuzz build directory is for fuzzing: the
# scripts build the fuzz targets only (target syndicd-fuzzers).
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SYNDICD_BUILD_FUZZ needs clang (libFuzzer): configure with "
    "-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ (scripts/fuzz.sh does)")
endif()
if(SYNDICD_SANITIZE)
  message(FATAL_ERROR "SYNDICD_BUILD_FUZZ brings its own sanitizers; leave SYNDICD_SANITIZE off")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
  -fno-omit-frame-pointer -gline-tables-only)
add_link_options(-fsanitize=address,undefined)
# syndicd_warnings() is written for g++, the compiler whose warnings CI
# enforces. clang warns about other things (and not about -Wshadow=local):
# in the fuzz build they are shown but not fatal, so that a finding of the
# fuzzer is never blocked by a warning g++ does not give.
add_compile_options(-Wno-unknown-warning-option)
function(syndicd_warnings target)
  _syndicd_warnings(${target})
  target_compile_options(${target} PRIVATE -Wno-error)
endfunction()
# Code that only a fuzz build compiles differently (none yet) can test this.
add_compile_definitions(SYNDICD_FUZZING_BUILD)

# syndicd_add_fuzzer(<name> SOURCES <src>... [LIBRARIES <lib>...])
# The executable is fuzz-<name> in the build's fuzz/ folder.
function(syndicd_add_fuzzer name)
  cmake_parse_arguments(F "" "" "SOURCES;LIBRARIES" ${ARGN})
  set(target fuzz-${name})
  add_executable(${target} ${F_SOURCES})
  syndicd_warnings(${target})
  target_link_libraries(${target} PRIVATE ${F_LIBRARIES})
  target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/fuzz)
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  add_dependencies(syndicd-fuzzers ${target})
endfunction()
