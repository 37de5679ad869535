//===- Passes.h - precision assignment passes -------------------*- C++ -*-===//

#ifndef MPQ_PRECISION_PASSES_H
#define MPQ_PRECISION_PASSES_H

#include "mpq/Dialect/MPQ/IR/MPQDialect.h"
#include "mpq/Quant/LayerQuantizer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mpq::precision {
/// Search strategies of --assign-precision.
enum class Strategy { Uniform, Hawq, LossAware, Clado };
} // namespace mpq::precision

namespace mpq {
#define GEN_PASS_DECL
#include "mpq/Precision/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mpq/Precision/Passes.h.inc"
} // namespace mpq

#endif // MPQ_PRECISION_PASSES_H
