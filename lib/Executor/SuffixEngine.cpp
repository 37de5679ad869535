//===- SuffixEngine.cpp - re-run only what changed ------------------------===//

#include "mpq/Executor/SuffixEngine.h"
#include "mpq/Executor/Batching.h"

using namespace mlir;
using namespace mpq;

FailureOr<std::unique_ptr<SuffixEngine>>
SuffixEngine::create(ModuleOp module, func::FuncOp fn, const Tensor &samples,
                     int64_t batchSize, ArrayRef<Operation *> resumePoints,
                     ValueObserver observer) {
  std::unique_ptr<SuffixEngine> e(new SuffixEngine(module, fn));
  if (fn.isExternal() || !fn.getBody().hasOneBlock() ||
      fn.getNumArguments() != 1)
    return fn.emitError() << "the evaluation engine runs single-block "
                             "functions of one input";
  Block &block = fn.getBody().front();
  int64_t n = 0;
  llvm::DenseMap<Value, int64_t> lastUse;
  for (Operation &op : block) {
    e->position[&op] = n++;
    for (Value v : op.getOperands())
      lastUse[v] = e->position[&op];
  }
  // The body's first op is always a resume point (a full run).
  llvm::SmallPtrSet<Operation *, 16> seen;
  e->points.push_back(&block.front());
  seen.insert(&block.front());
  for (Operation *p : resumePoints)
    if (p->getBlock() == &block && seen.insert(p).second)
      e->points.push_back(p);
  llvm::sort(e->points, [&](Operation *a, Operation *b) {
    return e->position[a] < e->position[b];
  });
  // Per value, the resume points it is live across.
  llvm::DenseMap<Value, SmallVector<unsigned, 2>> liveAt;
  auto addValue = [&](Value v, int64_t def) {
    auto it = lastUse.find(v);
    if (it == lastUse.end())
      return;
    for (auto [i, p] : llvm::enumerate(e->points)) {
      int64_t at = e->position[p];
      if (def < at && it->second >= at)
        liveAt[v].push_back(unsigned(i));
    }
  };
  for (BlockArgument a : block.getArguments())
    addValue(a, -1);
  for (Operation &op : block)
    for (Value r : op.getResults())
      addValue(r, e->position[&op]);

  Chunk *current = nullptr;
  e->exec.setObserver([&](Value v, const Tensor &t) {
    if (observer)
      observer(v, t);
    auto it = liveAt.find(v);
    if (it == liveAt.end())
      return;
    for (unsigned i : it->second)
      current->liveIn[i][v] = t;
  });
  int64_t total = samples.getDimSize(0);
  int64_t batch = samplesPerRun(fn, std::max<int64_t>(1, batchSize));
  for (int64_t begin = 0; begin < total; begin += batch) {
    Chunk c;
    c.begin = begin;
    c.liveIn.resize(e->points.size());
    e->chunks.push_back(std::move(c));
    current = &e->chunks.back();
    FailureOr<SmallVector<Tensor>> out = e->exec.run(
        fn, {samples.sliceDim0(begin, std::min(total, begin + batch))});
    if (failed(out))
      return failure();
    current->outputs = std::move(*out);
  }
  e->exec.setObserver(nullptr);
  return e;
}

Operation *SuffixEngine::getResumePoint(const RunOverrides &overrides) {
  Operation *first = overrides.getFirstAffectedOp(fn.getBody().front());
  if (!first)
    return nullptr;
  int64_t at = position.lookup(first);
  Operation *best = points.front();
  for (Operation *p : points)
    if (position[p] <= at)
      best = p;
  return best;
}

LogicalResult SuffixEngine::run(
    const RunOverrides &overrides,
    function_ref<LogicalResult(int64_t, ArrayRef<Tensor>)> consume) {
  Operation *start = getResumePoint(overrides);
  if (!start) {
    for (int64_t c = 0; c < getNumChunks(); ++c)
      if (failed(consume(c, chunks[c].outputs)))
        return failure();
    return success();
  }
  unsigned index = 0;
  while (points[index] != start)
    ++index;
  int64_t ops = int64_t(position.size()) - position[start];
  for (int64_t c = 0; c < getNumChunks(); ++c) {
    FailureOr<SmallVector<Tensor>> out =
        exec.runFrom(fn, start, chunks[c].liveIn[index], overrides);
    if (failed(out) || failed(consume(c, *out)))
      return failure();
    opsRun += uint64_t(ops);
  }
  return success();
}
