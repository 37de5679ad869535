#!/usr/bin/python3
"""Fully connected layers whose weights put the RVV kernels' int16 sums at
the edge of what the layer's proven span (WeightFormat::int16Span) allows,
with activations that reach those sums.

Input: 256 activations; samples alternate codes -128 and 127 (and the
reverse), then every code -128, then every code 127.
  fc8: int8 weights in {-1, 0, 1}; channel 0 is -1 where the code is -128
       and +1 where it is 127 (sum 32640 over one span of 256), channel 1
       the opposite (-32640); the others random.
  fc4: 4-bit packed weights of -8 and 7 (span 16: four spans over K).
  fc2: weights of -2 (span 112: two spans and a rest of 32 depths).
Each output is dequantized; the outputs are concatenated (one output).

Usage: make_int16_span_module.py OUT_PREFIX
  writes OUT_PREFIX.mlir and OUT_PREFIX.x.npy
"""
import sys

import numpy as np

K = 256


def qp(bits, scale, zp=0, narrow=False):
    n = ", narrow = true" if narrow else ""
    return (f"#mpq.qparams<bits = {bits}, is_signed = true{n}, "
            f"scale = [{float(scale)!r}], zero_point = [{zp}]>")


def pack(codes, container):
    per = 8 // container
    flat = list(codes.reshape(-1))
    out = []
    for i in range(0, len(flat), per):
        byte = 0
        for f in range(per):
            byte |= (int(flat[i + f]) & ((1 << container) - 1)) << (f * container)
        out.append(byte - 256 if byte > 127 else byte)
    return out


def main():
    prefix = sys.argv[1]
    rng = np.random.default_rng(5)
    # A nonzero input zero point (folded into the bias; the kernel sees
    # the codes): with zero point 0, LLVM turns the quantize loop into a
    # vfncvt.rtz/vnclip sequence on which qemu-riscv64 7.2 aborts
    # (decode_save_opc assertion).
    sx, zx = 0.05, -1
    alt = np.where(np.arange(K) % 2 == 0, -128, 127)
    codes = np.stack([alt, -alt - 1, np.full(K, -128), np.full(K, 127)])
    x = ((codes - zx) * sx).astype(np.float32)
    np.save(prefix + ".x.npy", x)

    n = 32
    w8 = rng.integers(-1, 2, (n, K))
    w8[0] = np.where(alt < 0, -1, 1)
    w8[1] = np.where(alt < 0, 1, -1)
    w4 = np.where(rng.random((n, K)) < 0.5, -8, 7)
    w2 = np.full((n, K), -2)
    xin = qp(8, sx, zx)
    lines = [f"func.func @main(%x: tensor<1x{K}xf32>) -> tensor<1x{3 * n}xf32> {{",
             f"  %q = mpq.quantize %x {{params = {xin}}} : tensor<1x{K}xf32> -> tensor<1x{K}xi8>"]
    outs = []
    for name, w, bits, so in [("fc8", w8, 8, 0.2), ("fc4", w4, 4, 2.0),
                              ("fc2", w2, 8, 1.0)]:
        wty = f"tensor<{n}x{K}xi8>"
        if bits < 8:
            data = pack(w, 4)
            wdef = (f"mpq.packed_constant {{layout = #mpq.packing<bits = 4, "
                    f"container = 4>, data = dense<{data}> : "
                    f"tensor<{len(data)}xi8>, is_signed = true}} : {wty}")
        else:
            hexdata = "0x" + w.astype(np.int8).tobytes().hex().upper()
            wdef = f'"tosa.const"() <{{values = dense<"{hexdata}"> : {wty}}}> : () -> {wty}'
        lines.append(f"  %w_{name} = {wdef}")
        lines.append(
            f"  %y_{name} = mpq.fully_connected %q, %w_{name} {{input_params = {xin}, "
            f"weight_params = {qp(bits, 0.01, narrow=True)}, output_params = {qp(8, so)}}} "
            f": (tensor<1x{K}xi8>, {wty}) -> tensor<1x{n}xi8>")
        lines.append(
            f"  %d_{name} = mpq.dequantize %y_{name} {{params = {qp(8, so)}}} "
            f": tensor<1x{n}xi8> -> tensor<1x{n}xf32>")
        outs.append(f"%d_{name}")
    lines.append(f"  %c = tosa.concat {', '.join(outs)} {{axis = 1 : i32}} : "
                 f"({', '.join([f'tensor<1x{n}xf32>'] * 3)}) -> tensor<1x{3 * n}xf32>")
    lines += [f"  return %c : tensor<1x{3 * n}xf32>", "}"]
    with open(prefix + ".mlir", "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
