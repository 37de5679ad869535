#!/usr/bin/python3
"""A quantized module whose low-bit layers take the code generator's
sign-extended unpack path, plus random inputs.

Packed 4- and 2-bit weights are normally unpacked as codes scaled by
2^(8 - container), that factor folded into the requantization multiplier.
The fold is refused, and each field is sign-extended with an arithmetic
shift right by 8 - container instead, when for some output channel the
scaled accumulator bound (|bias| + K * 255 * max|w|) * 2^(8 - container)
would not fit int32, or the multiplier's shift would pass 62. A long K with
large weights needs K >= 65794 for either width; the bound's bias term and
a tiny multiplier get there cheaply:
  - conv 3x3, 4-bit packed weights (K = 288), 24 channels: channel 5's
    bias is 2^27 + 12345 (it saturates; the other 23 carry the test);
  - FC, 2-bit packed weights (K = 96), 12 channels: channel 3's weight
    scale makes its multiplier < 2^-26 (shift + 6 > 62);
  - per-tensor 4-bit FC (K = 60, 10 channels), bias 2^28 on channel 0.
mpq-run executes it as the oracle; the generated code must match it bit
for bit.

Usage: make_unfolded_module.py MPQ_RUN OUT_PREFIX SEED
  writes OUT_PREFIX.mlir and OUT_PREFIX.x.npy (8 samples)
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_ops_module import Builder, qp, tensor, weights  # noqa: E402


def main():
    mpq_run, prefix, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = np.random.default_rng(seed)
    N, H, W, C = 8, 4, 4, 32
    B = "?"
    x = rng.normal(0, 1.0, (N, H, W, C)).astype(np.float32)
    b = Builder(rng, mpq_run, prefix, x, tensor([B, H, W, C], "f32"))
    s_in, z_in = 2.0 ** -5, int(rng.integers(-20, 20))
    P_in = qp(8, s_in, z_in)
    b.emit(f"%q = mpq.quantize %x {{params = {P_in}}} : "
           f"{tensor([B, H, W, C], 'f32')} -> {tensor([B, H, W, C], 'i8')}")

    # conv: 4-bit packed per-channel weights, pad 1.
    O1 = 24
    w1 = weights(rng, (O1, 3, 3, C), 4)
    s_w1 = 0.01 + rng.random(O1) * 0.05
    bias1 = rng.integers(-3000, 3000, O1)
    wv = b.packed(w1, 4, 4)
    bv = b.const(bias1, "i32")
    conv = ("mpq.conv2d %q, {w}, {b} {{input_params = {pin}, weight_params = "
            "{pw}{out}, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, "
            "1>, dilation = array<i64: 1, 1>, groups = 1}} : ({ti}, {tw}, "
            "{tb}) -> {to}")
    fmt = dict(w=wv, pin=P_in, pw=qp(4, s_w1, [0] * O1, True, 0),
               ti=tensor([B, H, W, C], "i8"), tw=tensor([O1, 3, 3, C], "i8"),
               tb=tensor([O1], "i32"))
    raw_t = tensor([B, H, W, O1], "i32")
    s1 = b.out_scale("%c1_raw = " + conv.format(b=bv, out="", to=raw_t, **fmt),
                     "%c1_raw", raw_t, s_in * s_w1)
    z1 = int(rng.integers(-10, 10))
    P1 = qp(8, s1, z1)
    bias1[5] = (1 << 27) + 12345
    bv = b.const(bias1, "i32")
    b.emit("%c1 = " + conv.format(b=bv, out=f", output_params = {P1}",
                                  to=tensor([B, H, W, O1], "i8"), **fmt))
    K = H * W * O1 // 4
    b.emit(f"%mp = tosa.max_pool2d %c1 {{kernel = array<i64: 2, 2>, pad = "
           f"array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}} : "
           f"({tensor([B, H, W, O1], 'i8')}) -> "
           f"{tensor([B, H // 2, W // 2, O1], 'i8')}")
    shp = b.shape([-1, K])
    b.emit(f"%f = tosa.reshape %mp, {shp} : "
           f"({tensor([B, H // 2, W // 2, O1], 'i8')}, !tosa.shape<2>) -> "
           f"{tensor([B, K], 'i8')}")

    # FC: 2-bit packed weights; channel 3's multiplier < 2^-26.
    M1 = 12
    w2 = weights(rng, (M1, K), 2)
    s_w2 = 0.02 + rng.random(M1) * 0.05
    bias2 = rng.integers(-500, 500, M1)
    wv, bv = b.packed(w2, 2, 2), b.const(bias2, "i32")
    fc = ("mpq.fully_connected {a}, {w}, {b} {{input_params = {pin}, "
          "weight_params = {pw}{out}}} : ({ta}, {tw}, {tb}) -> {to}")
    raw_t = tensor([B, M1], "i32")
    s2 = b.out_scale("%y1_raw = " + fc.format(
        a="%f", w=wv, b=bv, pin=P1, pw=qp(2, s_w2, [0] * M1, True, 0), out="",
        ta=tensor([B, K], "i8"), tw=tensor([M1, K], "i8"),
        tb=tensor([M1], "i32"), to=raw_t), "%y1_raw", raw_t, s1 * s_w2)
    s_w2[3] = s2 / s1 * 2.0 ** -27
    z2 = int(rng.integers(-10, 10))
    P2 = qp(8, s2, z2)
    b.emit("%y1 = " + fc.format(
        a="%f", w=wv, b=bv, pin=P1, pw=qp(2, s_w2, [0] * M1, True, 0),
        out=f", output_params = {P2}", ta=tensor([B, K], "i8"),
        tw=tensor([M1, K], "i8"), tb=tensor([M1], "i32"),
        to=tensor([B, M1], "i8")))

    # FC: per-tensor 4-bit packed weights, channel 0's bias 2^28.
    M2 = 10
    w3 = weights(rng, (M2, M1), 4)
    s_w3 = 0.03
    bias3 = rng.integers(-300, 300, M2)
    wv, bv = b.packed(w3, 4, 4), b.const(bias3, "i32")
    raw_t = tensor([B, M2], "i32")
    fc3 = fc.replace("{a}", "%y1")
    s3 = b.out_scale("%y2_raw = " + fc3.format(
        w=wv, b=bv, pin=P2, pw=qp(4, s_w3, 0, True), out="",
        ta=tensor([B, M1], "i8"), tw=tensor([M2, M1], "i8"),
        tb=tensor([M2], "i32"), to=raw_t), "%y2_raw", raw_t, s2 * s_w3)
    z3 = int(rng.integers(-10, 10))
    P3 = qp(8, s3, z3)
    bias3[0] = 1 << 28
    bv = b.const(bias3, "i32")
    b.emit("%y2 = " + fc3.format(
        w=wv, b=bv, pin=P2, pw=qp(4, s_w3, 0, True),
        out=f", output_params = {P3}", ta=tensor([B, M1], "i8"),
        tw=tensor([M2, M1], "i8"), tb=tensor([M2], "i32"),
        to=tensor([B, M2], "i8")))
    b.emit(f"%d = mpq.dequantize %y2 {{params = {P3}}} : "
           f"{tensor([B, M2], 'i8')} -> {tensor([B, M2], 'f32')}")
    b.emit(f"return %d : {tensor([B, M2], 'f32')}")
    module = (f"func.func @main(%x: {tensor([B, H, W, C], 'f32')}) -> "
              f"{tensor([B, M2], 'f32')} {{\n" + "\n".join(b.lines) + "\n}\n")
    with open(prefix + ".mlir", "w") as f:
        f.write(module)


if __name__ == "__main__":
    main()
