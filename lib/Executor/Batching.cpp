//===- Batching.cpp - running many samples through one function ----------===//

#include "mpq/Executor/Batching.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mpq;

int64_t mpq::samplesPerRun(func::FuncOp fn, int64_t preferred) {
  for (Type t : fn.getArgumentTypes()) {
    auto ranked = dyn_cast<RankedTensorType>(t);
    if (ranked && ranked.getRank() > 0 && ranked.getDimSize(0) == 1)
      return 1;
  }
  return std::max<int64_t>(preferred, 1);
}

FailureOr<SmallVector<Tensor>> mpq::runSamples(Executor &exec, func::FuncOp fn,
                                               ArrayRef<Tensor> inputs,
                                               int64_t preferred) {
  if (inputs.empty() || inputs[0].getRank() < 1)
    return exec.run(fn, inputs);
  int64_t n = inputs[0].getDimSize(0);
  for (const Tensor &t : inputs)
    if (t.getRank() < 1 || t.getDimSize(0) != n)
      return fn.emitError() << "the inputs of @" << fn.getName()
                            << " hold different numbers of samples";
  int64_t chunk = samplesPerRun(fn, preferred);
  if (n <= chunk)
    return exec.run(fn, inputs);
  SmallVector<SmallVector<Tensor>> parts(fn.getNumResults());
  for (int64_t begin = 0; begin < n; begin += chunk) {
    SmallVector<Tensor> part;
    for (const Tensor &t : inputs)
      part.push_back(t.sliceDim0(begin, std::min(n, begin + chunk)));
    FailureOr<SmallVector<Tensor>> out = exec.run(fn, part);
    if (failed(out))
      return failure();
    for (auto [r, t] : llvm::enumerate(*out))
      parts[r].push_back(std::move(t));
  }
  SmallVector<Tensor> results;
  for (auto [r, p] : llvm::enumerate(parts)) {
    std::string error;
    Tensor joined = Tensor::concatDim0(p, error);
    if (!error.empty())
      return fn.emitError() << "result #" << r << " of @" << fn.getName()
                            << " cannot be joined along the samples: "
                            << error;
    results.push_back(std::move(joined));
  }
  return results;
}
