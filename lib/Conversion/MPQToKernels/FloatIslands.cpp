//===- FloatIslands.cpp - float ops between dequantize and quantize ------===//

#include "Lowering.h"

using namespace mlir;
using namespace mpq;
using namespace mpq::kernels;
using namespace mpq::lowering;

/// mpq::expFloat, operation for operation (see IntegerSemantics.h).
static Value emitExpFloat(ImplicitLocOpBuilder &b, Value x) {
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  auto fc = [&](float v) -> Value {
    return arith::ConstantOp::create(b, f32, b.getF32FloatAttr(v));
  };
  using C = ExpConstants;
  Value nan = arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, x, x);
  // The special cases are selected at the end; the main path runs on a
  // finite, in-range stand-in so that every conversion is defined.
  Value xc = arith::SelectOp::create(b, nan, fc(0.0f), x);
  xc = arith::MinimumFOp::create(
      b, arith::MaximumFOp::create(b, xc, fc(C::kMinInput)), fc(C::kMaxInput));
  Value kf =
      math::RoundEvenOp::create(b, arith::MulFOp::create(b, xc, fc(C::kLog2e)));
  Value r =
      arith::SubFOp::create(b, xc, arith::MulFOp::create(b, kf, fc(C::kLn2Hi)));
  r = arith::SubFOp::create(b, r, arith::MulFOp::create(b, kf, fc(C::kLn2Lo)));
  Value p = fc(C::kPoly[0]);
  for (int i = 1; i < 6; ++i)
    p = arith::AddFOp::create(b, arith::MulFOp::create(b, p, r),
                              fc(C::kPoly[i]));
  Value y = arith::MulFOp::create(b, p, arith::MulFOp::create(b, r, r));
  y = arith::AddFOp::create(b, arith::AddFOp::create(b, y, r), fc(1.0f));
  Value k = arith::FPToSIOp::create(b, i32, kf);
  Value k1 = arith::ShRSIOp::create(b, k, cst(b, i32, 1));
  Value k2 = arith::SubIOp::create(b, k, k1);
  auto pow2 = [&](Value e) -> Value {
    Value bits = arith::ShLIOp::create(
        b, arith::AddIOp::create(b, e, cst(b, i32, 127)), cst(b, i32, 23));
    return arith::BitcastOp::create(b, f32, bits);
  };
  y = arith::MulFOp::create(b, arith::MulFOp::create(b, y, pow2(k1)), pow2(k2));
  Value big =
      arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, x, fc(C::kMaxInput));
  Value small =
      arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, x, fc(C::kMinInput));
  y = arith::SelectOp::create(b, big,
                              fc(std::numeric_limits<float>::infinity()), y);
  y = arith::SelectOp::create(b, small, fc(0.0f), y);
  return arith::SelectOp::create(b, nan, x, y);
}

