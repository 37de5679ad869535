//===- HandlerUtils.cpp - helpers for writing executor op handlers --------===//

#include "mpq/Executor/HandlerUtils.h"
#include "mpq/Executor/Executor.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cstring>

using namespace mlir;
using namespace mpq;

LogicalResult mpq::emitRunError(Operation *op, const Twine &message) {
  return op->emitError("mpq-run: " + message);
}

LogicalResult mpq::allocateTensor(Operation *op, ElementKind kind,
                                  ArrayRef<int64_t> shape, Tensor &out,
                                  StringRef what, bool zero) {
  std::string error;
  FailureOr<Tensor> t = Tensor::tryCreate(kind, shape, zero, error);
  if (failed(t))
    return emitRunError(op, what + " of " + op->getName().getStringRef() +
                                ": " + error);
  out = std::move(*t);
  return success();
}

LogicalResult mpq::checkParamCount(Operation *op, const Tensor &t,
                                   int64_t axis, int64_t numParams,
                                   StringRef name) {
  if (axis < 0) {
    if (numParams == 1)
      return success();
    return emitRunError(op, name + " has " + Twine(numParams) +
                                " per-tensor quantization parameters; "
                                "expected 1");
  }
  if (axis >= t.getRank())
    return emitRunError(op, name + " quantization axis " + Twine(axis) +
                                " is not a dimension of the run-time shape " +
                                formatShape(t.getShape()));
  if (t.getDimSize(axis) != numParams)
    return emitRunError(op, name + " has " + Twine(numParams) +
                                " per-axis quantization parameters but its "
                                "run-time shape " +
                                formatShape(t.getShape()) + " has " +
                                Twine(t.getDimSize(axis)) +
                                " slices along axis " + Twine(axis));
  return success();
}

FailureOr<ElementKind> mpq::getResultKind(Operation *op, unsigned index) {
  Type type = op->getResult(index).getType();
  FailureOr<ElementKind> kind = getElementKindForType(type);
  if (failed(kind)) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << type;
    return emitRunError(op, "result type " + s + " is not supported");
  }
  return kind;
}

LogicalResult mpq::checkKind(Operation *op, const Tensor &t, ElementKind kind,
                             StringRef name) {
  if (t.getKind() == kind)
    return success();
  return emitRunError(op, op->getName().getStringRef() + " " + name +
                              " has element kind " +
                              stringifyElementKind(t.getKind()) + "; only " +
                              stringifyElementKind(kind) + " is supported");
}

LogicalResult mpq::checkRank(Operation *op, const Tensor &t, int64_t rank,
                             StringRef name) {
  if (t.getRank() == rank)
    return success();
  return emitRunError(op, name + " must have rank " + Twine(rank) +
                              ", got shape " + formatShape(t.getShape()));
}

