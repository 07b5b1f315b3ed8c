# SPDX-License-Identifier: Apache-2.0
# Warnings are errors on our own code only; third-party headers come in as
# SYSTEM includes through their imported targets.
function(syndicd_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow=local
    -Wnon-virtual-dtor -Wcast-align -Wformat=2 -Wimplicit-fallthrough)
  # g++ 12 reports impossible -Wrestrict overlaps inside std::string's
  # char_traits once -fsanitize or -O3 changes inlining (GCC PR 105329,
  # 105651); the warning is about libstdc++, not our code. Kept as a warning
  # there, just not an error; other compilers keep it fatal.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-error=restrict)
  endif()
  # Under -fsanitize g++ 12 also reports -Wmaybe-uninitialized inside
  # boost::optional as Beast's basic_parser inlines content_length() (the
  # optional is returned as boost::none; the read is of the disengaged
  # storage, which it never makes). The sanitizer build exists to find real
  # uninitialised reads at run time; the release build keeps it fatal.
  if(SYNDICD_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-error=maybe-uninitialized)
  endif()
endfunction()

# A plugin is a shared object that exports exactly one symbol
# (syndicd_plugin_entry) and keeps a non-executable stack. The recipe lives in
# the SDK so third-party plugins (find_package(syndicd)) are built the same way.
include(${PROJECT_SOURCE_DIR}/sdk/cmake/syndicdPlugin.cmake)

# syndicd_add_plugin(<target> NAME <file name> SOURCES <src>... [LIBRARIES <lib>...])
# In-tree: the SDK recipe plus our warnings, output in the build's plugin
# folder (so a build tree runs without installing) and an install rule.
function(syndicd_add_plugin target)
  syndicd_add_plugin_module(${target} ${ARGN})
  syndicd_warnings(${target})
  set_target_properties(${target} PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY "${SYNDICD_BUILD_PLUGIN_DIR}")
  install(TARGETS ${target} LIBRARY DESTINATION "${SYNDICD_PLUGIN_INSTALL_DIR}")
endfunction()

# syndicd_add_plugin_library(<target> <src>...)
# The host-free part of a built-in plugin, a static library that the plugin
# and its unit tests share, so the tests exercise exactly the code the plugin
# runs. PIC and hidden visibility: it is linked into a plugin's .so and must
# leak nothing past the entry symbol. Its folder is its include directory.
function(syndicd_add_plugin_library target)
  add_library(${target} STATIC ${ARGN})
  syndicd_warnings(${target})
  set_target_properties(${target} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
endfunction()
