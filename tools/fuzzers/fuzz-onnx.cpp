//===- fuzz-onnx.cpp - libFuzzer harness for the ONNX importer ------------===//
//
// Every input must be either refused with a diagnostic or imported into a
// module that verifies.
//
//===----------------------------------------------------------------------===//

#include "mpq/InitAll.h"
#include "mpq/Target/ONNX/ONNXImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include "FuzzContext.h"

#include <cstdlib>

using namespace mlir;


extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext &ctx = fuzzContext();
  // Refusals are expected; their text is not what is fuzzed.
  ScopedDiagnosticHandler quiet(&ctx, [](Diagnostic &) { return success(); });
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = mpq::importONNXModel(bytes, "fuzz.onnx", &ctx);
  if (module && failed(verify(*module))) {
    llvm::errs() << "fuzz-onnx: the importer built a module that does not "
                    "verify\n";
    std::abort();
  }
  return 0;
}
