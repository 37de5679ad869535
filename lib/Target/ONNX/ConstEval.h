//===- ConstEval.h - Host evaluation of constant ONNX nodes -----*- C++ -*-===//
//
// Exported networks compute shapes at run time: Shape -> Gather -> Concat ->
// Reshape, ConstantOfShape -> Pad, Equal -> If. Once the input shapes are
// fixed every one of these is a constant, and the importer evaluates them
// on the host so that only the real dataflow reaches the IR. This file holds
// the small tensor type those constants live in and the evaluator.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_LIB_TARGET_ONNX_CONSTEVAL_H
#define MPQ_LIB_TARGET_ONNX_CONSTEVAL_H

#include "mpq/Support/CheckedMath.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace mpq::onnximport {

constexpr int64_t kDyn = mlir::ShapedType::kDynamic;
using Shape = llvm::SmallVector<int64_t>;

/// A constant tensor read from an initializer or a Constant node, or
/// computed by the evaluator. Floating-point data is kept as float, every
/// integer and boolean type as int64.
struct ConstTensor {
  Shape shape;
  bool isFloat = true;
  std::vector<float> f;   // when isFloat
  std::vector<int64_t> i; // otherwise
  /// Element count. Shapes are checked against the tensor size limit when
  /// read, so only a zero dimension among huge ones could overflow a running
  /// product: that is 0 (and an unchecked overflow saturates).
  int64_t numel() const {
    std::optional<int64_t> n = mpq::checkedNumElements(shape);
    return n ? *n : std::numeric_limits<int64_t>::max();
  }
  float fAt(int64_t k) const { return isFloat ? f[k] : float(i[k]); }
  /// As an integer: floats truncate toward zero, saturate at the int64
  /// range and NaN gives 0 (a plain conversion of those is undefined).
  int64_t iAt(int64_t k) const {
    if (!isFloat)
      return i[k];
    double v = f[k];
    if (std::isnan(v))
      return 0;
    if (v >= 0x1p63)
      return std::numeric_limits<int64_t>::max();
    if (v < -0x1p63)
      return std::numeric_limits<int64_t>::min();
    return int64_t(v);
  }
  double dAt(int64_t k) const { return isFloat ? double(f[k]) : double(i[k]); }
};

/// "[1,?,3]".
std::string shapeStr(llvm::ArrayRef<int64_t> s);

/// Attribute access shared by the importer and the evaluator.
const onnx::AttributeProto *findAttr(const onnx::NodeProto &n,
                                     llvm::StringRef name);
int64_t attrInt(const onnx::NodeProto &n, llvm::StringRef name,
                int64_t dflt);
Shape attrInts(const onnx::NodeProto &n, llvm::StringRef name,
               Shape dflt = {});

/// Output shape of Unsqueeze: `axes` index the output and may be negative.
mlir::FailureOr<Shape> unsqueezeShape(llvm::ArrayRef<int64_t> in,
                                      llvm::ArrayRef<int64_t> axes,
                                      std::string &err);
/// Output shape of Squeeze: empty `axes` drops every 1.
mlir::FailureOr<Shape> squeezeShape(llvm::ArrayRef<int64_t> in,
                                    llvm::ArrayRef<int64_t> axes,
                                    std::string &err);

/// One axis of a Slice after ONNX's clamping rules: the first index, the
/// step and the number of elements taken.
struct SliceDim {
  int64_t start = 0, step = 1, count = 0;
};
/// Resolves Slice's starts/ends/axes/steps for an input of shape `in` (all
/// dims known). Axes that are not named take everything.
mlir::FailureOr<llvm::SmallVector<SliceDim>>
sliceDims(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> starts,
          llvm::ArrayRef<int64_t> ends, llvm::ArrayRef<int64_t> axes,
          llvm::ArrayRef<int64_t> steps, std::string &err);

/// Sizes of the outputs of Split along an axis of size `dim`.
mlir::FailureOr<Shape> splitSizes(const onnx::NodeProto &n, int64_t opset,
                                  int64_t dim, const ConstTensor *splitInput,
                                  std::string &err);

/// True if `opType` is evaluated by `evaluate` when all its inputs are
/// constants.
bool isFoldable(llvm::StringRef opType);

/// Evaluates `n` on constant inputs (`ins[k]` is null for an absent optional
/// input). Fills one tensor per output. On failure `err` says why.
mlir::LogicalResult evaluate(const onnx::NodeProto &n, int64_t opset,
                             llvm::ArrayRef<const ConstTensor *> ins,
                             std::vector<ConstTensor> &outs,
                             std::string &err);

} // namespace mpq::onnximport

#endif // MPQ_LIB_TARGET_ONNX_CONSTEVAL_H
