//===- MPQOps.cpp - reference execution of the mpq dialect ----------------===//
//
// Every integer step goes through mpq/Quant/IntegerSemantics.h, the one
// definition the code generators must match bit for bit. Codes are held in
// I32 tensors whatever their declared width.
//
//===----------------------------------------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Executor/Executor.h"
#include "mpq/Executor/HandlerUtils.h"
#include "mpq/Executor/Kernels.h"
#include "mpq/Quant/IntegerSemantics.h"
#include "mpq/Support/CheckedMath.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <Eigen/Core>

using namespace mlir;
using namespace mpq;

namespace {

using Operands = ArrayRef<const Tensor *>;
using Results = MutableArrayRef<Tensor>;
using IntMatrix =
    Eigen::Matrix<int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Per-slice view of quantization parameters: channel `c` of a per-axis
/// attribute, or the single per-tensor entry.
struct ParamView {
  QuantParamsAttr p;
  double scale(int64_t c) const { return p.getScale()[p.isPerAxis() ? c : 0]; }
  int32_t zp(int64_t c) const {
    return int32_t(p.getZeroPoint()[p.isPerAxis() ? c : 0]);
  }
};

/// Two's-complement wrapping int32 addition and subtraction: what the
/// generated code's 32-bit adds do, without C++'s undefined signed overflow.
inline int32_t wrapAdd32(int32_t a, int32_t b) {
  return int32_t(uint32_t(a) + uint32_t(b));
}
inline int32_t wrapSub32(int32_t a, int32_t b) {
  return int32_t(uint32_t(a) - uint32_t(b));
}

/// Checks the run-time count of `p`'s scales against `t` (the verifier does
/// it for static shapes; this covers dynamic ones and unverified modules).
LogicalResult checkParams(Operation *op, const Tensor &t, QuantParamsAttr p,
                          StringRef name) {
  return checkParamCount(op, t, p.isPerAxis() ? p.getAxis() : -1,
                         int64_t(p.getScale().size()), name);
}

/// Index of the slice along `axis` that flat element `i` of `shape` is in.
struct AxisIndexer {
  int64_t inner = 1, size = 1;
  AxisIndexer(ArrayRef<int64_t> shape, int64_t axis) {
    if (axis < 0)
      return;
    size = shape[axis];
    for (size_t d = axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
  }
  int64_t operator()(int64_t i) const { return (i / inner) % size; }
};

LogicalResult runQuantize(QuantizeOp op, Operands in, Results out,
                          const ExecContext &) {
  const Tensor &x = *in[0];
  if (failed(checkKind(op, x, ElementKind::F32, "input")))
    return failure();
  QuantParamsAttr p = op.getParams();
  if (failed(checkParams(op, x, p, "result")))
    return failure();
  AxisIndexer axis(x.getShape(), p.getAxis());
  SmallVector<float> inv;
  for (double s : p.getScale().asArrayRef())
    inv.push_back(float(1.0 / s));
  if (failed(allocateTensor(op, ElementKind::I32, x.getShape(), out[0])))
    return failure();
  const float *src = x.getData<float>();
  int32_t *dst = out[0].getData<int32_t>();
  for (int64_t i = 0, n = x.getNumElements(); i < n; ++i) {
    int64_t c = p.isPerAxis() ? axis(i) : 0;
    dst[i] = quantizeFloat(src[i], inv[c], int32_t(p.getZeroPoint()[c]),
                           int32_t(p.getQMin(c)), int32_t(p.getQMax(c)));
  }
  return success();
}

LogicalResult runDequantize(DequantizeOp op, Operands in, Results out,
                            const ExecContext &) {
  const Tensor &q = *in[0];
  if (failed(checkKind(op, q, ElementKind::I32, "input")))
    return failure();
  ParamView p{op.getParams()};
  if (failed(checkParams(op, q, p.p, "input")))
    return failure();
  AxisIndexer axis(q.getShape(), p.p.getAxis());
  if (failed(allocateTensor(op, ElementKind::F32, q.getShape(), out[0])))
    return failure();
  const int32_t *src = q.getData<int32_t>();
  float *dst = out[0].getData<float>();
  for (int64_t i = 0, n = q.getNumElements(); i < n; ++i) {
    int64_t c = p.p.isPerAxis() ? axis(i) : 0;
    dst[i] = dequantize(src[i], float(p.scale(c)), p.zp(c));
  }
  return success();
}

LogicalResult runRequantize(RequantizeOp op, Operands in, Results out,
                            const ExecContext &) {
  const Tensor &q = *in[0];
  if (failed(checkKind(op, q, ElementKind::I32, "input")))
    return failure();
  ParamView pin{op.getInputParams()}, pout{op.getOutputParams()};
  if (failed(checkParams(op, q, pin.p, "input")) ||
      failed(checkParams(op, q, pout.p, "result")))
    return failure();
  int64_t axisDim = pin.p.isPerAxis()    ? pin.p.getAxis()
                    : pout.p.isPerAxis() ? pout.p.getAxis()
                                         : -1;
  AxisIndexer axis(q.getShape(), axisDim);
  if (failed(allocateTensor(op, ElementKind::I32, q.getShape(), out[0])))
    return failure();
  const int32_t *src = q.getData<int32_t>();
  int32_t *dst = out[0].getData<int32_t>();
  for (int64_t i = 0, n = q.getNumElements(); i < n; ++i) {
    int64_t c = axisDim >= 0 ? axis(i) : 0;
    FixedPointMultiplier m = quantizeMultiplier(pin.scale(c) / pout.scale(c));
    dst[i] = requantize(wrapSub32(src[i], pin.zp(c)), m, pout.zp(c),
                        int32_t(pout.p.getQMin(c)), int32_t(pout.p.getQMax(c)));
  }
  return success();
}

LogicalResult runPackedConstant(PackedConstantOp op, Operands, Results out,
                                const ExecContext &) {
  auto type = cast<RankedTensorType>(op.getOutput().getType());
  SmallVector<int8_t> codes = op.unpack();
  if (failed(allocateTensor(op, ElementKind::I32, type.getShape(), out[0])))
    return failure();
  std::copy(codes.begin(), codes.end(), out[0].getData<int32_t>());
  return success();
}

LogicalResult runMultipointWeight(MultipointWeightOp op, Operands in,
                                  Results out, const ExecContext &) {
  const Tensor &t0 = *in[0];
  for (auto [k, t] : llvm::enumerate(in)) {
    if (t->getShape() != t0.getShape())
      return emitRunError(op, "term " + Twine(k) + " has shape " +
                                  formatShape(t->getShape()) + ", term 0 " +
                                  formatShape(t0.getShape()));
    if (failed(checkParams(op, *t, cast<QuantParamsAttr>(op.getParams()[k]),
                           "term " + std::to_string(k))))
      return failure();
  }
  if (failed(allocateTensor(op, ElementKind::F32, t0.getShape(), out[0],
                            "result", /*zero=*/true)))
    return failure();
  float *dst = out[0].getData<float>();
  int64_t n = t0.getNumElements();
  int64_t rows = t0.getRank() ? t0.getDimSize(0) : 1;
  int64_t per = rows ? n / rows : 0;
  for (auto [k, t] : llvm::enumerate(in)) {
    ParamView p{cast<QuantParamsAttr>(op.getParams()[k])};
    const int32_t *q = t->getData<int32_t>();
    for (int64_t i = 0; i < n; ++i) {
      int64_t c = per ? i / per : 0;
      dst[i] += float(p.scale(c)) * float(wrapSub32(q[i], p.zp(c)));
    }
  }
  return success();
}

/// Output stage shared by conv2d and fully_connected: requantize the int32
/// accumulators (channel = innermost index) or keep them.
template <typename OpTy>
void finishAccumulators(OpTy op, Tensor &acc, int64_t channels) {
  QuantParamsAttr outP = op.getOutputParamsAttr();
  if (!outP)
    return;
  // Called for integer weights only; multipoint weights use finishTerms.
  ParamView in{op.getInputParams()}, w{op.getWeightParamsAttr()};
  int32_t lo = int32_t(op.getClampMin().value_or(outP.getQMin()));
  int32_t hi = int32_t(op.getClampMax().value_or(outP.getQMax()));
  int32_t zp = int32_t(outP.getZeroPoint()[0]);
  double sOut = outP.getScale()[0];
  SmallVector<FixedPointMultiplier> m;
  for (int64_t c = 0; c < channels; ++c)
    m.push_back(quantizeMultiplier(in.scale(0) * w.scale(c) / sOut));
  int32_t *a = acc.getData<int32_t>();
  for (int64_t i = 0, n = acc.getNumElements(); i < n; ++i)
    a[i] = requantize(a[i], m[i % channels], zp, lo, hi);
}

/// The integer weight of a conv/FC: one int32 [O, K] matrix of codes minus
/// zero points per term (one term unless the weight is multipoint), with the
/// term's parameters.
struct WeightTerms {
  SmallVector<IntMatrix> mats;
  SmallVector<QuantParamsAttr> params;
};

static IntMatrix codesMinusZeroPoints(ArrayRef<int32_t> codes, int64_t o,
                                      int64_t k, QuantParamsAttr p) {
  ParamView v{p};
  IntMatrix m(o, k);
  for (int64_t r = 0; r < o; ++r)
    for (int64_t c = 0; c < k; ++c)
      m(r, c) = wrapSub32(codes[r * k + c], v.zp(r));
  return m;
}

template <typename OpTy>
FailureOr<WeightTerms> weightTerms(OpTy op, const Tensor &w) {
  WeightTerms terms;
  if (w.getRank() < 1)
    return emitRunError(op, "weight must have rank >= 1");
  // Rows and columns from the shape, so that o == 0 (no output channels)
  // never divides.
  int64_t o = w.getDimSize(0), k = getNumElements(w.getShape().drop_front());
  if (QuantParamsAttr p = op.getWeightParamsAttr()) {
    if (failed(checkKind(op, w, ElementKind::I32, "weight")) ||
        failed(checkParams(op, w, p, "weight")))
      return failure();
    terms.mats.push_back(codesMinusZeroPoints(w.getValues<int32_t>(), o, k, p));
    terms.params.push_back(p);
    return terms;
  }
  auto mp = op.getWeight().template getDefiningOp<MultipointWeightOp>();
  if (!mp)
    return emitRunError(op, "a float weight must come from "
                            "mpq.multipoint_weight");
  // The terms' codes come from their constant definitions.
  for (auto [term, attr] : llvm::zip(mp.getTerms(), mp.getParams())) {
    SmallVector<int32_t> codes;
    if (auto pc = term.template getDefiningOp<PackedConstantOp>()) {
      for (int8_t c : pc.unpack())
        codes.push_back(c);
    } else if (auto c = term.template getDefiningOp<tosa::ConstOp>()) {
      auto dense = dyn_cast<DenseIntElementsAttr>(c.getValues());
      if (!dense)
        return emitRunError(op, "multipoint terms must be dense constants");
      for (const APInt &v : dense.template getValues<APInt>())
        codes.push_back(int32_t(v.getSExtValue()));
    } else {
      return emitRunError(op, "multipoint terms must be constants "
                              "(mpq.packed_constant or tosa.const)");
    }
    auto p = cast<QuantParamsAttr>(attr);
    if (int64_t(codes.size()) != w.getNumElements())
      return emitRunError(op, "multipoint term has " + Twine(codes.size()) +
                                  " codes for a weight of shape " +
                                  formatShape(w.getShape()));
    if (failed(checkParams(op, w, p, "multipoint term")))
      return failure();
    terms.mats.push_back(codesMinusZeroPoints(codes, o, k, p));
    terms.params.push_back(p);
  }
  if (!op.getOutputParamsAttr())
    return emitRunError(op, "a multipoint weight needs output_params");
  return terms;
}

/// Output stage: requantize the int32 accumulators of every term (channel =
/// innermost index; the bias is already in term 0) to `out`.
template <typename OpTy>
void finishTerms(OpTy op, const WeightTerms &w, ArrayRef<Tensor> accs,
                 Tensor &out, int64_t channels) {
  QuantParamsAttr outP = op.getOutputParamsAttr();
  int32_t lo = int32_t(op.getClampMin().value_or(outP.getQMin()));
  int32_t hi = int32_t(op.getClampMax().value_or(outP.getQMax()));
  int32_t zp = int32_t(outP.getZeroPoint()[0]);
  double sx = op.getInputParams().getScale()[0], sOut = outP.getScale()[0];
  int numTerms = int(accs.size());
  std::vector<FixedPointMultiplier> m(channels * numTerms);
  for (int64_t c = 0; c < channels; ++c)
    for (int k = 0; k < numTerms; ++k)
      m[c * numTerms + k] = quantizeMultiplier(
          sx * ParamView{w.params[k]}.scale(c) / sOut *
          double(1 << kMultipointFracBits));
  out = Tensor::createUninitialized(ElementKind::I32, accs[0].getShape());
  int32_t *dst = out.getData<int32_t>();
  SmallVector<int32_t> a(numTerms);
  for (int64_t i = 0, n = out.getNumElements(); i < n; ++i) {
    for (int k = 0; k < numTerms; ++k)
      a[k] = accs[k].getData<int32_t>()[i];
    dst[i] = requantizeTerms(a.data(), &m[(i % channels) * numTerms], numTerms,
                             zp, lo, hi);
  }
}

LogicalResult runConv2D(Conv2DOp op, Operands in, Results out,
                        const ExecContext &ctx) {
  const Tensor &x = *in[0], &wt = *in[1];
  if (failed(checkKind(op, x, ElementKind::I32, "input")) ||
      failed(checkRank(op, x, 4, "input")))
    return failure();
  FailureOr<WeightTerms> w = weightTerms(op, wt);
  if (failed(w))
    return failure();
  int64_t n = x.getDimSize(0), h = x.getDimSize(1), wd = x.getDimSize(2),
          c = x.getDimSize(3);
  int64_t o = wt.getDimSize(0), kh = wt.getDimSize(1), kw = wt.getDimSize(2),
          cg = wt.getDimSize(3);
  int64_t groups = op.getGroups();
  if (c != cg * groups || o % groups)
    return emitRunError(op, "input channels do not match the weights");
  ArrayRef<int64_t> pad = op.getPad(), stride = op.getStride(),
                    dil = op.getDilation();
  if (pad.size() != 4 || stride.size() != 2 || dil.size() != 2)
    return emitRunError(op, "pad needs 4 entries, stride and dilation 2");
  if (failed(checkParams(op, x, op.getInputParams(), "input")))
    return failure();
  // Output extents with checked arithmetic (huge pads or dilations must not
  // wrap): floor((in + pads - ((k - 1) * dilation + 1)) / stride) + 1.
  auto outExtent = [&](int64_t in, int64_t k, int64_t p0, int64_t p1,
                       int64_t s, int64_t d) -> std::optional<int64_t> {
    std::optional<int64_t> padded = checkedSum({in, p0, p1});
    std::optional<int64_t> reach = checkedMul(k - 1, d);
    if (s < 1 || d < 1 || p0 < 0 || p1 < 0 || k < 1 || !padded || !reach ||
        *padded - 1 < *reach)
      return std::nullopt;
    return (*padded - 1 - *reach) / s + 1;
  };
  std::optional<int64_t> ohOr =
      outExtent(h, kh, pad[0], pad[1], stride[0], dil[0]);
  std::optional<int64_t> owOr =
      outExtent(wd, kw, pad[2], pad[3], stride[1], dil[1]);
  if (!ohOr || !owOr)
    return emitRunError(op, "the kernel does not fit the padded input");
  int64_t oh = *ohOr, ow = *owOr;
  int32_t zpx = ParamView{op.getInputParams()}.zp(0);
  std::vector<int32_t> bias(o, 0);
  if (op.getBias()) {
    const Tensor &b = *in[2];
    if (b.getNumElements() != o)
      return emitRunError(op, "bias needs one value per output channel");
    std::copy_n(b.getData<int32_t>(), o, bias.begin());
  }
  // One int32 accumulator tensor per weight term; the bias starts term 0.
  size_t numTerms = w->mats.size();
  SmallVector<Tensor> accs(numTerms);
  for (size_t t = 0; t < numTerms; ++t)
    if (failed(allocateTensor(op, ElementKind::I32, {n, oh, ow, o}, accs[t])))
      return failure();
  int64_t og = o / groups, k = kh * kw * cg;
  if (accs[0].getNumElements() == 0) {
    // No output (zero batch, extent or channels).
  } else if (k == 0) {
    // No input channels: every accumulator is the bias (term 0) or zero.
    for (size_t t = 0; t < numTerms; ++t) {
      int32_t *dst = accs[t].getData<int32_t>();
      for (int64_t i = 0, e = accs[t].getNumElements(); i < e; ++i)
        dst[i] = t == 0 ? bias[i % o] : 0;
    }
  } else {
  // Output pixels per im2col block: the buffer stays within max(2^18, k)
  // int32s whatever the output size, so huge paddings cannot exhaust memory.
  const int64_t pixelsPerBlock = std::max<int64_t>(1, (int64_t(1) << 18) / k);
  const int64_t numPixels = oh * ow;
  const int32_t *src = x.getData<int32_t>();
  parallelFor(n, ctx.numThreads, 1, [&](int64_t nb, int64_t ne) {
    // im2col per image, group and block of pixels, codes minus the input
    // zero point; padding contributes (zp - zp) = 0.
    IntMatrix cols(std::min(pixelsPerBlock, numPixels), k);
    IntMatrix acc;
    for (int64_t b = nb; b < ne; ++b)
      for (int64_t g = 0; g < groups; ++g)
        for (int64_t p0 = 0; p0 < numPixels; p0 += pixelsPerBlock) {
          const int64_t pixels = std::min(pixelsPerBlock, numPixels - p0);
          for (int64_t pp = 0; pp < pixels; ++pp) {
            const int64_t y = (p0 + pp) / ow, xx = (p0 + pp) % ow;
            int32_t *row = cols.data() + pp * k;
            for (int64_t ky = 0; ky < kh; ++ky) {
              int64_t iy = y * stride[0] - pad[0] + ky * dil[0];
              for (int64_t kx = 0; kx < kw; ++kx) {
                int64_t ix = xx * stride[1] - pad[2] + kx * dil[1];
                int32_t *r = row + (ky * kw + kx) * cg;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                  std::fill_n(r, cg, 0);
                  continue;
                }
                const int32_t *s = src + ((b * h + iy) * wd + ix) * c + g * cg;
                for (int64_t ci = 0; ci < cg; ++ci)
                  r[ci] = wrapSub32(s[ci], zpx);
              }
            }
          }
          for (size_t t = 0; t < numTerms; ++t) {
            acc.noalias() = cols.topRows(pixels) *
                            w->mats[t].middleRows(g * og, og).transpose();
            int32_t *dst = accs[t].getData<int32_t>();
            // The bias is added with int32 wrap-around, as the generated
            // code's 32-bit adds do (docs/integer-semantics.md).
            for (int64_t p = 0; p < pixels; ++p)
              for (int64_t oc = 0; oc < og; ++oc)
                dst[(b * numPixels + p0 + p) * o + g * og + oc] = wrapAdd32(
                    acc(p, oc), t == 0 ? bias[g * og + oc] : 0);
          }
        }
  });
  }
  if (numTerms == 1) {
    out[0] = std::move(accs[0]);
    finishAccumulators(op, out[0], o);
  } else {
    finishTerms(op, *w, accs, out[0], o);
  }
  return success();
}

LogicalResult runFullyConnected(FullyConnectedOp op, Operands in, Results out,
                                const ExecContext &) {
  const Tensor &x = *in[0], &wt = *in[1];
  if (failed(checkKind(op, x, ElementKind::I32, "input")))
    return failure();
  if (x.getRank() < 2)
    return emitRunError(op, "input must have rank 2 or more");
  FailureOr<WeightTerms> w = weightTerms(op, wt);
  if (failed(w))
    return failure();
  // Rows: every index of the leading dimensions.
  int64_t k = x.getShape().back(), m = wt.getDimSize(0);
  int64_t n = k ? x.getNumElements() / k
                : getNumElements(x.getShape().drop_back());
  SmallVector<int64_t> outShape(x.getShape().drop_back());
  outShape.push_back(m);
  if (w->mats[0].cols() != k)
    return emitRunError(op, "input features do not match the weights");
  const int32_t *bias = op.getBias() ? in[2]->getData<int32_t>() : nullptr;
  if (bias && in[2]->getNumElements() != m)
    return emitRunError(op, "bias needs one value per output feature");
  if (failed(checkParams(op, x, op.getInputParams(), "input")))
    return failure();
  int32_t zpx = ParamView{op.getInputParams()}.zp(0);
  IntMatrix xm(n, k);
  const int32_t *src = x.getData<int32_t>();
  for (int64_t i = 0; i < n * k; ++i)
    xm.data()[i] = wrapSub32(src[i], zpx);
  SmallVector<Tensor> accs(w->mats.size());
  for (size_t t = 0; t < w->mats.size(); ++t) {
    if (failed(allocateTensor(op, ElementKind::I32, outShape, accs[t])))
      return failure();
    if (accs[t].getNumElements() == 0)
      continue;
    Eigen::Map<IntMatrix> acc(accs[t].getData<int32_t>(), n, m);
    acc.noalias() = xm * w->mats[t].transpose();
    // Bias added with int32 wrap-around, as in the generated code.
    if (t == 0 && bias)
      for (int64_t r = 0; r < n; ++r)
        for (int64_t c = 0; c < m; ++c)
          acc(r, c) = wrapAdd32(acc(r, c), bias[c]);
  }
  if (accs.size() == 1) {
    out[0] = std::move(accs[0]);
    finishAccumulators(op, out[0], m);
  } else {
    finishTerms(op, *w, accs, out[0], m);
  }
  return success();
}

LogicalResult runAdd(AddOp op, Operands in, Results out, const ExecContext &) {
  const Tensor &a = *in[0], &b = *in[1];
  if (failed(checkKind(op, a, ElementKind::I32, "lhs")) ||
      failed(checkKind(op, b, ElementKind::I32, "rhs")))
    return failure();
  BroadcastPlan plan;
  if (failed(computeBroadcastPlan(op, {a.getShape(), b.getShape()}, plan)))
    return failure();
  QuantParamsAttr outP = op.getOutputParams();
  AddParams p = makeAddParams(
      op.getLhsParams().getScale()[0], int32_t(op.getLhsParams().getZeroPoint()[0]),
      op.getRhsParams().getScale()[0], int32_t(op.getRhsParams().getZeroPoint()[0]),
      outP.getScale()[0], int32_t(outP.getZeroPoint()[0]),
      int32_t(op.getClampMin().value_or(outP.getQMin())),
      int32_t(op.getClampMax().value_or(outP.getQMax())));
  if (failed(allocateTensor(op, ElementKind::I32, plan.outShape, out[0])))
    return failure();
  broadcastBinary(plan, a.getData<int32_t>(), b.getData<int32_t>(),
                  out[0].getData<int32_t>(),
                  [&](int32_t x, int32_t y) { return addQuantized(x, y, p); });
  return success();
}

LogicalResult runAvgPool2D(AvgPool2dOp op, Operands in, Results out,
                           const ExecContext &) {
  const Tensor &x = *in[0];
  if (failed(checkKind(op, x, ElementKind::I32, "input")) ||
      failed(checkRank(op, x, 4, "input")))
    return failure();
  int64_t n = x.getDimSize(0), h = x.getDimSize(1), w = x.getDimSize(2),
          c = x.getDimSize(3);
  ArrayRef<int64_t> k = op.getKernel(), s = op.getStride(), pad = op.getPad();
  if (k.size() != 2 || s.size() != 2 || pad.size() != 4 || k[0] < 1 ||
      k[1] < 1 || s[0] < 1 || s[1] < 1 ||
      llvm::any_of(pad, [](int64_t p) { return p < 0; }))
    return emitRunError(op, "bad kernel, stride or pad");
  if (failed(checkParams(op, x, op.getInputParams(), "input")))
    return failure();
  // Checked: huge pads must not wrap.
  std::optional<int64_t> ph = checkedSum({h, pad[0], pad[1]});
  std::optional<int64_t> pw = checkedSum({w, pad[2], pad[3]});
  if (!ph || !pw || *ph < k[0] || *pw < k[1])
    return emitRunError(op, "the kernel does not fit the padded input");
  int64_t oh = (*ph - k[0]) / s[0] + 1;
  int64_t ow = (*pw - k[1]) / s[1] + 1;
  ParamView pin{op.getInputParams()};
  QuantParamsAttr outP = op.getOutputParams();
  int32_t zpIn = pin.zp(0), zpOut = int32_t(outP.getZeroPoint()[0]);
  int32_t lo = int32_t(outP.getQMin()), hi = int32_t(outP.getQMax());
  if (failed(allocateTensor(op, ElementKind::I32, {n, oh, ow, c}, out[0])))
    return failure();
  const int32_t *src = x.getData<int32_t>();
  int32_t *dst = out[0].getData<int32_t>();
  SmallVector<int64_t> sums(c);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xx = 0; xx < ow; ++xx) {
        std::fill(sums.begin(), sums.end(), 0);
        int64_t count = 0;
        // Only the window's rows and columns inside the input (a huge
        // kernel over padding costs nothing).
        int64_t iy0 = y * s[0] - pad[0], ix0 = xx * s[1] - pad[2];
        int64_t yBegin = std::max<int64_t>(iy0, 0);
        int64_t yEnd = std::min<int64_t>(h, iy0 + k[0]);
        int64_t xBegin = std::max<int64_t>(ix0, 0);
        int64_t xEnd = std::min<int64_t>(w, ix0 + k[1]);
        for (int64_t iy = yBegin; iy < yEnd; ++iy) {
          for (int64_t ix = xBegin; ix < xEnd; ++ix) {
            ++count;
            const int32_t *p = src + ((b * h + iy) * w + ix) * c;
            for (int64_t ch = 0; ch < c; ++ch)
              sums[ch] += int64_t(p[ch]) - zpIn;
          }
        }
        FixedPointMultiplier m =
            averageMultiplier(pin.scale(0), outP.getScale()[0], count);
        int32_t *o = dst + ((b * oh + y) * ow + xx) * c;
        for (int64_t ch = 0; ch < c; ++ch)
          o[ch] = requantize(int32_t(sums[ch]), m, zpOut, lo, hi);
      }
  return success();
}

} // namespace

void mpq::registerMPQOpHandlers(OpHandlerRegistry &registry) {
  registry.add<QuantizeOp, runQuantize>();
  registry.add<DequantizeOp, runDequantize>();
  registry.add<RequantizeOp, runRequantize>();
  registry.add<PackedConstantOp, runPackedConstant>();
  registry.add<MultipointWeightOp, runMultipointWeight>();
  registry.add<Conv2DOp, runConv2D>();
  registry.add<FullyConnectedOp, runFullyConnected>();
  registry.add<AddOp, runAdd>();
  registry.add<AvgPool2dOp, runAvgPool2D>();
}