/// mpq::logFloat, operation for operation (see IntegerSemantics.h); the
/// special cases are selected at the end.
static Value emitLogFloat(ImplicitLocOpBuilder &b, Value x) {
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  auto fc = [&](float v) -> Value {
    return arith::ConstantOp::create(b, f32, b.getF32FloatAttr(v));
  };
  auto cmp = [&](arith::CmpFPredicate p, Value a, Value c) -> Value {
    return arith::CmpFOp::create(b, p, a, c);
  };
  using C = LogConstants;
  float inf = std::numeric_limits<float>::infinity();
  Value sub = cmp(arith::CmpFPredicate::OLT, x,
                  fc(std::numeric_limits<float>::min()));
  Value xs = arith::SelectOp::create(
      b, sub, arith::MulFOp::create(b, x, fc(8388608.0f)), x);
  Value e0 = arith::SelectOp::create(b, sub, cst(b, i32, -23), cst(b, i32, 0));
  Value bits = arith::BitcastOp::create(b, i32, xs);
  Value e = arith::AddIOp::create(
      b, e0,
      arith::SubIOp::create(b, arith::ShRUIOp::create(b, bits, cst(b, i32, 23)),
                            cst(b, i32, 126)));
  Value mBits = arith::OrIOp::create(
      b, arith::AndIOp::create(b, bits, cst(b, i32, 0x007fffff)),
      cst(b, i32, 0x3f000000));
  Value m = arith::BitcastOp::create(b, f32, mBits);
  Value small = cmp(arith::CmpFPredicate::OLT, m, fc(C::kSqrtHalf));
  e = arith::SelectOp::create(b, small,
                              arith::SubIOp::create(b, e, cst(b, i32, 1)), e);
  Value f = arith::SelectOp::create(
      b, small,
      arith::SubFOp::create(b, arith::AddFOp::create(b, m, m), fc(1.0f)),
      arith::SubFOp::create(b, m, fc(1.0f)));
  Value z = arith::MulFOp::create(b, f, f);
  Value p = fc(C::kPoly[0]);
  for (int i = 1; i < 9; ++i)
    p = arith::AddFOp::create(b, arith::MulFOp::create(b, p, f),
                              fc(C::kPoly[i]));
  Value y = arith::MulFOp::create(b, arith::MulFOp::create(b, f, z), p);
  Value ef = arith::SIToFPOp::create(b, f32, e);
  y = arith::AddFOp::create(b, y, arith::MulFOp::create(b, ef, fc(C::kLn2Lo)));
  y = arith::SubFOp::create(b, y, arith::MulFOp::create(b, fc(0.5f), z));
  Value r = arith::AddFOp::create(b, f, y);
  r = arith::AddFOp::create(b, r, arith::MulFOp::create(b, ef, fc(C::kLn2Hi)));
  r = arith::SelectOp::create(b, cmp(arith::CmpFPredicate::OEQ, x, fc(inf)),
                              fc(inf), r);
  r = arith::SelectOp::create(b, cmp(arith::CmpFPredicate::OLT, x, fc(0.0f)),
                              fc(std::numeric_limits<float>::quiet_NaN()), r);
  r = arith::SelectOp::create(b, cmp(arith::CmpFPredicate::OEQ, x, fc(0.0f)),
                              fc(-inf), r);
  return arith::SelectOp::create(b, cmp(arith::CmpFPredicate::UNO, x, x), x,
                                 r);
}

/// The executor's propagatingMax for floats: NaN if either is NaN, else
/// a > b ? a : b (so max(-0, +0) is the second operand, as there).
static Value floatMax(ImplicitLocOpBuilder &b, Value a, Value c) {
  Value gt = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, a, c);
  Value m = arith::SelectOp::create(b, gt, a, c);
  Value nan = arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, a, c);
  Value qnan = arith::ConstantOp::create(
      b, b.getF32Type(),
      b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN()));
  return arith::SelectOp::create(b, nan, qnan, m);
}

/// The executor's propagatingMin for floats: NaN if either is NaN, else
/// a < b ? a : b.
static Value floatMin(ImplicitLocOpBuilder &b, Value a, Value c) {
  Value lt = arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, a, c);
  Value m = arith::SelectOp::create(b, lt, a, c);
  Value nan = arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, a, c);
  Value qnan = arith::ConstantOp::create(
      b, b.getF32Type(),
      b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN()));
  return arith::SelectOp::create(b, nan, qnan, m);
}

/// Row-major strides of an operand broadcast to the result: a size-1
/// dimension has stride 0.
static SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> st = stridesOf(shape);
  for (auto [d, s] : llvm::enumerate(shape))
    if (s == 1)
      st[d] = 0;
  return st;
}

LogicalResult Lowering::emitFloatSelect(tosa::SelectOp op,
                                        ImplicitLocOpBuilder &b) {
  SmallVector<int64_t> so = *staticShape(op, op.getResult());
  SmallVector<SmallVector<int64_t>> strides;
  for (Value v : op->getOperands()) {
    SmallVector<int64_t> s = *staticShape(op, v);
    if (s.size() != so.size())
      return op.emitOpError("code generation broadcasts operands of equal "
                            "rank only");
    strides.push_back(broadcastStrides(s));
  }
  if (!cast<ShapedType>(op.getOperand(0).getType())
           .getElementType()
           .isInteger(1))
    return op.emitOpError("code generation needs an i1 predicate");
  Value p = storage(op.getOperand(0)).mem, x = storage(op.getOperand(1)).mem,
        y = storage(op.getOperand(2)).mem, out = storage(op.getResult()).mem;
  SmallVector<int64_t> stO = stridesOf(so);
  loopNest(b, so, [&](ArrayRef<Value> ivs) {
    auto load = [&](Value mem, ArrayRef<int64_t> st) -> Value {
      return memref::LoadOp::create(b, mem,
                                    ValueRange{linearIndex(b, ivs, st)});
    };
    Value r = arith::SelectOp::create(b, load(p, strides[0]),
                                      load(x, strides[1]), load(y, strides[2]));
    memref::StoreOp::create(b, r, out, ValueRange{linearIndex(b, ivs, stO)});
  });
  return success();
}

