//===- MPQOps.cpp - mpq operations ----------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Support/CheckedMath.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mpq;

/// Checks every operand and result type of `op`: the static dimensions of a
/// tensor must not overflow and must fit kMaxTensorBytes (dynamic dimensions
/// count as 1 here; the executor checks the run-time shape).
static LogicalResult verifyTensorSizes(Operation *op) {
  auto check = [&](Type type, StringRef what, unsigned i) -> LogicalResult {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped || !shaped.hasRank())
      return success();
    SmallVector<int64_t> dims;
    for (int64_t d : shaped.getShape())
      dims.push_back(ShapedType::isDynamic(d) ? 1 : d);
    unsigned bits = shaped.getElementType().isIntOrFloat()
                        ? shaped.getElementType().getIntOrFloatBitWidth()
                        : 64;
    if (std::optional<std::string> why =
            checkTensorSize(dims, std::max<int64_t>(1, (bits + 7) / 8),
                            "element type size " +
                                std::to_string((bits + 7) / 8) + " bytes"))
      return op->emitOpError() << what << " #" << i << " of type " << type
                               << ": " << *why;
    return success();
  };
  for (auto [i, t] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(t, "operand", i)))
      return failure();
  for (auto [i, t] : llvm::enumerate(op->getResultTypes()))
    if (failed(check(t, "result", i)))
      return failure();
  return success();
}

/// Checks that `params` can describe a value of type `type`: the element type
/// is wide enough and per-axis parameters have one scale per slice of a
/// static extent (a dynamic one could not be checked, and the executor and
/// code generators would index past the scales).
static LogicalResult verifyParamsFor(Operation *op, QuantParamsAttr params,
                                     Type type, StringRef what) {
  auto shaped = cast<ShapedType>(type);
  Type elt = shaped.getElementType();
  if (auto intTy = dyn_cast<IntegerType>(elt)) {
    if (intTy.getWidth() < params.getBits())
      return op->emitOpError() << what << " holds " << params.getBits()
                               << "-bit values in " << elt
                               << ", which is too narrow";
  }
  if (!params.isPerAxis())
    return success();
  int64_t axis = params.getAxis();
  if (!shaped.hasRank() || axis >= shaped.getRank())
    return op->emitOpError() << what << " quantization axis " << axis
                             << " is not a dimension of " << type;
  int64_t dim = shaped.getDimSize(axis);
  if (ShapedType::isDynamic(dim))
    return op->emitOpError()
           << what << " is quantized along axis " << axis
           << ", which must have a static extent in " << type;
  if (dim != params.getNumScales())
    return op->emitOpError()
           << what << " has " << params.getNumScales()
           << " scales but dimension " << axis << " has size " << dim;
  return success();
}

//===----------------------------------------------------------------------===//
// Quantize / dequantize / requantize
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  if (failed(verifyTensorSizes(*this)))
    return failure();
  return verifyParamsFor(*this, getParams(), getOutput().getType(), "result");
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyTensorSizes(*this)))
    return failure();
  return verifyParamsFor(*this, getParams(), getInput().getType(), "input");
}

LogicalResult RequantizeOp::verify() {
  if (failed(verifyTensorSizes(*this)))
    return failure();
  if (failed(verifyParamsFor(*this, getInputParams(), getInput().getType(),
                             "input")) ||
      failed(verifyParamsFor(*this, getOutputParams(), getOutput().getType(),
                             "result")))
    return failure();
  if (getInputParams().isPerAxis() && getOutputParams().isPerAxis() &&
      getInputParams().getAxis() != getOutputParams().getAxis())
    return emitOpError("input and result are quantized along different axes");
  return success();
}

//===----------------------------------------------------------------------===//
// PackedConstantOp
//===----------------------------------------------------------------------===//

