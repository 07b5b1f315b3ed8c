# SPDX-License-Identifier: Apache-2.0
# cmake -DBUILD_DIR=... -DTEMPLATE_DIR=... -DWORK_DIR=... [-DGENERATOR=...]
#       [-DCXX_COMPILER=...] [-DCXX_LAUNCHER=...] [-DNM=nm] [-DREADELF=readelf]
#       -P sdk_template_test.cmake
#
# 1. cmake --install BUILD_DIR --prefix WORK_DIR/prefix
# 2. configure + build TEMPLATE_DIR with CMAKE_PREFIX_PATH=WORK_DIR/prefix
# 3. the plugin exports only syndicd_plugin_entry (nm -D --defined-only)
# 4. its GNU_STACK is not executable (readelf -lW)
# 5. <prefix>/bin/syndicd plugins --plugin-path <build> --describe hello
#    exits 0 and prints `hello` and `greeting`
cmake_minimum_required(VERSION 3.25)

foreach(var BUILD_DIR TEMPLATE_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "sdk test: -D${var}=... is required")
  endif()
endforeach()
if(NOT NM)
  set(NM nm)
endif()
if(NOT READELF)
  set(READELF readelf)
endif()

set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/template-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# Runs a command; on failure prints its output and stops the test.
function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "sdk test: ${step} failed (${rc}):\n  ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "sdk test: ${step}: ok")
  set(out "${out}" PARENT_SCOPE)
endfunction()

# 1. Install.
run("install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(f include/syndicd/abi.h include/syndicd/plugin.hpp bin/syndicd)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "sdk test: install did not create ${prefix}/${f}")
  endif()
endforeach()
file(GLOB_RECURSE config_files "${prefix}/*/syndicdConfig.cmake")
if(NOT config_files)
  message(FATAL_ERROR "sdk test: install did not create .../cmake/syndicd/syndicdConfig.cmake")
endif()

# 2. Configure and build the template against the installed package only
#    (no access to the source tree's sdk/ beyond the template itself).
set(configure_args -S "${TEMPLATE_DIR}" -B "${build}" -DCMAKE_PREFIX_PATH=${prefix}
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_COMPILE_WARNING_AS_ERROR=ON)
if(GENERATOR)
  list(APPEND configure_args -G "${GENERATOR}")
endif()
if(CXX_COMPILER)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
if(CXX_LAUNCHER)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_LAUNCHER})
endif()
run("configure template" ${CMAKE_COMMAND} ${configure_args})
run("build template" ${CMAKE_COMMAND} --build "${build}")
set(so "${build}/source-hello.so")
if(NOT EXISTS "${so}")
  message(FATAL_ERROR "sdk test: expected ${so}")
endif()

# 3. Exactly one exported symbol.
run("nm" ${NM} -D --defined-only "${so}")
string(REGEX MATCHALL "[^\n]+" lines "${out}")
set(exported "")
foreach(line ${lines})
  string(REGEX REPLACE "^[0-9a-fA-F]* *[A-Za-z] " "" sym "${line}")
  list(APPEND exported "${sym}")
endforeach()
if(NOT exported STREQUAL "syndicd_plugin_entry")
  message(FATAL_ERROR "sdk test: ${so} must export only syndicd_plugin_entry, exports:\n${out}")
endif()

# 4. A GNU_STACK header without the execute flag.
run("readelf" ${READELF} -lW "${so}")
if(NOT out MATCHES "GNU_STACK[^\n]* RW ")
  string(REGEX MATCH "GNU_STACK[^\n]*" stack "${out}")
  message(FATAL_ERROR "sdk test: ${so} needs a non-executable stack, has: '${stack}'")
endif()

# 5. The installed daemon loads and describes it.
execute_process(
  COMMAND "${prefix}/bin/syndicd" plugins --plugin-path "${build}" --describe hello
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "sdk test: syndicd plugins --describe hello exited ${rc}:\n${out}\n${err}")
endif()
foreach(word hello greeting)
  if(NOT out MATCHES "${word}")
    message(FATAL_ERROR "sdk test: `syndicd plugins --describe hello` does not mention "
                        "'${word}':\n${out}\n${err}")
  endif()
endforeach()
message(STATUS "sdk test: syndicd plugins --describe hello: ok")
