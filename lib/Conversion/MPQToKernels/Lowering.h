//===- Lowering.h - internals of lowerToKernels -----------------*- C++ -*-===//
//
// Shared by the files of lib/Conversion/MPQToKernels (one per concern:
// workspace plan, GEMM driver, convolutions, data movement, float islands).
// Not installed: backends use MPQToKernels.h and KernelBuilders.h.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_LIB_CONVERSION_MPQTOKERNELS_LOWERING_H
#define MPQ_LIB_CONVERSION_MPQTOKERNELS_LOWERING_H

#include "mpq/Conversion/KernelBuilders.h"
#include "mpq/Conversion/MPQToKernels/MPQToKernels.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Quant/IntegerSemantics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

namespace mpq::lowering {

using namespace mlir;
using namespace mpq::kernels;

constexpr int64_t kBufferAlign = 16;

//===----------------------------------------------------------------------===//
// Shapes and element types (WorkspacePlan.cpp)
//===----------------------------------------------------------------------===//

/// Static shape of a tensor value, with a dynamic batch (dim 0) taken as 1:
/// the generated function runs one sample per call.
FailureOr<SmallVector<int64_t>> staticShape(Operation *op, Value v);
int64_t numElements(ArrayRef<int64_t> shape);
FailureOr<int64_t> elementBytes(Operation *op, Value v);
/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape);

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

struct Range {
  int64_t lo, hi;
};

/// Output code range of an op with a fused clamp.
template <typename OpTy> Range outputRange(OpTy op, QuantParamsAttr out) {
  return {int64_t(op.getClampMin().value_or(out.getQMin())),
          int64_t(op.getClampMax().value_or(out.getQMax()))};
}

inline double scaleOf(QuantParamsAttr p, int64_t c) {
  return p.getScale()[p.isPerAxis() ? c : 0];
}
inline int64_t zpOf(QuantParamsAttr p, int64_t c) {
  return p.getZeroPoint()[p.isPerAxis() ? c : 0];
}

/// Integer codes of a constant weight operand, row-major.
FailureOr<SmallVector<int8_t>> constantCodes(Operation *user, Value v);
FailureOr<SmallVector<int32_t>> constantI32(Operation *user, Value v,
                                            int64_t n);

/// One integer weight term of a conv/FC: codes minus zero points ([N][K]),
/// with its parameters.
struct WeightTerm {
  SmallVector<int8_t> codes;
  QuantParamsAttr params;
  /// Container width of the packed constant the codes come from (8 for
  /// tosa.const).
  unsigned container = 8;
};

template <typename OpTy>
FailureOr<SmallVector<WeightTerm>> weightTerms(OpTy op, int64_t n) {
  SmallVector<std::pair<Value, QuantParamsAttr>> sources;
  if (QuantParamsAttr p = op.getWeightParamsAttr()) {
    sources.push_back({op.getWeight(), p});
  } else if (auto mp =
                 op.getWeight().template getDefiningOp<MultipointWeightOp>()) {
    if (!op.getOutputParamsAttr())
      return op.emitOpError("a multipoint weight needs output_params");
    for (auto [t, a] : llvm::zip(mp.getTerms(), mp.getParams()))
      sources.push_back({t, cast<QuantParamsAttr>(a)});
  } else {
    return op.emitOpError("a float weight must come from "
                          "mpq.multipoint_weight");
  }
  SmallVector<WeightTerm> terms;
  for (auto [v, p] : sources) {
    FailureOr<SmallVector<int8_t>> codes = constantCodes(op, v);
    if (failed(codes))
      return failure();
    int64_t k = int64_t(codes->size()) / n;
    for (int64_t r = 0; r < n; ++r) {
      int64_t zp = zpOf(p, r);
      for (int64_t c = 0; c < k; ++c) {
        int64_t q = (*codes)[r * k + c] - zp;
        if (q < -128 || q > 127)
          return op.emitOpError("weight codes minus their zero point must fit "
                                "in int8 for code generation");
        (*codes)[r * k + c] = int8_t(q);
      }
    }
    unsigned container = 8;
    if (auto pc = v.template getDefiningOp<PackedConstantOp>())
      container = pc.getLayout().getContainer();
    terms.push_back({std::move(*codes), p, container});
  }
  return terms;
}

//===----------------------------------------------------------------------===//
// The lowering
//===----------------------------------------------------------------------===//

/// A tensor's storage: a 1-D memref (a workspace view, an argument or a
/// constant global) holding the tensor row-major.
struct Storage {
  Value mem;
  bool isSigned = true;
};

/// A conv (groups = 1) or FC as C[m x n] = A[m x k] * W^T.
struct GemmLayer {
  Operation *op;
  int64_t m, n, k;
  SmallVector<WeightTerm> terms;
  SmallVector<int32_t> bias;
  QuantParamsAttr in, out;
  Range range;
};

class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp entry,
           const KernelLoweringOptions &opts)
      : module(module), entry(entry), opts(opts), gemm(*opts.gemm) {}

  LogicalResult run();

