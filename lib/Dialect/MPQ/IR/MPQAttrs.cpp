//===- MPQAttrs.cpp - mpq attributes --------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQAttrs.h"
#include "mpq/Dialect/MPQ/IR/MPQDialect.h"
#include "mpq/Quant/Quantizer.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mpq;

#define GET_ATTRDEF_CLASSES
#include "mpq/Dialect/MPQ/IR/MPQAttrs.cpp.inc"

void MPQDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "mpq/Dialect/MPQ/IR/MPQAttrs.cpp.inc"
      >();
}

static bool isValueBits(unsigned b) { return b >= 2 && b <= 8; }

//===----------------------------------------------------------------------===//
// QuantParamsAttr
//===----------------------------------------------------------------------===//

static int64_t qminOf(unsigned bits, bool isSigned, bool narrow) {
  return QuantRange::get(bits, isSigned, narrow).qmin;
}

static int64_t qmaxOf(unsigned bits, bool isSigned) {
  return QuantRange::get(bits, isSigned, false).qmax;
}

LogicalResult
QuantParamsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        unsigned bits, bool isSigned, bool narrow,
                        DenseF64ArrayAttr scale, DenseI64ArrayAttr zeroPoint,
                        int64_t axis, DenseI32ArrayAttr channelBits) {
  if (!isValueBits(bits) && bits != 16 && bits != 32)
    return emitError() << "bit-width must be 2..8, 16 or 32, got " << bits;
  if (narrow && !isSigned)
    return emitError() << "narrow range applies to signed values only";
  if (!scale || scale.empty())
    return emitError() << "needs at least one scale";
  if (!zeroPoint || zeroPoint.size() != scale.size())
    return emitError() << "needs one zero point per scale (" << scale.size()
                       << "), got " << (zeroPoint ? zeroPoint.size() : 0);
  if (axis < -1)
    return emitError() << "axis must be -1 (per tensor) or a dimension, got "
                       << axis;
  if (axis == -1 && scale.size() != 1)
    return emitError() << "per-tensor parameters need exactly one scale, got "
                       << scale.size();
  for (double s : scale.asArrayRef())
    if (!(s > 0.0) || !std::isfinite(s))
      return emitError() << "scales must be positive and finite, got " << s;
  int64_t lo = qminOf(bits, isSigned, narrow), hi = qmaxOf(bits, isSigned);
  for (int64_t z : zeroPoint.asArrayRef())
    if (z < lo || z > hi)
      return emitError() << "zero point " << z << " outside the " << bits
                         << "-bit range [" << lo << ", " << hi << "]";
  if (channelBits) {
    if (axis < 0)
      return emitError() << "per-channel bit-widths need a channel axis";
    if (channelBits.size() != scale.size())
      return emitError() << "needs one channel bit-width per scale ("
                         << scale.size() << "), got " << channelBits.size();
    for (auto [c, cb] : llvm::enumerate(channelBits.asArrayRef())) {
      if (cb < 2 || unsigned(cb) > bits)
        return emitError() << "channel bit-width " << cb
                           << " must be in 2.." << bits;
      int64_t z = zeroPoint[c];
      if (z < qminOf(cb, isSigned, narrow) || z > qmaxOf(cb, isSigned))
        return emitError() << "zero point " << z << " of channel " << c
                           << " outside its " << cb << "-bit range";
    }
  }
  return success();
}

int64_t QuantParamsAttr::getQMin() const {
  return qminOf(getBits(), getIsSigned(), getNarrow());
}
int64_t QuantParamsAttr::getQMax() const {
  return qmaxOf(getBits(), getIsSigned());
}
unsigned QuantParamsAttr::getBitsOf(int64_t c) const {
  if (DenseI32ArrayAttr cb = getChannelBits())
    return cb[c];
  return getBits();
}
int64_t QuantParamsAttr::getQMin(int64_t c) const {
  return qminOf(getBitsOf(c), getIsSigned(), getNarrow());
}
int64_t QuantParamsAttr::getQMax(int64_t c) const {
  return qmaxOf(getBitsOf(c), getIsSigned());
}

//===----------------------------------------------------------------------===//
// PackingAttr
//===----------------------------------------------------------------------===//

LogicalResult PackingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  unsigned bits, unsigned container,
                                  DenseI64ArrayAttr panel) {
  if (!isValueBits(bits))
    return emitError() << "packed values must be 2..8 bits, got " << bits;
  if (container != 2 && container != 4 && container != 8)
    return emitError() << "container must be 2, 4 or 8 bits, got "
                       << container;
  if (container < bits)
    return emitError() << bits << "-bit values do not fit a " << container
                       << "-bit container";
  if (panel) {
    if (panel.size() != 2)
      return emitError() << "panel must be [rows, depth], got "
                         << panel.size() << " entries";
    if (panel[0] <= 0 || panel[1] <= 0)
      return emitError() << "panel sizes must be positive";
    // Microkernel panels are a few dozen wide; the bound keeps the padded
    // size in getPackedBytes far from int64 overflow (docs/hardening.md).
    if (panel[0] > 65536 || panel[1] > 65536)
      return emitError() << "panel sizes must be at most 65536, got ["
                         << panel[0] << ", " << panel[1] << "]";
  }
  return success();
}

