//===- fuzz-mlir-run.cpp - libFuzzer harness: parse, verify, run ----------===//
//
// Parses the input as an MLIR module with the mpq dialects; what parses and
// verifies is run by the reference executor (as mpq-run would) on
// deterministic inputs: dynamic dimensions become 1, floats and integers
// come from a fixed sequence. Every step may refuse with a diagnostic; none
// may crash. Modules with a static tensor of more than 2^20 elements are not
// run (the harness looks for crashes, not for large allocations).
//
//===----------------------------------------------------------------------===//

#include "mpq/Executor/Executor.h"
#include "mpq/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "FuzzContext.h"

#include <cstdlib>

using namespace mlir;


static constexpr int64_t kMaxElements = int64_t(1) << 20;

/// Elements of `t` with dynamic dimensions taken as 1, or -1 when larger
/// than kMaxElements (or not a ranked tensor).
static int64_t boundedElements(Type t) {
  auto ranked = dyn_cast<RankedTensorType>(t);
  if (!ranked)
    return isa<TensorType>(t) ? -1 : 0;
  int64_t n = 1;
  for (int64_t d : ranked.getShape()) {
    int64_t e = ShapedType::isDynamic(d) ? 1 : d;
    if (e < 0 || (e && n > kMaxElements / e))
      return -1;
    n *= e;
  }
  return n;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext &ctx = fuzzContext();
  ScopedDiagnosticHandler quiet(&ctx, [](Diagnostic &) { return success(); });
  // The tools read files into null-terminated buffers, which MLIR's lexer
  // relies on; libFuzzer's input is not terminated.
  std::string text(reinterpret_cast<const char *>(data), size);
  ParserConfig config(&ctx);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, config);
  if (!module || failed(verify(*module)))
    return 0;
  bool small = true;
  module->walk([&](Operation *op) {
    for (Type t : op->getResultTypes())
      small &= boundedElements(t) >= 0;
    for (Region &r : op->getRegions())
      for (Block &b : r)
        for (BlockArgument a : b.getArguments())
          small &= boundedElements(a.getType()) >= 0;
  });
  if (!small)
    return 0;
  auto fn = module->lookupSymbol<func::FuncOp>("main");
  if (!fn || fn.isExternal())
    return 0;
  llvm::SmallVector<mpq::Tensor> inputs;
  uint32_t state = 12345;
  for (Type t : fn.getArgumentTypes()) {
    auto ranked = dyn_cast<RankedTensorType>(t);
    if (!ranked)
      return 0;
    llvm::SmallVector<int64_t> shape;
    for (int64_t d : ranked.getShape())
      shape.push_back(ShapedType::isDynamic(d) ? 1 : d);
    Type e = ranked.getElementType();
    mpq::ElementKind kind = e.isF32()                ? mpq::ElementKind::F32
                            : e.isInteger(64) || e.isIndex()
                                ? mpq::ElementKind::I64
                                : mpq::ElementKind::I32;
    mpq::Tensor x(kind, shape);
    for (int64_t i = 0; i < x.getNumElements(); ++i) {
      state = state * 1103515245u + 12345u;
      int32_t v = int32_t((state >> 16) & 0xff) - 128;
      if (kind == mpq::ElementKind::F32)
        x.getData<float>()[i] = float(v) / 32.0f;
      else if (kind == mpq::ElementKind::I64)
        x.getData<int64_t>()[i] = v;
      else
        x.getData<int32_t>()[i] = e.isInteger(1) ? (v & 1) : v;
    }
    inputs.push_back(std::move(x));
  }
  mpq::Executor exec(*module);
  exec.setNumThreads(1);
  (void)exec.run(fn, inputs);
  return 0;
}
