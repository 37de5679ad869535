#!/usr/bin/python3
"""Speed of the generated RISC-V RVV code, without RISC-V hardware (the
method of run.py, for --lower-to-rvv).

1. Inner loops, statically: the GEMM-bound 1x1 convolution of run.py (K =
   256, 64 output channels, 8x8 pixels) is compiled for rv64gcv and
   spacemit-x60 at W8, W4 and W2; the basic block with the most widening
   multiply-accumulates (the microkernel's K loop: one 16-deep step of a
   4-row tile) is cut out of the assembly and run through llvm-mca 22
   -mcpu=spacemit-x60. MACs = lanes per vwmacc/vwmul x their count, the
   lanes read from the kernel's name (rvv-vwmacc-RxL: L; the VLEN-agnostic
   rvv-vla-*: VLEN / 8 = 32 with the model's VLEN of 256).
2. Whole models, dynamically: the bundled models compiled with
   mpq-compile --target rv64gcv, linked with examples/deploy/main.c, run
   under qemu-riscv64 -cpu rv64,v=true,vext_spec=v1.0,vlen=256 with the
   instruction-counting plugin on 1 and 17 images; instructions per
   inference = (count(17) - count(1)) / 16, per MAC = that / the model's
   MACs (report.json).

Writes benchmarks/out/kernels-rvv.json and benchmarks/out/kernels-rvv.md.
Usage: benchmarks/kernels/run_rvv.py [--build build] [--skip-models]
                                    [--models plain_cnn,res_cnn,dw_cnn]
                                    [--bits 8,4,2]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import count_insns, hot_block, log  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLANG = "/usr/lib/llvm-22/bin/clang"
MACS = {"vwmacc.vx": 1, "vwmacc.vv": 1, "vwmul.vx": 1, "vwmul.vv": 1}
MCA_VLEN = 256  # LLVM's SpacemiT X60 model (zvl256b)
BRANCHES = ("beq", "bne", "blt", "bge", "bltu", "bgeu", "beqz", "bnez",
            "bltz", "bgez", "blez", "bgtz", "j", "jr", "jal", "jalr", "ret")
TARGETS = ["rv64gcv", "spacemit-x60"]
QEMU_CPU = "rv64,v=true,vext_spec=v1.0,vlen=256"


def kernel_lanes(gemm):
    if gemm.startswith("rvv-vla-"):
        return MCA_VLEN // 8
    return int(re.search(r"x(\d+)$", gemm).group(1))


def mca(lines):
    return common.mca(lines, "riscv64", "spacemit-x60")


def kernel_rates(bindir, work):
    rows = []
    for bits in [8, 4, 2]:
        mlir = os.path.join(work, f"gemm-w{bits}.mlir")
        subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks",
                        "kernels", "make_gemm_module.py"), mlir, str(bits)],
                       check=True)
        for target in TARGETS:
            d = os.path.join(work, f"gemm-w{bits}-{target}")
            asm = os.path.join(d, "model.s")
            r = subprocess.run([os.path.join(bindir, "mpq-codegen"), mlir,
                                "--target", target, "-o", d, "--asm", asm],
                               check=True, capture_output=True, text=True)
            gemm = re.search(r"bytes, ([^)]+)\)", r.stderr).group(1)
            block, insns = hot_block(asm, MACS, lambda op: op in BRANCHES)
            macs = insns * kernel_lanes(gemm)
            cycles = mca(block)
            rate = macs / cycles
            rows.append({"bits": bits, "target": target, "gemm": gemm,
                         "block_insns": len(block), "block_macs": macs,
                         "cycles_per_iter": cycles, "macs_per_cycle": rate,
                         "insns_per_mac": len(block) / macs})
            log(f"  W{bits} {target:12} {gemm:20} {len(block):4} insns {macs:5} MACs "
                f"{cycles:7.1f} cycles: {rate:5.2f} MACs/cycle")
    return rows


def model_counts(bindir, work, models, widths):
    data = os.path.join(ROOT, "examples", "data")
    plugin = os.path.join(os.path.dirname(bindir), "lib",
                          "libmpq-qemu-insn-count.so")
    rows = []
    for model, bits, target in [(m, b, t) for m in models for b in widths
                                for t in TARGETS]:
            d = os.path.join(work, f"{model}-w{bits}-{target}")
            subprocess.run([os.path.join(bindir, "mpq-compile"),
                            os.path.join(ROOT, "examples", "models",
                                         model + ".onnx"), "-o", d,
                            "--calib", os.path.join(data, "calib_images_512.npy"),
                            "--samples", "128", "--weight-bits", str(bits),
                            "--target", target], check=True,
                           capture_output=True)
            report = json.load(open(os.path.join(d, "report.json")))
            macs = sum(l["macs"] for l in report["layers"])
            app = os.path.join(d, "app")
            subprocess.run([CLANG, "--target=riscv64-linux-gnu",
                            "-march=rv64gc", "-mabi=lp64d", "-O2", "-static",
                            "--gcc-toolchain=/usr", "-fuse-ld=lld", "-I" + d,
                            os.path.join(ROOT, "examples/deploy/main.c"),
                            os.path.join(d, "model.o"), "-o", app], check=True)
            images = os.path.join(data, "test_images_256.npy")
            c1 = count_insns("qemu-riscv64", QEMU_CPU, plugin, app, images, 1, d)
            c17 = count_insns("qemu-riscv64", QEMU_CPU, plugin, app, images, 17, d)
            per = (c17 - c1) / 16
            rows.append({"model": model, "bits": bits, "target": target,
                         "macs": macs, "insns_per_inference": per,
                         "insns_per_mac": per / macs,
                         "object_bytes": report["codegen"]["object_bytes"]})
            log(f"  {model:9} W{bits}A8 {target} {per / 1e6:7.3f} M insns"
                f"/inference, {per / macs:.3f} insns/MAC")
    return rows


def markdown(kr, mr):
    out = ["## Inner loops (llvm-mca -mcpu=spacemit-x60)", "",
           "| weights | target (kernel) | block insns | MACs | cycles/iteration | MACs/cycle | % of own W8 |",
           "|---|---|---|---|---|---|---|"]
    w8 = {r["target"]: r["macs_per_cycle"] for r in kr if r["bits"] == 8}
    for r in kr:
        out.append(f"| W{r['bits']} | {r['target']} ({r['gemm']}) | {r['block_insns']} | "
                   f"{r['block_macs']} | {r['cycles_per_iter']:.1f} | "
                   f"{r['macs_per_cycle']:.2f} | "
                   f"{100 * r['macs_per_cycle'] / w8[r['target']]:.0f}% |")
    out += ["", f"## Whole models (qemu-riscv64 -cpu {QEMU_CPU})", "",
            "| model | weights | target | MACs | instructions/inference | instructions/MAC | object bytes |",
            "|---|---|---|---|---|---|---|"]
    for r in mr:
        out.append(f"| {r['model']} | W{r['bits']}A8 | {r['target']} | {r['macs']} | "
                   f"{r['insns_per_inference']:.0f} | {r['insns_per_mac']:.3f} | "
                   f"{r['object_bytes']} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--skip-models", action="store_true")
    ap.add_argument("--models", default="plain_cnn,res_cnn,dw_cnn")
    ap.add_argument("--bits", default="8,4,2")
    a = ap.parse_args()
    bindir = os.path.join(os.path.abspath(a.build), "bin")
    outdir = os.path.join(ROOT, "benchmarks", "out")
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        log("inner loops (llvm-mca):")
        kr = kernel_rates(bindir, work)
        mr = []
        if not a.skip_models:
            log("whole models (qemu instruction counts):")
            mr = model_counts(bindir, work, a.models.split(","),
                              [int(b) for b in a.bits.split(",")])
    json.dump({"kernels": kr, "models": mr},
              open(os.path.join(outdir, "kernels-rvv.json"), "w"), indent=1)
    md = markdown(kr, mr)
    open(os.path.join(outdir, "kernels-rvv.md"), "w").write(md)
    print(md)


if __name__ == "__main__":
    main()
