//===- QuantizableLayer.cpp - layers and mpq.* attribute accessors --------===//
//
// External models of QuantizableLayerOpInterface on the TOSA ops the ONNX
// importer produces for layers, and the accessors of MPQInterfaces.h.
//
//===----------------------------------------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Dialect/MPQ/IR/MPQDialect.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mpq;

#include "mpq/Dialect/MPQ/IR/MPQInterfaces.cpp.inc"

namespace {

/// Whether `v` is a constant f32 tensor.
bool isConstF32(Value v) {
  auto c = v ? v.getDefiningOp<tosa::ConstOp>() : nullptr;
  if (!c)
    return false;
  auto attr = dyn_cast<DenseElementsAttr>(c.getValues());
  return attr && attr.getElementType().isF32();
}

int64_t numElementsOf(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() ? t.getNumElements() : 0;
}

/// tosa.conv2d ([O, KH, KW, I] weights) and tosa.depthwise_conv2d
/// ([KH, KW, C, M] weights): operands input, weight, bias.
template <typename OpTy>
struct ConvModel
    : QuantizableLayerOpInterface::ExternalModel<ConvModel<OpTy>, OpTy> {
  bool isQuantizableLayer(Operation *op) const {
    auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    return t && t.getElementType().isF32() &&
           isConstF32(op->getOperand(1)) && isConstF32(op->getOperand(2));
  }
  Value getLayerInput(Operation *op) const { return op->getOperand(0); }
  Value getLayerWeight(Operation *op) const { return op->getOperand(1); }
  Value getLayerBias(Operation *op) const { return op->getOperand(2); }
  Value getLayerOutput(Operation *op) const { return op->getResult(0); }
  int64_t getNumOutputChannels(Operation *op) const {
    auto t = cast<ShapedType>(op->getOperand(1).getType());
    if (std::is_same_v<OpTy, tosa::DepthwiseConv2DOp>)
      return t.getDimSize(2) * t.getDimSize(3);
    return t.getDimSize(0);
  }
  int64_t getNumWeights(Operation *op) const {
    return numElementsOf(op->getOperand(1));
  }
  int64_t getMACsPerSample(Operation *op) const {
    auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    auto w = cast<ShapedType>(op->getOperand(1).getType());
    if (!out || out.getRank() != 4 || out.isDynamicDim(1) ||
        out.isDynamicDim(2) || out.isDynamicDim(3) || !w.hasStaticShape())
      return 0;
    int64_t pixels = out.getDimSize(1) * out.getDimSize(2);
    // Every output element costs the weights of one output channel.
    int64_t perOutput = w.getNumElements() / getNumOutputChannels(op);
    return pixels * out.getDimSize(3) * perOutput;
  }
};

/// The importer's fully-connected layer (Gemm):
///   reshape [M, ...] -> [1, M, K]; matmul with a constant [1, K, N];
///   reshape [1, M, N] -> [M, N]; optionally add a constant [N] bias.
struct MatMulModel
    : QuantizableLayerOpInterface::ExternalModel<MatMulModel,
                                                 tosa::MatMulOp> {
  static tosa::ReshapeOp inputReshape(Operation *op) {
    return op->getOperand(0).getDefiningOp<tosa::ReshapeOp>();
  }
  static tosa::ReshapeOp outputReshape(Operation *op) {
    if (!op->getResult(0).hasOneUse())
      return nullptr;
    return dyn_cast<tosa::ReshapeOp>(*op->getResult(0).getUsers().begin());
  }
  /// The bias add after the output reshape, if any.
  static tosa::AddOp biasAdd(Operation *op) {
    tosa::ReshapeOp out = outputReshape(op);
    if (!out || !out.getResult().hasOneUse())
      return nullptr;
    auto add = dyn_cast<tosa::AddOp>(*out.getResult().getUsers().begin());
    if (!add)
      return nullptr;
    Value other = add.getInput1() == out.getResult() ? add.getInput2()
                                                     : add.getInput1();
    int64_t n = cast<ShapedType>(op->getOperand(1).getType()).getDimSize(2);
    int64_t count = numElementsOf(other);
    if (!isConstF32(other) || (count != n && count != 1))
      return nullptr;
    return add;
  }

  bool isQuantizableLayer(Operation *op) const {
    tosa::ReshapeOp in = inputReshape(op), out = outputReshape(op);
    auto bType = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
    if (!in || !out || !isConstF32(op->getOperand(1)) || !bType ||
        bType.getRank() != 3 || bType.getDimSize(0) != 1)
      return false;
    auto xType = dyn_cast<RankedTensorType>(in.getInput1().getType());
    auto oType = dyn_cast<RankedTensorType>(out.getType());
    if (!xType || xType.getRank() < 2 || !oType || oType.getRank() != 2)
      return false;
    int64_t inner = 1;
    for (int64_t d : xType.getShape().drop_front()) {
      if (ShapedType::isDynamic(d))
        return false;
      inner *= d;
    }
    return inner == bType.getDimSize(1);
  }
  Value getLayerInput(Operation *op) const {
    tosa::ReshapeOp in = inputReshape(op);
    return in ? in.getInput1() : Value();
  }
  Value getLayerWeight(Operation *op) const { return op->getOperand(1); }
  Value getLayerBias(Operation *op) const {
    tosa::AddOp add = biasAdd(op);
    if (!add)
      return nullptr;
    return add.getInput1() == outputReshape(op).getResult() ? add.getInput2()
                                                            : add.getInput1();
  }
  Value getLayerOutput(Operation *op) const {
    if (tosa::AddOp add = biasAdd(op))
      return add.getResult();
    tosa::ReshapeOp out = outputReshape(op);
    return out ? out.getResult() : Value();
  }
  int64_t getNumOutputChannels(Operation *op) const {
    return cast<ShapedType>(op->getOperand(1).getType()).getDimSize(2);
  }
  int64_t getNumWeights(Operation *op) const {
    return numElementsOf(op->getOperand(1));
  }
  int64_t getMACsPerSample(Operation *op) const {
    // One row of the [M, K] input per sample.
    return getNumWeights(op);
  }
};

} // namespace

void mpq::registerQuantizableLayerExternalModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, tosa::TosaDialect *) {
    tosa::Conv2DOp::attachInterface<ConvModel<tosa::Conv2DOp>>(*ctx);
    tosa::DepthwiseConv2DOp::attachInterface<
        ConvModel<tosa::DepthwiseConv2DOp>>(*ctx);
    tosa::MatMulOp::attachInterface<MatMulModel>(*ctx);
    // TOSA ops carry the mpq.* attributes: load the dialect that verifies
    // them even when no #mpq attribute was parsed.
    ctx->getOrLoadDialect<MPQDialect>();
  });
}

SmallVector<QuantizableLayerOpInterface>
mpq::getQuantizableLayers(func::FuncOp fn) {
  SmallVector<QuantizableLayerOpInterface> layers;
  fn.walk([&](QuantizableLayerOpInterface layer) {
    if (layer.isQuantizableLayer())
      layers.push_back(layer);
  });
  return layers;
}

PrecisionAttr mpq::getPrecision(Operation *op) {
  return op->getAttrOfType<PrecisionAttr>(attr::kPrecision);
}

void mpq::setPrecision(Operation *op, PrecisionAttr precision) {
  op->setAttr(attr::kPrecision, precision);
}

CalibrationAttr mpq::getCalibration(Value v) {
  if (Operation *def = v.getDefiningOp())
    return def->getAttrOfType<CalibrationAttr>(attr::kCalib);
  auto arg = cast<BlockArgument>(v);
  auto fn = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (!fn || arg.getOwner() != &fn.getBody().front())
    return nullptr;
  return fn.getArgAttrOfType<CalibrationAttr>(arg.getArgNumber(),
                                              attr::kCalib);
}
