#!/usr/bin/python3
"""Compiles a quantized module for AArch64 or RISC-V targets, links it with
the deploy example (examples/deploy/main.c), runs it under qemu-aarch64 or
qemu-riscv64 and compares the outputs with mpq-run's, bit for bit.

Usage: run_e2e.py --bin BIN --src SRC --work DIR --model M.mlir --input X.npy
                  [--targets cortex-a53,cortex-a76:cortex-a76,...]
                  [--arch riscv64 --targets rv64gcv --vlens 128,256,512]
                  [--compiled DIR]
(TARGET or TARGET:QEMU_CPU; without a CPU, the target's qemu_cpu; for
riscv64, each target's object runs once per VLEN with -cpu rv64,v=true,vext_spec=v1.0,vlen=N)
With --compiled, DIR/model.o and DIR/model.h (from mpq-compile --target, for
the one target given) are linked instead of running mpq-codegen.
Prints one line per target and CPU; exits 1 on any difference.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

CLANG = "/usr/lib/llvm-22/bin/clang"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--name", default="")
    ap.add_argument("--targets", default="")
    ap.add_argument("--arch", default="aarch64",
                    choices=["aarch64", "riscv64"])
    ap.add_argument("--vlens", default="128,256,512")
    ap.add_argument("--compiled", default="")
    args = ap.parse_args()
    if not args.targets:
        args.targets = ("cortex-a53:cortex-a53,cortex-a76:cortex-a76,"
                        "cortex-a710:max" if args.arch == "aarch64"
                        else "rv64gcv")
    name = args.name or os.path.basename(args.model)
    os.makedirs(args.work, exist_ok=True)
    ref = os.path.join(args.work, "ref.npy")
    subprocess.run([os.path.join(args.bin, "mpq-run"), args.model, "-i",
                    args.input, "-o", ref], check=True)
    want = np.load(ref)
    failed = False
    for spec in args.targets.split(","):
        target, _, cpu = spec.partition(":")
        if args.arch == "riscv64":
            cpus = [f"rv64,v=true,vext_spec=v1.0,vlen={v}" for v in args.vlens.split(",")]
        elif cpu:
            cpus = [cpu]
        else:  # the target description names its qemu CPU
            with open(os.path.join(args.src, "targets", target + ".yaml")) as f:
                cpus = [next(l.split(":", 1)[1].strip() for l in f
                             if l.startswith("qemu_cpu:"))]
        d = os.path.join(args.work, target)
        if args.compiled:
            os.makedirs(d, exist_ok=True)
            obj_dir = args.compiled
        else:
            subprocess.run([os.path.join(args.bin, "mpq-codegen"), args.model,
                            "--target", target, "-o", d], check=True,
                           stderr=subprocess.DEVNULL)
            obj_dir = d
        app = os.path.join(d, "app")
        if args.arch == "riscv64":
            flags = ["--target=riscv64-linux-gnu", "-march=rv64gc",
                     "-mabi=lp64d"]
            qemu = "qemu-riscv64"
        else:
            flags = ["--target=aarch64-linux-gnu"]
            qemu = "qemu-aarch64"
        subprocess.run([CLANG] + flags + ["-O2", "-static",
                        "--gcc-toolchain=/usr", "-fuse-ld=lld", "-I" + obj_dir,
                        os.path.join(args.src, "examples/deploy/main.c"),
                        os.path.join(obj_dir, "model.o"), "-o", app], check=True)
        for cpu in cpus:
            out = os.path.join(d, "y.npy")
            subprocess.run([qemu, "-cpu", cpu, app, args.input, out],
                           check=True)
            got = np.load(out)
            if got.size == want.size:  # the app writes [N, OUTPUT_SIZE]
                got = got.reshape(want.shape)
            same = got.shape == want.shape and np.array_equal(
                got.view(np.uint32), want.view(np.uint32))
            print(f"{name} {target} (qemu -cpu {cpu}): "
                  f"{'bit-exact' if same else 'MISMATCH'} ({want.size} values)")
            if not same:
                failed = True
                if got.shape == want.shape:
                    bad = np.argwhere(got.view(np.uint32) != want.view(np.uint32))
                    print(f"  {len(bad)} differ; first at {bad[0].tolist()}: "
                          f"{got[tuple(bad[0])]} vs mpq-run {want[tuple(bad[0])]}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
