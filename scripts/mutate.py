#!/usr/bin/python3
"""Mutation testing of mpq: plants one small bug at a time in lib/, builds,
runs the tests that should catch it, and reports whether they did.

The mutants are a fixed list (MUTANTS below), each a one-line-ish change
found by an exact code snippet, not by a line number, so the list survives
unrelated edits. A snippet is looked for in the file the mutant names; if
the code has moved, anywhere under lib/ (reported as "moved"). A snippet
found nowhere, or more than once, makes the mutant "stale": the list needs
updating, and the mutant is not silently skipped.

Each mutant is applied to a scratch copy of the tree (the working tree's
tracked and untracked files, without build/ and .git) with its own build
directory, configured like
a developer build with ccache; only the binaries its tests need are rebuilt
(incrementally), the tests run in the order given, the first failing test
kills the mutant, and the file is restored. Outcomes:
  killed        a test failed (or timed out)
  survived      every listed test passed
  build-failed  the mutant did not compile (not counted in the score)
  stale         the snippet was not found exactly once (not counted)
Score = killed / (killed + survived).

Tests are written as
  lit:PATH      a lit test under test/ (a file or a directory)
  unit:FILTER   mpq-unittests --gtest_filter=FILTER
  ctest:NAME    a ctest test (onnx-conformance, ort-compare, fuzz-import-run)
A mutant without tests runs the whole lit suite.

Not part of CI: a full run rebuilds one translation unit per mutant and
takes about two hours on the 2-core machine. Results are appended to a JSON
lines file as they come, so a partial run still has a table (--report).

Usage:
  scripts/mutate.py [--scratch DIR] [--only ID[,ID...]] [--jobs N]
                    [--results FILE] [--list] [--check] [--report FILE]
  --list    print the mutants and exit
  --check   only look the snippets up (stale/moved), no build
  --report  print the table of an earlier results file and exit
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIT = "/usr/lib/llvm-22/bin/lit"
LIT_TOOLS = ["mpq-opt", "mpq-translate", "mpq-run", "mpq-compile",
             "mpq-codegen", "mpq-qemu-insn-count"]
TEST_TIMEOUT = 900  # seconds per test command; a hang counts as killed


def M(id, file, find, repl, why, tests):
    return dict(id=id, file=file, find=find, repl=repl, why=why, tests=tests)


QE = "lit:Executor/quantized-exact.test"
E2E = "lit:Codegen/e2e-ops.test"
E2EM = "lit:Codegen/e2e-models.test"
CONF = "ctest:onnx-conformance"

# The fixed list. Keep ids stable: docs/testing.md refers to them.
MUTANTS = [
    # --- integer semantics (lib/Quant/IntegerSemantics.cpp) ---------------
    M("is-round-floor", "lib/Quant/IntegerSemantics.cpp",
      "int64_t rounded = (prod + (int64_t(1) << (m.shift - 1))) >> m.shift;",
      "int64_t rounded = prod >> m.shift;",
      "applyMultiplier truncates instead of rounding half up",
      ["unit:IntegerSemantics*", QE]),
    M("is-sat-shift0", "lib/Quant/IntegerSemantics.cpp",
      "  if (m.shift == 0)\n    return saturate32(prod);",
      "  if (m.shift == 0)\n    return int32_t(prod);",
      "applyMultiplier wraps instead of saturating when shift is 0",
      ["unit:IntegerSemantics*", QE]),
    M("is-mult-shift", "lib/Quant/IntegerSemantics.cpp",
      "int shift = 31 - exp;", "int shift = 30 - exp;",
      "quantizeMultiplier off by a factor of 2",
      ["unit:IntegerSemantics*", QE]),
    M("is-mult-carry", "lib/Quant/IntegerSemantics.cpp",
      "    mant /= 2;\n    ++exp;", "    mant /= 2;",
      "quantizeMultiplier forgets the exponent when rounding carries",
      ["unit:IntegerSemantics*", QE]),
    M("is-requant-zp", "lib/Quant/IntegerSemantics.cpp",
      "int64_t v = int64_t(applyMultiplier(acc, m)) + zeroPoint;",
      "int64_t v = int64_t(applyMultiplier(acc, m)) - zeroPoint;",
      "requantize subtracts the output zero point",
      ["unit:IntegerSemantics*", QE]),
    M("is-quant-clamp", "lib/Quant/IntegerSemantics.cpp",
      "  return int32_t(std::clamp<int64_t>(q + zeroPoint, lo, hi));\n}",
      "  return int32_t(q + zeroPoint);\n}",
      "quantizeFloat does not clamp to the code range",
      ["unit:IntegerSemantics*", QE]),
    M("is-bias-trunc", "lib/Quant/IntegerSemantics.cpp",
      "double v = std::nearbyint(bias / (inScale * weightScale));",
      "double v = std::trunc(bias / (inScale * weightScale));",
      "quantizeBias truncates instead of rounding",
      ["unit:IntegerSemantics*", "lit:Transforms/mpq-quantize.mlir", QE]),
    M("is-add-zp", "lib/Quant/IntegerSemantics.cpp",
      "int32_t xb = (b - p.zpB) * (int32_t(1) << AddParams::kAddLeftShift);",
      "int32_t xb = (b - p.zpA) * (int32_t(1) << AddParams::kAddLeftShift);",
      "addQuantized uses the left zero point for the right operand",
      ["unit:IntegerSemantics*", QE]),
    M("is-avg-count", "lib/Quant/IntegerSemantics.cpp",
      "return quantizeMultiplier(scaleIn / (scaleOut * double(count)));",
      "return quantizeMultiplier(scaleIn / (scaleOut * double(count + 1)));",
      "average-pool multiplier divides by count + 1",
      ["unit:IntegerSemantics*", QE]),
    M("is-multipoint-round", "lib/Quant/IntegerSemantics.cpp",
      "int64_t rounded = (sum + (int64_t(1) << (kMultipointFracBits - 1))) >>",
      "int64_t rounded = (sum) >>",
      "multipoint terms summed without the rounding half",
      ["unit:IntegerSemantics*", "lit:Executor", E2E]),
    M("is-exp-poly", "lib/Quant/IntegerSemantics.cpp",
      "for (int i = 1; i < 6; ++i) {", "for (int i = 1; i < 5; ++i) {",
      "expFloat drops the last polynomial term",
      ["unit:IntegerSemantics*", "lit:Executor/unary.mlir"]),
    # --- quantizer math (lib/Quant/Quantizer.cpp) ---------------------------
    M("q-narrow", "lib/Quant/Quantizer.cpp",
      "r.qmin = narrow ? -r.qmax : -r.qmax - 1;", "r.qmin = -r.qmax - 1;",
      "narrow ranges get the extra negative code",
      ["unit:Quantizer*", "lit:Transforms"]),
    M("q-pct-lower-edge", "lib/Quant/Quantizer.cpp",
      "return lo_ + width_ * double(b + 1);", "return lo_ + width_ * double(b);",
      "histogram percentile returns the bin's lower edge (issue 12)",
      ["unit:Quantizer*", "lit:Transforms/mpq-calibrate-percentile.mlir"]),
    M("q-pct-strict", "lib/Quant/Quantizer.cpp",
      "if (acc >= target)", "if (acc > target)",
      "histogram percentile needs strictly more than p * total",
      ["unit:Quantizer*", "lit:Transforms/mpq-calibrate-percentile.mlir"]),
    M("q-hist-bin", "lib/Quant/Quantizer.cpp",
      "double b = std::clamp((double(x) - lo_) / width_, 0.0, double(n - 1));",
      "double b = std::clamp((double(x) - lo_) / width_ + 0.5, 0.0, double(n - 1));",
      "histogram bins rounded instead of floored",
      ["unit:Quantizer*", "lit:Transforms"]),
    M("q-range-zp", "lib/Quant/Quantizer.cpp",
      "int64_t(std::nearbyint(double(r.qmin) - lo / q.scale)), r.qmin, r.qmax);",
      "int64_t(std::nearbyint(double(r.qmin) + lo / q.scale)), r.qmin, r.qmax);",
      "affine zero point with the wrong sign",
      ["unit:Quantizer*", "lit:Transforms"]),
    M("q-ls-off", "lib/Quant/Quantizer.cpp",
      "for (int it = 0; it < refineIters; ++it) {",
      "for (int it = 0; it < 0; ++it) {",
      "MMSE without the least-squares scale refinement",
      ["unit:Quantizer*", "lit:Transforms"]),
    M("q-mmse-act-nogrid", "lib/Quant/Quantizer.cpp",
      "for (int j = std::max(1, grid / 10); j < grid; ++j) {",
      "for (int j = grid; j < grid; ++j) {",
      "MMSE activation clipping never searches",
      ["unit:Quantizer*", "lit:Transforms"]),
    M("q-gptq-sign", "lib/Quant/Quantizer.cpp",
      "row[j] -= err * ui[j];", "row[j] += err * ui[j];",
      "GPTQ compensates in the wrong direction",
      ["unit:Quantizer*", "lit:Transforms"]),
    # --- calibration (lib/Transforms/Calibrate.cpp) -------------------------
    M("cal-pct-fixed", "lib/Transforms/Calibrate.cpp",
      "double p = double(percentile) / 100.0;", "double p = 0.99;",
      "the percentile option ignored, 99 used (issue 12)",
      ["lit:Transforms/mpq-calibrate-percentile.mlir", "lit:Transforms"]),
    M("cal-pct-low", "lib/Transforms/Calibrate.cpp",
      "std::min(0.0, s.hist->percentile(1.0 - p));",
      "std::min(0.0, s.hist->percentile(p));",
      "the low clip taken from the upper percentile",
      ["lit:Transforms/mpq-calibrate-percentile.mlir", "lit:Transforms"]),
    M("cal-nonneg", "lib/Transforms/Calibrate.cpp",
      "bool nonNegative = s.min >= 0.0;", "bool nonNegative = s.min > 0.0;",
      "a Relu output (minimum 0) not flagged non-negative",
      ["lit:Transforms"]),
    M("cal-patch-pad", "lib/Transforms/Calibrate.cpp",
      "int64_t ix = x * stride[1] - pad[2] + kx * dil[1];",
      "int64_t ix = x * stride[1] - pad[3] + kx * dil[1];",
      "mean input patch uses the right pad for the left",
      ["lit:Transforms/mpq-calibrate-mean-patch.mlir", "lit:Transforms"]),
    # --- quantization (lib/Transforms/Quantize.cpp) -------------------------
    M("qz-bias-corr-sign", "lib/Quant/LayerQuantizer.cpp",
      "bias[r] += float(delta);", "bias[r] -= float(delta);",
      "bias correction with the wrong sign",
      ["lit:Transforms", "lit:mpq-compile"]),
    M("qz-weight-wide", "lib/Quant/LayerQuantizer.cpp",
      "QuantRange r = QuantRange::get(bits, true, true);",
      "QuantRange r = QuantRange::get(bits, true, false);",
      "weights use the full (not narrow) signed range",
      ["lit:Transforms", "lit:mpq-compile"]),
    # --- ONNX importer (lib/Target/ONNX/ONNXImporter.cpp) -------------------
    M("imp-conv-pad-end", "lib/Target/ONNX/ONNXImporter.cpp",
      "pads[0],\n                                pads[2], false);",
      "pads[0],\n                                pads[3], false);",
      "conv bottom pad taken from the right pad (issue 12)",
      ["lit:Target/ONNX/import-asymmetric-pads.test", "lit:Target", CONF]),
    M("imp-pool-pad-begin", "lib/Target/ONNX/ONNXImporter.cpp",
      "window(n, wd, kernel[1], strides[1], 1, pads[1], pads[3], ceilMode);",
      "window(n, wd, kernel[1], strides[1], 1, pads[0], pads[3], ceilMode);",
      "pool left pad taken from the top pad",
      ["lit:Target/ONNX/import-asymmetric-pads.test", "lit:Target", CONF]),
    M("imp-autopad", "lib/Target/ONNX/ONNXImporter.cpp",
      "pads[d] = autoPad == \"SAME_UPPER\" ? small : big;",
      "pads[d] = autoPad == \"SAME_UPPER\" ? big : small;",
      "SAME_UPPER/SAME_LOWER put the odd pad at the wrong end",
      ["lit:Target", CONF]),
    M("imp-ceil", "lib/Target/ONNX/ONNXImporter.cpp",
      "if ((out - 1) * stride >= in + pb)",
      "if ((out - 1) * stride > in + pb)",
      "ceil_mode keeps a window that starts in the end padding",
      ["lit:Target", CONF]),
    M("imp-bn-fold", "lib/Target/ONNX/ONNXImporter.cpp",
      "nb.f.push_back((b0 - p[2]->fAt(ch)) * a + p[1]->fAt(ch));",
      "nb.f.push_back((b0 + p[2]->fAt(ch)) * a + p[1]->fAt(ch));",
      "BatchNorm folded into conv adds the mean",
      ["lit:Target", "lit:Executor/models.test", CONF]),
    M("imp-bn-eps", "lib/Target/ONNX/ONNXImporter.cpp",
      "float a = p[0]->fAt(k) / std::sqrt(p[3]->fAt(k) + eps);",
      "float a = p[0]->fAt(k) / std::sqrt(p[3]->fAt(k));",
      "standalone BatchNorm ignores epsilon",
      ["lit:Target", CONF]),
    M("imp-transpose", "lib/Target/ONNX/ONNXImporter.cpp",
      "phys.push_back(xIn->nhwc ? kToNCHW[d] : d);", "phys.push_back(d);",
      "Transpose of an NHWC value ignores the layout",
      ["lit:Target", CONF]),
    M("imp-gemm-transb", "lib/Target/ONNX/ONNXImporter.cpp",
      "(transB ? bc->fAt(col * k + r) : bc->fAt(r * nn + col))",
      "(transB ? bc->fAt(r * nn + col) : bc->fAt(r * nn + col))",
      "Gemm with transB and alpha reads B untransposed",
      ["lit:Target", CONF]),
    # --- reference executor (lib/Executor) -----------------------------------
    M("ex-outsize", "lib/Executor/Kernels.cpp",
      "out = span / stride + 1;", "out = span / stride;",
      "window output size one short",
      ["unit:Kernels*", "lit:Executor"]),
    M("ex-im2col-pad", "lib/Executor/Kernels.cpp",
      "float *d = dst + i * kw * c;\n"
      "      int64_t ih = oh * win.strideY - win.padTop + i * win.dilationY;",
      "float *d = dst + i * kw * c;\n"
      "      int64_t ih = oh * win.strideY - win.padBottom + i * win.dilationY;",
      "float conv im2col uses the bottom pad for the top",
      ["unit:Kernels*", "lit:Executor", "lit:Target/ONNX/import-asymmetric-pads.test"]),
    M("ex-avg-divisor", "lib/Executor/Kernels.cpp",
      "float inv = 1.0f / static_cast<float>(count);",
      "float inv = 1.0f / static_cast<float>(win.kernelH * win.kernelW);",
      "float average pool divides by the whole window at the border",
      ["unit:Kernels*", "lit:Executor", "lit:Target/ONNX/import-asymmetric-pads.test"]),
    M("ex-maxpool-nan", "lib/Executor/Kernels.cpp",
      "acc[c] = (xp[c] > acc[c] || std::isnan(xp[c])) ? xp[c] : acc[c];",
      "acc[c] = (xp[c] > acc[c]) ? xp[c] : acc[c];",
      "float max pool drops NaNs",
      ["unit:Kernels*", "lit:Executor", CONF]),
    M("ex-parallel-first", "lib/Executor/Kernels.cpp",
      "body(0, n / threads);", "body(1, n / threads);",
      "parallelFor skips the first item",
      ["unit:Kernels*", "unit:Executor*", "lit:Executor"]),
    M("ex-q-conv-zp", "lib/Executor/MPQOps.cpp",
      "r[ci] = wrapSub32(s[ci], zpx);", "r[ci] = s[ci];",
      "integer conv ignores the input zero point",
      ["unit:Executor*", QE, E2E]),
    M("ex-q-conv-pad", "lib/Executor/MPQOps.cpp",
      "int64_t ix = xx * stride[1] - pad[2] + kx * dil[1];",
      "int64_t ix = xx * stride[1] - pad[3] + kx * dil[1];",
      "integer conv uses the right pad for the left",
      ["unit:Executor*", QE, E2E]),
    M("ex-q-requant-ch", "lib/Executor/MPQOps.cpp",
      "a[i] = requantize(a[i], m[i % channels], zp, lo, hi);",
      "a[i] = requantize(a[i], m[0], zp, lo, hi);",
      "integer conv/FC requantizes every channel with channel 0's multiplier",
      ["unit:Executor*", QE, E2E]),
    M("ex-q-avg-zp", "lib/Executor/MPQOps.cpp",
      "sums[ch] += int64_t(p[ch]) - zpIn;", "sums[ch] += int64_t(p[ch]);",
      "integer average pool ignores the input zero point",
      ["unit:Executor*", QE, E2E]),
    # --- code generation: GEMM driver, packing, epilogue --------------------
    M("cg-unpack-sext", "lib/Conversion/MPQToKernels/GemmDriver.cpp",
      "x = arith::ShRSIOp::create(b, x, splat(8 - c));",
      "x = arith::ShRSIOp::create(b, x, splat(7 - c));",
      "sign-extended low-bit unpack shifts one bit short (issue 12)",
      ["unit:*Panel*", E2E]),
    M("cg-unpack-mask", "lib/Conversion/MPQToKernels/GemmDriver.cpp",
      "splat(int8_t(0xFF << (8 - c)))", "splat(int8_t(0xFF << (7 - c)))",
      "folded low-bit unpack keeps one bit of the field below",
      ["unit:*Panel*", E2E]),
    M("cg-pack-mask", "lib/Conversion/MPQToKernels/GemmDriver.cpp",
      "byte |= uint8_t((v & mask) << (phi * f.container));",
      "byte |= uint8_t(v << (phi * f.container));",
      "packing lets a negative code spill into the next field",
      ["unit:*Panel*", E2E]),
    M("cg-fold-bound", "lib/Conversion/MPQToKernels/GemmDriver.cpp",
      "return (bound[c] << factorLog) < (int64_t(1) << 31) &&",
      "return (bound[c] << factorLog) < (int64_t(1) << 33) &&",
      "the unpack factor folded although the accumulator overflows",
      [E2E]),
    M("cg-bias-zp", "lib/Conversion/MPQToKernels/GemmDriver.cpp",
      "uint32_t adj = uint32_t(b0) - uint32_t(int64_t(zpx) * sum);",
      "uint32_t adj = uint32_t(b0);",
      "GEMM bias not corrected for the input zero point",
      [E2E]),
    M("cg-round-half", "lib/Conversion/MPQToKernels/KernelBuilders.cpp",
      "b, arith::ShLIOp::create(b, cst(b, t64, 1), s), cst(b, t64, 1));",
      "b, arith::ShLIOp::create(b, cst(b, t64, 1), s), cst(b, t64, 2));",
      "generated requantization adds a quarter instead of a half",
      [E2E]),
    M("cg-multipoint-zp", "lib/Conversion/MPQToKernels/GemmDriver.cpp",
      "sum = arith::AddIOp::create(b, sum, cst(b, v4i64, zpOut));",
      "sum = arith::AddIOp::create(b, sum, cst(b, v4i64, 0));",
      "multipoint GEMM epilogue forgets the output zero point",
      [E2E]),
    M("cg-edge-lanes", "lib/Conversion/MPQToKernels/GemmDriver.cpp",
      "int64_t lanes = std::min<int64_t>(4, valid - 4 * g);",
      "int64_t lanes = 4;",
      "GEMM epilogue stores 4 lanes in a partial channel block",
      [E2E]),
    # --- microkernels (lib/Conversion/MPQToNeon/NeonMicrokernels.cpp) -------
    M("neon-c4-offset", "lib/Conversion/MPQToNeon/NeonMicrokernels.cpp",
      "return (j / 4) * 4 * nr + ch * 4 + j % 4;",
      "return (j / 4) * 4 * nr + ch * 4 + (3 - j % 4);",
      "SDOT/SMLAL weight panel reverses the 4 depths of a group",
      ["unit:*Panel*", E2E]),
    M("neon-c8-offset", "lib/Conversion/MPQToNeon/NeonMicrokernels.cpp",
      "return (j / 8) * 128 + ch * 8 + j % 8;",
      "return (j / 8) * 128 + ch * 8 + (7 - j % 8);",
      "SMMLA weight panel reverses the 8 depths of a group",
      ["unit:*Panel*", E2E]),
    # --- verifiers (lib/Dialect/MPQ/IR/MPQOps.cpp) ---------------------------
    M("ver-packed-range", "lib/Dialect/MPQ/IR/MPQOps.cpp",
      "    if (v < lo || v > hi)\n      return emitOpError() << \"element \"",
      "    if (v < lo)\n      return emitOpError() << \"element \"",
      "packed constant verifier misses codes above the range",
      ["lit:Dialect"]),
    M("ver-clamp-order", "lib/Dialect/MPQ/IR/MPQOps.cpp",
      "    if (lo < outP.getQMin() || hi > outP.getQMax() || lo > hi)",
      "    if (lo < outP.getQMin() || hi > outP.getQMax())",
      "clamp verifier accepts an empty clamp range",
      ["lit:Dialect"]),
    M("ver-width", "lib/Dialect/MPQ/IR/MPQOps.cpp",
      "if (intTy.getWidth() < params.getBits())",
      "if (intTy.getWidth() + 1 < params.getBits())",
      "parameter verifier accepts a container one bit too narrow",
      ["lit:Dialect"]),
    # --- precision search (lib/Precision) ----------------------------------
    M("pr-bb-pairbound", "lib/Precision/Solver.cpp",
      "double bound = obj + pairMinSuffix[d];",
      "double bound = obj;",
      "branch and bound drops the (possibly negative) open pair terms from "
      "its lower bound and prunes the optimum",
      ["unit:Solver*"]),
    M("pr-bb-objective", "lib/Precision/Solver.cpp",
      "search(d + 1, obj + a[g]);",
      "search(d + 1, obj + p.linear[g]);",
      "branch and bound scores an option without its pair terms",
      ["unit:Solver*"]),
    M("pr-psd-clip", "lib/Precision/Solver.cpp",
      "Eigen::VectorXd clipped = ev.cwiseMax(0.0);",
      "Eigen::VectorXd clipped = ev.cwiseAbs();",
      "PSD projection flips negative eigenvalues instead of clipping them",
      ["unit:Solver*"]),
    M("pr-budget-kib", "lib/Precision/Budget.cpp",
      '{{"KiB", 1024.0},',
      '{{"KiB", 1000.0},',
      "size budget reads KiB as 1000 bytes",
      ["unit:Budget*", "lit:Precision"]),
    M("pr-uniform-order", "lib/Precision/AssignPrecision.cpp",
      "    return std::tie(a.weightBits, a.actBits) >\n"
      "           std::tie(b.weightBits, b.actBits);",
      "    return std::tie(a.weightBits, a.actBits) <\n"
      "           std::tie(b.weightBits, b.actBits);",
      "uniform strategy tries the least precise width first",
      ["lit:Precision"]),
    # --- RVV backend (lib/Conversion/MPQToRVV) ------------------------------
    M("rvv-int16-bound", "lib/Conversion/MPQToKernels/GemmDriver.cpp",
      "if (hi[e] - hi[b] > 32767 || lo[e] - lo[b] < -32768)",
      "if (hi[e] - hi[b] > 65535 || lo[e] - lo[b] < -65536)",
      "RVV kernels sum products in int16 past the proven overflow bound",
      ["unit:Int16Span*", "lit:Codegen/e2e-rvv-int16-span.test"]),
    M("rvv-panel-order", "lib/Conversion/MPQToRVV/RVVMicrokernels.cpp",
      "return (j / 16) * 256 + (j % 16) * 16 + ch;",
      "return (j / 16) * 256 + (15 - j % 16) * 16 + ch;",
      "RVV weight panel reverses the 16 depths of a step",
      ["lit:Codegen/e2e-rvv-ops.test"]),
]


def run(cmd, cwd=None, timeout=None, log=None):
    """Runs cmd; returns (exit code or 'timeout', output tail)."""
    t0 = time.time()
    try:
        p = subprocess.run(cmd, cwd=cwd, timeout=timeout,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace")
        out, rc = p.stdout, p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(
            e.stdout, bytes) else (e.stdout or "")
        rc = "timeout"
    if log:
        with open(log, "a") as f:
            f.write(f"$ {' '.join(cmd)}\n{out}\n[exit {rc}, "
                    f"{time.time() - t0:.0f} s]\n")
    return rc, out[-2000:]


def locate(root, m):
    """(path relative to root, occurrences) of the mutant's snippet: in its
    file, else anywhere under lib/."""
    path = os.path.join(root, m["file"])
    if os.path.exists(path):
        n = open(path).read().count(m["find"])
        if n:
            return m["file"], n
    hits = []
    for d, _, files in os.walk(os.path.join(root, "lib")):
        for f in files:
            if f.endswith((".cpp", ".h")):
                p = os.path.join(d, f)
                n = open(p, errors="replace").read().count(m["find"])
                if n:
                    hits.append((os.path.relpath(p, root), n))
    if len(hits) == 1:
        return hits[0]
    return None, sum(n for _, n in hits)


# The tools the lit tests under each top-level test/ directory call (directly
# or through their Inputs/ scripts). Only these are relinked for a mutant:
# a binary left out may still hold an earlier mutant, so keep this generous.
LIT_DIR_TOOLS = {
    "Transforms": ["mpq-opt", "mpq-run"],
    "Dialect": ["mpq-opt", "mpq-run", "mpq-compile"],
    "Conversion": ["mpq-opt"],
    "Target": ["mpq-translate", "mpq-run", "mpq-compile", "mpq-opt"],
    "Executor": ["mpq-run", "mpq-translate", "mpq-opt", "mpq-compile"],
    "Codegen": ["mpq-codegen", "mpq-compile", "mpq-opt", "mpq-run",
                "mpq-translate"],
    "mpq-compile": ["mpq-compile", "mpq-run"],
}


def targets_for(tests):
    t = set()
    for s in tests:
        kind, _, arg = s.partition(":")
        if kind == "lit":
            top = arg.strip("/").split("/")[0]
            t.update(LIT_DIR_TOOLS.get(top, LIT_TOOLS))
        elif kind == "unit":
            t.add("mpq-unittests")
        elif arg in ("onnx-conformance", "ort-compare", "fuzz-import-run"):
            t.update(["mpq-translate", "mpq-run"])
        else:
            t.add("all")
    return ["all"] if "all" in t else sorted(t)


def run_test(build, spec, jobs, log):
    kind, _, arg = spec.partition(":")
    if kind == "lit":
        cmd = [LIT, "-q", f"-j{jobs}", "--max-failures=1",
               os.path.join(build, "test", arg)]
    elif kind == "unit":
        cmd = [os.path.join(build, "bin", "mpq-unittests"),
               f"--gtest_filter={arg}", "--gtest_brief=1"]
    elif kind == "ctest":
        cmd = ["ctest", "--test-dir", build, "-R", f"^{arg}$",
               "--output-on-failure"]
    else:
        raise SystemExit(f"unknown test kind in '{spec}'")
    return run(cmd, timeout=TEST_TIMEOUT, log=log)


def sync_tree(scratch):
    """Makes scratch/ hold the working tree's files (tracked and untracked,
    not ignored; build/ stays). Only files whose content differs are
    written, so the scratch build stays incremental."""
    files = subprocess.run(
        ["git", "-C", REPO, "ls-files", "-z", "--cached", "--others",
         "--exclude-standard"], capture_output=True, check=True
    ).stdout.decode().split("\0")
    want = {f for f in files if f and os.path.isfile(os.path.join(REPO, f))}
    for f in want:
        src, dst = os.path.join(REPO, f), os.path.join(scratch, f)
        with open(src, "rb") as fh:
            data = fh.read()
        if os.path.exists(dst):
            with open(dst, "rb") as fh:
                if fh.read() == data:
                    continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)
        shutil.copymode(src, dst)
    keep = ("build", "mutate.log", "results.jsonl")
    for d, dirs, names in os.walk(scratch):
        rel = os.path.relpath(d, scratch)
        if rel == ".":
            dirs[:] = [x for x in dirs if x not in keep]
            names = [x for x in names if x not in keep]
        for n in names:
            r = os.path.normpath(os.path.join(rel, n))
            if r not in want:
                os.remove(os.path.join(d, n))


def prepare(scratch, jobs, log):
    os.makedirs(scratch, exist_ok=True)
    sync_tree(scratch)
    build = os.path.join(scratch, "build")
    if not os.path.exists(os.path.join(build, "build.ninja")):
        orig = os.path.join(REPO, "build", "CMakeCache.txt")
        ort = ""
        if os.path.exists(orig):
            for line in open(orig):
                if line.startswith("MPQ_ORT_MODULES:"):
                    ort = line.split("=", 1)[1].strip()
        cmd = ["cmake", "-G", "Ninja", "-S", scratch, "-B", build,
               "-DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir",
               "-DCMAKE_BUILD_TYPE=Release",
               "-DCMAKE_C_COMPILER=clang-22", "-DCMAKE_CXX_COMPILER=clang++-22",
               "-DLLVM_ENABLE_LLD=ON",
               "-DCMAKE_C_COMPILER_LAUNCHER=ccache",
               "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
        if ort:
            cmd.append(f"-DMPQ_ORT_MODULES={ort}")
        rc, out = run(cmd, log=log)
        if rc != 0:
            raise SystemExit("cmake failed:\n" + out)
    print(f"baseline build in {build} (-j{jobs}) ...", flush=True)
    rc, out = run(["ninja", "-C", build, f"-j{jobs}"], log=log)
    if rc != 0:
        raise SystemExit("baseline build failed:\n" + out)
    return build


def table(results):
    w = max([len(r["id"]) for r in results] + [2])
    lines = [f"{'id':<{w}}  {'outcome':<12}  {'seconds':>7}  detail",
             f"{'-' * w}  {'-' * 12}  {'-' * 7}  ------"]
    for r in results:
        lines.append(f"{r['id']:<{w}}  {r['outcome']:<12}  "
                     f"{r.get('seconds', 0):>7.0f}  {r.get('detail', '')}")
    count = {k: sum(r["outcome"] == k for r in results)
             for k in ("killed", "survived", "build-failed", "stale")}
    scored = count["killed"] + count["survived"]
    score = 100.0 * count["killed"] / scored if scored else 0.0
    lines.append("")
    lines.append(f"killed {count['killed']}, survived {count['survived']}, "
                 f"build-failed {count['build-failed']}, stale "
                 f"{count['stale']} of {len(results)} mutants")
    lines.append(f"score: {count['killed']}/{scored} = {score:.1f}% killed")
    surv = [r["id"] for r in results if r["outcome"] == "survived"]
    if surv:
        lines.append("survivors: " + ", ".join(surv))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scratch", default=REPO.rstrip("/") + "-mutate",
                    help="scratch copy of the tree (default: REPO-mutate; "
                    "keep it under ccache's base_dir for cache hits)")
    ap.add_argument("--only", default="",
                    help="comma-separated mutant ids to run, in that order")
    ap.add_argument("--jobs", type=int, default=1,
                    help="parallel jobs for ninja and lit (default 1)")
    ap.add_argument("--results", default="",
                    help="JSON lines file the results are appended to "
                    "(default: SCRATCH/results.jsonl)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--report", default="")
    args = ap.parse_args()

    if args.report:
        # The latest result of each mutant, in list order (a results file
        # can hold a full run followed by reruns with --only).
        latest = {}
        for line in open(args.report):
            if line.strip():
                r = json.loads(line)
                latest[r["id"]] = r
        order = {m["id"]: i for i, m in enumerate(MUTANTS)}
        results = sorted(latest.values(),
                         key=lambda r: order.get(r["id"], len(order)))
        print(table(results))
        return 0
    ids = [m["id"] for m in MUTANTS]
    assert len(set(ids)) == len(ids), "duplicate mutant ids"
    chosen = MUTANTS
    if args.only:
        want = args.only.split(",")
        unknown = [i for i in want if i not in ids]
        if unknown:
            raise SystemExit(f"unknown mutant ids: {', '.join(unknown)}")
        by_id = {m["id"]: m for m in MUTANTS}
        chosen = [by_id[i] for i in dict.fromkeys(want)]  # in the order given
    if args.list:
        for m in chosen:
            print(f"{m['id']:<20} {m['file']}: {m['why']}\n"
                  f"{'':<20} tests: {', '.join(m['tests']) or 'all lit'}")
        return 0
    if args.check:
        bad = 0
        for m in chosen:
            f, n = locate(REPO, m)
            state = ("ok" if f == m["file"] and n == 1 else
                     f"moved to {f}" if f and n == 1 else
                     f"STALE ({n} occurrences)")
            bad += state.startswith("STALE")
            print(f"{m['id']:<20} {state}")
        return 1 if bad else 0

    scratch = os.path.abspath(args.scratch)
    log = os.path.join(scratch, "mutate.log")
    os.makedirs(scratch, exist_ok=True)
    with open(log, "a") as f:  # appended to: reruns keep earlier logs
        f.write(f"==== run started {time.ctime()}\n")
    results_path = args.results or os.path.join(scratch, "results.jsonl")
    head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain",
                            "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    print(f"mpq mutation run: commit {head}{' (modified)' if dirty else ''}, "
          f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} "
          f"UTC, {len(chosen)} mutants", flush=True)
    build = prepare(scratch, args.jobs, log)

    results = []
    for i, m in enumerate(chosen, 1):
        t0 = time.time()
        rel, n = locate(scratch, m)
        r = dict(id=m["id"], file=m["file"], commit=head)
        if not rel or n != 1:
            r.update(outcome="stale",
                     detail=f"snippet found {n} times in lib/")
        else:
            path = os.path.join(scratch, rel)
            original = open(path).read()
            try:
                with open(path, "w") as f:
                    f.write(original.replace(m["find"], m["repl"], 1))
                rc, out = run(["ninja", "-C", build, f"-j{args.jobs}"] +
                              targets_for(m["tests"] or ["lit:."]), log=log)
                if rc != 0:
                    r.update(outcome="build-failed",
                             detail=out.strip().splitlines()[-1][:80]
                             if out.strip() else "")
                else:
                    r.update(outcome="survived",
                             detail="passed: " + ", ".join(m["tests"] or
                                                           ["lit:."]))
                    for spec in m["tests"] or ["lit:."]:
                        rc, out = run_test(build, spec, args.jobs, log)
                        if rc != 0:
                            r.update(outcome="killed", detail=f"{spec}" + (
                                " (timeout)" if rc == "timeout" else ""))
                            break
            finally:
                with open(path, "w") as f:
                    f.write(original)
            if rel != m["file"]:
                r["detail"] = f"[moved to {rel}] " + r["detail"]
        r["seconds"] = round(time.time() - t0, 1)
        results.append(r)
        with open(results_path, "a") as f:
            f.write(json.dumps(r) + "\n")
        print(f"[{i}/{len(chosen)}] {r['id']}: {r['outcome']} "
              f"({r['seconds']:.0f} s) {r.get('detail', '')}", flush=True)
    # Leave the scratch build matching the restored sources.
    run(["ninja", "-C", build, f"-j{args.jobs}"], log=log)
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