LogicalResult PackedConstantOp::verify() {
  if (failed(verifyTensorSizes(*this)))
    return failure();
  auto type = cast<RankedTensorType>(getOutput().getType());
  if (!type.hasStaticShape())
    return emitOpError("result must have a static shape, got ") << type;
  if (!getData().getElementType().isInteger(8))
    return emitOpError("packed data must be i8 bytes, got ")
           << getData().getElementType();
  int64_t want = getLayout().getPackedBytes(type.getShape());
  if (getData().getNumElements() != want)
    return emitOpError() << "packed data has " << getData().getNumElements()
                         << " bytes, but " << type << " with " << getLayout()
                         << " needs " << want;
  if (!getIsSigned() && getLayout().getBits() == 8)
    return success();
  // Every unpacked code must lie in the range of `bits`.
  unsigned bits = getLayout().getBits();
  int64_t lo = getIsSigned() ? -(int64_t(1) << (bits - 1)) : 0;
  int64_t hi = getIsSigned() ? (int64_t(1) << (bits - 1)) - 1
                           : (int64_t(1) << bits) - 1;
  SmallVector<int8_t> codes = unpack();
  for (auto [i, c] : llvm::enumerate(codes)) {
    int64_t v = getIsSigned() ? int64_t(c) : int64_t(uint8_t(c));
    if (v < lo || v > hi)
      return emitOpError() << "element " << i << " holds " << v
                           << ", outside the " << bits << "-bit range";
  }
  return success();
}

SmallVector<int8_t> PackedConstantOp::unpack() {
  SmallVector<uint8_t> bytes;
  for (const APInt &b : getData().getValues<APInt>())
    bytes.push_back(uint8_t(b.getZExtValue()));
  return getLayout().unpack(
      bytes, cast<RankedTensorType>(getOutput().getType()).getShape(),
      getIsSigned());
}

//===----------------------------------------------------------------------===//
// MultipointWeightOp
//===----------------------------------------------------------------------===//

