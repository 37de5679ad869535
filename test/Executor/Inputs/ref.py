#!/usr/bin/python3
"""NumPy references for the executor's lit tests.

  ref.py gen CASE PREFIX   writes PREFIX.in0.npy, PREFIX.in1.npy, ... and
                           PREFIX.expected0.npy, ... for test case CASE
  ref.py cmp OUT EXPECTED [--tol T]
                           exits 1 unless OUT matches EXPECTED (same shape
                           and dtype kind, |out - exp| <= T * max(1, |exp|))

The references are written independently of the executor's kernels: direct
NumPy formulas on NHWC / OHWI data, in float64.
"""
import math
import sys

import numpy as np

rng = np.random.default_rng(1234)


def rand(*shape):
    return rng.uniform(-1.0, 1.0, shape).astype(np.float32)


def out_size(n, k, p0, p1, s, d):
    span = n - 1 + p0 + p1 - (k - 1) * d
    assert span >= 0 and span % s == 0, "window does not divide"
    return span // s + 1


def windows(x, kh, kw, pad, stride, dil, fill):
    """Yields (i, j, patch[N,OH,OW,C]) for each kernel tap of a padded x."""
    n, h, w, c = x.shape
    oh = out_size(h, kh, pad[0], pad[1], stride[0], dil[0])
    ow = out_size(w, kw, pad[2], pad[3], stride[1], dil[1])
    xp = np.pad(x.astype(np.float64),
                ((0, 0), (pad[0], pad[1]), (pad[2], pad[3]), (0, 0)),
                constant_values=fill)
    for i in range(kh):
        for j in range(kw):
            y0, x0 = i * dil[0], j * dil[1]
            yield i, j, xp[:, y0:y0 + (oh - 1) * stride[0] + 1:stride[0],
                           x0:x0 + (ow - 1) * stride[1] + 1:stride[1], :]


def conv2d(x, w, b, pad, stride, dil):
    out = 0.0
    for i, j, p in windows(x, w.shape[1], w.shape[2], pad, stride, dil, 0.0):
        out = out + np.einsum("nhwc,oc->nhwo", p, w[:, i, j, :])
    return (out + b).astype(np.float32)


def depthwise(x, w, b, pad, stride, dil):
    kh, kw, c, m = w.shape
    out = 0.0
    for i, j, p in windows(x, kh, kw, pad, stride, dil, 0.0):
        out = out + np.einsum("nhwc,cm->nhwcm", p, w[i, j])
    out = out.reshape(out.shape[0], out.shape[1], out.shape[2], c * m)
    return (out + b).astype(np.float32)


def max_pool(x, k, stride, pad):
    out = -np.inf
    for _, _, p in windows(x, k[0], k[1], pad, stride, (1, 1), -np.inf):
        out = np.maximum(out, p)
    return out.astype(np.float32)


def avg_pool(x, k, stride, pad):
    total, count = 0.0, 0.0
    ones = np.ones_like(x)
    for (_, _, p), (_, _, q) in zip(
            windows(x, k[0], k[1], pad, stride, (1, 1), 0.0),
            windows(ones, k[0], k[1], pad, stride, (1, 1), 0.0)):
        total, count = total + p, count + q
    return (total / count).astype(np.float32)


def case_conv_pad_stride_dil():
    x, w, b = rand(2, 9, 10, 3), rand(4, 3, 3, 3), rand(4)
    return [x, w, b], [conv2d(x, w, b, (1, 1, 0, 1), (2, 1), (1, 2))]


def case_conv_stride_dil_odd():
    x, w, b = rand(3, 17, 17, 5), rand(6, 3, 3, 5), rand(6)
    return [x, w, b], [conv2d(x, w, b, (0, 1, 2, 0), (3, 2), (1, 2))]


def case_conv_1x1():
    x, w, b = rand(2, 5, 6, 8), rand(3, 1, 1, 8), rand(1)
    return [x, w, b], [conv2d(x, w, b, (0, 0, 0, 0), (1, 1), (1, 1))]


def case_conv_batch1():
    x, w, b = rand(1, 32, 32, 8), rand(16, 5, 5, 8), rand(16)
    return [x, w, b], [conv2d(x, w, b, (2, 2, 2, 2), (1, 1), (1, 1))]


def case_depthwise_m1():
    x, w, b = rand(2, 8, 8, 4), rand(3, 3, 4, 1), rand(4)
    return [x, w, b], [depthwise(x, w, b, (1, 1, 1, 1), (1, 1), (1, 1))]


