//===- KernelBuilders.cpp - ISA-neutral integer-semantics builders --------===//

#include "mpq/Conversion/KernelBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace mpq;

namespace mpq::kernels {


/// Integer constant of type `t` (scalar or vector splat).
Value cst(ImplicitLocOpBuilder &b, Type t, int64_t v) {
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(
        b, vt,
        DenseElementsAttr::get(vt, b.getIntegerAttr(vt.getElementType(), v)));
  return arith::ConstantOp::create(b, t, b.getIntegerAttr(t, v));
}

Value idx(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}

Value addI(ImplicitLocOpBuilder &b, Value x, Value y) {
  return b.createOrFold<arith::AddIOp>(x, y);
}
Value mulI(ImplicitLocOpBuilder &b, Value x, int64_t c) {
  if (c == 1)
    return x;
  return b.createOrFold<arith::MulIOp>(x, idx(b, c));
}
Value addC(ImplicitLocOpBuilder &b, Value x, int64_t c) {
  if (c == 0)
    return x;
  return b.createOrFold<arith::AddIOp>(x, idx(b, c));
}

/// The same shape as `t` (scalar or vector) with element type `e`.
Type withElement(Type t, Type e) {
  if (auto vt = dyn_cast<VectorType>(t))
    return VectorType::get(vt.getShape(), e);
  return e;
}

Value clampS(ImplicitLocOpBuilder &b, Value v, int64_t lo, int64_t hi) {
  v = arith::MaxSIOp::create(b, v, cst(b, v.getType(), lo));
  return arith::MinSIOp::create(b, v, cst(b, v.getType(), hi));
}

/// scf.for over [lb, ub) with `step`; `body` builds inside the loop.
void forLoop(ImplicitLocOpBuilder &b, Value lb, Value ub, int64_t step,
             llvm::function_ref<void(Value)> body) {
  auto loop = scf::ForOp::create(b, lb, ub, idx(b, step));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  body(loop.getInductionVar());
}
void forLoop(ImplicitLocOpBuilder &b, int64_t ub,
             llvm::function_ref<void(Value)> body) {
  forLoop(b, idx(b, 0), idx(b, ub), 1, body);
}

/// Loads element `i` of an i8 code buffer as i32 (sign- or zero-extended).
Value loadCode(ImplicitLocOpBuilder &b, Value mem, Value i, bool isSigned) {
  Value v = memref::LoadOp::create(b, mem, ValueRange{i});
  if (isSigned)
    return arith::ExtSIOp::create(b, b.getI32Type(), v);
  return arith::ExtUIOp::create(b, b.getI32Type(), v);
}

void storeCode(ImplicitLocOpBuilder &b, Value v32, Value mem, Value i) {
  Value v = arith::TruncIOp::create(b, b.getI8Type(), v32);
  memref::StoreOp::create(b, v, mem, ValueRange{i});
}

/// applyMultiplier of IntegerSemantics in i64: the rounded, *unsaturated*
/// product floor((acc * mantissa + 2^(shift-1)) / 2^shift) (for shift = 0 the
/// rounding term (1 << 0) >> 1 is 0, as in the reference).
Value roundedProduct(ImplicitLocOpBuilder &b, Value acc, Value mant,
                     Value shift) {
  Type t64 = withElement(acc.getType(), b.getI64Type());
  Value p = arith::MulIOp::create(b, arith::ExtSIOp::create(b, t64, acc),
                                  arith::ExtSIOp::create(b, t64, mant));
  Value s = arith::ExtSIOp::create(b, t64, shift);
  Value rnd = arith::ShRSIOp::create(
      b, arith::ShLIOp::create(b, cst(b, t64, 1), s), cst(b, t64, 1));
  return arith::ShRSIOp::create(b, arith::AddIOp::create(b, p, rnd), s);
}

/// mpq::applyMultiplier: rounded product saturated to int32 (i32 result).
Value applyMultiplier(ImplicitLocOpBuilder &b, Value acc, Value mant,
                      Value shift) {
  Value r = clampS(b, roundedProduct(b, acc, mant, shift),
                   std::numeric_limits<int32_t>::min(),
                   std::numeric_limits<int32_t>::max());
  return arith::TruncIOp::create(b, acc.getType(), r);
}

/// mpq::requantize to an output range [lo, hi] of at most 16 bits: the
/// int32 saturation of applyMultiplier cannot change the result once the
/// zero point is added and [lo, hi] applied, so it is folded into the clamp.
Value requantize(ImplicitLocOpBuilder &b, Value acc, Value mant, Value shift,
                 int64_t zp, int64_t lo, int64_t hi) {
  Value r = roundedProduct(b, acc, mant, shift);
  r = arith::AddIOp::create(b, r, cst(b, r.getType(), zp));
  r = clampS(b, r, lo, hi);
  return arith::TruncIOp::create(b, acc.getType(), r);
}

Value requantize(ImplicitLocOpBuilder &b, Value acc, FixedPointMultiplier m,
                 int64_t zp, int64_t lo, int64_t hi) {
  Type t = acc.getType();
  return requantize(b, acc, cst(b, t, m.mantissa), cst(b, t, m.shift), zp, lo,
                    hi);
}

/// Nested scf.for loops over `shape`; `body` gets the induction variables.
static void loopNestRec(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape,
                        llvm::function_ref<void(ArrayRef<Value>)> body,
                        SmallVector<Value> &ivs) {
  if (ivs.size() == shape.size()) {
    body(ivs);
    return;
  }
  forLoop(b, shape[ivs.size()], [&](Value iv) {
    ivs.push_back(iv);
    loopNestRec(b, shape, body, ivs);
    ivs.pop_back();
  });
}
void loopNest(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape,
                     llvm::function_ref<void(ArrayRef<Value>)> body) {
  SmallVector<Value> ivs;
  loopNestRec(b, shape, body, ivs);
}

/// sum_d (ivs[d] + offsets[d]) * strides[d].
Value linearIndex(ImplicitLocOpBuilder &b, ArrayRef<Value> ivs,
                         ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> offsets) {
  Value acc = idx(b, 0);
  for (auto [d, iv] : llvm::enumerate(ivs)) {
    Value v = offsets.empty() ? iv : addC(b, iv, offsets[d]);
    acc = addI(b, acc, mulI(b, v, strides[d]));
  }
  return acc;
}

/// 0 <= v < size, for an index value.
Value inBounds(ImplicitLocOpBuilder &b, Value v, int64_t size) {
  Value ge = arith::CmpIOp::create(b, arith::CmpIPredicate::sge, v, idx(b, 0));
  Value lt =
      arith::CmpIOp::create(b, arith::CmpIPredicate::slt, v, idx(b, size));
  return arith::AndIOp::create(b, ge, lt);
}

/// The input rows/columns of a pooling window clipped to the input:
/// [max(o * stride - pad, 0), min(o * stride - pad + k, size)).
std::pair<Value, Value> windowBounds(ImplicitLocOpBuilder &b, Value o,
                                            int64_t stride, int64_t pad,
                                            int64_t k, int64_t size) {
  Value start = addC(b, mulI(b, o, stride), -pad);
  Value lo = arith::MaxSIOp::create(b, start, idx(b, 0));
  Value hi = arith::MinSIOp::create(b, addC(b, start, k), idx(b, size));
  return {lo, hi};
}

} // namespace mpq::kernels
