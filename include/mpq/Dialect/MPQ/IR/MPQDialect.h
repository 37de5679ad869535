//===- MPQDialect.h - mpq dialect -------------------------------*- C++ -*-===//

#ifndef MPQ_DIALECT_MPQ_IR_MPQDIALECT_H
#define MPQ_DIALECT_MPQ_IR_MPQDIALECT_H

#include "mlir/IR/Dialect.h"

#include "mpq/Dialect/MPQ/IR/MPQOpsDialect.h.inc"

#endif // MPQ_DIALECT_MPQ_IR_MPQDIALECT_H
