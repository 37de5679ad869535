//===- DataMovement.cpp - quantize, requantize, pools, add, TOSA data movement ---===//

#include "Lowering.h"

using namespace mlir;
using namespace mpq;
using namespace mpq::kernels;
using namespace mpq::lowering;

LogicalResult Lowering::emitQuantize(QuantizeOp op, ImplicitLocOpBuilder &b) {
  QuantParamsAttr p = op.getParams();
  if (failed(requirePerTensor(op, p, "quantize")))
    return failure();
  Value in = storage(op.getInput()).mem, out = storage(op.getOutput()).mem;
  int64_t n = numElements(*staticShape(op, op.getInput()));
  float inv = float(1.0 / p.getScale()[0]);
  int64_t zp = p.getZeroPoint()[0];
  Type f32 = b.getF32Type();
  Value invC = arith::ConstantOp::create(b, f32, b.getF32FloatAttr(inv));
  Value zero = arith::ConstantOp::create(b, f32, b.getF32FloatAttr(0.0f));
  // Beyond +-2^30 every code saturates anyway; the bound keeps fptosi defined.
  Value big = arith::ConstantOp::create(b, f32, b.getF32FloatAttr(1.0e9f));
  Value small = arith::ConstantOp::create(b, f32, b.getF32FloatAttr(-1.0e9f));
  forLoop(b, n, [&](Value i) {
    Value x = memref::LoadOp::create(b, in, ValueRange{i});
    Value s = arith::MulFOp::create(b, x, invC);
    Value r = math::RoundEvenOp::create(b, s);
    Value nan = arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, s, s);
    r = arith::SelectOp::create(b, nan, zero, r);
    r = arith::MinimumFOp::create(b, arith::MaximumFOp::create(b, r, small),
                                  big);
    Value q = arith::FPToSIOp::create(b, b.getI32Type(), r);
    q = arith::AddIOp::create(b, q, cst(b, b.getI32Type(), zp));
    q = clampS(b, q, p.getQMin(), p.getQMax());
    storeCode(b, q, out, i);
  });
  return success();
}

LogicalResult Lowering::emitDequantize(DequantizeOp op,
                                       ImplicitLocOpBuilder &b) {
  QuantParamsAttr p = op.getParams();
  if (failed(requirePerTensor(op, p, "dequantize")))
    return failure();
  const Storage &in = storage(op.getInput());
  Value out = storage(op.getOutput()).mem;
  int64_t n = numElements(*staticShape(op, op.getInput()));
  Value scale = arith::ConstantOp::create(
      b, b.getF32Type(), b.getF32FloatAttr(float(p.getScale()[0])));
  Value zp = cst(b, b.getI32Type(), p.getZeroPoint()[0]);
  forLoop(b, n, [&](Value i) {
    Value q = loadCode(b, in.mem, i, in.isSigned);
    Value d = arith::SIToFPOp::create(b, b.getF32Type(),
                                      arith::SubIOp::create(b, q, zp));
    memref::StoreOp::create(b, arith::MulFOp::create(b, d, scale), out,
                            ValueRange{i});
  });
  return success();
}

LogicalResult Lowering::emitRequantize(RequantizeOp op,
                                       ImplicitLocOpBuilder &b) {
  QuantParamsAttr pin = op.getInputParams(), pout = op.getOutputParams();
  if (failed(requirePerTensor(op, pin, "input")) ||
      failed(requirePerTensor(op, pout, "output")))
    return failure();
  if (!cast<ShapedType>(op.getInput().getType()).getElementType().isInteger(8))
    return op.emitOpError("code generation requantizes i8 codes only");
  const Storage &in = storage(op.getInput());
  Value out = storage(op.getOutput()).mem;
  int64_t n = numElements(*staticShape(op, op.getInput()));
  FixedPointMultiplier m =
      quantizeMultiplier(pin.getScale()[0] / pout.getScale()[0]);
  Value zpIn = cst(b, b.getI32Type(), pin.getZeroPoint()[0]);
  forLoop(b, n, [&](Value i) {
    Value q =
        arith::SubIOp::create(b, loadCode(b, in.mem, i, in.isSigned), zpIn);
    storeCode(b,
              requantize(b, q, m, pout.getZeroPoint()[0], pout.getQMin(),
                         pout.getQMax()),
              out, i);
  });
  return success();
}

