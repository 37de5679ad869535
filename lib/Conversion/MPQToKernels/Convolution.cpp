//===- Convolution.cpp - conv/FC through the GEMM driver, im2col, depthwise ---===//

#include "Lowering.h"

using namespace mlir;
using namespace mpq;
using namespace mpq::kernels;
using namespace mpq::lowering;

template <typename OpTy>
static FailureOr<GemmLayer> gemmLayer(OpTy op, int64_t m, int64_t n,
                                      int64_t k) {
  GemmLayer layer{op, m, n, k};
  FailureOr<SmallVector<WeightTerm>> terms = weightTerms(op, n);
  FailureOr<SmallVector<int32_t>> bias = constantI32(op, op.getBias(), n);
  if (failed(terms) || failed(bias))
    return failure();
  layer.terms = std::move(*terms);
  layer.bias = std::move(*bias);
  layer.in = op.getInputParams();
  layer.out = op.getOutputParamsAttr();
  if (layer.out)
    layer.range = outputRange(op, layer.out);
  return layer;
}

template <typename OpTy> static LogicalResult checkGemmOperands(OpTy op) {
  if (failed(requirePerTensor(op, op.getInputParams(), "input")) ||
      failed(requirePerTensor(op, op.getOutputParamsAttr(), "output")))
    return failure();
  if (!op.getInputParams().getIsSigned())
    return op.emitOpError("code generation needs signed activation codes "
                          "(the quantizer's unsigned ranges are signed codes "
                          "with zero point -128)");
  return success();
}

LogicalResult Lowering::emitConv(Conv2DOp op, ImplicitLocOpBuilder &b) {
  if (failed(checkGemmOperands(op)))
    return failure();
  SmallVector<int64_t> in = *staticShape(op, op.getInput());
  SmallVector<int64_t> out = *staticShape(op, op.getOutput());
  auto wt = cast<RankedTensorType>(op.getWeight().getType());
  int64_t h = in[1], w = in[2], c = in[3];
  int64_t o = wt.getDimSize(0), kh = wt.getDimSize(1), kw = wt.getDimSize(2);
  int64_t oh = out[1], ow = out[2];
  if (in[0] != 1)
    return op.emitOpError("code generation runs one sample per call");
  ArrayRef<int64_t> pad = op.getPad(), st = op.getStride(),
                    dil = op.getDilation();
  FailureOr<GemmLayer> gl = gemmLayer(op, oh * ow, o, kh * kw * c);
  if (failed(gl))
    return failure();
  const GemmLayer &layer = *gl;
  Value src = storage(op.getInput()).mem;
  int64_t zpx = zpOf(layer.in, 0);
  int64_t kp = llvm::alignTo(layer.k, gemm.kAlign());
  bool direct = kh == 1 && kw == 1 && st[0] == 1 && st[1] == 1 &&
                llvm::all_of(pad, [](int64_t p) { return p == 0; }) &&
                c % gemm.kAlign() == 0;
  Value tileMem =
      direct ? Value() : scratch(b, op, b.getI8Type(), gemm.maxRows() * kp);
  auto packA = [&](ImplicitLocOpBuilder &b, Value m0,
                   int64_t rows) -> std::tuple<Value, Value, int64_t> {
    if (direct)
      return {src, mulI(b, m0, c), c};
    // im2col of `rows` output pixels into the tile; padding holds the input
    // zero point (it then contributes nothing), the K tail zeros.
    Value zp = cst(b, b.getI32Type(), zpx);
    forLoop(b, rows, [&](Value r) {
      Value m = addI(b, m0, r);
      Value oy = arith::DivUIOp::create(b, m, idx(b, ow));
      Value ox = arith::RemUIOp::create(b, m, idx(b, ow));
      Value rowBase = mulI(b, r, kp);
      forLoop(b, kh, [&](Value ky) {
        forLoop(b, kw, [&](Value kx) {
          Value iy = addI(b, addC(b, mulI(b, oy, st[0]), -pad[0]),
                          mulI(b, ky, dil[0]));
          Value ix = addI(b, addC(b, mulI(b, ox, st[1]), -pad[2]),
                          mulI(b, kx, dil[1]));
          Value ok =
              arith::AndIOp::create(b, inBounds(b, iy, h), inBounds(b, ix, w));
          Value to = addI(b, rowBase, mulI(b, addI(b, mulI(b, ky, kw), kx), c));
          auto ifOp = scf::IfOp::create(b, TypeRange{}, ok, /*else=*/true);
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(&ifOp.getThenRegion().front());
            Value from = mulI(b, addI(b, mulI(b, iy, w), ix), c);
            forLoop(b, c, [&](Value ch) {
              Value v =
                  memref::LoadOp::create(b, src, ValueRange{addI(b, from, ch)});
              memref::StoreOp::create(b, v, tileMem,
                                      ValueRange{addI(b, to, ch)});
            });
            b.setInsertionPointToStart(&ifOp.getElseRegion().front());
            forLoop(b, c, [&](Value ch) {
              storeCode(b, zp, tileMem, addI(b, to, ch));
            });
          }
        });
      });
      forLoop(b, idx(b, layer.k), idx(b, kp), 1, [&](Value j) {
        storeCode(b, cst(b, b.getI32Type(), 0), tileMem, addI(b, rowBase, j));
      });
    });
    return {tileMem, idx(b, 0), kp};
  };
  return emitGemm(layer, b, packA, storage(op.getOutput()).mem);
}