private:
  // Planning.
  LogicalResult plan();
  FailureOr<int64_t> scratchBytes(Operation *op);
  // Emission.
  LogicalResult emit(Operation *op, ImplicitLocOpBuilder &b);
  LogicalResult emitQuantize(QuantizeOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitDequantize(DequantizeOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitRequantize(RequantizeOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitTranspose(tosa::TransposeOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitSlice(tosa::SliceOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitConcat(tosa::ConcatOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitClamp(tosa::ClampOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitMaxPool(tosa::MaxPool2dOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitAvgPool(AvgPool2dOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitAdd(AddOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitConv(Conv2DOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitDepthwise(Conv2DOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitFullyConnected(FullyConnectedOp op,
                                   ImplicitLocOpBuilder &b);
  // Float islands between mpq.dequantize and mpq.quantize (softmax).
  LogicalResult emitFloatBinary(Operation *op, ImplicitLocOpBuilder &b);
  LogicalResult emitFloatUnary(Operation *op, ImplicitLocOpBuilder &b);
  LogicalResult emitFloatReduce(Operation *op, ImplicitLocOpBuilder &b);
  LogicalResult emitFloatSelect(tosa::SelectOp op, ImplicitLocOpBuilder &b);
  /// tosa.max_pool2d / tosa.avg_pool2d on float32, as the executor pools.
  LogicalResult emitFloatPool(Operation *op, ImplicitLocOpBuilder &b);
  /// tosa.pow with a constant exponent of 0.5 (ONNX Sqrt), as powFloat.
  LogicalResult emitFloatPow(tosa::PowOp op, ImplicitLocOpBuilder &b);
  /// tosa.matmul on float32 (e.g. attention's product of two activations),
  /// in the executor's summation order.
  LogicalResult emitFloatMatMul(tosa::MatMulOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitPad(tosa::PadOp op, ImplicitLocOpBuilder &b);

  /// C = A * W^T for a conv (im2col tiles) or FC (rows read in place);
  /// `packA` fills the scratch tile for rows [m0, m0 + rows) and returns the
  /// memref, base and row stride to read them from.
  using PackA = llvm::function_ref<std::tuple<Value, Value, int64_t>(
      ImplicitLocOpBuilder &, Value m0, int64_t rows)>;
  LogicalResult emitGemm(const GemmLayer &layer, ImplicitLocOpBuilder &b,
                         PackA packA, Value outMem);

  Value global(ImplicitLocOpBuilder &b, StringRef kind, Type elem,
               ArrayRef<int64_t> values);
  Value globalI8(ImplicitLocOpBuilder &b, StringRef kind,
                 ArrayRef<int8_t> values);
  Value globalI32(ImplicitLocOpBuilder &b, StringRef kind,
                  ArrayRef<int32_t> values);
  /// Read-only storage for a constant tensor that an op reads as data.
  LogicalResult constantStorage(tosa::ConstOp op, ImplicitLocOpBuilder &b);
  Storage &storage(Value v) { return storageOf[root(v)]; }
  Value root(Value v) const {
    auto it = aliasOf.find(v);
    return it == aliasOf.end() ? v : it->second;
  }
  Value scratch(ImplicitLocOpBuilder &b, Operation *op, Type elem,
                int64_t count);

  ModuleOp module;
  func::FuncOp entry;
  const KernelLoweringOptions &opts;
  const GemmMicrokernel &gemm;

  SmallVector<Operation *> ops;
  /// Values that share their operand's storage (reshape), mapped to the root.
  llvm::DenseMap<Value, Value> aliasOf;
  llvm::DenseMap<Value, int64_t> offsetOf; ///< workspace byte offsets (roots)
  llvm::DenseMap<Value, int64_t> bytesOf;
  llvm::DenseMap<Operation *, int64_t> scratchOffset;
  llvm::DenseMap<Value, Storage> storageOf;
  int64_t workspaceBytes = 0;
  /// Floats per sample of each input and output (the C API takes one
  /// pointer per input and output, in order).
  SmallVector<int64_t> inputSizes, outputSizes;
  /// The roots of the returned values; each is written straight into its
  /// output buffer.
  SmallVector<Value> resultRoots;
  Value workspace;
  SmallVector<Operation *> created; ///< globals, for cleanup on failure
  int64_t globalCounter = 0;
};

/// Whether a depthwise conv takes the 8-channel vector loop nest (else the
/// scalar one, which needs an int32 accumulator row in the workspace).
/// Whether a depthwise conv takes the 8-channel vector loop nest (else the
/// scalar one, which needs an int32 accumulator row in the workspace).
bool depthwiseVectorForm(Conv2DOp op);
bool isConstantLike(Operation *op);
/// The values of a tosa.const_shape operand (error at `op` otherwise).
FailureOr<SmallVector<int64_t>> constShape(Operation *op, Value v);
LogicalResult requirePerTensor(Operation *op, QuantParamsAttr p,
                               StringRef what);

} // namespace mpq::lowering

#endif // MPQ_LIB_CONVERSION_MPQTOKERNELS_LOWERING_H
