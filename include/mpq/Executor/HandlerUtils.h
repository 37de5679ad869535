//===- HandlerUtils.h - helpers for executor op handlers --------*- C++ -*-===//
//
// Shared by the TOSA handlers (lib/Executor/TosaOps.cpp) and meant for the
// handlers of other dialects (mpq.quantize, mpq.conv2d, ...): constant
// materialisation, operand checks with uniform error messages, element-kind
// dispatch and TOSA/NumPy broadcasting.
//
// Every check reports with op->emitError("mpq-run: ...") and returns failure,
// so a handler can simply `if (failed(...)) return failure();`.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_EXECUTOR_HANDLERUTILS_H
#define MPQ_EXECUTOR_HANDLERUTILS_H

#include "mpq/Executor/Tensor.h"

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <array>

namespace mpq {

/// Emits "mpq-run: <message>" at `op` and returns failure.
mlir::LogicalResult emitRunError(mlir::Operation *op,
                                 const llvm::Twine &message);

/// Allocates `out` with `kind` and `shape` (zeroed when `zero`) after
/// checking the shape: no negative dimension, no overflow, at most
/// kMaxTensorBytes (mpq/Support/CheckedMath.h), and a successful allocation.
/// Otherwise emits "mpq-run: <what> of <op> ..." at `op` and fails. Every
/// handler allocates through this (never an unchecked constructor) when a
/// size depends on input shapes or attributes.
mlir::LogicalResult allocateTensor(mlir::Operation *op, ElementKind kind,
                                   llvm::ArrayRef<int64_t> shape, Tensor &out,
                                   llvm::StringRef what = "result",
                                   bool zero = false);

/// Checks that per-axis quantization parameters with `numParams` entries fit
/// `t` (axis within the rank, one entry per slice); per-tensor parameters
/// (axis < 0) need exactly one entry. Emits an error naming `name`.
mlir::LogicalResult checkParamCount(mlir::Operation *op, const Tensor &t,
                                    int64_t axis, int64_t numParams,
                                    llvm::StringRef name);

/// Materialises a constant (DenseElementsAttr, splats and dense resources of
/// f32 or integer element type) as a tensor of the matching kind.
mlir::FailureOr<Tensor> elementsAttrToTensor(mlir::Operation *op,
                                             mlir::ElementsAttr attr);

/// Returns the kind of result `index` of `op` (error if unsupported).
mlir::FailureOr<ElementKind> getResultKind(mlir::Operation *op,
                                           unsigned index = 0);

/// Checks that operand `name` has kind `kind`.
mlir::LogicalResult checkKind(mlir::Operation *op, const Tensor &t,
                              ElementKind kind, llvm::StringRef name);

/// Checks that operand `name` has rank `rank`.
mlir::LogicalResult checkRank(mlir::Operation *op, const Tensor &t,
                              int64_t rank, llvm::StringRef name);

/// Reads a !tosa.shape operand (an I64 rank-1 tensor) into `values`.
mlir::LogicalResult getShapeOperand(mlir::Operation *op, const Tensor &t,
                                    llvm::StringRef name,
                                    llvm::SmallVectorImpl<int64_t> &values);

/// Calls fn(T{}) with T = float, int32_t or int64_t according to `kind`.
template <typename Fn>
decltype(auto) visitElementKind(ElementKind kind, Fn &&fn) {
  switch (kind) {
  case ElementKind::I32:
    return fn(int32_t{});
  case ElementKind::I64:
    return fn(int64_t{});
  case ElementKind::F32:
    break;
  }
  return fn(float{});
}

//===----------------------------------------------------------------------===//
// Broadcasting
//===----------------------------------------------------------------------===//

/// Iteration plan for an elementwise op over broadcast operands. Operand
/// shapes are right-aligned (TOSA requires equal ranks; lower ranks are
/// accepted as in NumPy); a dimension of size 1 broadcasts. Adjacent
/// dimensions are merged when every operand is broadcast in both or in
/// neither, so the innermost loop is as long as possible.
struct BroadcastPlan {
  /// Shape of the result.
  llvm::SmallVector<int64_t, 4> outShape;
  /// Merged dimensions; empty for a single element.
  llvm::SmallVector<int64_t, 4> dims;
  /// Per operand, its element stride along each merged dimension (0 where
  /// it is broadcast).
  llvm::SmallVector<llvm::SmallVector<int64_t, 4>, 3> strides;
  int64_t numElements = 1;
};

/// Computes the plan for operands of `shapes`; emits an error at `op` if
/// they are not broadcast-compatible.
mlir::LogicalResult
computeBroadcastPlan(mlir::Operation *op,
                     llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                     BroadcastPlan &plan);

/// Calls fn(outOffset, inOffsets, length, innerStrides) for every innermost
/// row of the broadcast iteration space: elements outOffset + i of the result
/// correspond to inOffsets[k] + i * innerStrides[k] of operand k, for
/// i < length. N is the number of operands.
template <size_t N, typename Fn>
void forEachBroadcastRow(const BroadcastPlan &plan, Fn &&fn) {
  std::array<int64_t, N> offsets{}, inner{};
  if (plan.numElements == 0)
    return;
  if (plan.dims.empty()) {
    fn(int64_t(0), offsets, int64_t(1), inner);
    return;
  }
  const size_t rank = plan.dims.size();
  const int64_t length = plan.dims.back();
  for (size_t k = 0; k < N; ++k)
    inner[k] = plan.strides[k].back();
  const int64_t rows = plan.numElements / length;
  llvm::SmallVector<int64_t, 4> index(rank, 0);
  for (int64_t row = 0; row < rows; ++row) {
    fn(row * length, offsets, length, inner);
    // Advance the multi-index over all but the innermost dimension.
    for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {
      ++index[d];
      for (size_t k = 0; k < N; ++k)
        offsets[k] += plan.strides[k][d];
      if (index[d] < plan.dims[d])
        break;
      for (size_t k = 0; k < N; ++k)
        offsets[k] -= plan.strides[k][d] * plan.dims[d];
      index[d] = 0;
    }
  }
}

/// out[i] = fn(a[i']) for each element, with `a` broadcast to `plan`.
template <typename R, typename A, typename Fn>
void broadcastUnary(const BroadcastPlan &plan, const A *a, R *out, Fn fn) {
  forEachBroadcastRow<1>(plan, [&](int64_t o, const std::array<int64_t, 1> &off,
                                   int64_t n, const std::array<int64_t, 1> &s) {
    const A *pa = a + off[0];
    R *po = out + o;
    if (s[0] == 1) {
      for (int64_t i = 0; i < n; ++i)
        po[i] = fn(pa[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        po[i] = fn(pa[i * s[0]]);
    }
  });
}

/// out[i] = fn(a[i'], b[i'']) with `a` and `b` broadcast to `plan`.
template <typename R, typename A, typename B, typename Fn>
void broadcastBinary(const BroadcastPlan &plan, const A *a, const B *b, R *out,
                     Fn fn) {
  forEachBroadcastRow<2>(plan, [&](int64_t o, const std::array<int64_t, 2> &off,
                                   int64_t n, const std::array<int64_t, 2> &s) {
    const A *pa = a + off[0];
    const B *pb = b + off[1];
    R *po = out + o;
    if (s[0] == 1 && s[1] == 1) {
      for (int64_t i = 0; i < n; ++i)
        po[i] = fn(pa[i], pb[i]);
    } else if (s[0] == 1 && s[1] == 0) {
      const B vb = *pb;
      for (int64_t i = 0; i < n; ++i)
        po[i] = fn(pa[i], vb);
    } else if (s[0] == 0 && s[1] == 1) {
      const A va = *pa;
      for (int64_t i = 0; i < n; ++i)
        po[i] = fn(va, pb[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        po[i] = fn(pa[i * s[0]], pb[i * s[1]]);
    }
  });
}

/// out[i] = fn(a[i'], b[i''], c[i''']) with all three broadcast to `plan`.
template <typename R, typename A, typename B, typename C, typename Fn>
void broadcastTernary(const BroadcastPlan &plan, const A *a, const B *b,
                      const C *c, R *out, Fn fn) {
  forEachBroadcastRow<3>(plan, [&](int64_t o, const std::array<int64_t, 3> &off,
                                   int64_t n, const std::array<int64_t, 3> &s) {
    for (int64_t i = 0; i < n; ++i)
      out[o + i] =
          fn(a[off[0] + i * s[0]], b[off[1] + i * s[1]], c[off[2] + i * s[2]]);
  });
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// Copies the box of shape `box` starting at `srcOffset` in `src` to
/// `dstOffset` in `dst` (same kind and rank; the box must fit both).
void copyBox(const Tensor &src, llvm::ArrayRef<int64_t> srcOffset, Tensor &dst,
             llvm::ArrayRef<int64_t> dstOffset, llvm::ArrayRef<int64_t> box);

} // namespace mpq

#endif // MPQ_EXECUTOR_HANDLERUTILS_H