LogicalResult Lowering::emitPad(tosa::PadOp op, ImplicitLocOpBuilder &b) {
  FailureOr<SmallVector<int64_t>> padding = constShape(op, op.getPadding());
  if (failed(padding))
    return failure();
  // The fill value: a constant of the element type (codes or floats).
  auto padConst = op.getPadConst().getDefiningOp<tosa::ConstOp>();
  auto dense =
      padConst ? dyn_cast<DenseElementsAttr>(padConst.getValues()) : nullptr;
  Type e = cast<ShapedType>(op.getInput1().getType()).getElementType();
  if (!dense || dense.getNumElements() != 1 ||
      !(e.isF32() || e.isInteger(8)))
    return op.emitOpError("code generation pads i8 codes or float32 values "
                          "with a constant pad_const");
  SmallVector<int64_t> inShape = *staticShape(op, op.getInput1());
  SmallVector<int64_t> outShape = *staticShape(op, op.getOutput());
  SmallVector<int64_t> low;
  for (size_t d = 0; d < inShape.size(); ++d) {
    if ((*padding)[2 * d] < 0 || (*padding)[2 * d + 1] < 0)
      return op.emitOpError("code generation needs non-negative padding");
    low.push_back((*padding)[2 * d]);
  }
  Value fill =
      e.isF32()
          ? Value(arith::ConstantOp::create(
                b, e,
                b.getF32FloatAttr(
                    (*dense.getValues<APFloat>().begin()).convertToFloat())))
          : cst(b, e, (*dense.getValues<APInt>().begin()).getSExtValue());
  Value in = storage(op.getInput1()).mem, out = storage(op.getOutput()).mem;
  // Fill everything, then copy the input into its box.
  forLoop(b, numElements(outShape), [&](Value i) {
    memref::StoreOp::create(b, fill, out, ValueRange{i});
  });
  SmallVector<int64_t> inStrides = stridesOf(inShape),
                       outStrides = stridesOf(outShape);
  loopNest(b, inShape, [&](ArrayRef<Value> ivs) {
    Value v = memref::LoadOp::create(
        b, in, ValueRange{linearIndex(b, ivs, inStrides)});
    memref::StoreOp::create(
        b, v, out, ValueRange{linearIndex(b, ivs, outStrides, low)});
  });
  return success();
}

LogicalResult Lowering::emitFloatBinary(Operation *op,
                                        ImplicitLocOpBuilder &b) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  SmallVector<int64_t> sa = *staticShape(op, lhs), sb = *staticShape(op, rhs);
  SmallVector<int64_t> so = *staticShape(op, op->getResult(0));
  if (sa.size() != so.size() || sb.size() != so.size())
    return op->emitOpError("code generation broadcasts operands of equal "
                           "rank only");
  if (auto mul = dyn_cast<tosa::MulOp>(op))
    if (!cast<ShapedType>(lhs.getType()).getElementType().isF32())
      return op->emitOpError("code generation multiplies float tensors only");
  // Broadcast: a size-1 dimension has stride 0.
  auto bstrides = [&](ArrayRef<int64_t> shape) {
    SmallVector<int64_t> st = stridesOf(shape);
    for (auto [d, s] : llvm::enumerate(shape))
      if (s == 1)
        st[d] = 0;
    return st;
  };
  SmallVector<int64_t> stA = bstrides(sa), stB = bstrides(sb),
                       stO = stridesOf(so);
  Value a = storage(lhs).mem, c = storage(rhs).mem,
        out = storage(op->getResult(0)).mem;
  loopNest(b, so, [&](ArrayRef<Value> ivs) {
    Value x =
        memref::LoadOp::create(b, a, ValueRange{linearIndex(b, ivs, stA)});
    Value y =
        memref::LoadOp::create(b, c, ValueRange{linearIndex(b, ivs, stB)});
    Value r;
    if (isa<tosa::AddOp>(op))
      r = arith::AddFOp::create(b, x, y);
    else if (isa<tosa::SubOp>(op))
      r = arith::SubFOp::create(b, x, y);
    else if (isa<tosa::MulOp>(op))
      r = arith::MulFOp::create(b, x, y);
    else if (isa<tosa::MaximumOp>(op))
      r = floatMax(b, x, y);
    else if (isa<tosa::MinimumOp>(op))
      r = floatMin(b, x, y);
    else if (isa<tosa::GreaterOp>(op)) // false on NaN, as x > y in C++
      r = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, x, y);
    else if (isa<tosa::GreaterEqualOp>(op))
      r = arith::CmpFOp::create(b, arith::CmpFPredicate::OGE, x, y);
    else
      r = arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, x, y);
    memref::StoreOp::create(b, r, out, ValueRange{linearIndex(b, ivs, stO)});
  });
  return success();
}

