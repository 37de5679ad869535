//===- MPQOps.h - mpq operations --------------------------------*- C++ -*-===//

#ifndef MPQ_DIALECT_MPQ_IR_MPQOPS_H
#define MPQ_DIALECT_MPQ_IR_MPQOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mpq/Dialect/MPQ/IR/MPQAttrs.h"
#include "mpq/Dialect/MPQ/IR/MPQDialect.h"

#define GET_OP_CLASSES
#include "mpq/Dialect/MPQ/IR/MPQOps.h.inc"

#endif // MPQ_DIALECT_MPQ_IR_MPQOPS_H
