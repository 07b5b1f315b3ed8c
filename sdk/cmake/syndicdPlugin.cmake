# SPDX-License-Identifier: Apache-2.0
# How a syndicd plugin is built. Shared by the in-tree build
# (cmake/SyndicdWarnings.cmake) and the installed package (syndicdConfig.cmake),
# so built-in and third-party plugins get exactly the same flags.

include_guard(GLOBAL)

# Captured now: inside a function CMAKE_CURRENT_LIST_DIR is the caller's.
set(_SYNDICD_PLUGIN_EXPORTS_MAP "${CMAKE_CURRENT_LIST_DIR}/syndicd-plugin-exports.map"
    CACHE INTERNAL "Linker version script of syndicd plugins")

# syndicd_add_plugin_module(<target> NAME <file name> SOURCES <src>... [LIBRARIES <lib>...])
#
# A MODULE library <NAME>.so (no "lib" prefix) that
#  - exports exactly one symbol, syndicd_plugin_entry: hidden visibility for
#    our code and a version script for what visibility cannot reach (weak
#    template instantiations from libstdc++ headers);
#  - keeps a non-executable stack (-z noexecstack; systemd's
#    MemoryDenyWriteExecute=yes refuses to load an executable one);
#  - resolves every symbol at link time (--no-undefined: a plugin links
#    nothing of the daemon) and at load time (-z now);
#  - links the SDK (syndicd::sdk, header-only) and LIBRARIES privately.
function(syndicd_add_plugin_module target)
  cmake_parse_arguments(P "" "NAME" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT P_NAME)
    message(FATAL_ERROR "syndicd_add_plugin(${target}): NAME is required")
  endif()
  if(NOT P_SOURCES)
    message(FATAL_ERROR "syndicd_add_plugin(${target}): SOURCES is required")
  endif()
  if(P_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "syndicd_add_plugin(${target}): unknown arguments ${P_UNPARSED_ARGUMENTS}")
  endif()
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE syndicd::sdk ${P_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${P_NAME}"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${_SYNDICD_PLUGIN_EXPORTS_MAP}")
  target_link_options(${target} PRIVATE
    -Wl,-z,noexecstack -Wl,--no-undefined -Wl,-z,now
    "-Wl,--version-script=${_SYNDICD_PLUGIN_EXPORTS_MAP}")
endfunction()