LogicalResult Lowering::emitFullyConnected(FullyConnectedOp op,
                                           ImplicitLocOpBuilder &b) {
  if (failed(checkGemmOperands(op)))
    return failure();
  SmallVector<int64_t> in = *staticShape(op, op.getInput());
  auto wt = cast<RankedTensorType>(op.getWeight().getType());
  int64_t n = wt.getDimSize(0), k = wt.getDimSize(1);
  // Every index of the leading dimensions is one row.
  FailureOr<GemmLayer> gl =
      gemmLayer(op, numElements(ArrayRef<int64_t>(in).drop_back()), n, k);
  if (failed(gl))
    return failure();
  const GemmLayer &layer = *gl;
  Value src = storage(op.getInput()).mem;
  int64_t kp = llvm::alignTo(k, gemm.kAlign());
  bool direct = k == kp;
  Value rowsMem =
      direct ? Value() : scratch(b, op, b.getI8Type(), gemm.maxRows() * kp);
  auto packA = [&](ImplicitLocOpBuilder &b, Value m0,
                   int64_t rows) -> std::tuple<Value, Value, int64_t> {
    if (direct)
      return {src, mulI(b, m0, k), k};
    forLoop(b, rows, [&](Value r) {
      Value from = mulI(b, addI(b, m0, r), k), to = mulI(b, r, kp);
      forLoop(b, kp, [&](Value j) {
        Value inK =
            arith::CmpIOp::create(b, arith::CmpIPredicate::slt, j, idx(b, k));
        Value safe = arith::SelectOp::create(b, inK, j, idx(b, 0));
        Value v =
            memref::LoadOp::create(b, src, ValueRange{addI(b, from, safe)});
        Value zero = cst(b, b.getI8Type(), 0);
        memref::StoreOp::create(b, arith::SelectOp::create(b, inK, v, zero),
                                rowsMem, ValueRange{addI(b, to, j)});
      });
    });
    return {rowsMem, idx(b, 0), kp};
  };
  return emitGemm(layer, b, packA, storage(op.getOutput()).mem);
}

