#!/usr/bin/python3
"""A quantized module that exercises every op and weight format the code
generator handles, with random parameters, plus random inputs.

The chain (one input, one output, as the C API wants):
  quantize (NCHW, with rounding ties) -> transpose -> conv 3x3 with 4-bit
  packed per-channel weights and a fused Relu (20 channels: a partial
  channel block) -> depthwise 3x3 -> residual add with clamp -> max pool ->
  strided, asymmetrically padded conv with 2-bit packed weights -> 1x1 conv
  with per-channel bit-widths (8/6/4/3/2, 8-bit container; the direct,
  im2col-free path) -> conv with a multipoint weight (4-bit packed + 8-bit
  terms, per-channel points) -> padded average pool -> slice + requantize
  + concat -> reshape -> FC (K = 48) -> multipoint FC (K = 20, padded) ->
  dequantize [-> softmax].

mpq-run executes it as the oracle; the generated code must match it bit
for bit.

With --softmax the dequantized logits go through a float softmax
(reduce_max, sub, exp, reduce_sum, reciprocal, mul), as the ONNX importer
writes it.

Usage: make_ops_module.py MPQ_RUN OUT_PREFIX SEED [--softmax]
  writes OUT_PREFIX.mlir and OUT_PREFIX.x.npy (16 samples)
"""
import json
import subprocess
import sys

import numpy as np


def qp(bits, scale, zp, narrow=False, axis=None, channel_bits=None):
    scale = [scale] if np.isscalar(scale) else list(scale)
    zp = [zp] if np.isscalar(zp) else list(zp)
    s = ", ".join(repr(float(v)) for v in scale)
    z = ", ".join(str(int(v)) for v in zp)
    extra = ", narrow = true" if narrow else ""
    ax = f", axis = {axis}" if axis is not None else ""
    cb = (f", channel_bits = [{', '.join(map(str, channel_bits))}]"
          if channel_bits is not None else "")
    return (f"#mpq.qparams<bits = {bits}, is_signed = true{extra}, "
            f"scale = [{s}], zero_point = [{z}]{ax}{cb}>")


def dense(arr, ty):
    arr = np.asarray(arr)
    nested = json.dumps(arr.astype(np.int64).tolist())
    shape = "x".join(str(d) for d in arr.shape)
    return f"dense<{nested}> : tensor<{shape}x{ty}>"


def pack(codes, container):
    """Row-major fields of `container` bits, least significant first."""
    per = 8 // container
    flat = list(codes.reshape(-1))
    flat += [0] * (-len(flat) % per)
    out = []
    for i in range(0, len(flat), per):
        byte = 0
        for f in range(per):
            byte |= (int(flat[i + f]) & ((1 << container) - 1)) << (f * container)
        out.append(byte - 256 if byte > 127 else byte)
    return np.array(out, dtype=np.int64)


def tensor(shape, ty):
    return "tensor<" + "x".join(str(d) for d in shape) + f"x{ty}>"


