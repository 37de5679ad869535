//===- MPQDialect.cpp - mpq dialect ---------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQDialect.h"
#include "mpq/Dialect/MPQ/IR/MPQAttrs.h"
#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mpq;

#include "mpq/Dialect/MPQ/IR/MPQOpsDialect.cpp.inc"

void MPQDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "mpq/Dialect/MPQ/IR/MPQOps.cpp.inc"
      >();
  registerAttributes();
}

//===----------------------------------------------------------------------===//
// Discardable attributes
//===----------------------------------------------------------------------===//

/// Checks one mpq.* attribute; `where` says what carries it ("op", "argument",
/// "result") for the messages.
static LogicalResult verifyMpqAttribute(Operation *op, NamedAttribute attr,
                                        StringRef where) {
  StringRef name = attr.getName().strref();
  Attribute value = attr.getValue();
  auto expect = [&](bool ok, StringRef what) -> LogicalResult {
    if (ok)
      return success();
    return op->emitError() << "'" << name << "' on an " << where
                           << " must be " << what << ", got " << value;
  };
  bool onOp = where == "op";
  if (name == attr::kPrecision) {
    if (!onOp)
      return op->emitError() << "'" << name << "' belongs on an op, not on "
                             << "a function " << where;
    return expect(isa<PrecisionAttr>(value), "a #mpq.precision");
  }
  if (name == attr::kCalib)
    return expect(isa<CalibrationAttr>(value), "a #mpq.calibration");
  if (name == attr::kMeanPatch || name == attr::kMeanSqPatch) {
    auto d = dyn_cast<DenseElementsAttr>(value);
    return expect(onOp && d && d.getElementType().isF32() &&
                      d.getType().getRank() == 1,
                  "a rank-1 f32 dense tensor on an op");
  }
  if (name == attr::kName)
    return expect(!onOp && isa<StringAttr>(value),
                  "a string on a function argument or result");
  if (name == attr::kCodegen)
    return expect(onOp && isa<ModuleOp>(op) && isa<DictionaryAttr>(value),
                  "a dictionary on a module");
  if (name == attr::kTarget)
    return expect(onOp && isa<ModuleOp>(op) && isa<StringAttr>(value),
                  "a string on a module");
  if (name == attr::kSearch)
    return expect(onOp && isa<ModuleOp>(op) && isa<DictionaryAttr>(value),
                  "a dictionary on a module");
  return op->emitError() << "unknown mpq attribute '" << name
                         << "' (known: mpq.precision, mpq.calib, "
                            "mpq.mean_patch, mpq.mean_sq_patch, mpq.name, "
                            "mpq.codegen, mpq.target, mpq.search)";
}

LogicalResult MPQDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  return verifyMpqAttribute(op, attr, "op");
}

LogicalResult MPQDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                   unsigned,
                                                   NamedAttribute attr) {
  return verifyMpqAttribute(op, attr, "argument");
}

LogicalResult MPQDialect::verifyRegionResultAttribute(Operation *op,
                                                      unsigned, unsigned,
                                                      NamedAttribute attr) {
  return verifyMpqAttribute(op, attr, "result");
}
