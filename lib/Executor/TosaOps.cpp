//===- TosaOps.cpp - executor handlers for TOSA ops -----------------------===//
//
// One handler per TOSA op (TOSA 1.0 semantics, see
// mlir/Dialect/Tosa/IR/TosaOps.td), registered by registerTosaOpHandlers at
// the end of this file. Heavy ops call the kernels in Kernels.cpp; the rest
// are written here with the helpers of HandlerUtils.h.
//
// Floating-point ops work on f32. Integer tensors (i1..i32 stored as int32,
// i64) are supported where it is cheap: data movement, add/sub/mul,
// maximum/minimum, comparisons, select, abs/negate, clamp, reductions and
// cast.
//
//===----------------------------------------------------------------------===//

#include "mpq/Executor/Executor.h"
#include "mpq/Executor/HandlerUtils.h"
#include "mpq/Executor/Kernels.h"
#include "mpq/Quant/IntegerSemantics.h"
#include "mpq/Support/CheckedMath.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mpq;

namespace {
using Operands = ArrayRef<const Tensor *>;
using Results = MutableArrayRef<Tensor>;
} // namespace

//===----------------------------------------------------------------------===//
// Constants and data movement
//===----------------------------------------------------------------------===//

static LogicalResult runConst(tosa::ConstOp op, Operands, Results results,
                              const ExecContext &) {
  FailureOr<Tensor> t = elementsAttrToTensor(op, op.getValues());
  if (failed(t))
    return failure();
  results[0] = std::move(*t);
  return success();
}

static LogicalResult runConstShape(tosa::ConstShapeOp op, Operands,
                                   Results results, const ExecContext &) {
  DenseIntElementsAttr values = op.getValues();
  SmallVector<int64_t> v;
  for (const APInt &x : values.getValues<APInt>())
    v.push_back(x.getSExtValue());
  results[0] = Tensor::fromValues<int64_t>({static_cast<int64_t>(v.size())}, v);
  return success();
}

static LogicalResult runIdentity(tosa::IdentityOp, Operands in, Results results,
                                 const ExecContext &) {
  results[0] = *in[0];
  return success();
}

static LogicalResult runReshape(tosa::ReshapeOp op, Operands in,
                                Results results, const ExecContext &) {
  SmallVector<int64_t> shape;
  if (failed(getShapeOperand(op, *in[1], "shape", shape)))
    return failure();
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == -1) {
      if (inferred >= 0)
        return emitRunError(op, "tosa.reshape shape has more than one -1");
      inferred = i;
    } else if (d < 0) {
      return emitRunError(op, "tosa.reshape shape has a negative entry " +
                                  Twine(d));
    } else {
      std::optional<int64_t> next = checkedMul(known, d);
      if (!next)
        return emitRunError(op, "tosa.reshape shape " + formatShape(shape) +
                                    " overflows 64-bit size arithmetic");
      known = *next;
    }
  }
  int64_t n = in[0]->getNumElements();
  if (inferred >= 0) {
    if (known == 0 || n % known != 0)
      return emitRunError(
          op, "cannot reshape " + formatShape(in[0]->getShape()) +
                  " to a shape with " + Twine(known) + " elements per -1");
    shape[inferred] = n / known;
  }
  Tensor t = *in[0];
  if (!t.reshape(shape))
    return emitRunError(op, "cannot reshape " + formatShape(in[0]->getShape()) +
                                " (" + Twine(n) + " elements) to " +
                                formatShape(shape));
  results[0] = std::move(t);
  return success();
}

/// Element-size dispatch for pure data movement.
template <typename Fn> static void visitElementSize(size_t size, Fn &&fn) {
  if (size == 8)
    fn(uint64_t{});
  else
    fn(uint32_t{});
}