LogicalResult MultipointWeightOp::verify() {
  if (failed(verifyTensorSizes(*this)))
    return failure();
  if (getTerms().empty())
    return emitOpError("needs at least one term");
  if (getParams().size() != getTerms().size())
    return emitOpError() << "needs one quantization parameter per term ("
                         << getTerms().size() << "), got "
                         << getParams().size();
  auto resultType = cast<ShapedType>(getOutput().getType());
  for (auto [i, term] : llvm::enumerate(getTerms())) {
    auto tt = cast<ShapedType>(term.getType());
    if (tt.getShape() != resultType.getShape())
      return emitOpError() << "term " << i << " has type " << tt
                           << ", but the result has shape of "
                           << resultType;
    auto p = cast<QuantParamsAttr>(getParams()[i]);
    if (p.isPerAxis() && p.getAxis() != 0)
      return emitOpError() << "term " << i
                           << " must be quantized per output channel (axis "
                              "0) or per tensor";
    if (failed(verifyParamsFor(*this, p, tt, "term")))
      return failure();
  }
  if (std::optional<ArrayRef<int32_t>> points = getPoints()) {
    if (!resultType.hasRank() || resultType.getRank() == 0 ||
        int64_t(points->size()) != resultType.getDimSize(0))
      return emitOpError() << "needs one point count per output channel, got "
                           << points->size();
    for (int32_t n : *points)
      if (n < 1 || n > int32_t(getTerms().size()))
        return emitOpError() << "point count " << n << " must be in 1.."
                             << getTerms().size();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Conv2DOp / FullyConnectedOp
//===----------------------------------------------------------------------===//

/// Checks what conv2d and fully_connected share: the weight is an integer
/// tensor with `weight_params`, or a multipoint weight without them; the bias;
/// the output type and clamp.
template <typename OpTy>
static LogicalResult verifyQuantizedCompute(OpTy op, int64_t outChannels) {
  Operation *o = op.getOperation();
  if (failed(verifyParamsFor(o, op.getInputParams(), op.getInput().getType(),
                             "input")))
    return failure();
  if (op.getInputParams().isPerAxis())
    return op.emitOpError("input must be quantized per tensor");
  auto wType = cast<ShapedType>(op.getWeight().getType());
  if (isa<IntegerType>(wType.getElementType())) {
    if (!op.getWeightParamsAttr())
      return op.emitOpError("integer weight needs weight_params");
    QuantParamsAttr wp = op.getWeightParamsAttr();
    if (wp.isPerAxis() && wp.getAxis() != 0)
      return op.emitOpError("weight must be quantized per output channel "
                            "(axis 0) or per tensor");
    if (failed(verifyParamsFor(o, wp, wType, "weight")))
      return failure();
  } else {
    if (!op.getWeight().template getDefiningOp<MultipointWeightOp>())
      return op.emitOpError("a float weight must come from "
                            "mpq.multipoint_weight");
    if (op.getWeightParamsAttr())
      return op.emitOpError("a multipoint weight carries its own parameters; "
                            "weight_params must be absent");
  }
  if (Value bias = op.getBias()) {
    auto bType = cast<ShapedType>(bias.getType());
    if (bType.getRank() != 1 ||
        (!ShapedType::isDynamic(outChannels) &&
         !bType.isDynamicDim(0) && bType.getDimSize(0) != outChannels))
      return op.emitOpError() << "bias must be [" << outChannels
                              << "], got " << bType;
  }
  auto outType = cast<ShapedType>(op.getOutput().getType());
  if (QuantParamsAttr outP = op.getOutputParamsAttr()) {
    if (outP.isPerAxis())
      return op.emitOpError("output must be quantized per tensor");
    if (failed(verifyParamsFor(o, outP, outType, "result")))
      return failure();
    int64_t lo = op.getClampMin().value_or(outP.getQMin());
    int64_t hi = op.getClampMax().value_or(outP.getQMax());
    if (lo < outP.getQMin() || hi > outP.getQMax() || lo > hi)
      return op.emitOpError() << "clamp [" << lo << ", " << hi
                              << "] must lie within the output range ["
                              << outP.getQMin() << ", " << outP.getQMax()
                              << "]";
  } else {
    if (!outType.getElementType().isInteger(32))
      return op.emitOpError("without output_params the result is the int32 "
                            "accumulator, got ")
             << outType.getElementType();
    if (op.getClampMin() || op.getClampMax())
      return op.emitOpError("clamp needs output_params");
  }
  return success();
}

/// floor((in + padA + padB - ((k - 1) * dilation + 1)) / stride) + 1, or
/// kDynamic if `in` or `k` is; nullopt if the arithmetic overflows int64.
static std::optional<int64_t> convOutSize(int64_t in, int64_t k, int64_t padA,
                                          int64_t padB, int64_t stride,
                                          int64_t dilation) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(k))
    return ShapedType::kDynamic;
  std::optional<int64_t> reach = checkedMul(k - 1, dilation);
  std::optional<int64_t> padded = checkedSum({in, padA, padB});
  if (!reach || !padded)
    return std::nullopt;
  return (*padded - *reach - 1) / stride + 1;
}