LogicalResult mpq::getShapeOperand(Operation *op, const Tensor &t,
                                   StringRef name,
                                   SmallVectorImpl<int64_t> &values) {
  if (t.getKind() != ElementKind::I64 || t.getRank() != 1)
    return emitRunError(op, name +
                                " must be a !tosa.shape (a rank-1 i64 "
                                "tensor), got " +
                                t.getTypeString());
  ArrayRef<int64_t> v = t.getValues<int64_t>();
  values.assign(v.begin(), v.end());
  return success();
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

/// Copies `attr`'s values into `dst`, trying the natural C++ type first and
/// the APInt / APFloat iterators (which every ElementsAttr supports) second.
template <typename T>
static bool copyIntValues(ElementsAttr attr, int32_t *dst32, int64_t *dst64,
                          bool zeroExtend) {
  auto store = [&](int64_t i, int64_t v) {
    if (dst32)
      dst32[i] = static_cast<int32_t>(v);
    else
      dst64[i] = v;
  };
  if (auto values = attr.tryGetValues<T>()) {
    int64_t i = 0;
    for (T v : *values)
      store(i++, static_cast<int64_t>(v));
    return true;
  }
  if (auto values = attr.tryGetValues<APInt>()) {
    int64_t i = 0;
    for (const APInt &v : *values)
      store(i++, zeroExtend ? static_cast<int64_t>(v.getZExtValue())
                            : v.getSExtValue());
    return true;
  }
  return false;
}

FailureOr<Tensor> mpq::elementsAttrToTensor(Operation *op, ElementsAttr attr) {
  auto type = llvm::cast<ShapedType>(attr.getType());
  if (!type.hasStaticShape())
    return emitRunError(op, "constant has a dynamic shape");
  Type elementType = type.getElementType();
  FailureOr<ElementKind> kind = getElementKindForType(elementType);
  if (failed(kind)) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << elementType;
    return emitRunError(op, "constants of element type " + s +
                                " are not supported");
  }
  Tensor t;
  if (failed(allocateTensor(op, *kind, type.getShape(), t, "constant")))
    return failure();
  int64_t n = t.getNumElements();
  if (n == 0)
    return t;

  // Splats: one value, repeated.
  if (auto dense = llvm::dyn_cast<DenseElementsAttr>(attr);
      dense && dense.isSplat()) {
    if (*kind == ElementKind::F32) {
      std::fill_n(t.getData<float>(), n, dense.getSplatValue<float>());
      return t;
    }
    APInt v = dense.getSplatValue<APInt>();
    bool zext = elementType.isInteger(1) || elementType.isUnsignedInteger();
    int64_t iv =
        zext ? static_cast<int64_t>(v.getZExtValue()) : v.getSExtValue();
    if (*kind == ElementKind::I32)
      std::fill_n(t.getData<int32_t>(), n, static_cast<int32_t>(iv));
    else
      std::fill_n(t.getData<int64_t>(), n, iv);
    return t;
  }

  bool ok = false;
  if (*kind == ElementKind::F32) {
    if (auto values = attr.tryGetValues<float>()) {
      std::copy(values->begin(), values->end(), t.getData<float>());
      ok = true;
    } else if (auto apValues = attr.tryGetValues<APFloat>()) {
      float *dst = t.getData<float>();
      for (const APFloat &v : *apValues)
        *dst++ = v.convertToFloat();
      ok = true;
    }
  } else {
    bool zext = elementType.isInteger(1) || elementType.isUnsignedInteger();
    int32_t *d32 = *kind == ElementKind::I32 ? t.getData<int32_t>() : nullptr;
    int64_t *d64 = *kind == ElementKind::I64 ? t.getData<int64_t>() : nullptr;
    unsigned width =
        elementType.isIndex() ? 64 : elementType.getIntOrFloatBitWidth();
    if (width == 1) {
      if (auto values = attr.tryGetValues<bool>()) {
        int64_t i = 0;
        for (bool v : *values)
          d32[i++] = v;
        ok = true;
      } else {
        ok = copyIntValues<int32_t>(attr, d32, d64, /*zeroExtend=*/true);
      }
    } else if (zext) {
      ok = copyIntValues<uint64_t>(attr, d32, d64, /*zeroExtend=*/true);
    } else if (width == 8) {
      ok = copyIntValues<int8_t>(attr, d32, d64, false);
    } else if (width == 16) {
      ok = copyIntValues<int16_t>(attr, d32, d64, false);
    } else if (width == 32) {
      ok = copyIntValues<int32_t>(attr, d32, d64, false);
    } else {
      ok = copyIntValues<int64_t>(attr, d32, d64, false);
    }
  }
  if (!ok)
    return emitRunError(op, "cannot read the values of this constant "
                            "attribute");
  return t;
}

//===----------------------------------------------------------------------===//
// Broadcasting
//===----------------------------------------------------------------------===//

