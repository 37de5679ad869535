//===- MPQAttrs.h - mpq attributes ------------------------------*- C++ -*-===//

#ifndef MPQ_DIALECT_MPQ_IR_MPQATTRS_H
#define MPQ_DIALECT_MPQ_IR_MPQATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

namespace mpq {
/// Prints `[v0, v1, ...]` with every value in a form that parses back to the
/// same double.
void printExactF64Array(mlir::AsmPrinter &printer,
                        mlir::DenseF64ArrayAttr values);
} // namespace mpq

#define GET_ATTRDEF_CLASSES
#include "mpq/Dialect/MPQ/IR/MPQAttrs.h.inc"

#endif // MPQ_DIALECT_MPQ_IR_MPQATTRS_H
