# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "MPQ"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mpq_obj_root, "test")
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%mpq_src_root", config.mpq_src_root))
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%mpq_obj_root", config.mpq_obj_root))

# Running AArch64 code needs qemu-user and the cross C library.
import shutil
if shutil.which("qemu-aarch64") and os.path.exists(
        "/usr/aarch64-linux-gnu/lib/libc.a") and shutil.which("clang-22"):
    config.available_features.add("qemu-aarch64")
if shutil.which("qemu-riscv64") and os.path.exists(
        "/usr/riscv64-linux-gnu/lib/libc.a") and shutil.which("clang-22"):
    config.available_features.add("qemu-riscv64")

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.mpq_tools_dir, config.llvm_tools_dir]
tools = ["mpq-opt", "mpq-translate", "mpq-run", "mpq-compile", "mpq-codegen"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