class Builder:
    def __init__(self, rng, mpq_run, prefix, x, in_type):
        self.rng = rng
        self.lines = []
        self.n = 0
        self.mpq_run, self.prefix, self.x, self.in_type = mpq_run, prefix, x, in_type
        np.save(prefix + ".x.npy", x)

    def out_scale(self, raw_line, result, result_type, real_per_code):
        """Output scale from data: runs the module so far plus `raw_line`
        (the layer without output parameters, so it returns int32
        accumulators) in mpq-run and puts the 99.5th percentile of the real
        values at 100 codes. `real_per_code` scales accumulators per
        channel (last dimension)."""
        body = "\n".join(self.lines + ["  " + raw_line,
                                       f"  return {result} : {result_type}"])
        text = (f"func.func @main(%x: {self.in_type}) -> {result_type} {{\n"
                + body + "\n}\n")
        path = self.prefix + ".calib.mlir"
        with open(path, "w") as f:
            f.write(text)
        subprocess.run([self.mpq_run, path, "-i", self.prefix + ".x.npy",
                        "-o", self.prefix + ".calib.npy"], check=True)
        acc = np.load(self.prefix + ".calib.npy").astype(np.float64)
        real = acc * np.asarray(real_per_code)
        return float(np.percentile(np.abs(real), 99.5) / 100.0) or 1e-3

    def fresh(self):
        self.n += 1
        return f"%v{self.n}"

    def emit(self, text):
        self.lines.append("  " + text)

    def const(self, arr, ty):
        v = self.fresh()
        shape = tensor(arr.shape, ty)
        self.emit(f'{v} = "tosa.const"() <{{values = {dense(arr, ty)}}}> : () -> {shape}')
        return v

    def packed(self, codes, bits, container):
        v = self.fresh()
        self.emit(f"{v} = mpq.packed_constant {{layout = #mpq.packing<bits = {bits}, "
                  f"container = {container}>, data = {dense(pack(codes, container), 'i8')}, "
                  f"is_signed = true}} : {tensor(codes.shape, 'i8')}")
        return v

    def shape(self, dims):
        v = self.fresh()
        self.emit(f"{v} = tosa.const_shape {{values = dense<[{', '.join(map(str, dims))}]> "
                  f": tensor<{len(dims)}xindex>}} : () -> !tosa.shape<{len(dims)}>")
        return v


def calibrated(b, name, text, out_shape, real_per_code, zp, clamp=False):
    """Emits `name = text` where text holds OUT (output parameters), TY
    (result element type) and CL (clamp) placeholders; the output scale
    comes from the layer's raw accumulators. Returns the parameters."""
    raw_shape = tensor(out_shape, "i32")
    raw = (text.replace("OUT", "").replace("CL", "")
           .replace("TY", raw_shape))
    scale = b.out_scale(f"{name}_raw = {raw}", f"{name}_raw", raw_shape,
                        real_per_code)
    params = qp(8, scale, zp)
    cl = f", clamp_min = {zp}" if clamp else ""
    b.emit(f"{name} = " + text.replace("OUT", f", output_params = {params}")
           .replace("CL", cl).replace("TY", tensor(out_shape, "i8")))
    return scale, params


def weights(rng, shape, bits):
    m = (1 << (bits - 1)) - 1
    return rng.integers(-m, m + 1, shape)