LogicalResult Lowering::emitFloatUnary(Operation *op, ImplicitLocOpBuilder &b) {
  Value in = storage(op->getOperand(0)).mem,
        out = storage(op->getResult(0)).mem;
  int64_t n = numElements(*staticShape(op, op->getResult(0)));
  Value one =
      arith::ConstantOp::create(b, b.getF32Type(), b.getF32FloatAttr(1.0f));
  forLoop(b, n, [&](Value i) {
    Value x = memref::LoadOp::create(b, in, ValueRange{i});
    Value r;
    if (isa<tosa::ExpOp>(op))
      r = emitExpFloat(b, x);
    else if (isa<tosa::LogOp>(op))
      r = emitLogFloat(b, x);
    else if (isa<tosa::ReciprocalOp>(op))
      r = arith::DivFOp::create(b, one, x);
    else if (isa<tosa::SigmoidOp>(op)) // 1 / (1 + expFloat(-x))
      r = arith::DivFOp::create(
          b, one,
          arith::AddFOp::create(
              b, one, emitExpFloat(b, arith::NegFOp::create(b, x))));
    else if (isa<tosa::AbsOp>(op))
      r = math::AbsFOp::create(b, x);
    else if (isa<tosa::NegateOp>(op))
      r = arith::NegFOp::create(b, x);
    else if (isa<tosa::FloorOp>(op))
      r = math::FloorOp::create(b, x);
    else if (isa<tosa::CeilOp>(op))
      r = math::CeilOp::create(b, x);
    else // rsqrt: 1 / sqrt(x), both correctly rounded
      r = arith::DivFOp::create(b, one, math::SqrtOp::create(b, x));
    memref::StoreOp::create(b, r, out, ValueRange{i});
  });
  return success();
}

LogicalResult Lowering::emitFloatReduce(Operation *op,
                                        ImplicitLocOpBuilder &b) {
  Value input = op->getOperand(0);
  SmallVector<int64_t> shape = *staticShape(op, input);
  auto axisAttr = op->getAttrOfType<IntegerAttr>("axis");
  int64_t axis = axisAttr ? axisAttr.getInt() : -1;
  if (axis < 0 || axis >= int64_t(shape.size()))
    return op->emitOpError("code generation needs a reduction axis in range");
  int64_t outer = numElements(ArrayRef<int64_t>(shape).take_front(axis));
  int64_t len = shape[axis];
  int64_t inner = numElements(ArrayRef<int64_t>(shape).drop_front(axis + 1));
  bool isMax = isa<tosa::ReduceMaxOp>(op), isMin = isa<tosa::ReduceMinOp>(op);
  Value in = storage(input).mem, out = storage(op->getResult(0)).mem;
  float inf = std::numeric_limits<float>::infinity();
  Value init = arith::ConstantOp::create(
      b, b.getF32Type(),
      b.getF32FloatAttr(isMax ? -inf : isMin ? inf : 0.0f));
  // In the executor's order: for each output element, over the axis from 0.
  loopNest(b, {outer, inner}, [&](ArrayRef<Value> ivs) {
    Value base = addI(b, mulI(b, ivs[0], len * inner), ivs[1]);
    auto loop = scf::ForOp::create(
        b, idx(b, 0), idx(b, len), idx(b, 1), ValueRange{init},
        [&](OpBuilder &ob, Location loc, Value a, ValueRange acc) {
          ImplicitLocOpBuilder ib(loc, ob);
          Value v = memref::LoadOp::create(
              ib, in, ValueRange{addI(ib, base, mulI(ib, a, inner))});
          Value r = isMax   ? floatMax(ib, acc[0], v)
                    : isMin ? floatMin(ib, acc[0], v)
                            : Value(arith::AddFOp::create(ib, acc[0], v));
          scf::YieldOp::create(ib, r);
        });
    memref::StoreOp::create(
        b, loop.getResult(0), out,
        ValueRange{addI(b, mulI(b, ivs[0], inner), ivs[1])});
  });
  return success();
}


