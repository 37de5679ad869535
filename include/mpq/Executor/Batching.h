//===- Batching.h - running many samples through one function --*- C++ -*-===//
//
// Calibration, GPTQ rounding, mpq-compile's top-1 and mpq-run feed N samples
// stacked along dimension 0. A function whose argument has a dynamic leading
// dimension takes them in chunks; one exported with a static batch of 1
// takes them one at a time (its outputs are concatenated the same way).
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_EXECUTOR_BATCHING_H
#define MPQ_EXECUTOR_BATCHING_H

#include "mpq/Executor/Executor.h"

namespace mpq {

/// Samples per run of `fn`: `preferred`, or 1 when an argument has a static
/// leading dimension of 1 (a model exported with batch 1).
int64_t samplesPerRun(mlir::func::FuncOp fn, int64_t preferred);

/// Runs `fn` on `inputs` (every input holds the same number of samples along
/// dimension 0) in chunks of samplesPerRun(fn, preferred) samples, and
/// returns the results concatenated along dimension 0. Errors are emitted at
/// `fn` (or by the executor at the op).
mlir::FailureOr<llvm::SmallVector<Tensor>>
runSamples(Executor &exec, mlir::func::FuncOp fn, llvm::ArrayRef<Tensor> inputs,
           int64_t preferred);

} // namespace mpq

#endif // MPQ_EXECUTOR_BATCHING_H