def main():
    mpq_run, prefix, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    softmax = len(sys.argv) > 4 and sys.argv[4] == "--softmax"
    rng = np.random.default_rng(seed)
    N, C, H, W = 16, 3, 8, 8
    B = "?"
    x = rng.normal(0, 1.2, (N, C, H, W)).astype(np.float32)
    s_in, z_in = 2.0 ** -5, int(rng.integers(-20, 20))
    ties = (rng.integers(-100, 100, x.shape) + 0.5) * s_in
    x = np.where(rng.random(x.shape) < 0.3, ties, x).astype(np.float32)
    b = Builder(rng, mpq_run, prefix, x, tensor([B, C, H, W], 'f32'))
    P_in = qp(8, s_in, z_in)

    b.emit(f"%q = mpq.quantize %x {{params = {P_in}}} : {tensor([B, C, H, W], 'f32')} -> {tensor([B, C, H, W], 'i8')}")
    b.emit(f"%t = tosa.transpose %q {{perms = array<i32: 0, 2, 3, 1>}} : ({tensor([B, C, H, W], 'i8')}) -> {tensor([B, H, W, C], 'i8')}")

    # conv1: 4-bit packed per-channel weights, fused Relu, 20 channels.
    O1 = 20
    w1 = weights(rng, (O1, 3, 3, C), 4)
    s_w1 = 0.01 + rng.random(O1) * 0.05
    z1 = -100
    wv = b.packed(w1, 4, 4)
    bv = b.const(rng.integers(-3000, 3000, O1), "i32")
    s1, P1 = calibrated(b, "%c1", f"mpq.conv2d %t, {wv}, {bv} {{input_params = {P_in}, weight_params = {qp(4, s_w1, [0] * O1, True, 0)}OUT, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1CL}} : ({tensor([B, H, W, C], 'i8')}, {tensor([O1, 3, 3, C], 'i8')}, {tensor([O1], 'i32')}) -> TY", [B, H, W, O1], s_in * s_w1, z1, clamp=True)

    # conv2: depthwise 3x3, 8-bit per channel.
    w2 = weights(rng, (O1, 3, 3, 1), 8)
    s_w2 = 0.002 + rng.random(O1) * 0.004
    z2 = int(rng.integers(-10, 10))
    wv, bv = b.const(w2, "i8"), b.const(rng.integers(-500, 500, O1), "i32")
    s2, P2 = calibrated(b, "%c2", f"mpq.conv2d %c1, {wv}, {bv} {{input_params = {P1}, weight_params = {qp(8, s_w2, [0] * O1, True, 0)}OUT, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = {O1}}} : ({tensor([B, H, W, O1], 'i8')}, {tensor([O1, 3, 3, 1], 'i8')}, {tensor([O1], 'i32')}) -> TY", [B, H, W, O1], s1 * s_w2, z2)

    # Residual add with a clamp, then 2x2 max pool.
    s3, z3 = max(s1, s2) * 1.2, -128
    P3 = qp(8, s3, z3)
    b.emit(f"%s = mpq.add %c1, %c2 {{lhs_params = {P1}, rhs_params = {P2}, output_params = {P3}, clamp_min = -123, clamp_max = 120}} : ({tensor([B, H, W, O1], 'i8')}, {tensor([B, H, W, O1], 'i8')}) -> {tensor([B, H, W, O1], 'i8')}")
    b.emit(f"%mp = tosa.max_pool2d %s {{kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}} : ({tensor([B, H, W, O1], 'i8')}) -> {tensor([B, 4, 4, O1], 'i8')}")

    # conv3: 2-bit packed, stride 2, pad (1, 0, 1, 0) -> 2x2x32.
    O3 = 32
    w3 = weights(rng, (O3, 3, 3, O1), 2)
    s_w3 = 0.02 + rng.random(O3) * 0.05
    z4 = int(rng.integers(-30, 30))
    wv, bv = b.packed(w3, 2, 2), b.const(rng.integers(-4000, 4000, O3), "i32")
    s4, P4 = calibrated(b, "%c3", f"mpq.conv2d %mp, {wv}, {bv} {{input_params = {P3}, weight_params = {qp(2, s_w3, [0] * O3, True, 0)}OUT, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>, groups = 1}} : ({tensor([B, 4, 4, O1], 'i8')}, {tensor([O3, 3, 3, O1], 'i8')}, {tensor([O3], 'i32')}) -> TY", [B, 2, 2, O3], s3 * s_w3, z4)

    # conv4: 1x1 with per-channel bit-widths in an 8-bit container.
    cbits = [int(rng.choice([8, 6, 4, 3, 2])) for _ in range(O3)]
    w4 = np.stack([weights(rng, (1, 1, O3), bw) for bw in cbits])
    s_w4 = np.array([0.004 * (1 << (8 - bw)) for bw in cbits]) * (0.5 + rng.random(O3))
    z5 = int(rng.integers(-30, 30))
    wv, bv = b.const(w4, "i8"), b.const(rng.integers(-2000, 2000, O3), "i32")
    s5, P5 = calibrated(b, "%c4", f"mpq.conv2d %c3, {wv}, {bv} {{input_params = {P4}, weight_params = {qp(8, s_w4, [0] * O3, True, 0, cbits)}OUT, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1}} : ({tensor([B, 2, 2, O3], 'i8')}, {tensor([O3, 1, 1, O3], 'i8')}, {tensor([O3], 'i32')}) -> TY", [B, 2, 2, O3], s4 * s_w4, z5)

    # conv5: multipoint weight (4-bit packed + 8-bit), per-channel points.
    O5 = 16
    qa, qb = weights(rng, (O5, 3, 3, O3), 4), weights(rng, (O5, 3, 3, O3), 8)
    points = [int(p) for p in rng.integers(1, 3, O5)]
    for ch, p in enumerate(points):
        if p == 1:
            qb[ch] = 0
    s_a = 0.01 + rng.random(O5) * 0.02
    s_b = s_a / 100.0
    z6 = int(rng.integers(-20, 20))
    va, vb = b.packed(qa, 4, 4), b.const(qb, "i8")
    # The scale comes from term a alone (term b is 100x smaller).
    raw = f"%c5_raw = mpq.conv2d %c4, {va} {{input_params = {P5}, weight_params = {qp(4, s_a, [0] * O5, True, 0)}, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1}} : ({tensor([B, 2, 2, O3], 'i8')}, {tensor([O5, 3, 3, O3], 'i8')}) -> {tensor([B, 2, 2, O5], 'i32')}"
    s6 = b.out_scale(raw, "%c5_raw", tensor([B, 2, 2, O5], "i32"), s5 * s_a)
    P6 = qp(8, s6, z6)
    b.emit(f"%mw5 = mpq.multipoint_weight {va}, {vb} {{params = [{qp(4, s_a, [0] * O5, True, 0)}, {qp(8, s_b, [0] * O5, True, 0)}], points = array<i32: {', '.join(map(str, points))}>}} : {tensor([O5, 3, 3, O3], 'i8')}, {tensor([O5, 3, 3, O3], 'i8')} -> {tensor([O5, 3, 3, O3], 'f32')}")
    bv = b.const(rng.integers(-2000, 2000, O5), "i32")
    b.emit(f"%c5 = mpq.conv2d %c4, %mw5, {bv} {{input_params = {P5}, output_params = {P6}, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1, clamp_min = {z6}}} : ({tensor([B, 2, 2, O3], 'i8')}, {tensor([O5, 3, 3, O3], 'f32')}, {tensor([O5], 'i32')}) -> {tensor([B, 2, 2, O5], 'i8')}")

    # Padded average pool (window counts 1..4) -> 1x1x16.
    s7, z7 = s6 * 0.8, int(rng.integers(-20, 20))
    P7 = qp(8, s7, z7)
    b.emit(f"%ap = mpq.avg_pool2d %c5 {{kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, input_params = {P6}, output_params = {P7}}} : {tensor([B, 2, 2, O5], 'i8')} -> {tensor([B, 1, 1, O5], 'i8')}")

    # Slice one pixel of conv4, requantize it to the pool's scale, concat.
    st, sz = b.shape([0, 1, 1, 0]), b.shape([-1, 1, 1, O3])
    b.emit(f"%sl = tosa.slice %c4, {st}, {sz} : ({tensor([B, 2, 2, O3], 'i8')}, !tosa.shape<4>, !tosa.shape<4>) -> {tensor([B, 1, 1, O3], 'i8')}")
    b.emit(f"%rq = mpq.requantize %sl {{input_params = {P5}, output_params = {P7}}} : {tensor([B, 1, 1, O3], 'i8')} -> {tensor([B, 1, 1, O3], 'i8')}")
    K = O5 + O3
    b.emit(f"%cat = tosa.concat %ap, %rq {{axis = 3 : i32}} : ({tensor([B, 1, 1, O5], 'i8')}, {tensor([B, 1, 1, O3], 'i8')}) -> {tensor([B, 1, 1, K], 'i8')}")
    shp = b.shape([-1, K])
    b.emit(f"%f = tosa.reshape %cat, {shp} : ({tensor([B, 1, 1, K], 'i8')}, !tosa.shape<2>) -> {tensor([B, K], 'i8')}")

    # FC 48 -> 20 (rows read in place), multipoint FC 20 -> 10 (padded K).
    M1, M2 = 20, 10
    w8 = weights(rng, (M1, K), 8)
    s_w8 = 0.002 + rng.random(M1) * 0.004
    z8 = int(rng.integers(-10, 10))
    wv, bv = b.const(w8, "i8"), b.const(rng.integers(-200, 200, M1), "i32")
    s8, P8 = calibrated(b, "%y1", f"mpq.fully_connected %f, {wv}, {bv} {{input_params = {P7}, weight_params = {qp(8, s_w8, [0] * M1, True, 0)}OUT}} : ({tensor([B, K], 'i8')}, {tensor([M1, K], 'i8')}, {tensor([M1], 'i32')}) -> TY", [B, M1], s7 * s_w8, z8)
    qa, qb = weights(rng, (M2, M1), 4), weights(rng, (M2, M1), 4)
    s_a = 0.01 + rng.random(M2) * 0.02
    s_b = s_a / 14.0
    z9 = int(rng.integers(-5, 5))
    va, vb = b.packed(qa, 4, 4), b.packed(qb, 4, 4)
    raw = f"%y2_raw = mpq.fully_connected %y1, {va} {{input_params = {P8}, weight_params = {qp(4, s_a, [0] * M2, True, 0)}}} : ({tensor([B, M1], 'i8')}, {tensor([M2, M1], 'i8')}) -> {tensor([B, M2], 'i32')}"
    s9 = b.out_scale(raw, "%y2_raw", tensor([B, M2], "i32"), s8 * s_a) * 1.2
    P9 = qp(8, s9, z9)
    b.emit(f"%mw = mpq.multipoint_weight {va}, {vb} {{params = [{qp(4, s_a, [0] * M2, True, 0)}, {qp(4, s_b, [0] * M2, True, 0)}]}} : {tensor([M2, M1], 'i8')}, {tensor([M2, M1], 'i8')} -> {tensor([M2, M1], 'f32')}")
    bv = b.const(rng.integers(-200, 200, M2), "i32")
    b.emit(f"%y2 = mpq.fully_connected %y1, %mw, {bv} {{input_params = {P8}, output_params = {P9}}} : ({tensor([B, M1], 'i8')}, {tensor([M2, M1], 'f32')}, {tensor([M2], 'i32')}) -> {tensor([B, M2], 'i8')}")
    b.emit(f"%d = mpq.dequantize %y2 {{params = {P9}}} : {tensor([B, M2], 'i8')} -> {tensor([B, M2], 'f32')}")
    result = "%d"
    if softmax:  # as the importer writes ONNX Softmax: a float island
        f, r = tensor([B, M2], 'f32'), tensor([B, 1], 'f32')
        b.emit(f"%mx = tosa.reduce_max %d {{axis = 1 : i32}} : ({f}) -> {r}")
        b.emit(f"%sh = tosa.sub %d, %mx : ({f}, {r}) -> {f}")
        b.emit(f"%ex = tosa.exp %sh : ({f}) -> {f}")
        b.emit(f"%sm = tosa.reduce_sum %ex {{axis = 1 : i32}} : ({f}) -> {r}")
        b.emit(f"%rc = tosa.reciprocal %sm : ({r}) -> {r}")
        b.emit('%zs = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>')
        b.emit(f"%pr = tosa.mul %ex, %rc, %zs : ({f}, {r}, tensor<1xi8>) -> {f}")
        result = "%pr"
    b.emit(f"return {result} : {tensor([B, M2], 'f32')}")

    module = (f"func.func @main(%x: {tensor([B, C, H, W], 'f32')}) -> {tensor([B, M2], 'f32')} {{\n"
              + "\n".join(b.lines) + "\n}\n")
    with open(prefix + ".mlir", "w") as f:
        f.write(module)


if __name__ == "__main__":
    main()
