//===- MPQAttrs.h - mpq attributes ------------------------------*- C++ -*-===//

#ifndef MPQ_DIALECT_MPQ_IR_MPQATTRS_H
#define MPQ_DIALECT_MPQ_IR_MPQATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#define GET_ATTRDEF_CLASSES
#include "mpq/Dialect/MPQ/IR/MPQAttrs.h.inc"

#endif // MPQ_DIALECT_MPQ_IR_MPQATTRS_H