static LogicalResult runTranspose(tosa::TransposeOp op, Operands in,
                                  Results results, const ExecContext &) {
  const Tensor &x = *in[0];
  ArrayRef<int32_t> perms = op.getPerms();
  int64_t rank = x.getRank();
  if (static_cast<int64_t>(perms.size()) != rank)
    return emitRunError(op, "perms has " + Twine(perms.size()) +
                                " entries for a rank-" + Twine(rank) +
                                " input");
  SmallVector<bool> seen(rank, false);
  for (int32_t p : perms) {
    if (p < 0 || p >= rank || seen[p])
      return emitRunError(op, "perms is not a permutation");
    seen[p] = true;
  }
  SmallVector<int64_t, 4> inStrides(rank, 1), outShape(rank);
  for (int64_t i = rank - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * x.getDimSize(i + 1);
  for (int64_t i = 0; i < rank; ++i)
    outShape[i] = x.getDimSize(perms[i]);
  Tensor out;
  if (failed(allocateTensor(op, x.getKind(), outShape, out)))
    return failure();
  if (rank == 0 || out.getNumElements() == 0) {
    if (x.getNumBytes())
      std::memcpy(out.getRawData(), x.getRawData(), x.getNumBytes());
    results[0] = std::move(out);
    return success();
  }
  // Strides of the input in output-dimension order.
  SmallVector<int64_t, 4> strides(rank);
  for (int64_t i = 0; i < rank; ++i)
    strides[i] = inStrides[perms[i]];
  visitElementSize(getElementKindSize(x.getKind()), [&](auto tag) {
    using T = decltype(tag);
    const T *src = static_cast<const T *>(x.getRawData());
    T *dst = static_cast<T *>(out.getRawData());
    const int64_t inner = outShape.back(), innerStride = strides.back();
    const int64_t rows = out.getNumElements() / inner;
    SmallVector<int64_t, 4> index(rank, 0);
    int64_t offset = 0;
    for (int64_t row = 0; row < rows; ++row) {
      T *d = dst + row * inner;
      for (int64_t i = 0; i < inner; ++i)
        d[i] = src[offset + i * innerStride];
      for (int64_t dim = rank - 2; dim >= 0; --dim) {
        ++index[dim];
        offset += strides[dim];
        if (index[dim] < outShape[dim])
          break;
        offset -= strides[dim] * outShape[dim];
        index[dim] = 0;
      }
    }
  });
  results[0] = std::move(out);
  return success();
}

static LogicalResult runConcat(tosa::ConcatOp op, Operands in, Results results,
                               const ExecContext &) {
  if (in.empty())
    return emitRunError(op, "tosa.concat needs at least one input");
  const Tensor &first = *in[0];
  int64_t rank = first.getRank();
  int64_t axis = op.getAxis();
  if (axis < 0 || axis >= rank)
    return emitRunError(op, "axis " + Twine(axis) +
                                " is out of range for "
                                "rank " +
                                Twine(rank));
  SmallVector<int64_t, 4> outShape(first.getShape());
  outShape[axis] = 0;
  for (const Tensor *t : in) {
    bool ok = t->getKind() == first.getKind() && t->getRank() == rank;
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == axis || t->getDimSize(d) == first.getDimSize(d);
    if (!ok)
      return emitRunError(op, "cannot concatenate " + t->getTypeString() +
                                  " with " + first.getTypeString() +
                                  " along axis " + Twine(axis));
    std::optional<int64_t> sum = checkedAdd(outShape[axis], t->getDimSize(axis));
    if (!sum)
      return emitRunError(op, "concatenated dimension overflows");
    outShape[axis] = *sum;
  }
  Tensor out;
  if (failed(allocateTensor(op, first.getKind(), outShape, out)))
    return failure();
  const size_t elem = getElementKindSize(first.getKind());
  const int64_t outer = getNumElements(ArrayRef(outShape).take_front(axis));
  const int64_t outRow = getNumElements(ArrayRef(outShape).drop_front(axis));
  char *dst = static_cast<char *>(out.getRawData());
  int64_t columnOffset = 0;
  for (const Tensor *t : in) {
    const int64_t row = getNumElements(t->getShape().drop_front(axis));
    const char *src = static_cast<const char *>(t->getRawData());
    for (int64_t o = 0; o < outer && row > 0; ++o)
      std::memcpy(dst + (o * outRow + columnOffset) * elem,
                  src + o * row * elem, row * elem);
    columnOffset += row;
  }
  results[0] = std::move(out);
  return success();
}

static LogicalResult runSlice(tosa::SliceOp op, Operands in, Results results,
                              const ExecContext &) {
  const Tensor &x = *in[0];
  SmallVector<int64_t> start, size;
  if (failed(getShapeOperand(op, *in[1], "start", start)) ||
      failed(getShapeOperand(op, *in[2], "size", size)))
    return failure();
  int64_t rank = x.getRank();
  if (static_cast<int64_t>(start.size()) != rank ||
      static_cast<int64_t>(size.size()) != rank)
    return emitRunError(op, "start and size need " + Twine(rank) + " entries");
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = x.getDimSize(d);
    // Compared without adding, so huge entries cannot wrap.
    bool ok = start[d] >= 0 && start[d] <= dim;
    if (ok && size[d] == -1)
      size[d] = dim - start[d];
    ok = ok && size[d] >= 0 && size[d] <= dim - start[d];
    if (!ok)
      return emitRunError(op, "slice start " + Twine(start[d]) + ", size " +
                                  Twine(size[d]) + " of dimension " + Twine(d) +
                                  " is outside [0, " + Twine(dim) + ")");
  }
  Tensor out;
  if (failed(allocateTensor(op, x.getKind(), size, out)))
    return failure();
  SmallVector<int64_t> zero(rank, 0);
  copyBox(x, start, out, zero, size);
  results[0] = std::move(out);
  return success();
}

static LogicalResult runPad(tosa::PadOp op, Operands in, Results results,
                            const ExecContext &) {
  const Tensor &x = *in[0];
  const Tensor &padConst = *in[2];
  SmallVector<int64_t> padding;
  if (failed(getShapeOperand(op, *in[1], "padding", padding)))
    return failure();
  int64_t rank = x.getRank();
  if (static_cast<int64_t>(padding.size()) != 2 * rank)
    return emitRunError(op, "padding needs " + Twine(2 * rank) +
                                " entries, got " + Twine(padding.size()));
  if (padConst.getNumElements() != 1 || padConst.getKind() != x.getKind())
    return emitRunError(op, "pad_const must be a single " +
                                stringifyElementKind(x.getKind()) +
                                " value, got " + padConst.getTypeString());
  SmallVector<int64_t> outShape(rank), offset(rank);
  for (int64_t d = 0; d < rank; ++d) {
    if (padding[2 * d] < 0 || padding[2 * d + 1] < 0)
      return emitRunError(op, "negative padding is not supported");
    offset[d] = padding[2 * d];
    std::optional<int64_t> extent =
        checkedSum({x.getDimSize(d), padding[2 * d], padding[2 * d + 1]});
    if (!extent)
      return emitRunError(op, "padding [" + Twine(padding[2 * d]) + ", " +
                                  Twine(padding[2 * d + 1]) +
                                  "] of dimension " + Twine(d) +
                                  " overflows 64-bit size arithmetic");
    outShape[d] = *extent;
  }
  Tensor out;
  if (failed(allocateTensor(op, x.getKind(), outShape, out)))
    return failure();
  visitElementKind(x.getKind(), [&](auto tag) {
    using T = decltype(tag);
    std::fill_n(out.getData<T>(), out.getNumElements(),
                padConst.getData<T>()[0]);
  });
  copyBox(x, SmallVector<int64_t>(rank, 0), out, offset, x.getShape());
  results[0] = std::move(out);
  return success();
}

