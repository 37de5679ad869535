#!/usr/bin/python3
"""The bundled models at W8A8, W4A8 and W2A8 through mpq-compile --target
(cortex-a76, or rv64gcv with --arch riscv64), then run_e2e.py for the three
AArch64 kernels (or the RVV kernel at VLEN 128/256/512) on the 256 bundled
test images.

Usage: run_models.py --bin BIN --src SRC --work DIR [--arch riscv64]
"""
import argparse
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--arch", default="aarch64",
                    choices=["aarch64", "riscv64"])
    args = ap.parse_args()
    target = "cortex-a76" if args.arch == "aarch64" else "rv64gcv"
    data = os.path.join(args.src, "examples", "data")
    here = os.path.dirname(os.path.abspath(__file__))
    status = 0
    for model in ["plain_cnn", "res_cnn", "dw_cnn"]:
        for wb in [8, 4, 2]:
            out = os.path.join(args.work, f"{model}-w{wb}")
            subprocess.run([os.path.join(args.bin, "mpq-compile"),
                            os.path.join(args.src, "examples", "models",
                                         model + ".onnx"),
                            "-o", out, "--calib",
                            os.path.join(data, "calib_images_512.npy"),
                            "--samples", "128", "--weight-bits", str(wb),
                            "--target", target],
                           check=True, stderr=subprocess.DEVNULL)
            sys.stdout.flush()
            r = subprocess.run([sys.executable, os.path.join(here, "run_e2e.py"),
                                "--bin", args.bin, "--src", args.src,
                                "--work", out + "-e2e", "--model",
                                os.path.join(out, "model.mlir"), "--input",
                                os.path.join(data, "test_images_256.npy"),
                                "--name", f"{model}-w{wb}",
                                "--arch", args.arch])
            status |= r.returncode
    sys.exit(status)


if __name__ == "__main__":
    main()