int64_t PackingAttr::getPackedBytes(ArrayRef<int64_t> shape) const {
  int64_t numel = 1;
  for (int64_t d : shape)
    numel *= d;
  if (DenseI64ArrayAttr panel = getPanel()) {
    int64_t rows = shape.empty() ? 1 : shape[0];
    int64_t depth = rows ? numel / rows : 0;
    int64_t r = panel[0], d = panel[1];
    numel = ((rows + r - 1) / r * r) * ((depth + d - 1) / d * d);
  }
  return (numel * getContainer() + 7) / 8;
}

int64_t PackingAttr::getFieldIndex(int64_t row, int64_t col,
                                   int64_t depth) const {
  DenseI64ArrayAttr panel = getPanel();
  if (!panel)
    return row * depth + col;
  int64_t pr = panel[0], pd = panel[1];
  int64_t depthBlocks = (depth + pd - 1) / pd;
  return (((row / pr) * depthBlocks + col / pd) * pr + row % pr) * pd +
         col % pd;
}

SmallVector<int8_t> PackingAttr::pack(ArrayRef<int8_t> codes,
                                      ArrayRef<int64_t> shape) const {
  SmallVector<int8_t> bytes(getPackedBytes(shape), 0);
  int64_t rows = shape.empty() ? 1 : shape[0];
  int64_t depth = rows ? int64_t(codes.size()) / rows : 0;
  unsigned container = getContainer();
  unsigned mask = (1u << container) - 1u;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t d = 0; d < depth; ++d) {
      int64_t bit = getFieldIndex(r, d, depth) * container;
      unsigned v = unsigned(uint8_t(codes[r * depth + d])) & mask;
      bytes[bit / 8] = int8_t(uint8_t(bytes[bit / 8]) | (v << (bit % 8)));
    }
  return bytes;
}

SmallVector<int8_t> PackingAttr::unpack(ArrayRef<uint8_t> bytes,
                                        ArrayRef<int64_t> shape,
                                        bool isSigned) const {
  int64_t numel = 1;
  for (int64_t d : shape)
    numel *= d;
  int64_t rows = shape.empty() ? 1 : shape[0];
  int64_t depth = rows ? numel / rows : 0;
  unsigned container = getContainer();
  uint8_t mask = uint8_t((1u << container) - 1u);
  SmallVector<int8_t> out(numel);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t d = 0; d < depth; ++d) {
      int64_t bit = getFieldIndex(r, d, depth) * container;
      uint8_t v = (bytes[bit / 8] >> (bit % 8)) & mask;
      int32_t code = v;
      if (isSigned && container < 8 && (v >> (container - 1)))
        code -= int32_t(1) << container;
      out[r * depth + d] = int8_t(code);
    }
  return out;
}

//===----------------------------------------------------------------------===//
// CalibrationAttr
//===----------------------------------------------------------------------===//

LogicalResult
CalibrationAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        StringRef method, DenseF64ArrayAttr range,
                        bool nonNegative, DenseF64ArrayAttr lo,
                        DenseF64ArrayAttr hi) {
  if (method != "minmax" && method != "percentile" && method != "mmse")
    return emitError() << "unknown calibration method '" << method
                       << "' (minmax, percentile or mmse)";
  if (!range || range.size() != 2 || !(range[0] <= range[1]))
    return emitError() << "range must be [min, max] with min <= max";
  if (!lo || !hi || lo.size() != 7 || hi.size() != 7)
    return emitError() << "needs one clip range per bit-width 2..8 (7 each)";
  for (int i = 0; i < 7; ++i)
    if (!(lo[i] <= hi[i]))
      return emitError() << "clip range " << i + 2 << "-bit is empty";
  return success();
}

//===----------------------------------------------------------------------===//
// PrecisionAttr
//===----------------------------------------------------------------------===//

LogicalResult
PrecisionAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      unsigned weightBits, unsigned actBits,
                      DenseI32ArrayAttr channelBits, unsigned points) {
  if (!isValueBits(weightBits))
    return emitError() << "weight bit-width must be 2..8, got " << weightBits;
  if (!isValueBits(actBits))
    return emitError() << "activation bit-width must be 2..8, got " << actBits;
  if (channelBits)
    for (int32_t b : channelBits.asArrayRef())
      if (b < 2 || unsigned(b) > weightBits)
        return emitError() << "channel bit-width " << b << " must be in 2.."
                           << weightBits;
  if (points < 1 || points > 8)
    return emitError() << "multipoint terms must be 1..8, got " << points;
  return success();
}

void mpq::printExactF64Array(AsmPrinter &printer, DenseF64ArrayAttr values) {
  printer << '[';
  llvm::interleaveComma(values.asArrayRef(), printer.getStream(),
                        [&](double v) { printer.printFloat(llvm::APFloat(v)); });
  printer << ']';
}
