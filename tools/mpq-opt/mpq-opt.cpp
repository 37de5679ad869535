//===- mpq-opt.cpp - mpq optimizer driver ---------------------------------===//

#include "mpq/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  mpq::registerAllMpqPasses();
  mlir::DialectRegistry registry;
  mpq::registerAllMpqDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "mpq optimizer driver\n", registry));
}
