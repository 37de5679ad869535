#!/usr/bin/python3
"""Speed of the generated AArch64 code, without ARM hardware.

1. Inner loops, statically: a GEMM-bound 1x1 convolution (K = 256, 64
   output channels, 8x8 pixels) is compiled for each target at W8, W4 and
   W2; the basic block with the most multiply-accumulate instructions (the
   microkernel's K loop) is cut out of the assembly and run through LLVM 22's
   llvm-mca for the CPU models named below. MACs/cycle = MACs in the block /
   cycles per block iteration. The peak is llvm-mca's own throughput for 16
   independent copies of the same instruction (benchmarks/targets/
   peak_macs.sh does the same for the target files).
2. Whole models, dynamically: the bundled models are compiled by
   mpq-compile --target, linked with examples/deploy/main.c and run under
   qemu-aarch64 with the instruction-counting plugin on 1 and on 17 images;
   instructions per inference = (count(17) - count(1)) / 16, divided by the
   model's MACs (report.json).

Writes benchmarks/out/kernels.json and benchmarks/out/kernels.md.
Usage: benchmarks/kernels/run.py [--build build] [--quick]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import count_insns, hot_block, log  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLANG = "/usr/lib/llvm-22/bin/clang"
# target -> llvm-mca CPU models that stand for it
MCA_CPUS = {
    "cortex-a53": ["cortex-a53"],
    "cortex-a55": ["cortex-a55"],
    "cortex-a76": ["neoverse-n1", "neoverse-v1"],
    "cortex-a710": ["neoverse-n2", "neoverse-v1"],
}
# MACs per instruction of each multiply kind the kernels use.
MACS = {"sdot": 16, "smmla": 32, "smull": 8, "smull2": 8, "smlal": 8,
        "smlal2": 8}
PEAK_INSN = {"sdot": "sdot v{i}.4s, v16.16b, v17.4b[0]",
             "smmla": "smmla v{i}.4s, v16.16b, v17.16b",
             "smull": "smlal v{i}.8h, v16.8b, v17.8b"}


def is_branch(op):
    return op in ("b", "br", "ret", "cbz", "cbnz", "tbz", "tbnz") or \
        op.startswith("b.")


def mca(lines, cpu):
    return common.mca(lines, "aarch64", cpu, "+dotprod,+i8mm")


def peak(kind, cpu):
    lines = [PEAK_INSN[kind].format(i=i) for i in range(16)]
    per = {"sdot": 16, "smmla": 32, "smull": 8}[kind]
    return 16 * per / mca(lines, cpu)


def kernel_rates(bindir, work, quick):
    rows = []
    for bits in ([8, 4] if quick else [8, 4, 2]):
        mlir = os.path.join(work, f"gemm-w{bits}.mlir")
        subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks",
                        "kernels", "make_gemm_module.py"), mlir, str(bits)],
                       check=True)
        for target, cpus in MCA_CPUS.items():
            d = os.path.join(work, f"gemm-w{bits}-{target}")
            asm = os.path.join(d, "model.s")
            subprocess.run([os.path.join(bindir, "mpq-codegen"), mlir,
                            "--target", target, "-o", d, "--asm", asm],
                           check=True, capture_output=True)
            block, macs = hot_block(asm, MACS, is_branch)
            kind = next(k for k in ("smmla", "sdot", "smull")
                        if any(l.split()[0].startswith(k) for l in block))
            for cpu in cpus:
                cycles = mca(block, cpu)
                rate = macs / cycles
                pk = peak(kind, cpu)
                rows.append({"bits": bits, "target": target, "mca_cpu": cpu,
                             "kernel": kind, "block_insns": len(block),
                             "block_macs": macs, "cycles_per_iter": cycles,
                             "macs_per_cycle": rate, "peak": pk,
                             "of_peak": rate / pk})
                log(f"  W{bits} {target:11} {cpu:12} {kind:6} "
                    f"{rate:6.1f} MACs/cycle ({100 * rate / pk:5.1f}% of {pk:.0f})")
    return rows


def model_counts(bindir, work, quick):
    data = os.path.join(ROOT, "examples", "data")
    plugin = os.path.join(os.path.dirname(bindir), "lib",
                          "libmpq-qemu-insn-count.so")
    rows = []
    models = ["plain_cnn", "res_cnn", "dw_cnn"]
    targets = {"cortex-a53": "cortex-a53", "cortex-a76": "cortex-a76",
               "cortex-a710": "max"}
    for model in models:
        for bits in ([8, 4] if quick else [8, 4, 2]):
            for target, cpu in targets.items():
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
                subprocess.run([CLANG, "--target=aarch64-linux-gnu", "-O2",
                                "-static", "--gcc-toolchain=/usr",
                                "-fuse-ld=lld", "-I" + d,
                                os.path.join(ROOT, "examples/deploy/main.c"),
                                os.path.join(d, "model.o"), "-o", app],
                               check=True)
                images = os.path.join(data, "test_images_256.npy")
                c1 = count_insns("qemu-aarch64", cpu, plugin, app, images, 1, d)
                c17 = count_insns("qemu-aarch64", cpu, plugin, app, images, 17, d)
                per = (c17 - c1) / 16
                rows.append({"model": model, "bits": bits, "target": target,
                             "gemm": report["codegen"]["gemm_microkernel"],
                             "macs": macs, "insns_per_inference": per,
                             "insns_per_mac": per / macs,
                             "object_bytes": report["codegen"]["object_bytes"],
                             "compile_seconds": report["compile_seconds"],
                             "workspace_bytes": report["codegen"]["workspace_bytes"]})
                log(f"  {model:9} W{bits}A8 {target:11} {per / 1e6:7.3f} M insns"
                    f"/inference, {per / macs:.3f} insns/MAC")
    return rows


def markdown(kr, mr):
    out = ["## Inner loops (llvm-mca)", "",
           "| weights | target (kernel) | llvm-mca CPU | MACs/cycle | peak | % of peak | % of own W8 |",
           "|---|---|---|---|---|---|---|"]
    w8 = {(r["target"], r["mca_cpu"]): r["macs_per_cycle"] for r in kr if r["bits"] == 8}
    for r in kr:
        own = r["macs_per_cycle"] / w8[(r["target"], r["mca_cpu"])]
        out.append(f"| W{r['bits']} | {r['target']} ({r['kernel']}) | {r['mca_cpu']} | "
                   f"{r['macs_per_cycle']:.1f} | {r['peak']:.0f} | "
                   f"{100 * r['of_peak']:.0f}% | {100 * own:.0f}% |")
    out += ["", "## Whole models (qemu-aarch64, dynamic instructions)", "",
            "| model | weights | target | GEMM kernel | MACs | instructions/inference | instructions/MAC | object bytes | workspace bytes | compile s |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for r in mr:
        out.append(f"| {r['model']} | W{r['bits']}A8 | {r['target']} | {r['gemm']} | "
                   f"{r['macs']} | {r['insns_per_inference']:.0f} | "
                   f"{r['insns_per_mac']:.3f} | {r['object_bytes']} | {r['workspace_bytes']} | "
                   f"{r['compile_seconds']:.1f} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-models", action="store_true")
    a = ap.parse_args()
    bindir = os.path.join(os.path.abspath(a.build), "bin")
    outdir = os.path.join(ROOT, "benchmarks", "out")
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        log("inner loops (llvm-mca):")
        kr = kernel_rates(bindir, work, a.quick)
        mr = []
        if not a.skip_models:
            log("whole models (qemu instruction counts):")
            mr = model_counts(bindir, work, a.quick)
    json.dump({"kernels": kr, "models": mr},
              open(os.path.join(outdir, "kernels.json"), "w"), indent=1)
    md = markdown(kr, mr)
    open(os.path.join(outdir, "kernels.md"), "w").write(md)
    print(md)


if __name__ == "__main__":
    main()