LogicalResult Conv2DOp::verify() {
  if (failed(verifyTensorSizes(*this)))
    return failure();
  auto inType = cast<ShapedType>(getInput().getType());
  auto wType = cast<ShapedType>(getWeight().getType());
  auto outType = cast<ShapedType>(getOutput().getType());
  if (!inType.hasRank() || inType.getRank() != 4)
    return emitOpError("input must be NHWC (rank 4), got ") << inType;
  if (wType.getRank() != 4)
    return emitOpError("weight must be OHWI (rank 4), got ") << wType;
  if (!outType.hasRank() || outType.getRank() != 4)
    return emitOpError("result must be NHWC (rank 4), got ") << outType;
  if (getPad().size() != 4)
    return emitOpError("pad must be [top, bottom, left, right]");
  if (getStride().size() != 2 || getDilation().size() != 2)
    return emitOpError("stride and dilation need two entries each");
  if (llvm::any_of(getPad(), [](int64_t p) { return p < 0; }))
    return emitOpError("pads must be non-negative");
  if (llvm::any_of(getStride(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(getDilation(), [](int64_t d) { return d < 1; }))
    return emitOpError("strides and dilations must be positive");
  int64_t groups = getGroups();
  int64_t c = inType.getDimSize(3), o = wType.getDimSize(0);
  if (groups < 1)
    return emitOpError("groups must be positive, got ") << groups;
  if (!ShapedType::isDynamic(c)) {
    if (c % groups != 0)
      return emitOpError() << c << " input channels do not split into "
                           << groups << " groups";
    if (!wType.isDynamicDim(3) && wType.getDimSize(3) != c / groups)
      return emitOpError() << "weight has " << wType.getDimSize(3)
                           << " input channels per group, expected "
                           << c / groups;
  }
  if (!ShapedType::isDynamic(o) && o % groups != 0)
    return emitOpError() << o << " output channels do not split into "
                         << groups << " groups";
  if (!outType.isDynamicDim(3) && !ShapedType::isDynamic(o) &&
      outType.getDimSize(3) != o)
    return emitOpError() << "result has " << outType.getDimSize(3)
                         << " channels, weight has " << o;
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> wantOr =
        convOutSize(inType.getDimSize(1 + i), wType.getDimSize(1 + i),
                    getPad()[2 * i], getPad()[2 * i + 1], getStride()[i],
                    getDilation()[i]);
    if (!wantOr)
      return emitOpError() << "pads and dilation of spatial dimension " << i
                           << " overflow 64-bit size arithmetic";
    int64_t want = *wantOr;
    int64_t got = outType.getDimSize(1 + i);
    if (!ShapedType::isDynamic(want) && !ShapedType::isDynamic(got) &&
        want != got)
      return emitOpError() << "result spatial dimension " << i << " is "
                           << got << ", expected " << want;
  }
  return verifyQuantizedCompute(*this, o);
}

LogicalResult FullyConnectedOp::verify() {
  if (failed(verifyTensorSizes(*this)))
    return failure();
  auto inType = cast<ShapedType>(getInput().getType());
  auto wType = cast<ShapedType>(getWeight().getType());
  auto outType = cast<ShapedType>(getOutput().getType());
  if (!inType.hasRank() || inType.getRank() < 2)
    return emitOpError("input must be [N..., K], got ") << inType;
  if (wType.getRank() != 2)
    return emitOpError("weight must be [M, K], got ") << wType;
  if (!outType.hasRank() || outType.getRank() != inType.getRank())
    return emitOpError("result must be [N..., M] of the input's rank, got ")
           << outType;
  int64_t last = inType.getRank() - 1;
  for (int64_t d = 0; d < last; ++d)
    if (!inType.isDynamicDim(d) && !outType.isDynamicDim(d) &&
        inType.getDimSize(d) != outType.getDimSize(d))
      return emitOpError() << "result dimension " << d << " is "
                           << outType.getDimSize(d) << ", input's is "
                           << inType.getDimSize(d);
  int64_t k = inType.getDimSize(last), wk = wType.getDimSize(1);
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(wk) && k != wk)
    return emitOpError() << "input has " << k << " features, weight has "
                         << wk;
  int64_t m = wType.getDimSize(0);
  if (!outType.isDynamicDim(last) && !ShapedType::isDynamic(m) &&
      outType.getDimSize(last) != m)
    return emitOpError() << "result has " << outType.getDimSize(last)
                         << " features, weight has " << m;
  return verifyQuantizedCompute(*this, m);
}

//===----------------------------------------------------------------------===//
// AddOp / AvgPool2dOp
//===----------------------------------------------------------------------===//