LogicalResult Lowering::emitTranspose(tosa::TransposeOp op,
                                      ImplicitLocOpBuilder &b) {
  SmallVector<int64_t> inShape = *staticShape(op, op.getInput1());
  SmallVector<int64_t> outShape = *staticShape(op, op.getOutput());
  ArrayRef<int32_t> perms = op.getPerms();
  SmallVector<int64_t> inStrides = stridesOf(inShape);
  SmallVector<int64_t> permuted, outStrides = stridesOf(outShape);
  for (int32_t p : perms)
    permuted.push_back(inStrides[p]);
  Value in = storage(op.getInput1()).mem, out = storage(op.getOutput()).mem;
  loopNest(b, outShape, [&](ArrayRef<Value> ivs) {
    Value v = memref::LoadOp::create(b, in,
                                     ValueRange{linearIndex(b, ivs, permuted)});
    memref::StoreOp::create(b, v, out,
                            ValueRange{linearIndex(b, ivs, outStrides)});
  });
  return success();
}

FailureOr<SmallVector<int64_t>> lowering::constShape(Operation *op, Value v) {
  auto c = v.getDefiningOp<tosa::ConstShapeOp>();
  if (!c)
    return op->emitOpError("code generation needs constant shape operands");
  SmallVector<int64_t> out;
  for (const APInt &x : c.getValues().getValues<APInt>())
    out.push_back(x.getSExtValue());
  return out;
}

LogicalResult Lowering::emitSlice(tosa::SliceOp op, ImplicitLocOpBuilder &b) {
  FailureOr<SmallVector<int64_t>> start = constShape(op, op.getStart());
  if (failed(start))
    return failure();
  SmallVector<int64_t> inShape = *staticShape(op, op.getInput1());
  SmallVector<int64_t> outShape = *staticShape(op, op.getOutput());
  SmallVector<int64_t> inStrides = stridesOf(inShape),
                       outStrides = stridesOf(outShape);
  Value in = storage(op.getInput1()).mem, out = storage(op.getOutput()).mem;
  loopNest(b, outShape, [&](ArrayRef<Value> ivs) {
    Value v = memref::LoadOp::create(
        b, in, ValueRange{linearIndex(b, ivs, inStrides, *start)});
    memref::StoreOp::create(b, v, out,
                            ValueRange{linearIndex(b, ivs, outStrides)});
  });
  return success();
}

LogicalResult Lowering::emitConcat(tosa::ConcatOp op, ImplicitLocOpBuilder &b) {
  int64_t axis = op.getAxis();
  SmallVector<int64_t> outShape = *staticShape(op, op.getOutput());
  SmallVector<int64_t> outStrides = stridesOf(outShape);
  Value out = storage(op.getOutput()).mem;
  int64_t at = 0;
  for (Value input : op.getInput1()) {
    SmallVector<int64_t> inShape = *staticShape(op, input);
    SmallVector<int64_t> inStrides = stridesOf(inShape);
    SmallVector<int64_t> offsets(inShape.size(), 0);
    offsets[axis] = at;
    Value in = storage(input).mem;
    loopNest(b, inShape, [&](ArrayRef<Value> ivs) {
      Value v = memref::LoadOp::create(
          b, in, ValueRange{linearIndex(b, ivs, inStrides)});
      memref::StoreOp::create(
          b, v, out, ValueRange{linearIndex(b, ivs, outStrides, offsets)});
    });
    at += inShape[axis];
  }
  return success();
}

