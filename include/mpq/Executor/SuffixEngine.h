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
// Chunks run in parallel, one per worker thread, each worker with its own
// Executor whose kernels run single-threaded: a chunk's results do not
// depend on the number of workers or on which worker ran it.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_EXECUTOR_SUFFIXENGINE_H
#define MPQ_EXECUTOR_SUFFIXENGINE_H

#include "mpq/Executor/Executor.h"

#include <atomic>
#include <memory>
#include <vector>

namespace mpq {

class SuffixEngine {
public:
  /// Runs `fn` (one input) on `samples` in chunks of `batchSize` samples and
  /// caches, per chunk, the outputs and the values live across each op of
  /// `resumePoints` (ops of fn's body). `observer`, if given, sees every
  /// value of this reference run (chunks in order, on the calling thread).
  /// `numWorkers` threads run chunks (0: the hardware's concurrency).
  static mlir::FailureOr<std::unique_ptr<SuffixEngine>>
  create(mlir::ModuleOp module, mlir::func::FuncOp fn, const Tensor &samples,
         int64_t batchSize, llvm::ArrayRef<mlir::Operation *> resumePoints,
         ValueObserver observer = nullptr, unsigned numWorkers = 0);

  int64_t getNumChunks() const { return int64_t(chunks.size()); }
  unsigned getNumWorkers() const { return unsigned(workers.size()); }
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
  /// and hands each chunk's outputs to `consume`, in chunk order on the
  /// calling thread.
  mlir::LogicalResult
  run(const RunOverrides &overrides,
      llvm::function_ref<mlir::LogicalResult(int64_t chunk,
                                             llvm::ArrayRef<Tensor> outputs)>
          consume);

  /// One run of a batch (runBatch).
  struct BatchRun {
    const RunOverrides *overrides = nullptr;
    /// An earlier run of the batch whose overrides are this run's on every
    /// op before `resumeAt` (e.g. a pair of layers' parent is the earlier
    /// layer alone). The parent's run copies out its values at the last
    /// resume point before `resumeAt`, and this run starts there: a pair
    /// (l, m) costs the share of the network after m, not after l. -1: none.
    int64_t parent = -1;
    mlir::Operation *resumeAt = nullptr;
  };

  /// Runs every run of `runs` on every chunk, (run, chunk) items spread
  /// over the workers, and hands each item's outputs to `consume`, which
  /// may be called concurrently from several threads (for different
  /// items) and in any order. Every item's outputs are the same as run()'s
  /// for that run and chunk, bit for bit. `progress`, if given, is called
  /// on the calling thread with the number of runs completed (estimated
  /// from completed items) and the total.
  mlir::LogicalResult runBatch(
      llvm::ArrayRef<BatchRun> runs,
      llvm::function_ref<mlir::LogicalResult(size_t run, int64_t chunk,
                                             llvm::ArrayRef<Tensor> outputs)>
          consume,
      llvm::function_ref<void(uint64_t done, uint64_t total)> progress =
          nullptr);

  /// Ops run so far by run() and runBatch(), over all chunks.
  uint64_t getOpsRun() const { return opsRun; }

private:
  SuffixEngine(mlir::ModuleOp module, mlir::func::FuncOp fn)
      : module(module), fn(fn) {}

  struct Chunk {
    int64_t begin = 0;
    Tensor input;
    llvm::SmallVector<Tensor> outputs;
    /// Per resume point, the values live across it.
    std::vector<ValueCache> liveIn;
  };
  /// Index in `points` of the last resume point at or before `op`.
  unsigned pointIndexAtOrBefore(mlir::Operation *op);

  mlir::ModuleOp module;
  mlir::func::FuncOp fn;
  /// One executor per worker thread (kernels single-threaded).
  std::vector<std::unique_ptr<Executor>> workers;
  /// Resume points in block order, each op's position in the body, and per
  /// resume point the values live across it.
  std::vector<mlir::Operation *> points;
  llvm::DenseMap<mlir::Operation *, int64_t> position;
  std::vector<std::vector<mlir::Value>> liveValues;
  std::vector<Chunk> chunks;
  std::atomic<uint64_t> opsRun{0};
};

} // namespace mpq

#endif // MPQ_EXECUTOR_SUFFIXENGINE_H
