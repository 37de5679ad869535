//===- Passes.h - mpq passes ------------------------------------*- C++ -*-===//

#ifndef MPQ_TRANSFORMS_PASSES_H
#define MPQ_TRANSFORMS_PASSES_H

#include "mpq/Dialect/MPQ/IR/MPQDialect.h"
#include "mpq/Quant/LayerQuantizer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mpq {

#define GEN_PASS_DECL
#include "mpq/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mpq/Transforms/Passes.h.inc"

} // namespace mpq

#endif // MPQ_TRANSFORMS_PASSES_H