LogicalResult AddOp::verify() {
  if (failed(verifyTensorSizes(*this)))
    return failure();
  auto lt = cast<ShapedType>(getLhs().getType());
  auto rt = cast<ShapedType>(getRhs().getType());
  auto ot = cast<ShapedType>(getOutput().getType());
  if (lt.getRank() != rt.getRank() || lt.getRank() != ot.getRank())
    return emitOpError("operands and result must have equal ranks");
  for (int64_t d = 0; d < lt.getRank(); ++d) {
    int64_t a = lt.getDimSize(d), b = rt.getDimSize(d);
    if (a != b && a != 1 && b != 1 && !ShapedType::isDynamic(a) &&
        !ShapedType::isDynamic(b))
      return emitOpError() << "operand dimensions " << d << " (" << a
                           << " and " << b << ") do not broadcast";
  }
  for (auto [p, what] : {std::pair(getLhsParams(), "lhs"),
                         std::pair(getRhsParams(), "rhs"),
                         std::pair(getOutputParams(), "result")})
    if (p.isPerAxis())
      return emitOpError() << what << " must be quantized per tensor";
  if (failed(verifyParamsFor(*this, getLhsParams(), lt, "lhs")) ||
      failed(verifyParamsFor(*this, getRhsParams(), rt, "rhs")) ||
      failed(verifyParamsFor(*this, getOutputParams(), ot, "result")))
    return failure();
  QuantParamsAttr outP = getOutputParams();
  int64_t lo = getClampMin().value_or(outP.getQMin());
  int64_t hi = getClampMax().value_or(outP.getQMax());
  if (lo < outP.getQMin() || hi > outP.getQMax() || lo > hi)
    return emitOpError() << "clamp [" << lo << ", " << hi
                         << "] must lie within the output range ["
                         << outP.getQMin() << ", " << outP.getQMax() << "]";
  return success();
}

LogicalResult AvgPool2dOp::verify() {
  if (failed(verifyTensorSizes(*this)))
    return failure();
  auto it = cast<ShapedType>(getInput().getType());
  auto ot = cast<ShapedType>(getOutput().getType());
  if (it.getRank() != 4 || ot.getRank() != 4)
    return emitOpError("input and result must be NHWC (rank 4)");
  if (getKernel().size() != 2 || getStride().size() != 2 ||
      getPad().size() != 4)
    return emitOpError("kernel and stride need two entries, pad four");
  if (llvm::any_of(getKernel(), [](int64_t k) { return k < 1; }) ||
      llvm::any_of(getStride(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(getPad(), [](int64_t p) { return p < 0; }))
    return emitOpError("kernel and stride must be positive, pads "
                       "non-negative");
  for (int i = 0; i < 2; ++i)
    if (getPad()[2 * i] >= getKernel()[i] ||
        getPad()[2 * i + 1] >= getKernel()[i])
      return emitOpError("padding must be smaller than the kernel");
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> wantOr =
        convOutSize(it.getDimSize(1 + i), getKernel()[i], getPad()[2 * i],
                    getPad()[2 * i + 1], getStride()[i], 1);
    if (!wantOr)
      return emitOpError() << "kernel and pads of spatial dimension " << i
                           << " overflow 64-bit size arithmetic";
    int64_t want = *wantOr;
    int64_t got = ot.getDimSize(1 + i);
    if (!ShapedType::isDynamic(want) && !ShapedType::isDynamic(got) &&
        want != got)
      return emitOpError() << "result spatial dimension " << i << " is "
                           << got << ", expected " << want;
  }
  if (getInputParams().isPerAxis() || getOutputParams().isPerAxis())
    return emitOpError("input and result must be quantized per tensor");
  if (failed(verifyParamsFor(*this, getInputParams(), it, "input")) ||
      failed(verifyParamsFor(*this, getOutputParams(), ot, "result")))
    return failure();
  return success();
}

#define GET_OP_CLASSES
#include "mpq/Dialect/MPQ/IR/MPQOps.cpp.inc"