LogicalResult Lowering::emitClamp(tosa::ClampOp op, ImplicitLocOpBuilder &b) {
  Type e = cast<ShapedType>(op.getInput().getType()).getElementType();
  auto flo = dyn_cast<FloatAttr>(op.getMinValAttr());
  auto fhi = dyn_cast<FloatAttr>(op.getMaxValAttr());
  if (e.isF32() && flo && fhi) {
    // The executor's std::min(std::max(x, lo), hi): NaN propagates, and a
    // tie keeps x.
    Value in = storage(op.getInput()).mem, out = storage(op.getOutput()).mem;
    int64_t n = numElements(*staticShape(op, op.getInput()));
    Type f32 = b.getF32Type();
    Value l = arith::ConstantOp::create(
        b, f32, b.getF32FloatAttr(float(flo.getValueAsDouble())));
    Value h = arith::ConstantOp::create(
        b, f32, b.getF32FloatAttr(float(fhi.getValueAsDouble())));
    forLoop(b, n, [&](Value i) {
      Value x = memref::LoadOp::create(b, in, ValueRange{i});
      Value below = arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, x, l);
      Value y = arith::SelectOp::create(b, below, l, x);
      Value above = arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, h, y);
      memref::StoreOp::create(b, arith::SelectOp::create(b, above, h, y), out,
                              ValueRange{i});
    });
    return success();
  }
  auto lo = dyn_cast<IntegerAttr>(op.getMinValAttr());
  auto hi = dyn_cast<IntegerAttr>(op.getMaxValAttr());
  if (!lo || !hi || !e.isInteger(8))
    return op.emitOpError("code generation clamps i8 codes and float32 "
                          "values only");
  const Storage &in = storage(op.getInput());
  Value out = storage(op.getOutput()).mem;
  int64_t n = numElements(*staticShape(op, op.getInput()));
  forLoop(b, n, [&](Value i) {
    Value q = loadCode(b, in.mem, i, in.isSigned);
    storeCode(b, clampS(b, q, lo.getInt(), hi.getInt()), out, i);
  });
  return success();
}


LogicalResult Lowering::emitMaxPool(tosa::MaxPool2dOp op,
                                    ImplicitLocOpBuilder &b) {
  SmallVector<int64_t> in = *staticShape(op, op.getInput());
  SmallVector<int64_t> out = *staticShape(op, op.getOutput());
  Type e = cast<ShapedType>(op.getInput().getType()).getElementType();
  if (!e.isInteger(8))
    return op.emitOpError("code generation max-pools i8 codes only");
  ArrayRef<int64_t> k = op.getKernel(), s = op.getStride(), pad = op.getPad();
  const Storage &src = storage(op.getInput());
  Value dst = storage(op.getOutput()).mem;
  int64_t h = in[1], w = in[2], c = in[3];
  int64_t lowest = src.isSigned ? -128 : 0;
  loopNest(b, {out[0], out[1], out[2]}, [&](ArrayRef<Value> ivs) {
    Value base = linearIndex(b, ivs, {out[1] * out[2] * c, out[2] * c, c});
    forLoop(b, c, [&](Value ch) {
      storeCode(b, cst(b, b.getI32Type(), lowest), dst, addI(b, base, ch));
    });
    auto [y0, y1] = windowBounds(b, ivs[1], s[0], pad[0], k[0], h);
    auto [x0, x1] = windowBounds(b, ivs[2], s[1], pad[2], k[1], w);
    forLoop(b, y0, y1, 1, [&](Value iy) {
      forLoop(b, x0, x1, 1, [&](Value ix) {
        Value from = linearIndex(b, {ivs[0], iy, ix}, {h * w * c, w * c, c});
        forLoop(b, c, [&](Value ch) {
          Value o = addI(b, base, ch);
          Value cur = loadCode(b, dst, o, src.isSigned);
          Value v = loadCode(b, src.mem, addI(b, from, ch), src.isSigned);
          storeCode(b, arith::MaxSIOp::create(b, cur, v), dst, o);
        });
      });
    });
  });
  return success();
}

