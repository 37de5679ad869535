//===- Passes.h - mpq conversion passes -------------------------*- C++ -*-===//

#ifndef MPQ_CONVERSION_PASSES_H
#define MPQ_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mpq {

#define GEN_PASS_DECL
#include "mpq/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mpq/Conversion/Passes.h.inc"

} // namespace mpq

#endif // MPQ_CONVERSION_PASSES_H
