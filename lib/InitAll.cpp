//===- InitAll.cpp - register every mpq dialect and pass ------------------===//

#include "mpq/InitAll.h"
#include "mpq/Dialect/MPQ/IR/MPQDialect.h"
#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Conversion/Passes.h"
#include "mpq/Precision/Passes.h"
#include "mpq/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectRegistry.h"

void mpq::registerAllMpqDialects(mlir::DialectRegistry &registry) {
  registry.insert<mpq::MPQDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::tensor::TensorDialect,
                  mlir::tosa::TosaDialect, mlir::quant::QuantDialect,
                  // code generation
                  mlir::arm_neon::ArmNeonDialect, mlir::cf::ControlFlowDialect,
                  mlir::LLVM::LLVMDialect, mlir::math::MathDialect,
                  mlir::memref::MemRefDialect, mlir::scf::SCFDialect,
                  mlir::vector::VectorDialect>();
  mpq::registerQuantizableLayerExternalModels(registry);
}

void mpq::registerAllMpqPasses() {
  mpq::registerMPQPasses();
  mpq::registerMPQConversionPasses();
  mpq::registerMPQPrecisionPasses();
}
