//===- SuffixEngine.h - re-run only what changed ----------------*- C++ -*-===//
//
// A precision search runs one function over the same samples thousands of
// times, each time with a few layers changed. SuffixEngine runs the
// unchanged function once, caching for every sample chunk the values live
// across chosen resume points (a layer's input, plus skip connections), and
// then evaluates RunOverrides (replaced weights, transformed operands) by
// resuming at the last resume point before the first op they touch: changing
// layer i costs about the share of the network after i. The IR is never
// modified.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_EXECUTOR_SUFFIXENGINE_H
#define MPQ_EXECUTOR_SUFFIXENGINE_H

#include "mpq/Executor/Executor.h"

#include <memory>
#include <vector>

namespace mpq {

class SuffixEngine {
public:
  /// Runs `fn` (one input) on `samples` in chunks of `batchSize` samples and
  /// caches, per chunk, the outputs and the values live across each op of
  /// `resumePoints` (ops of fn's body). `observer`, if given, sees every
  /// value of this reference run.
  static mlir::FailureOr<std::unique_ptr<SuffixEngine>>
  create(mlir::ModuleOp module, mlir::func::FuncOp fn, const Tensor &samples,
         int64_t batchSize, llvm::ArrayRef<mlir::Operation *> resumePoints,
         ValueObserver observer = nullptr);

  int64_t getNumChunks() const { return int64_t(chunks.size()); }
  /// First sample of chunk `c`.
  int64_t getChunkBegin(int64_t c) const { return chunks[c].begin; }
  /// The unchanged function's outputs on chunk `c`.
  llvm::ArrayRef<Tensor> getReferenceOutputs(int64_t c) const {
    return chunks[c].outputs;
  }
  /// The resume point a run with `overrides` starts from (null: nothing
  /// changed).
  mlir::Operation *getResumePoint(const RunOverrides &overrides);

  /// Runs every chunk with `overrides` from the last resume point before
  /// the first op they touch (the reference outputs if they touch nothing)
  /// and hands each chunk's outputs to `consume`.
  mlir::LogicalResult
  run(const RunOverrides &overrides,
      llvm::function_ref<mlir::LogicalResult(int64_t chunk,
                                             llvm::ArrayRef<Tensor> outputs)>
          consume);

  /// Ops run per call of run() so far, and ops of a whole run, for reports.
  uint64_t getOpsRun() const { return opsRun; }

private:
  SuffixEngine(mlir::ModuleOp module, mlir::func::FuncOp fn)
      : fn(fn), exec(module) {}

  struct Chunk {
    int64_t begin = 0;
    llvm::SmallVector<Tensor> outputs;
    /// Per resume point, the values live across it.
    std::vector<ValueCache> liveIn;
  };
  mlir::func::FuncOp fn;
  Executor exec;
  /// Resume points in block order, and each op's position in the body.
  std::vector<mlir::Operation *> points;
  llvm::DenseMap<mlir::Operation *, int64_t> position;
  std::vector<Chunk> chunks;
  uint64_t opsRun = 0;
};

} // namespace mpq

#endif // MPQ_EXECUTOR_SUFFIXENGINE_H
