# Cross-compiling for AArch64 Linux on an x86-64 Debian host, with Debian's
# cross compiler (g++-aarch64-linux-gnu) and the :arm64 -dev packages
# (after `dpkg --add-architecture arm64`; scripts/install-deps.sh --aarch64
# sets both up). Binaries run under qemu-aarch64, which CMake uses as the
# emulator for tests (ctest) and test discovery; processes that tests start
# run through binfmt_misc, which the install script registers.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Libraries and headers from the arm64 packages; programs from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

# qemu-user runs the binaries with the arm64 loader and libraries that the
# :arm64 packages install (multiarch, in /lib/aarch64-linux-gnu). Not with
# -L /usr/aarch64-linux-gnu: that mixes the cross toolchain's C library
# with the multiarch ones, and child processes can hang.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