/// 8 depthwise weights (vector<8xi8>, sign-extended codes) of one tap from
/// `mem` at byte `at`: 8 bytes, or 8 / (8 / container) bytes of packed
/// fields (low bits first), unpacked with shifts and put back in channel
/// order with shuffles.
static Value loadDepthwiseWeights(ImplicitLocOpBuilder &b, Value mem, Value at,
                                  unsigned container) {
  int64_t fields = 8 / container, bytes = 8 / fields;
  auto type = VectorType::get({bytes}, b.getI8Type());
  Value v = vector::LoadOp::create(b, type, mem, ValueRange{at});
  if (fields == 1)
    return v;
  SmallVector<Value> f;
  for (int64_t phi = 0; phi < fields; ++phi) {
    int64_t up = 8 - container * (phi + 1);
    Value x = up ? Value(arith::ShLIOp::create(b, v, cst(b, type, up))) : v;
    f.push_back(arith::ShRSIOp::create(b, x, cst(b, type, 8 - container)));
  }
  // Concatenate the fields (field phi, byte j at phi * bytes + j), then
  // channel j * fields + phi takes field phi of byte j.
  if (fields == 4) {
    SmallVector<int64_t> id4 = {0, 1, 2, 3};
    Value lo = vector::ShuffleOp::create(b, f[0], f[1], id4);
    Value hi = vector::ShuffleOp::create(b, f[2], f[3], id4);
    f = {lo, hi};
  }
  SmallVector<int64_t> mask;
  for (int64_t ch = 0; ch < 8; ++ch) {
    int64_t byte = ch / fields, phi = ch % fields;
    mask.push_back(phi * bytes + byte);
  }
  return vector::ShuffleOp::create(b, f[0], f[1], mask);
}

