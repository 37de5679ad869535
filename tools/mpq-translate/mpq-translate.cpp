//===- mpq-translate.cpp - mpq translation driver -------------------------===//
//
// `mpq-translate --import-onnx model.onnx -o model.mlir`
//
//===----------------------------------------------------------------------===//

#include "mpq/Target/ONNX/ONNXImporter.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mpq::registerONNXImportTranslation();
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "mpq translation driver"));
}