LogicalResult Lowering::emitFloatPool(Operation *op, ImplicitLocOpBuilder &b) {
  bool isMax = isa<tosa::MaxPool2dOp>(op);
  Value input = op->getOperand(0);
  SmallVector<int64_t> in = *staticShape(op, input);
  SmallVector<int64_t> out = *staticShape(op, op->getResult(0));
  auto kernel = op->getAttrOfType<DenseI64ArrayAttr>("kernel");
  auto stride = op->getAttrOfType<DenseI64ArrayAttr>("stride");
  auto padAttr = op->getAttrOfType<DenseI64ArrayAttr>("pad");
  if (in.size() != 4 || !kernel || kernel.size() != 2 || !stride ||
      stride.size() != 2 || !padAttr || padAttr.size() != 4)
    return op->emitOpError("code generation pools NHWC tensors with a 2-D "
                           "kernel, stride and 4 pads");
  ArrayRef<int64_t> k = kernel.asArrayRef(), s = stride.asArrayRef(),
                    pad = padAttr.asArrayRef();
  int64_t h = in[1], w = in[2], c = in[3], oh = out[1], ow = out[2];
  Value src = storage(input).mem, dst = storage(op->getResult(0)).mem;
  Type f32 = b.getF32Type();
  float inf = std::numeric_limits<float>::infinity();
  Value init = arith::ConstantOp::create(b, f32,
                                         b.getF32FloatAttr(isMax ? -inf : 0.0f));
  // The executor's pool2d: the output is the accumulator, the window is
  // walked row by row, each position over the channels; max keeps x when
  // x > acc or x is NaN; an average multiplies the sum by 1 / count (count
  // = the window's positions inside the input, none if it is empty).
  loopNest(b, {out[0], oh, ow}, [&](ArrayRef<Value> ivs) {
    Value base = linearIndex(b, ivs, {oh * ow * c, ow * c, c});
    forLoop(b, c, [&](Value ch) {
      memref::StoreOp::create(b, init, dst, ValueRange{addI(b, base, ch)});
    });
    auto [y0, y1] = windowBounds(b, ivs[1], s[0], pad[0], k[0], h);
    auto [x0, x1] = windowBounds(b, ivs[2], s[1], pad[2], k[1], w);
    forLoop(b, y0, y1, 1, [&](Value iy) {
      forLoop(b, x0, x1, 1, [&](Value ix) {
        Value from = linearIndex(b, {ivs[0], iy, ix}, {h * w * c, w * c, c});
        forLoop(b, c, [&](Value ch) {
          Value o = addI(b, base, ch);
          Value acc = memref::LoadOp::create(b, dst, ValueRange{o});
          Value x =
              memref::LoadOp::create(b, src, ValueRange{addI(b, from, ch)});
          Value r;
          if (isMax) {
            Value take = arith::OrIOp::create(
                b, arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, x, acc),
                arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, x, x));
            r = arith::SelectOp::create(b, take, x, acc);
          } else {
            r = arith::AddFOp::create(b, acc, x);
          }
          memref::StoreOp::create(b, r, dst, ValueRange{o});
        });
      });
    });
    if (isMax)
      return;
    auto extent = [&](Value lo, Value hi) -> Value {
      return arith::MaxSIOp::create(b, arith::SubIOp::create(b, hi, lo),
                                    idx(b, 0));
    };
    Value count = arith::MulIOp::create(b, extent(y0, y1), extent(x0, x1));
    Value nonEmpty =
        arith::CmpIOp::create(b, arith::CmpIPredicate::sgt, count, idx(b, 0));
    Value countF = arith::SIToFPOp::create(
        b, f32, arith::IndexCastOp::create(b, b.getI64Type(), count));
    Value inv = arith::DivFOp::create(
        b, arith::ConstantOp::create(b, f32, b.getF32FloatAttr(1.0f)), countF);
    forLoop(b, c, [&](Value ch) {
      Value o = addI(b, base, ch);
      Value acc = memref::LoadOp::create(b, dst, ValueRange{o});
      Value avg = arith::MulFOp::create(b, acc, inv);
      memref::StoreOp::create(b, arith::SelectOp::create(b, nonEmpty, avg, acc),
                              dst, ValueRange{o});
    });
  });
  return success();
}