LogicalResult Lowering::emitDepthwise(Conv2DOp op, ImplicitLocOpBuilder &b) {
  SmallVector<int64_t> in = *staticShape(op, op.getInput());
  SmallVector<int64_t> out = *staticShape(op, op.getOutput());
  auto wt = cast<RankedTensorType>(op.getWeight().getType());
  int64_t h = in[1], w = in[2], c = in[3];
  int64_t o = wt.getDimSize(0), kh = wt.getDimSize(1), kw = wt.getDimSize(2);
  if (op.getGroups() != c || o != c || wt.getDimSize(3) != 1)
    return op.emitOpError("code generation supports groups = 1 and "
                          "depthwise convolution (groups = channels = "
                          "outputs), not groups = ")
           << op.getGroups();
  if (!op.getWeightParamsAttr())
    return op.emitOpError("code generation does not support multipoint "
                          "weights on depthwise convolution yet");
  QuantParamsAttr pin = op.getInputParams(), pout = op.getOutputParamsAttr();
  if (failed(requirePerTensor(op, pin, "input")) ||
      failed(requirePerTensor(op, pout, "output")))
    return failure();
  FailureOr<SmallVector<WeightTerm>> terms = weightTerms(op, o);
  FailureOr<SmallVector<int32_t>> bias = constantI32(op, op.getBias(), o);
  if (failed(terms) || failed(bias))
    return failure();
  // Weights as [tap][channel], so the channel loop is contiguous.
  const SmallVector<int8_t> &codes = (*terms)[0].codes;
  SmallVector<int8_t> taps(kh * kw * c);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t t = 0; t < kh * kw; ++t)
      taps[t * c + ch] = codes[ch * kh * kw + t];
  SmallVector<int32_t> mant(c), shift(c);
  if (pout)
    for (int64_t ch = 0; ch < c; ++ch) {
      FixedPointMultiplier m = quantizeMultiplier(
          scaleOf(pin, 0) * scaleOf((*terms)[0].params, ch) / scaleOf(pout, 0));
      mant[ch] = m.mantissa;
      shift[ch] = m.shift;
    }
  // The vector form works on `lanes` channels at a time: the widest the
  // kernel declares (depthwiseLanes) that divides the channels, at least
  // 8. With 8 lanes it keeps low-bit weights packed: per tap, channels
  // row-major, 8 / container channels per byte (low bits first); wider
  // vectors read them unpacked (taps x channels bytes).
  unsigned container = (*terms)[0].container;
  bool vectorForm = depthwiseVectorForm(op);
  int64_t lanes = 8;
  while (lanes * 2 <= gemm.depthwiseLanes() && c % (lanes * 2) == 0)
    lanes *= 2;
  int64_t fieldLo = -(int64_t(1) << (container - 1)),
          fieldHi = (int64_t(1) << (container - 1)) - 1;
  if (!vectorForm || lanes > 8 ||
      llvm::any_of(taps, [&](int8_t v) { return v < fieldLo || v > fieldHi; }))
    container = 8;
  int64_t fields = 8 / container;
  SmallVector<int8_t> stored = taps;
  if (fields > 1) {
    stored.assign(taps.size() / fields, 0);
    for (size_t i = 0; i < taps.size(); ++i)
      stored[i / fields] =
          int8_t(uint8_t(stored[i / fields]) |
                 uint8_t((uint8_t(taps[i]) & ((1u << container) - 1))
                         << ((i % fields) * container)));
  }
  Value wMem = globalI8(b, "dw", stored), biasMem = globalI32(b, "bias", *bias);
  Value mantMem = globalI32(b, "mant", mant),
        shiftMem = globalI32(b, "shift", shift);
  const Storage &src = storage(op.getInput());
  Value dst = storage(op.getOutput()).mem;
  Range range = pout ? outputRange(op, pout) : Range{0, 0};
  ArrayRef<int64_t> pad = op.getPad(), st = op.getStride(),
                    dil = op.getDilation();
  if (vectorForm) {
    // Vector form: `lanes` channels at a time, accumulators in registers
    // through the (unrolled) taps; 16-bit products (|x - zp| <= 255,
    // |w| <= 128) widened into int32 accumulators of `accLanes` lanes (two
    // int32x4 for 8 channels, one register group for wider vectors).
    int64_t accLanes = lanes == 8 ? 4 : lanes, groups = lanes / accLanes;
    auto vi8 = VectorType::get({lanes}, b.getI8Type());
    auto vi16 = VectorType::get({lanes}, b.getI16Type());
    auto vacc = VectorType::get({accLanes}, b.getI32Type());
    auto vout = VectorType::get({accLanes}, b.getI8Type());
    Value zp16 = cst(b, vi16, zpOf(pin, 0));
    // Channel blocks outside, pixels inside: a block's weights (one register
    // per tap, unpacked once), bias and multipliers stay in registers for
    // all output pixels.
    forLoop(b, c / lanes, [&](Value cb) {
      Value c0 = mulI(b, cb, lanes);
      SmallVector<Value> tapWeights;
      for (int64_t t = 0; t < kh * kw; ++t) {
        Value at = addC(b, b.createOrFold<arith::DivUIOp>(c0, idx(b, fields)),
                        t * c / fields);
        Value wt = lanes == 8 ? loadDepthwiseWeights(b, wMem, at, container)
                              : vector::LoadOp::create(b, vi8, wMem, at);
        tapWeights.push_back(arith::ExtSIOp::create(b, vi16, wt));
      }
      SmallVector<Value> bias, mant, shift;
      for (int64_t g = 0; g < groups; ++g) {
        Value ch = addC(b, c0, accLanes * g);
        bias.push_back(
            vector::LoadOp::create(b, vacc, biasMem, ValueRange{ch}));
        mant.push_back(
            vector::LoadOp::create(b, vacc, mantMem, ValueRange{ch}));
        shift.push_back(
            vector::LoadOp::create(b, vacc, shiftMem, ValueRange{ch}));
      }
      SmallVector<Type> accTypes(groups, vacc);
      loopNest(b, {out[0], out[1], out[2]}, [&](ArrayRef<Value> ivs) {
        SmallVector<Value> acc = bias;
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t kx = 0; kx < kw; ++kx) {
            Value iy = addC(b, mulI(b, ivs[1], st[0]), ky * dil[0] - pad[0]);
            Value ix = addC(b, mulI(b, ivs[2], st[1]), kx * dil[1] - pad[2]);
            Value ok = arith::AndIOp::create(b, inBounds(b, iy, h),
                                             inBounds(b, ix, w));
            auto ifOp = scf::IfOp::create(b, accTypes, ok, /*else=*/true);
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(&ifOp.getThenRegion().front());
            Value from = addI(
                b, linearIndex(b, {ivs[0], iy, ix}, {h * w * c, w * c, c}), c0);
            Value x =
                vector::LoadOp::create(b, vi8, src.mem, ValueRange{from});
            x = src.isSigned ? Value(arith::ExtSIOp::create(b, vi16, x))
                             : Value(arith::ExtUIOp::create(b, vi16, x));
            x = arith::SubIOp::create(b, x, zp16);
            Value p = arith::MulIOp::create(b, x, tapWeights[ky * kw + kx]);
            SmallVector<Value> next;
            for (int64_t g = 0; g < groups; ++g) {
              Value part =
                  groups == 1
                      ? p
                      : Value(vector::ExtractStridedSliceOp::create(
                            b, p, ArrayRef<int64_t>{g * accLanes},
                            ArrayRef<int64_t>{accLanes}, ArrayRef<int64_t>{1}));
              next.push_back(arith::AddIOp::create(
                  b, acc[g], arith::ExtSIOp::create(b, vacc, part)));
            }
            scf::YieldOp::create(b, next);
            b.setInsertionPointToStart(&ifOp.getElseRegion().front());
            scf::YieldOp::create(b, acc);
            acc.assign(ifOp.getResults().begin(), ifOp.getResults().end());
          }
        Value base = addI(b,
                          linearIndex(b, {ivs[0], ivs[1], ivs[2]},
                                      {out[1] * out[2] * c, out[2] * c, c}),
                          c0);
        for (int64_t g = 0; g < groups; ++g) {
          Value y = requantize(b, acc[g], mant[g], shift[g], zpOf(pout, 0),
                               range.lo, range.hi);
          vector::StoreOp::create(b, arith::TruncIOp::create(b, vout, y), dst,
                                  ValueRange{addC(b, base, accLanes * g)});
        }
      });
    });
    return success();
  }
  Value acc = scratch(b, op, b.getI32Type(), c);
  Value zpx = cst(b, b.getI32Type(), zpOf(pin, 0));
  loopNest(b, {out[0], out[1], out[2]}, [&](ArrayRef<Value> ivs) {
    forLoop(b, c, [&](Value ch) {
      memref::StoreOp::create(
          b, memref::LoadOp::create(b, biasMem, ValueRange{ch}), acc,
          ValueRange{ch});
    });
    forLoop(b, kh, [&](Value ky) {
      forLoop(b, kw, [&](Value kx) {
        Value iy = addI(b, addC(b, mulI(b, ivs[1], st[0]), -pad[0]),
                        mulI(b, ky, dil[0]));
        Value ix = addI(b, addC(b, mulI(b, ivs[2], st[1]), -pad[2]),
                        mulI(b, kx, dil[1]));
        Value ok =
            arith::AndIOp::create(b, inBounds(b, iy, h), inBounds(b, ix, w));
        auto ifOp = scf::IfOp::create(b, TypeRange{}, ok, /*else=*/false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
        Value from = linearIndex(b, {ivs[0], iy, ix}, {h * w * c, w * c, c});
        Value tap = mulI(b, addI(b, mulI(b, ky, kw), kx), c);
        forLoop(b, c, [&](Value ch) {
          Value x = arith::SubIOp::create(
              b, loadCode(b, src.mem, addI(b, from, ch), src.isSigned), zpx);
          Value wv = loadCode(b, wMem, addI(b, tap, ch), true);
          Value cur = memref::LoadOp::create(b, acc, ValueRange{ch});
          memref::StoreOp::create(
              b, arith::AddIOp::create(b, cur, arith::MulIOp::create(b, x, wv)),
              acc, ValueRange{ch});
        });
      });
    });
    Value base = linearIndex(b, ivs, {out[1] * out[2] * c, out[2] * c, c});
    forLoop(b, c, [&](Value ch) {
      Value a = memref::LoadOp::create(b, acc, ValueRange{ch});
      Value at = addI(b, base, ch);
      if (!pout) {
        memref::StoreOp::create(b, a, dst, ValueRange{at});
        return;
      }
      Value m = memref::LoadOp::create(b, mantMem, ValueRange{ch});
      Value sh = memref::LoadOp::create(b, shiftMem, ValueRange{ch});
      storeCode(b, requantize(b, a, m, sh, zpOf(pout, 0), range.lo, range.hi),
                dst, at);
    });
  });
  return success();
}