def case_depthwise_m2():
    x, w, b = rand(1, 9, 9, 3), rand(3, 3, 3, 2), rand(6)
    return [x, w, b], [depthwise(x, w, b, (1, 1, 1, 1), (2, 2), (1, 1))]


def case_depthwise_dil():
    x, w, b = rand(2, 10, 7, 5), rand(2, 3, 5, 1), rand(5)
    return [x, w, b], [depthwise(x, w, b, (0, 1, 2, 2), (1, 3), (2, 2))]


def case_matmul():
    a, b = rand(2, 3, 4), rand(2, 4, 5)
    return [a, b], [np.matmul(a.astype(np.float64), b).astype(np.float32)]


def case_matmul_large():
    a, b = rand(1, 300, 70), rand(1, 70, 33)
    return [a, b], [np.matmul(a.astype(np.float64), b).astype(np.float32)]


def case_pools():
    x = rand(2, 7, 7, 3)
    return [x], [max_pool(x, (3, 3), (2, 2), (1, 1, 1, 1)),
                 avg_pool(x, (3, 3), (2, 2), (1, 1, 1, 1))]


def case_pools_asym():
    x = rand(1, 6, 9, 2)
    return [x], [max_pool(x, (2, 3), (2, 3), (0, 0, 1, 2)),
                 avg_pool(x, (2, 3), (2, 3), (0, 0, 1, 2))]


def case_broadcast():
    a, b = rand(2, 1, 3), rand(1, 4, 3)
    c = np.abs(rand(2, 4, 1)) + 0.5
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    return [a, b, c], [
        (a64 + b64).astype(np.float32),
        (a64 - b64).astype(np.float32),
        (a64 * b64).astype(np.float32),
        np.maximum(a, b),
        np.minimum(a, b),
        np.power(c.astype(np.float64), b64).astype(np.float32),
    ]


def case_unary():
    x = rand(3, 5) * 3
    p = np.abs(x) + 0.1
    x64, p64 = x.astype(np.float64), p.astype(np.float64)
    erf = np.vectorize(math.erf)
    return [x, p], [
        np.clip(x, -1.0, 0.5),
        (1 / (1 + np.exp(-x64))).astype(np.float32),
        np.tanh(x64).astype(np.float32),
        np.exp(x64).astype(np.float32),
        np.log(p64).astype(np.float32),
        (1 / p64).astype(np.float32),
        -x,
        np.abs(x),
        np.floor(x),
        np.ceil(x),
        (1 / np.sqrt(p64)).astype(np.float32),
        erf(x64).astype(np.float32),
    ]


def case_reduce():
    x = rand(2, 3, 4)
    x64 = x.astype(np.float64)
    return [x], [
        x64.sum(axis=1, keepdims=True).astype(np.float32),
        x.max(axis=1, keepdims=True),
        x.min(axis=2, keepdims=True),
        x64.prod(axis=0, keepdims=True).astype(np.float32),
    ]


def case_batch():
    x = rand(5, 4)
    return [x], []


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "gen":
        inputs, expected = CASES[sys.argv[2]]()
        prefix = sys.argv[3]
        for i, a in enumerate(inputs):
            np.save("%s.in%d.npy" % (prefix, i), a)
        for i, a in enumerate(expected):
            np.save("%s.expected%d.npy" % (prefix, i), a)
        return 0
    if len(sys.argv) >= 4 and sys.argv[1] == "cmp":
        tol = 1e-5
        if "--tol" in sys.argv:
            tol = float(sys.argv[sys.argv.index("--tol") + 1])
        out, exp = np.load(sys.argv[2]), np.load(sys.argv[3])
        if out.shape != exp.shape or out.dtype.kind != exp.dtype.kind:
            print("MISMATCH: got %s %s, expected %s %s" %
                  (out.shape, out.dtype, exp.shape, exp.dtype))
            return 1
        err = np.abs(out.astype(np.float64) - exp) / np.maximum(1.0, np.abs(exp))
        worst = float(err.max()) if err.size else 0.0
        if not worst <= tol:
            idx = np.unravel_index(np.argmax(err), err.shape)
            print("MISMATCH: max error %.3g > %.3g at %s (got %r, expected %r)"
                  % (worst, tol, idx, out[idx], exp[idx]))
            return 1
        print("OK: %s max error %.3g" % (out.shape, worst))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
