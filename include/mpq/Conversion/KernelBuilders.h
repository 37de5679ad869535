//===- KernelBuilders.h - ISA-neutral integer-semantics builders -*- C++ -*-===//
//
// Small IR builders shared by every code generation backend: constants,
// index arithmetic, loops, code loads/stores and the integer steps of
// docs/integer-semantics.md (requantization, applyMultiplier) on scalars or
// fixed-length vectors of any width. Every backend (NEON, RVV) lowers the
// same semantics through these, so they stay bit-identical to mpq-run.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_CONVERSION_KERNELBUILDERS_H
#define MPQ_CONVERSION_KERNELBUILDERS_H

#include "mpq/Quant/IntegerSemantics.h"

#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <utility>

namespace mpq::kernels {

/// Integer constant of type `t` (scalar or vector splat).
mlir::Value cst(mlir::ImplicitLocOpBuilder &b, mlir::Type t, int64_t v);
mlir::Value idx(mlir::ImplicitLocOpBuilder &b, int64_t v);
mlir::Value addI(mlir::ImplicitLocOpBuilder &b, mlir::Value x, mlir::Value y);
mlir::Value mulI(mlir::ImplicitLocOpBuilder &b, mlir::Value x, int64_t c);
mlir::Value addC(mlir::ImplicitLocOpBuilder &b, mlir::Value x, int64_t c);
/// The same shape as `t` (scalar or vector) with element type `e`.
mlir::Type withElement(mlir::Type t, mlir::Type e);
mlir::Value clampS(mlir::ImplicitLocOpBuilder &b, mlir::Value v, int64_t lo,
                   int64_t hi);
/// scf.for over [lb, ub) with `step`; `body` builds inside the loop.
void forLoop(mlir::ImplicitLocOpBuilder &b, mlir::Value lb, mlir::Value ub,
             int64_t step, llvm::function_ref<void(mlir::Value)> body);
void forLoop(mlir::ImplicitLocOpBuilder &b, int64_t ub,
             llvm::function_ref<void(mlir::Value)> body);
/// Loads element `i` of an i8 code buffer as i32 (sign- or zero-extended).
mlir::Value loadCode(mlir::ImplicitLocOpBuilder &b, mlir::Value mem,
                     mlir::Value i, bool isSigned);
void storeCode(mlir::ImplicitLocOpBuilder &b, mlir::Value v32, mlir::Value mem,
               mlir::Value i);
/// applyMultiplier of IntegerSemantics in i64: the rounded, *unsaturated*
/// product floor((acc * mantissa + 2^(shift-1)) / 2^shift).
mlir::Value roundedProduct(mlir::ImplicitLocOpBuilder &b, mlir::Value acc,
                           mlir::Value mant, mlir::Value shift);
/// mpq::applyMultiplier: rounded product saturated to int32 (i32 result).
mlir::Value applyMultiplier(mlir::ImplicitLocOpBuilder &b, mlir::Value acc,
                            mlir::Value mant, mlir::Value shift);
/// mpq::requantize to an output range [lo, hi] of at most 16 bits (the int32
/// saturation of applyMultiplier is folded into the clamp).
mlir::Value requantize(mlir::ImplicitLocOpBuilder &b, mlir::Value acc,
                       mlir::Value mant, mlir::Value shift, int64_t zp,
                       int64_t lo, int64_t hi);
mlir::Value requantize(mlir::ImplicitLocOpBuilder &b, mlir::Value acc,
                       FixedPointMultiplier m, int64_t zp, int64_t lo,
                       int64_t hi);
/// Nested scf.for loops over `shape`; `body` gets the induction variables.
void loopNest(mlir::ImplicitLocOpBuilder &b, llvm::ArrayRef<int64_t> shape,
              llvm::function_ref<void(llvm::ArrayRef<mlir::Value>)> body);
/// sum_d (ivs[d] + offsets[d]) * strides[d].
mlir::Value linearIndex(mlir::ImplicitLocOpBuilder &b,
                        llvm::ArrayRef<mlir::Value> ivs,
                        llvm::ArrayRef<int64_t> strides,
                        llvm::ArrayRef<int64_t> offsets = {});
/// 0 <= v < size, for an index value.
mlir::Value inBounds(mlir::ImplicitLocOpBuilder &b, mlir::Value v,
                     int64_t size);
/// The input rows/columns of a pooling window clipped to the input:
/// [max(o * stride - pad, 0), min(o * stride - pad + k, size)).
std::pair<mlir::Value, mlir::Value>
windowBounds(mlir::ImplicitLocOpBuilder &b, mlir::Value o, int64_t stride,
             int64_t pad, int64_t k, int64_t size);

} // namespace mpq::kernels

#endif // MPQ_CONVERSION_KERNELBUILDERS_H