static LogicalResult runTile(tosa::TileOp op, Operands in, Results results,
                             const ExecContext &) {
  const Tensor &x = *in[0];
  SmallVector<int64_t> multiples;
  if (failed(getShapeOperand(op, *in[1], "multiples", multiples)))
    return failure();
  int64_t rank = x.getRank();
  if (static_cast<int64_t>(multiples.size()) != rank)
    return emitRunError(op, "multiples needs " + Twine(rank) + " entries");
  SmallVector<int64_t> outShape(rank);
  for (int64_t d = 0; d < rank; ++d) {
    if (multiples[d] < 0)
      return emitRunError(op, "negative multiple " + Twine(multiples[d]));
    std::optional<int64_t> extent = checkedMul(x.getDimSize(d), multiples[d]);
    if (!extent)
      return emitRunError(op, "multiple " + Twine(multiples[d]) +
                                  " of dimension " + Twine(d) +
                                  " overflows 64-bit size arithmetic");
    outShape[d] = *extent;
  }
  Tensor out;
  if (failed(allocateTensor(op, x.getKind(), outShape, out)))
    return failure();
  if (out.getNumElements() == 0 || rank == 0) {
    if (out.getNumBytes())
      std::memcpy(out.getRawData(), x.getRawData(), out.getNumBytes());
    results[0] = std::move(out);
    return success();
  }
  // Copy each input row (last dimension) multiples.back() times, then walk
  // the output rows mapping each to its input row.
  SmallVector<int64_t, 4> inStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * x.getDimSize(i + 1);
  const size_t elem = getElementKindSize(x.getKind());
  const int64_t inner = x.getDimSize(rank - 1);
  const int64_t outInner = outShape.back();
  const int64_t rows = out.getNumElements() / outInner;
  const char *src = static_cast<const char *>(x.getRawData());
  char *dst = static_cast<char *>(out.getRawData());
  SmallVector<int64_t, 4> index(rank, 0);
  for (int64_t row = 0; row < rows; ++row) {
    int64_t inOffset = 0;
    for (int64_t d = 0; d + 1 < rank; ++d)
      inOffset += (index[d] % x.getDimSize(d)) * inStrides[d];
    for (int64_t m = 0; m < multiples.back(); ++m)
      std::memcpy(dst + (row * outInner + m * inner) * elem,
                  src + inOffset * elem, inner * elem);
    for (int64_t d = rank - 2; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  results[0] = std::move(out);
  return success();
}

//===----------------------------------------------------------------------===//
// Convolutions, pooling, matmul
//===----------------------------------------------------------------------===//

/// Reads pad [t, b, l, r], stride [y, x] and dilation [y, x] attributes.
static LogicalResult getWindow(Operation *op, ArrayRef<int64_t> pad,
                               ArrayRef<int64_t> stride,
                               ArrayRef<int64_t> dilation,
                               kernels::Window2D &w) {
  if (pad.size() != 4 || stride.size() != 2 || dilation.size() != 2)
    return emitRunError(op, "pad needs 4 entries, stride and dilation 2");
  w.padTop = pad[0];
  w.padBottom = pad[1];
  w.padLeft = pad[2];
  w.padRight = pad[3];
  w.strideY = stride[0];
  w.strideX = stride[1];
  w.dilationY = dilation[0];
  w.dilationX = dilation[1];
  return success();
}

static LogicalResult allocateWindowOutput(Operation *op, const Tensor &input,
                                          const kernels::Window2D &w,
                                          int64_t channels, Tensor &out) {
  SmallVector<int64_t, 4> shape;
  std::string error;
  if (!kernels::inferWindowOutputShape(input.getShape(), w, channels, shape,
                                       error))
    return emitRunError(op, error);
  return allocateTensor(op, input.getKind(), shape, out);
}

static LogicalResult runConv2D(tosa::Conv2DOp op, Operands in, Results results,
                               const ExecContext &ctx) {
  const Tensor &x = *in[0], &w = *in[1], &b = *in[2];
  if (failed(checkKind(op, x, ElementKind::F32, "input")) ||
      failed(checkKind(op, w, ElementKind::F32, "weight")) ||
      failed(checkKind(op, b, ElementKind::F32, "bias")) ||
      failed(checkRank(op, x, 4, "input")) ||
      failed(checkRank(op, w, 4, "weight")))
    return failure();
  if (w.getDimSize(3) != x.getDimSize(3))
    return emitRunError(op, "weight " + formatShape(w.getShape()) +
                                " (OHWI) does not match the " +
                                Twine(x.getDimSize(3)) + " input channels of " +
                                formatShape(x.getShape()));
  int64_t o = w.getDimSize(0);
  if (b.getNumElements() != o && b.getNumElements() != 1)
    return emitRunError(op, "bias has " + Twine(b.getNumElements()) +
                                " elements for " + Twine(o) +
                                " output channels");
  kernels::Window2D win;
  if (failed(getWindow(op, op.getPad(), op.getStride(), op.getDilation(), win)))
    return failure();
  win.kernelH = w.getDimSize(1);
  win.kernelW = w.getDimSize(2);
  if (failed(allocateWindowOutput(op, x, win, o, results[0])))
    return failure();
  kernels::conv2d(x, w, b, win, results[0], ctx.numThreads);
  return success();
}

static LogicalResult runDepthwiseConv2D(tosa::DepthwiseConv2DOp op, Operands in,
                                        Results results,
                                        const ExecContext &ctx) {
  const Tensor &x = *in[0], &w = *in[1], &b = *in[2];
  if (failed(checkKind(op, x, ElementKind::F32, "input")) ||
      failed(checkKind(op, w, ElementKind::F32, "weight")) ||
      failed(checkKind(op, b, ElementKind::F32, "bias")) ||
      failed(checkRank(op, x, 4, "input")) ||
      failed(checkRank(op, w, 4, "weight")))
    return failure();
  if (w.getDimSize(2) != x.getDimSize(3))
    return emitRunError(op, "weight " + formatShape(w.getShape()) +
                                " (HWCM) does not match the " +
                                Twine(x.getDimSize(3)) + " input channels of " +
                                formatShape(x.getShape()));
  int64_t cm = w.getDimSize(2) * w.getDimSize(3);
  if (b.getNumElements() != cm && b.getNumElements() != 1)
    return emitRunError(op, "bias has " + Twine(b.getNumElements()) +
                                " elements for " + Twine(cm) +
                                " output channels");
  kernels::Window2D win;
  if (failed(getWindow(op, op.getPad(), op.getStride(), op.getDilation(), win)))
    return failure();
  win.kernelH = w.getDimSize(0);
  win.kernelW = w.getDimSize(1);
  if (failed(allocateWindowOutput(op, x, win, cm, results[0])))
    return failure();
  kernels::depthwiseConv2d(x, w, b, win, results[0], ctx.numThreads);
  return success();
}

template <typename OpTy>
static LogicalResult preparePool(OpTy op, const Tensor &x, Tensor &out,
                                 kernels::Window2D &win) {
  // Max pooling also runs on quantized codes; averages need mpq.avg_pool2d.
  bool codesOk = std::is_same_v<OpTy, tosa::MaxPool2dOp> &&
                 x.getKind() == ElementKind::I32;
  if ((!codesOk && failed(checkKind(op, x, ElementKind::F32, "input"))) ||
      failed(checkRank(op, x, 4, "input")))
    return failure();
  ArrayRef<int64_t> kernel = op.getKernel();
  int64_t unitDilation[] = {1, 1};
  if (kernel.size() != 2)
    return emitRunError(op, "kernel needs 2 entries");
  if (failed(getWindow(op, op.getPad(), op.getStride(), unitDilation, win)))
    return failure();
  win.kernelH = kernel[0];
  win.kernelW = kernel[1];
  return allocateWindowOutput(op, x, win, x.getDimSize(3), out);
}

static LogicalResult runMaxPool2D(tosa::MaxPool2dOp op, Operands in,
                                  Results results, const ExecContext &ctx) {
  kernels::Window2D win;
  if (failed(preparePool(op, *in[0], results[0], win)))
    return failure();
  kernels::maxPool2d(*in[0], win, results[0], ctx.numThreads);
  return success();
}

static LogicalResult runAvgPool2D(tosa::AvgPool2dOp op, Operands in,
                                  Results results, const ExecContext &ctx) {
  kernels::Window2D win;
  if (failed(preparePool(op, *in[0], results[0], win)))
    return failure();
  kernels::avgPool2d(*in[0], win, results[0], ctx.numThreads);
  return success();
}

static LogicalResult runMatMul(tosa::MatMulOp op, Operands in, Results results,
                               const ExecContext &ctx) {
  const Tensor &a = *in[0], &b = *in[1];
  if (failed(checkKind(op, a, ElementKind::F32, "a")) ||
      failed(checkKind(op, b, ElementKind::F32, "b")) ||
      failed(checkRank(op, a, 3, "a")) || failed(checkRank(op, b, 3, "b")))
    return failure();
  if (a.getDimSize(2) != b.getDimSize(1) ||
      (b.getDimSize(0) != a.getDimSize(0) && b.getDimSize(0) != 1))
    return emitRunError(op, "cannot multiply " + formatShape(a.getShape()) +
                                " by " + formatShape(b.getShape()));
  if (failed(allocateTensor(
          op, ElementKind::F32,
          {a.getDimSize(0), a.getDimSize(1), b.getDimSize(2)}, results[0])))
    return failure();
  kernels::matmul(a, b, results[0], ctx.numThreads);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

namespace {
enum class Binary {
  Add,
  Sub,
  Mul,
  Maximum,
  Minimum,
  Pow,
  Greater,
  GreaterEqual,
  Equal
};
} // namespace

template <typename T> static T wrapAdd(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) +
                          static_cast<std::make_unsigned_t<T>>(b));
  else
    return a + b;
}

template <typename T> static T wrapSub(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) -
                          static_cast<std::make_unsigned_t<T>>(b));
  else
    return a - b;
}

