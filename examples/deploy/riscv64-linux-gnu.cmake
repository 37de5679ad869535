# CMake toolchain file: RISC-V RV64GC Linux (lp64d) with Debian's clang-22
# and cross C library (gcc-riscv64-linux-gnu, libc6-dev-riscv64-cross), for
# objects generated with --target rv64gcv or spacemit-x60. The C code itself
# needs no vectors; model.o carries its own. Binaries are static, so
# qemu-riscv64 -cpu rv64,v=true,vext_spec=v1.0,vlen=128 runs them without -L.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER /usr/lib/llvm-22/bin/clang)
set(CMAKE_C_COMPILER_TARGET riscv64-linux-gnu)
set(CMAKE_C_FLAGS_INIT "--gcc-toolchain=/usr -march=rv64gc -mabi=lp64d")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -fuse-ld=lld --gcc-toolchain=/usr")
set(CMAKE_FIND_ROOT_PATH /usr/riscv64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-riscv64;-cpu;rv64,v=true,vext_spec=v1.0,vlen=128)
