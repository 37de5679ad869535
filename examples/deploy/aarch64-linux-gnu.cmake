# CMake toolchain file: AArch64 Linux with Debian's clang-22 and cross C
# library (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross). Binaries are
# static, so qemu-aarch64 runs them without -L.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER /usr/lib/llvm-22/bin/clang)
set(CMAKE_C_COMPILER_TARGET aarch64-linux-gnu)
set(CMAKE_C_FLAGS_INIT "--gcc-toolchain=/usr")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -fuse-ld=lld --gcc-toolchain=/usr")
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