template <typename T> static T wrapMul(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) *
                          static_cast<std::make_unsigned_t<T>>(b));
  else
    return a * b;
}

/// maximum / minimum propagating NaN (TOSA's default nan_mode).
template <typename T> static T propagatingMax(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a) || std::isnan(b))
      return std::numeric_limits<T>::quiet_NaN();
  }
  return a > b ? a : b;
}

template <typename T> static T propagatingMin(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a) || std::isnan(b))
      return std::numeric_limits<T>::quiet_NaN();
  }
  return a < b ? a : b;
}

template <Binary K>
static LogicalResult runBinary(Operation *op, Operands in, Results results,
                               const ExecContext &) {
  const Tensor &a = *in[0], &b = *in[1];
  if (a.getKind() != b.getKind())
    return emitRunError(op, "operands have different element kinds (" +
                                a.getTypeString() + ", " + b.getTypeString() +
                                ")");
  if constexpr (K == Binary::Pow) {
    if (failed(checkKind(op, a, ElementKind::F32, "input")))
      return failure();
  }
  BroadcastPlan plan;
  ArrayRef<int64_t> shapes[] = {a.getShape(), b.getShape()};
  if (failed(computeBroadcastPlan(op, shapes, plan)))
    return failure();
  constexpr bool isCompare =
      K == Binary::Greater || K == Binary::GreaterEqual || K == Binary::Equal;
  ElementKind outKind = isCompare ? ElementKind::I32 : a.getKind();
  Tensor out;
  if (failed(allocateTensor(op, outKind, plan.outShape, out)))
    return failure();

  // tosa.mul on integers: (a * b) >> shift, rounded (shift in 0..63).
  int64_t shift = 0;
  if constexpr (K == Binary::Mul) {
    if (a.getKind() != ElementKind::F32 && in.size() > 2 &&
        in[2]->getNumElements() == 1)
      shift = in[2]->getAsInt64(0);
    if (shift < 0 || shift > 63)
      return emitRunError(op, "shift " + Twine(shift) + " is out of range");
  }

  visitElementKind(a.getKind(), [&](auto tag) {
    using T = decltype(tag);
    const T *pa = a.getData<T>();
    const T *pb = b.getData<T>();
    if constexpr (isCompare) {
      int32_t *po = out.getData<int32_t>();
      broadcastBinary(plan, pa, pb, po, [](T x, T y) -> int32_t {
        if constexpr (K == Binary::Greater)
          return x > y;
        else if constexpr (K == Binary::GreaterEqual)
          return x >= y;
        else
          return x == y;
      });
    } else {
      T *po = out.getData<T>();
      if constexpr (K == Binary::Add)
        broadcastBinary(plan, pa, pb, po, wrapAdd<T>);
      else if constexpr (K == Binary::Sub)
        broadcastBinary(plan, pa, pb, po, wrapSub<T>);
      else if constexpr (K == Binary::Maximum)
        broadcastBinary(plan, pa, pb, po, propagatingMax<T>);
      else if constexpr (K == Binary::Minimum)
        broadcastBinary(plan, pa, pb, po, propagatingMin<T>);
      else if constexpr (K == Binary::Pow)
        broadcastBinary(plan, pa, pb, po, [](T x, T y) {
          if constexpr (std::is_same_v<T, float>)
            return mpq::powFloat(x, y); // what generated code computes
          else
            return static_cast<T>(std::pow(x, y));
        });
      else if constexpr (K == Binary::Mul) {
        if constexpr (std::is_integral_v<T>) {
          if (shift > 0) {
            int64_t round = int64_t(1) << (shift - 1);
            broadcastBinary(plan, pa, pb, po, [&](T x, T y) {
              return static_cast<T>(
                  (static_cast<int64_t>(x) * static_cast<int64_t>(y) + round) >>
                  shift);
            });
            return;
          }
        }
        broadcastBinary(plan, pa, pb, po, wrapMul<T>);
      }
    }
  });
  results[0] = std::move(out);
  return success();
}

