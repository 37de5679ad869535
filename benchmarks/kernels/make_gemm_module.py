#!/usr/bin/python3
"""A GEMM-bound quantized module for kernel measurements: quantize ->
1x1 conv (C -> O channels on an HxW map, weights of BITS bits, packed below
8) -> dequantize.

Usage: make_gemm_module.py OUT.mlir BITS [--c 256] [--o 64] [--hw 8]
"""
import argparse

import numpy as np


def pack(codes, container):
    per = 8 // container
    flat = list(codes.reshape(-1)) + [0] * (-codes.size % per)
    out = []
    for i in range(0, len(flat), per):
        byte = 0
        for f in range(per):
            byte |= (int(flat[i + f]) & ((1 << container) - 1)) << (f * container)
        out.append(byte - 256 if byte > 127 else byte)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("bits", type=int)
    ap.add_argument("--c", type=int, default=256)
    ap.add_argument("--o", type=int, default=64)
    ap.add_argument("--hw", type=int, default=8)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    m = (1 << (a.bits - 1)) - 1
    w = rng.integers(-m, m + 1, (a.o, 1, 1, a.c))
    wty = f"tensor<{a.o}x1x1x{a.c}xi8>"
    if a.bits < 8:
        container = 2 if a.bits <= 2 else 4
        wdef = (f"mpq.packed_constant {{layout = #mpq.packing<bits = {a.bits}, "
                f"container = {container}>, data = dense<{pack(w, container)}> : "
                f"tensor<{len(pack(w, container))}xi8>, is_signed = true}} : {wty}")
    else:
        hexdata = "0x" + w.astype(np.int8).tobytes().hex().upper()
        wdef = f'"tosa.const"() <{{values = dense<"{hexdata}"> : {wty}}}> : () -> {wty}'
    p = "#mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-3]>"
    po = "#mpq.qparams<bits = 8, is_signed = true, scale = [2.0], zero_point = [0]>"
    pw = (f"#mpq.qparams<bits = {a.bits}, is_signed = true, narrow = true, "
          f"scale = [0.01], zero_point = [0]>")
    x = f"tensor<1x{a.hw}x{a.hw}x{a.c}x"
    y = f"tensor<1x{a.hw}x{a.hw}x{a.o}x"
    lines = [f"func.func @main(%x: {x}f32>) -> {y}f32> {{",
             f"  %q = mpq.quantize %x {{params = {p}}} : {x}f32> -> {x}i8>"]
    lines.append(f"  %w = {wdef}")
    lines += [f"  %c = mpq.conv2d %q, %w {{input_params = {p}, weight_params = {pw}, output_params = {po}, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1}} : ({x}i8>, {wty}) -> {y}i8>",
              f"  %d = mpq.dequantize %c {{params = {po}}} : {y}i8> -> {y}f32>",
              f"  return %d : {y}f32>", "}"]
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
