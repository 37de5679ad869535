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

/// tosa.matmul in one of the fully connected forms (matchFullyConnected).
struct MatMulModel
    : QuantizableLayerOpInterface::ExternalModel<MatMulModel,
                                                 tosa::MatMulOp> {
  bool isQuantizableLayer(Operation *op) const {
    return matchFullyConnected(op).has_value();
  }
  Value getLayerInput(Operation *op) const {
    std::optional<FullyConnectedForm> f = matchFullyConnected(op);
    return f ? f->input : Value();
  }
  Value getLayerWeight(Operation *op) const { return op->getOperand(1); }
  Value getLayerBias(Operation *op) const {
    std::optional<FullyConnectedForm> f = matchFullyConnected(op);
    return f ? f->bias : Value();
  }
  Value getLayerOutput(Operation *op) const {
    std::optional<FullyConnectedForm> f = matchFullyConnected(op);
    return f ? f->output : Value();
  }
  int64_t getNumOutputChannels(Operation *op) const {
    return cast<ShapedType>(op->getOperand(1).getType()).getDimSize(2);
  }
  int64_t getNumWeights(Operation *op) const {
    return numElementsOf(op->getOperand(1));
  }
  int64_t getMACsPerSample(Operation *op) const {
    std::optional<FullyConnectedForm> f = matchFullyConnected(op);
    return f ? getNumWeights(op) * f->rowsPerSample : 0;
  }
};

} // namespace

std::optional<FullyConnectedForm> mpq::matchFullyConnected(Operation *op) {
  auto mm = dyn_cast_or_null<tosa::MatMulOp>(op);
  if (!mm || !isConstF32(mm.getB()))
    return std::nullopt;
  auto aType = dyn_cast<RankedTensorType>(mm.getA().getType());
  auto bType = dyn_cast<RankedTensorType>(mm.getB().getType());
  auto yType = dyn_cast<RankedTensorType>(mm.getResult().getType());
  if (!aType || !bType || !yType || !yType.getElementType().isF32() ||
      aType.getRank() != 3 || aType.getDimSize(0) != 1 ||
      bType.getRank() != 3 || bType.getDimSize(0) != 1)
    return std::nullopt;
  FullyConnectedForm f;
  f.k = bType.getDimSize(1);
  f.n = bType.getDimSize(2);
  // The input: the reshape's operand (any shape holding rows of K values
  // in row-major order), or the matmul's operand itself.
  f.inputReshape = mm.getA().getDefiningOp<tosa::ReshapeOp>();
  f.input = f.inputReshape ? f.inputReshape.getInput1() : mm.getA();
  auto xType = dyn_cast<RankedTensorType>(f.input.getType());
  if (!xType || xType.getRank() < 2 ||
      llvm::count_if(xType.getShape(), ShapedType::isDynamic) > 1)
    return std::nullopt;
  int64_t inner = 1;
  for (int64_t d : xType.getShape().drop_front()) {
    if (ShapedType::isDynamic(d))
      return std::nullopt;
    inner *= d;
  }
  if (inner % f.k)
    return std::nullopt;
  f.rowsPerSample = inner / f.k;
  // The output: a reshape that is the matmul's only user, or its result.
  Value out = mm.getResult();
  if (out.hasOneUse())
    if (auto r = dyn_cast<tosa::ReshapeOp>(*out.getUsers().begin())) {
      f.outputReshape = r;
      out = r.getResult();
    }
  auto outType = cast<RankedTensorType>(out.getType());
  if (llvm::count_if(outType.getShape(), ShapedType::isDynamic) > 1)
    return std::nullopt;
  f.output = out;
  // A constant bias [.., 1, N] (or one value) added along the last axis.
  if (!out.hasOneUse() || outType.getShape().back() != f.n)
    return f;
  auto add = dyn_cast<tosa::AddOp>(*out.getUsers().begin());
  if (!add || add.getType() != outType)
    return f;
  Value other = add.getInput1() == out ? add.getInput2() : add.getInput1();
  auto cType = dyn_cast<RankedTensorType>(other.getType());
  if (other == out || !isConstF32(other) || !cType.hasStaticShape() ||
      cType.getRank() > outType.getRank())
    return f;
  ArrayRef<int64_t> cs = cType.getShape();
  if (!llvm::all_of(cs.drop_back(), [](int64_t d) { return d == 1; }) ||
      (!cs.empty() && cs.back() != f.n && cs.back() != 1))
    return f;
  f.biasAdd = add;
  f.bias = other;
  f.output = add.getResult();
  return f;
}

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