LogicalResult Lowering::emitFloatPow(tosa::PowOp op, ImplicitLocOpBuilder &b) {
  // Only the exponent ONNX Sqrt is imported with: a constant 0.5 everywhere.
  // Other exponents would need a libm-free pow shared with the executor.
  auto exponent = op.getInput2().getDefiningOp<tosa::ConstOp>();
  auto dense =
      exponent ? dyn_cast<DenseElementsAttr>(exponent.getValues()) : nullptr;
  if (!dense || !dense.getElementType().isF32() ||
      !llvm::all_of(dense.getValues<float>(),
                    [](float y) { return y == 0.5f; }))
    return op.emitOpError("code generation computes pow only with a constant "
                          "exponent of 0.5 (a square root, as ONNX Sqrt is "
                          "imported)");
  SmallVector<int64_t> si = *staticShape(op, op.getInput1());
  SmallVector<int64_t> so = *staticShape(op, op.getOutput());
  if (si != so)
    return op.emitOpError("code generation needs the base of pow to have the "
                          "result's shape");
  Value in = storage(op.getInput1()).mem, out = storage(op.getOutput()).mem;
  Type f32 = b.getF32Type();
  auto fc = [&](float v) -> Value {
    return arith::ConstantOp::create(b, f32, b.getF32FloatAttr(v));
  };
  float inf = std::numeric_limits<float>::infinity();
  // mpq::powFloat(x, 0.5): sqrt(x), +0 for +-0, +inf for -inf, the
  // positive quiet NaN for x < 0.
  forLoop(b, numElements(so), [&](Value i) {
    Value x = memref::LoadOp::create(b, in, ValueRange{i});
    Value r = math::SqrtOp::create(b, x);
    r = arith::SelectOp::create(
        b, arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, x, fc(0.0f)),
        fc(std::numeric_limits<float>::quiet_NaN()), r);
    r = arith::SelectOp::create(
        b, arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, x, fc(0.0f)),
        fc(0.0f), r);
    r = arith::SelectOp::create(
        b, arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, x, fc(-inf)),
        fc(inf), r);
    memref::StoreOp::create(b, r, out, ValueRange{i});
  });
  return success();
}

LogicalResult Lowering::emitFloatMatMul(tosa::MatMulOp op,
                                        ImplicitLocOpBuilder &b) {
  SmallVector<int64_t> sa = *staticShape(op, op.getA());
  SmallVector<int64_t> sb = *staticShape(op, op.getB());
  if (sb[0] != sa[0] && sb[0] != 1)
    return op.emitOpError("code generation multiplies batches of equal size "
                          "or one right-hand matrix for all");
  int64_t batches = sa[0], h = sa[1], c = sa[2], w = sb[2];
  Value a = storage(op.getA()).mem, bm = storage(op.getB()).mem,
        out = storage(op.getResult()).mem;
  Type f32 = b.getF32Type();
  Value zero = arith::ConstantOp::create(b, f32, b.getF32FloatAttr(0.0f));
  // The executor's kernels::matmul: per output row, y = 0, then for k in
  // order y[j] = y[j] + a[k] * b[k][j] (the product rounded, then added).
  loopNest(b, {batches, h}, [&](ArrayRef<Value> ivs) {
    Value r = linearIndex(b, ivs, {h, 1});
    Value yBase = mulI(b, r, w), aBase = mulI(b, r, c);
    Value bBase = sb[0] == 1 ? idx(b, 0) : mulI(b, ivs[0], c * w);
    forLoop(b, w, [&](Value j) {
      memref::StoreOp::create(b, zero, out, ValueRange{addI(b, yBase, j)});
    });
    forLoop(b, c, [&](Value k) {
      Value av = memref::LoadOp::create(b, a, ValueRange{addI(b, aBase, k)});
      Value bRow = addI(b, bBase, mulI(b, k, w));
      forLoop(b, w, [&](Value j) {
        Value p = arith::MulFOp::create(
            b, av, memref::LoadOp::create(b, bm, ValueRange{addI(b, bRow, j)}));
        Value o = addI(b, yBase, j);
        Value y = memref::LoadOp::create(b, out, ValueRange{o});
        memref::StoreOp::create(b, arith::AddFOp::create(b, y, p), out,
                                ValueRange{o});
      });
    });
  });
  return success();
}
