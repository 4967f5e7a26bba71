# gpu_ledgerConfig.cmake: the CMake package of gpu-ledger's C API, installed by
# scripts/install-capi into PREFIX/lib/cmake/gpu_ledger/.
#
#   find_package(gpu_ledger 0.1 CONFIG REQUIRED)
#   add_executable(renderer renderer.cpp)
#   target_link_libraries(renderer PRIVATE gpu_ledger::gpu_ledger)
#
# Imported targets (choose the linkage by the target's name):
#   gpu_ledger::gpu_ledger         the shared library, PREFIX/lib/libgpu_ledger_capi.so
#   gpu_ledger::gpu_ledger_static  the static library, PREFIX/lib/libgpu_ledger_capi.a, with
#                                  the system libraries it needs (threads, dl, m)
# Both carry PREFIX/include: gpu_ledger.h (C99 and C++) and gpu_ledger.hpp (the C++17
# RAII wrapper). The package is relocatable: it finds PREFIX from its own location.
#
# The shared library has no SONAME, so executables record it by file name
# (libgpu_ledger_capi.so) and find it through their RPATH: CMake's build tree
# RPATH points at PREFIX/lib; installed executables need INSTALL_RPATH or the
# loader's search path.
#
# SPDX-License-Identifier: MIT OR Apache-2.0

cmake_policy(PUSH)
cmake_policy(VERSION 3.16...3.31)

get_filename_component(_gpu_ledger_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(_gpu_ledger_shared "${_gpu_ledger_prefix}/lib/libgpu_ledger_capi.so")
set(_gpu_ledger_static "${_gpu_ledger_prefix}/lib/libgpu_ledger_capi.a")
set(_gpu_ledger_include "${_gpu_ledger_prefix}/include")

foreach(_gpu_ledger_file IN ITEMS "${_gpu_ledger_shared}" "${_gpu_ledger_static}"
        "${_gpu_ledger_include}/gpu_ledger.h" "${_gpu_ledger_include}/gpu_ledger.hpp")
  if(NOT EXISTS "${_gpu_ledger_file}")
    set(gpu_ledger_FOUND FALSE)
    set(gpu_ledger_NOT_FOUND_MESSAGE
        "${_gpu_ledger_file} is missing: reinstall with scripts/install-capi ${_gpu_ledger_prefix}")
  endif()
endforeach()

if(NOT DEFINED gpu_ledger_FOUND OR gpu_ledger_FOUND)
  include(CMakeFindDependencyMacro)
  # The static library holds the Rust standard library, which needs threads.
  find_dependency(Threads)

  if(NOT TARGET gpu_ledger::gpu_ledger)
    add_library(gpu_ledger::gpu_ledger SHARED IMPORTED)
    set_target_properties(gpu_ledger::gpu_ledger PROPERTIES
      IMPORTED_LOCATION "${_gpu_ledger_shared}"
      # No SONAME: link it as -lgpu_ledger_capi so executables do not record its full path.
      IMPORTED_NO_SONAME TRUE
      INTERFACE_INCLUDE_DIRECTORIES "${_gpu_ledger_include}")
  endif()

  if(NOT TARGET gpu_ledger::gpu_ledger_static)
    add_library(gpu_ledger::gpu_ledger_static STATIC IMPORTED)
    set_target_properties(gpu_ledger::gpu_ledger_static PROPERTIES
      IMPORTED_LOCATION "${_gpu_ledger_static}"
      IMPORTED_LINK_INTERFACE_LANGUAGES "C"
      INTERFACE_INCLUDE_DIRECTORIES "${_gpu_ledger_include}"
      INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")
  endif()
endif()

unset(_gpu_ledger_file)
unset(_gpu_ledger_include)
unset(_gpu_ledger_static)
unset(_gpu_ledger_shared)
unset(_gpu_ledger_prefix)
cmake_policy(POP)