LogicalResult mpq::computeBroadcastPlan(Operation *op,
                                        ArrayRef<ArrayRef<int64_t>> shapes,
                                        BroadcastPlan &plan) {
  size_t numOperands = shapes.size();
  size_t rank = 0;
  for (ArrayRef<int64_t> s : shapes)
    rank = std::max(rank, s.size());

  // Right-align the shapes, padding with 1s.
  auto dimOf = [&](size_t k, size_t d) -> int64_t {
    size_t pad = rank - shapes[k].size();
    return d < pad ? 1 : shapes[k][d - pad];
  };
  plan.outShape.assign(rank, 1);
  for (size_t d = 0; d < rank; ++d) {
    int64_t out = 1;
    for (size_t k = 0; k < numOperands; ++k) {
      int64_t s = dimOf(k, d);
      if (s == 1)
        continue;
      if (out != 1 && s != out) {
        std::string msg = "operands are not broadcast-compatible:";
        for (ArrayRef<int64_t> sh : shapes)
          msg += " " + formatShape(sh);
        return emitRunError(op, msg);
      }
      out = s;
    }
    plan.outShape[d] = out;
  }
  plan.numElements = getNumElements(plan.outShape);

  // Merge dimensions; drop those of size 1.
  plan.dims.clear();
  llvm::SmallVector<llvm::SmallVector<bool, 4>, 3> broadcast(numOperands);
  for (size_t d = 0; d < rank; ++d) {
    int64_t size = plan.outShape[d];
    if (size == 1)
      continue;
    bool mergeable = !plan.dims.empty();
    for (size_t k = 0; k < numOperands && mergeable; ++k)
      mergeable = broadcast[k].back() == (dimOf(k, d) == 1);
    if (mergeable) {
      plan.dims.back() *= size;
      continue;
    }
    plan.dims.push_back(size);
    for (size_t k = 0; k < numOperands; ++k)
      broadcast[k].push_back(dimOf(k, d) == 1);
  }
  plan.strides.assign(numOperands, {});
  for (size_t k = 0; k < numOperands; ++k) {
    plan.strides[k].assign(plan.dims.size(), 0);
    int64_t stride = 1;
    for (int64_t d = static_cast<int64_t>(plan.dims.size()) - 1; d >= 0; --d) {
      if (broadcast[k][d])
        continue;
      plan.strides[k][d] = stride;
      stride *= plan.dims[d];
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

void mpq::copyBox(const Tensor &src, ArrayRef<int64_t> srcOffset, Tensor &dst,
                  ArrayRef<int64_t> dstOffset, ArrayRef<int64_t> box) {
  const size_t elem = getElementKindSize(src.getKind());
  const int64_t rank = src.getRank();
  if (getNumElements(box) == 0)
    return;
  const char *s = static_cast<const char *>(src.getRawData());
  char *d = static_cast<char *>(dst.getRawData());
  if (rank == 0) {
    std::memcpy(d, s, elem);
    return;
  }
  // Element strides of both tensors.
  llvm::SmallVector<int64_t, 4> srcStrides(rank, 1), dstStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i) {
    srcStrides[i] = srcStrides[i + 1] * src.getDimSize(i + 1);
    dstStrides[i] = dstStrides[i + 1] * dst.getDimSize(i + 1);
  }
  int64_t srcBase = 0, dstBase = 0;
  for (int64_t i = 0; i < rank; ++i) {
    srcBase += srcOffset[i] * srcStrides[i];
    dstBase += dstOffset[i] * dstStrides[i];
  }
  const size_t rowBytes = static_cast<size_t>(box.back()) * elem;
  const int64_t rows = getNumElements(box.drop_back());
  llvm::SmallVector<int64_t, 4> index(rank, 0);
  int64_t so = srcBase, dO = dstBase;
  for (int64_t row = 0; row < rows; ++row) {
    std::memcpy(d + dO * elem, s + so * elem, rowBytes);
    for (int64_t i = rank - 2; i >= 0; --i) {
      ++index[i];
      so += srcStrides[i];
      dO += dstStrides[i];
      if (index[i] < box[i])
        break;
      so -= srcStrides[i] * box[i];
      dO -= dstStrides[i] * box[i];
      index[i] = 0;
    }
  }
}
