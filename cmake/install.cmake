# `cmake --install`: headers, the shared and static libraries, the detwasm
# tool, a CMake package (find_package(detwasm) gives detwasm::detwasm, the
# shared library, and detwasm::detwasm-static) and a pkg-config file. Both
# package files find the prefix from where they are installed, so the tree
# may be installed to any prefix (cmake --install --prefix) or moved.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(FILES ${PROJECT_SOURCE_DIR}/include/wasm.h ${PROJECT_SOURCE_DIR}/include/detwasm.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/detwasm DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS detwasm detwasm-shared
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET detwasm-cli)
  install(TARGETS detwasm-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# What a program linking the static library links too.
set(DETWASM_STATIC_LIBS "-lsodium -lxxhash -lpthread")
if(NOT DETWASM_HEADLESS)
  set(DETWASM_STATIC_LIBS "-lasmjit ${DETWASM_STATIC_LIBS}")
endif()

configure_file(${PROJECT_SOURCE_DIR}/cmake/detwasm.pc.in ${PROJECT_BINARY_DIR}/detwasm.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/detwasm.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

configure_file(${PROJECT_SOURCE_DIR}/cmake/detwasmConfig.cmake.in
               ${PROJECT_BINARY_DIR}/detwasmConfig.cmake @ONLY)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/detwasmConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/detwasmConfig.cmake ${PROJECT_BINARY_DIR}/detwasmConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/detwasm)