static LogicalResult runSelect(tosa::SelectOp op, Operands in, Results results,
                               const ExecContext &) {
  const Tensor &p = *in[0], &a = *in[1], &b = *in[2];
  if (failed(checkKind(op, p, ElementKind::I32, "predicate")))
    return failure();
  if (a.getKind() != b.getKind())
    return emitRunError(op, "on-true and on-false values have different "
                            "element kinds");
  BroadcastPlan plan;
  ArrayRef<int64_t> shapes[] = {p.getShape(), a.getShape(), b.getShape()};
  if (failed(computeBroadcastPlan(op, shapes, plan)))
    return failure();
  Tensor out;
  if (failed(allocateTensor(op, a.getKind(), plan.outShape, out)))
    return failure();
  visitElementKind(a.getKind(), [&](auto tag) {
    using T = decltype(tag);
    broadcastTernary(plan, p.getData<int32_t>(), a.getData<T>(), b.getData<T>(),
                     out.getData<T>(),
                     [](int32_t c, T x, T y) { return c ? x : y; });
  });
  results[0] = std::move(out);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

namespace {
enum class Unary {
  Sigmoid,
  Tanh,
  Exp,
  Log,
  Reciprocal,
  Abs,
  Floor,
  Ceil,
  Rsqrt,
  Erf
};
} // namespace

template <Unary K> static float applyUnary(float x) {
  if constexpr (K == Unary::Sigmoid) // expFloat, as generated code has it
    return 1.0f / (1.0f + mpq::expFloat(-x));
  else if constexpr (K == Unary::Tanh)
    return std::tanh(x);
  else if constexpr (K == Unary::Exp)
    return mpq::expFloat(x); // the one definition generated code shares
  else if constexpr (K == Unary::Log)
    return mpq::logFloat(x); // the one definition generated code shares
  else if constexpr (K == Unary::Reciprocal)
    return 1.0f / x;
  else if constexpr (K == Unary::Abs)
    return std::fabs(x);
  else if constexpr (K == Unary::Floor)
    return std::floor(x);
  else if constexpr (K == Unary::Ceil)
    return std::ceil(x);
  else if constexpr (K == Unary::Rsqrt)
    return 1.0f / std::sqrt(x);
  else
    return std::erf(x);
}

template <Unary K>
static LogicalResult runUnary(Operation *op, Operands in, Results results,
                              const ExecContext &) {
  const Tensor &x = *in[0];
  Tensor out;
  if (failed(allocateTensor(op, x.getKind(), x.getShape(), out)))
    return failure();
  const int64_t n = x.getNumElements();
  if constexpr (K == Unary::Abs) {
    if (x.getKind() != ElementKind::F32) {
      visitElementKind(x.getKind(), [&](auto tag) {
        using T = decltype(tag);
        const T *src = x.getData<T>();
        T *dst = out.getData<T>();
        for (int64_t i = 0; i < n; ++i)
          dst[i] = src[i] < 0 ? wrapSub<T>(0, src[i]) : src[i];
      });
      results[0] = std::move(out);
      return success();
    }
  }
  if (failed(checkKind(op, x, ElementKind::F32, "input")))
    return failure();
  const float *src = x.getData<float>();
  float *dst = out.getData<float>();
  for (int64_t i = 0; i < n; ++i)
    dst[i] = applyUnary<K>(src[i]);
  results[0] = std::move(out);
  return success();
}

static LogicalResult runNegate(tosa::NegateOp op, Operands in, Results results,
                               const ExecContext &) {
  const Tensor &x = *in[0];
  Tensor out;
  if (failed(allocateTensor(op, x.getKind(), x.getShape(), out)))
    return failure();
  const int64_t n = x.getNumElements();
  if (x.getKind() == ElementKind::F32) {
    const float *src = x.getData<float>();
    float *dst = out.getData<float>();
    for (int64_t i = 0; i < n; ++i)
      dst[i] = -src[i];
  } else {
    // Integers: out = output_zp - (in - input1_zp).
    int64_t inZp = in[1]->getNumElements() ? in[1]->getAsInt64(0) : 0;
    int64_t outZp = in[2]->getNumElements() ? in[2]->getAsInt64(0) : 0;
    visitElementKind(x.getKind(), [&](auto tag) {
      using T = decltype(tag);
      const T *src = x.getData<T>();
      T *dst = out.getData<T>();
      for (int64_t i = 0; i < n; ++i)
        dst[i] = static_cast<T>(outZp - (static_cast<int64_t>(src[i]) - inZp));
    });
  }
  results[0] = std::move(out);
  return success();
}

static LogicalResult runClamp(tosa::ClampOp op, Operands in, Results results,
                              const ExecContext &) {
  const Tensor &x = *in[0];
  Tensor out;
  if (failed(allocateTensor(op, x.getKind(), x.getShape(), out)))
    return failure();
  const int64_t n = x.getNumElements();
  Attribute minAttr = op.getMinValAttr(), maxAttr = op.getMaxValAttr();
  if (x.getKind() == ElementKind::F32) {
    auto lo = llvm::dyn_cast<FloatAttr>(minAttr);
    auto hi = llvm::dyn_cast<FloatAttr>(maxAttr);
    if (!lo || !hi)
      return emitRunError(op, "min_val and max_val must be float attributes "
                              "for a float input");
    float l = static_cast<float>(lo.getValueAsDouble());
    float h = static_cast<float>(hi.getValueAsDouble());
    const float *src = x.getData<float>();
    float *dst = out.getData<float>();
    // NaN propagates: std::max(NaN, l) and std::min(NaN, h) return NaN.
    for (int64_t i = 0; i < n; ++i)
      dst[i] = std::min(std::max(src[i], l), h);
  } else {
    auto lo = llvm::dyn_cast<IntegerAttr>(minAttr);
    auto hi = llvm::dyn_cast<IntegerAttr>(maxAttr);
    if (!lo || !hi)
      return emitRunError(op, "min_val and max_val must be integer "
                              "attributes for an integer input");
    int64_t l = lo.getValue().getSExtValue(), h = hi.getValue().getSExtValue();
    visitElementKind(x.getKind(), [&](auto tag) {
      using T = decltype(tag);
      const T *src = x.getData<T>();
      T *dst = out.getData<T>();
      for (int64_t i = 0; i < n; ++i)
        dst[i] =
            static_cast<T>(std::min<int64_t>(std::max<int64_t>(src[i], l), h));
    });
  }
  results[0] = std::move(out);
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

namespace {
enum class Reduce { Sum, Max, Min, Product, All, Any };
} // namespace

template <Reduce K>
static LogicalResult runReduce(Operation *op, Operands in, Results results,
                               const ExecContext &) {
  const Tensor &x = *in[0];
  auto axisAttr = op->getAttrOfType<IntegerAttr>("axis");
  if (!axisAttr)
    return emitRunError(op, "missing 'axis' attribute");
  int64_t axis = axisAttr.getInt();
  int64_t rank = x.getRank();
  if (axis < 0 || axis >= rank)
    return emitRunError(op, "axis " + Twine(axis) +
                                " is out of range for "
                                "rank " +
                                Twine(rank));
  if constexpr (K == Reduce::All || K == Reduce::Any) {
    if (failed(checkKind(op, x, ElementKind::I32, "input")))
      return failure();
  }
  SmallVector<int64_t, 4> outShape(x.getShape());
  outShape[axis] = 1;
  const int64_t outer = getNumElements(x.getShape().take_front(axis));
  const int64_t len = x.getDimSize(axis);
  const int64_t inner = getNumElements(x.getShape().drop_front(axis + 1));
  Tensor out;
  if (failed(allocateTensor(op, x.getKind(), outShape, out)))
    return failure();
  visitElementKind(x.getKind(), [&](auto tag) {
    using T = decltype(tag);
    T init;
    if constexpr (K == Reduce::Sum || K == Reduce::Any)
      init = T(0);
    else if constexpr (K == Reduce::Product || K == Reduce::All)
      init = T(1);
    else if constexpr (K == Reduce::Max)
      init = std::is_floating_point_v<T> ? -std::numeric_limits<T>::infinity()
                                         : std::numeric_limits<T>::lowest();
    else
      init = std::is_floating_point_v<T> ? std::numeric_limits<T>::infinity()
                                         : std::numeric_limits<T>::max();
    const T *src = x.getData<T>();
    T *dst = out.getData<T>();
    for (int64_t o = 0; o < outer; ++o) {
      T *acc = dst + o * inner;
      std::fill_n(acc, inner, init);
      for (int64_t a = 0; a < len; ++a) {
        const T *row = src + (o * len + a) * inner;
        for (int64_t i = 0; i < inner; ++i) {
          if constexpr (K == Reduce::Sum)
            acc[i] = wrapAdd<T>(acc[i], row[i]);
          else if constexpr (K == Reduce::Product)
            acc[i] = wrapMul<T>(acc[i], row[i]);
          else if constexpr (K == Reduce::Max)
            acc[i] = propagatingMax<T>(acc[i], row[i]);
          else if constexpr (K == Reduce::Min)
            acc[i] = propagatingMin<T>(acc[i], row[i]);
          else if constexpr (K == Reduce::All)
            acc[i] = acc[i] && row[i];
          else
            acc[i] = acc[i] || row[i];
        }
      }
    }
  });
  results[0] = std::move(out);
  return success();
}

//===----------------------------------------------------------------------===//
// cast
//===----------------------------------------------------------------------===//

/// Integer range of `type` (i1 handled by the caller).
static void getIntRange(IntegerType type, int64_t &lo, int64_t &hi) {
  unsigned w = type.getWidth();
  if (type.isUnsigned()) {
    lo = 0;
    hi = w >= 63 ? std::numeric_limits<int64_t>::max()
                 : static_cast<int64_t>((uint64_t(1) << w) - 1);
    return;
  }
  if (w >= 64) {
    lo = std::numeric_limits<int64_t>::min();
    hi = std::numeric_limits<int64_t>::max();
    return;
  }
  lo = -(int64_t(1) << (w - 1));
  hi = (int64_t(1) << (w - 1)) - 1;
}

/// Wraps `v` to the width of `type` (two's complement truncation).
static int64_t wrapToType(int64_t v, IntegerType type) {
  unsigned w = type.getWidth();
  if (w >= 64)
    return v;
  uint64_t mask = (uint64_t(1) << w) - 1;
  uint64_t bits = static_cast<uint64_t>(v) & mask;
  if (!type.isUnsigned() && (bits >> (w - 1)))
    bits |= ~mask;
  return static_cast<int64_t>(bits);
}

static LogicalResult runCast(tosa::CastOp op, Operands in, Results results,
                             const ExecContext &) {
  const Tensor &x = *in[0];
  Type outType = getElementTypeOrSelf(op.getOutput().getType());
  FailureOr<ElementKind> outKind = getResultKind(op);
  if (failed(outKind))
    return failure();
  Tensor out;
  if (failed(allocateTensor(op, *outKind, x.getShape(), out)))
    return failure();
  const int64_t n = x.getNumElements();

  if (*outKind == ElementKind::F32) {
    float *dst = out.getData<float>();
    for (int64_t i = 0; i < n; ++i)
      dst[i] = x.getKind() == ElementKind::F32
                   ? x.getData<float>()[i]
                   : static_cast<float>(x.getAsInt64(i));
    results[0] = std::move(out);
    return success();
  }

  auto intType = llvm::cast<IntegerType>(
      outType.isIndex() ? IntegerType::get(op.getContext(), 64) : outType);
  bool toBool = intType.getWidth() == 1;
  int64_t lo, hi;
  getIntRange(intType, lo, hi);
  auto store = [&](int64_t i, int64_t v) {
    if (*outKind == ElementKind::I32)
      out.getData<int32_t>()[i] = static_cast<int32_t>(v);
    else
      out.getData<int64_t>()[i] = v;
  };
  if (x.getKind() == ElementKind::F32) {
    // Round half to even (the default FE_TONEAREST mode of nearbyint), then
    // saturate; NaN becomes 0.
    const float *src = x.getData<float>();
    for (int64_t i = 0; i < n; ++i) {
      float v = src[i];
      if (toBool) {
        store(i, v != 0.0f);
        continue;
      }
      if (std::isnan(v)) {
        store(i, 0);
        continue;
      }
      double r = std::nearbyint(static_cast<double>(v));
      int64_t q;
      if (r <= static_cast<double>(lo))
        q = lo;
      else if (r >= static_cast<double>(hi))
        q = hi;
      else
        q = static_cast<int64_t>(r);
      store(i, q);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = x.getAsInt64(i);
      store(i, toBool ? v != 0 : wrapToType(v, intType));
    }
  }
  results[0] = std::move(out);
  return success();
}

//===----------------------------------------------------------------------===//
// reverse, resize, transpose_conv2d
//===----------------------------------------------------------------------===//

static LogicalResult runReverse(tosa::ReverseOp op, Operands in,
                                Results results, const ExecContext &) {
  const Tensor &x = *in[0];
  int64_t rank = x.getRank(), axis = op.getAxis();
  if (axis < 0 || axis >= rank)
    return emitRunError(op, "axis " + Twine(axis) + " is out of range for "
                                                    "rank " +
                                Twine(rank));
  Tensor out = Tensor::createUninitialized(x.getKind(), x.getShape());
  const int64_t outer = getNumElements(x.getShape().take_front(axis));
  const int64_t len = x.getDimSize(axis);
  const int64_t inner = getNumElements(x.getShape().drop_front(axis + 1));
  const size_t elem = getElementKindSize(x.getKind());
  const char *src = static_cast<const char *>(x.getRawData());
  char *dst = static_cast<char *>(out.getRawData());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t a = 0; a < len; ++a)
      std::memcpy(dst + ((o * len + a) * inner) * elem,
                  src + ((o * len + (len - 1 - a)) * inner) * elem,
                  inner * elem);
  results[0] = std::move(out);
  return success();
}

/// floor(a / b) for b > 0.
static int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

static LogicalResult runResize(tosa::ResizeOp op, Operands in, Results results,
                               const ExecContext &) {
  const Tensor &x = *in[0];
  if (failed(checkKind(op, x, ElementKind::F32, "input")) ||
      failed(checkRank(op, x, 4, "input")))
    return failure();
  SmallVector<int64_t> scale, offset, border;
  if (failed(getShapeOperand(op, *in[1], "scale", scale)) ||
      failed(getShapeOperand(op, *in[2], "offset", offset)) ||
      failed(getShapeOperand(op, *in[3], "border", border)))
    return failure();
  if (scale.size() != 4 || offset.size() != 2 || border.size() != 2)
    return emitRunError(op, "scale needs 4 entries, offset and border 2");
  if (llvm::any_of(scale, [](int64_t s) { return s <= 0; }))
    return emitRunError(op, "scale entries must be positive");
  const int64_t n = x.getDimSize(0), ih = x.getDimSize(1),
                iw = x.getDimSize(2), c = x.getDimSize(3);
  // Output size from the TOSA relation (input - 1) * scale_n - offset +
  // border = (output - 1) * scale_d.
  int64_t numY = (ih - 1) * scale[0] - offset[0] + border[0];
  int64_t numX = (iw - 1) * scale[2] - offset[1] + border[1];
  if (numY < 0 || numX < 0 || numY % scale[1] || numX % scale[3])
    return emitRunError(op, "scale, offset and border do not give a whole "
                            "output size");
  const int64_t oh = numY / scale[1] + 1, ow = numX / scale[3] + 1;
  bool bilinear = op.getMode() == tosa::ResizeMode::BILINEAR;
  Tensor out = Tensor::createUninitialized(ElementKind::F32, {n, oh, ow, c});
  const float *src = x.getData<float>();
  float *dst = out.getData<float>();
  auto clampI = [](int64_t v, int64_t hi) {
    return std::min<int64_t>(std::max<int64_t>(v, 0), hi - 1);
  };
  for (int64_t oy = 0; oy < oh; ++oy) {
    int64_t y = oy * scale[1] + offset[0];
    int64_t iy = floorDiv(y, scale[0]);
    float dy = float(y - iy * scale[0]) / float(scale[0]);
    int64_t iy0 = clampI(iy, ih), iy1 = clampI(iy + 1, ih);
    for (int64_t ox = 0; ox < ow; ++ox) {
      int64_t xx = ox * scale[3] + offset[1];
      int64_t ix = floorDiv(xx, scale[2]);
      float dx = float(xx - ix * scale[2]) / float(scale[2]);
      int64_t ix0 = clampI(ix, iw), ix1 = clampI(ix + 1, iw);
      for (int64_t b = 0; b < n; ++b) {
        float *o = dst + ((b * oh + oy) * ow + ox) * c;
        auto at = [&](int64_t yy, int64_t xq) {
          return src + ((b * ih + yy) * iw + xq) * c;
        };
        if (bilinear) {
          const float *v00 = at(iy0, ix0), *v01 = at(iy0, ix1),
                      *v10 = at(iy1, ix0), *v11 = at(iy1, ix1);
          for (int64_t ch = 0; ch < c; ++ch)
            o[ch] = v00[ch] * (1.0f - dy) * (1.0f - dx) +
                    v01[ch] * (1.0f - dy) * dx + v10[ch] * dy * (1.0f - dx) +
                    v11[ch] * dy * dx;
        } else {
          const float *v = at(dy >= 0.5f ? iy1 : iy0, dx >= 0.5f ? ix1 : ix0);
          std::memcpy(o, v, c * sizeof(float));
        }
      }
    }
  }
  results[0] = std::move(out);
  return success();
}

static LogicalResult runTransposeConv2D(tosa::TransposeConv2DOp op,
                                        Operands in, Results results,
                                        const ExecContext &) {
  const Tensor &x = *in[0], &w = *in[1], &bias = *in[2];
  if (failed(checkKind(op, x, ElementKind::F32, "input")) ||
      failed(checkKind(op, w, ElementKind::F32, "weight")) ||
      failed(checkKind(op, bias, ElementKind::F32, "bias")) ||
      failed(checkRank(op, x, 4, "input")) ||
      failed(checkRank(op, w, 4, "weight")))
    return failure();
  const int64_t n = x.getDimSize(0), ih = x.getDimSize(1),
                iw = x.getDimSize(2), ic = x.getDimSize(3);
  const int64_t oc = w.getDimSize(0), kh = w.getDimSize(1),
                kw = w.getDimSize(2);
  if (w.getDimSize(3) != ic)
    return emitRunError(op, "weight " + formatShape(w.getShape()) +
                                " (OHWI) does not match the " + Twine(ic) +
                                " input channels");
  if (bias.getNumElements() != oc && bias.getNumElements() != 1)
    return emitRunError(op, "bias has " + Twine(bias.getNumElements()) +
                                " elements for " + Twine(oc) + " channels");
  ArrayRef<int64_t> pad = op.getOutPad(), stride = op.getStride();
  if (pad.size() != 4 || stride.size() != 2 || stride[0] < 1 ||
      stride[1] < 1)
    return emitRunError(op, "out_pad needs 4 entries and stride 2 positive "
                            "ones");
  const int64_t oh = (ih - 1) * stride[0] + pad[0] + pad[1] + kh;
  const int64_t ow = (iw - 1) * stride[1] + pad[2] + pad[3] + kw;
  if (oh < 1 || ow < 1)
    return emitRunError(op, "the output would be empty");
  Tensor out = Tensor::createUninitialized(ElementKind::F32, {n, oh, ow, oc});
  float *dst = out.getData<float>();
  const float *src = x.getData<float>(), *wt = w.getData<float>(),
              *bs = bias.getData<float>();
  for (int64_t e = 0; e < out.getNumElements(); ++e)
    dst[e] = bs[bias.getNumElements() == 1 ? 0 : e % oc];
  for (int64_t b = 0; b < n; ++b)
    for (int64_t iy = 0; iy < ih; ++iy)
      for (int64_t ix = 0; ix < iw; ++ix) {
        const float *xv = src + ((b * ih + iy) * iw + ix) * ic;
        for (int64_t ky = 0; ky < kh; ++ky) {
          int64_t oy = iy * stride[0] + pad[0] + ky;
          if (oy < 0 || oy >= oh)
            continue;
          for (int64_t kx = 0; kx < kw; ++kx) {
            int64_t ox = ix * stride[1] + pad[2] + kx;
            if (ox < 0 || ox >= ow)
              continue;
            float *ov = dst + ((b * oh + oy) * ow + ox) * oc;
            for (int64_t o = 0; o < oc; ++o) {
              const float *wv = wt + ((o * kh + ky) * kw + kx) * ic;
              float acc = 0.0f;
              for (int64_t i = 0; i < ic; ++i)
                acc += xv[i] * wv[i];
              ov[o] += acc;
            }
          }
        }
      }
  results[0] = std::move(out);
  return success();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

template <typename OpTy>
static void addRaw(OpHandlerRegistry &registry, OpHandler handler) {
  registry.add(OpTy::getOperationName(), handler);
}

void mpq::registerTosaOpHandlers(OpHandlerRegistry &registry) {
  using namespace tosa;
  registry.add<ConstOp, runConst>();
  registry.add<ConstShapeOp, runConstShape>();
  registry.add<IdentityOp, runIdentity>();

  registry.add<Conv2DOp, runConv2D>();
  registry.add<DepthwiseConv2DOp, runDepthwiseConv2D>();
  registry.add<MatMulOp, runMatMul>();
  registry.add<MaxPool2dOp, runMaxPool2D>();
  registry.add<AvgPool2dOp, runAvgPool2D>();

  registry.add<ReshapeOp, runReshape>();
  registry.add<TransposeOp, runTranspose>();
  registry.add<ConcatOp, runConcat>();
  registry.add<SliceOp, runSlice>();
  registry.add<PadOp, runPad>();
  registry.add<TileOp, runTile>();
  registry.add<ReverseOp, runReverse>();
  registry.add<ResizeOp, runResize>();
  registry.add<TransposeConv2DOp, runTransposeConv2D>();

  addRaw<AddOp>(registry, runBinary<Binary::Add>);
  addRaw<SubOp>(registry, runBinary<Binary::Sub>);
  addRaw<MulOp>(registry, runBinary<Binary::Mul>);
  addRaw<MaximumOp>(registry, runBinary<Binary::Maximum>);
  addRaw<MinimumOp>(registry, runBinary<Binary::Minimum>);
  addRaw<PowOp>(registry, runBinary<Binary::Pow>);
  addRaw<GreaterOp>(registry, runBinary<Binary::Greater>);
  addRaw<GreaterEqualOp>(registry, runBinary<Binary::GreaterEqual>);
  addRaw<EqualOp>(registry, runBinary<Binary::Equal>);
  registry.add<SelectOp, runSelect>();

  addRaw<SigmoidOp>(registry, runUnary<Unary::Sigmoid>);
  addRaw<TanhOp>(registry, runUnary<Unary::Tanh>);
  addRaw<ExpOp>(registry, runUnary<Unary::Exp>);
  addRaw<LogOp>(registry, runUnary<Unary::Log>);
  addRaw<ReciprocalOp>(registry, runUnary<Unary::Reciprocal>);
  addRaw<AbsOp>(registry, runUnary<Unary::Abs>);
  addRaw<FloorOp>(registry, runUnary<Unary::Floor>);
  addRaw<CeilOp>(registry, runUnary<Unary::Ceil>);
  addRaw<RsqrtOp>(registry, runUnary<Unary::Rsqrt>);
  addRaw<ErfOp>(registry, runUnary<Unary::Erf>);
  registry.add<NegateOp, runNegate>();
  registry.add<ClampOp, runClamp>();

  addRaw<ReduceSumOp>(registry, runReduce<Reduce::Sum>);
  addRaw<ReduceMaxOp>(registry, runReduce<Reduce::Max>);
  addRaw<ReduceMinOp>(registry, runReduce<Reduce::Min>);
  addRaw<ReduceProductOp>(registry, runReduce<Reduce::Product>);
  addRaw<ReduceAllOp>(registry, runReduce<Reduce::All>);
  addRaw<ReduceAnyOp>(registry, runReduce<Reduce::Any>);

  registry.add<CastOp, runCast>();
}