LogicalResult Lowering::emitAvgPool(AvgPool2dOp op, ImplicitLocOpBuilder &b) {
  QuantParamsAttr pin = op.getInputParams(), pout = op.getOutputParams();
  if (failed(requirePerTensor(op, pin, "input")) ||
      failed(requirePerTensor(op, pout, "output")))
    return failure();
  SmallVector<int64_t> in = *staticShape(op, op.getInput());
  SmallVector<int64_t> out = *staticShape(op, op.getOutput());
  ArrayRef<int64_t> k = op.getKernel(), s = op.getStride(), pad = op.getPad();
  int64_t h = in[1], w = in[2], c = in[3], oh = out[1], ow = out[2];
  // The multiplier depends on how many inputs a window covers: one per
  // output position, computed here exactly as the reference does.
  SmallVector<int32_t> mant, shift;
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t x = 0; x < ow; ++x) {
      int64_t ys = y * s[0] - pad[0], xs = x * s[1] - pad[2];
      int64_t cy = std::min(ys + k[0], h) - std::max<int64_t>(ys, 0);
      int64_t cx = std::min(xs + k[1], w) - std::max<int64_t>(xs, 0);
      FixedPointMultiplier m = averageMultiplier(
          pin.getScale()[0], pout.getScale()[0], std::max<int64_t>(cy * cx, 1));
      mant.push_back(m.mantissa);
      shift.push_back(m.shift);
    }
  Value mantG = globalI32(b, "avgm", mant),
        shiftG = globalI32(b, "avgs", shift);
  const Storage &src = storage(op.getInput());
  Value dst = storage(op.getOutput()).mem;
  Value sums = scratch(b, op, b.getI32Type(), c);
  Value zpIn = cst(b, b.getI32Type(), pin.getZeroPoint()[0]);
  loopNest(b, {out[0], oh, ow}, [&](ArrayRef<Value> ivs) {
    forLoop(b, c, [&](Value ch) {
      memref::StoreOp::create(b, cst(b, b.getI32Type(), 0), sums,
                              ValueRange{ch});
    });
    auto [y0, y1] = windowBounds(b, ivs[1], s[0], pad[0], k[0], h);
    auto [x0, x1] = windowBounds(b, ivs[2], s[1], pad[2], k[1], w);
    forLoop(b, y0, y1, 1, [&](Value iy) {
      forLoop(b, x0, x1, 1, [&](Value ix) {
        Value from = linearIndex(b, {ivs[0], iy, ix}, {h * w * c, w * c, c});
        forLoop(b, c, [&](Value ch) {
          Value v = arith::SubIOp::create(
              b, loadCode(b, src.mem, addI(b, from, ch), src.isSigned), zpIn);
          Value cur = memref::LoadOp::create(b, sums, ValueRange{ch});
          memref::StoreOp::create(b, arith::AddIOp::create(b, cur, v), sums,
                                  ValueRange{ch});
        });
      });
    });
    Value pos = linearIndex(b, {ivs[1], ivs[2]}, {ow, 1});
    Value m = memref::LoadOp::create(b, mantG, ValueRange{pos});
    Value sh = memref::LoadOp::create(b, shiftG, ValueRange{pos});
    Value base = linearIndex(b, ivs, {oh * ow * c, ow * c, c});
    forLoop(b, c, [&](Value ch) {
      Value acc = memref::LoadOp::create(b, sums, ValueRange{ch});
      storeCode(b,
                requantize(b, acc, m, sh, pout.getZeroPoint()[0],
                           pout.getQMin(), pout.getQMax()),
                dst, addI(b, base, ch));
    });
  });
  return success();
}

LogicalResult Lowering::emitAdd(AddOp op, ImplicitLocOpBuilder &b) {
  QuantParamsAttr pa = op.getLhsParams(), pb = op.getRhsParams(),
                  po = op.getOutputParams();
  if (failed(requirePerTensor(op, pa, "lhs")) ||
      failed(requirePerTensor(op, pb, "rhs")) ||
      failed(requirePerTensor(op, po, "output")))
    return failure();
  SmallVector<int64_t> sa = *staticShape(op, op.getLhs()),
                       sb = *staticShape(op, op.getRhs());
  if (sa != sb)
    return op.emitOpError("code generation adds tensors of equal shape only "
                          "(no broadcasting)");
  Range r = outputRange(op, po);
  AddParams p = makeAddParams(pa.getScale()[0], int32_t(pa.getZeroPoint()[0]),
                              pb.getScale()[0], int32_t(pb.getZeroPoint()[0]),
                              po.getScale()[0], int32_t(po.getZeroPoint()[0]),
                              int32_t(r.lo), int32_t(r.hi));
  const Storage &a = storage(op.getLhs()), &c = storage(op.getRhs());
  Value out = storage(op.getOutput()).mem;
  Type i32 = b.getI32Type();
  auto term = [&](const Storage &st, Value i, int32_t zp,
                  FixedPointMultiplier m) {
    Value x = arith::SubIOp::create(b, loadCode(b, st.mem, i, st.isSigned),
                                    cst(b, i32, zp));
    x = arith::ShLIOp::create(b, x, cst(b, i32, AddParams::kAddLeftShift));
    return applyMultiplier(b, x, cst(b, i32, m.mantissa), cst(b, i32, m.shift));
  };
  forLoop(b, numElements(sa), [&](Value i) {
    Value sum = arith::AddIOp::create(b, term(a, i, p.zpA, p.mA),
                                      term(c, i, p.zpB, p.mB));
    storeCode(b, requantize(b, sum, p.mOut, p.zpOut, p.lo, p.hi), out, i);
  });
  return success();
}

