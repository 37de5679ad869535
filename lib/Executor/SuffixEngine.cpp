//===- SuffixEngine.cpp - re-run only what changed ------------------------===//

#include "mpq/Executor/SuffixEngine.h"
#include "mpq/Executor/Batching.h"
#include "mpq/Executor/Kernels.h"

#include <thread>

using namespace mlir;
using namespace mpq;

/// Runs body(worker, item) for every item of [0, n) on `numWorkers` threads
/// (the calling thread is worker 0), items handed out in order. Stops
/// handing out items after a failure. `afterItem` runs on the calling
/// thread after each of its items.
static LogicalResult
forEachItem(unsigned numWorkers, int64_t n,
            function_ref<LogicalResult(unsigned worker, int64_t item)> body,
            function_ref<void()> afterItem = nullptr) {
  std::atomic<int64_t> next{0};
  std::atomic<bool> failedAny{false};
  auto loop = [&](unsigned worker) {
    while (!failedAny) {
      int64_t item = next++;
      if (item >= n)
        return;
      if (failed(body(worker, item)))
        failedAny = true;
      if (worker == 0 && afterItem)
        afterItem();
    }
  };
  unsigned threads =
      unsigned(std::min<int64_t>(std::max(1u, numWorkers), std::max<int64_t>(
                                                               n, 1)));
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < threads; ++w)
    pool.emplace_back(loop, w);
  loop(0);
  for (std::thread &t : pool)
    t.join();
  return failure(failedAny);
}

FailureOr<std::unique_ptr<SuffixEngine>>
SuffixEngine::create(ModuleOp module, func::FuncOp fn, const Tensor &samples,
                     int64_t batchSize, ArrayRef<Operation *> resumePoints,
                     ValueObserver observer, unsigned numWorkers) {
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
  e->liveValues.resize(e->points.size());
  auto addValue = [&](Value v, int64_t def) {
    auto it = lastUse.find(v);
    if (it == lastUse.end())
      return;
    for (auto [i, p] : llvm::enumerate(e->points)) {
      int64_t at = e->position[p];
      if (def < at && it->second >= at) {
        liveAt[v].push_back(unsigned(i));
        e->liveValues[i].push_back(v);
      }
    }
  };
  for (BlockArgument a : block.getArguments())
    addValue(a, -1);
  for (Operation &op : block)
    for (Value r : op.getResults())
      addValue(r, e->position[&op]);

  if (!numWorkers)
    numWorkers = getDefaultNumThreads();
  for (unsigned w = 0; w < numWorkers; ++w) {
    e->workers.push_back(std::make_unique<Executor>(module));
    e->workers.back()->setNumThreads(1);
  }
  int64_t total = samples.getDimSize(0);
  int64_t batch = samplesPerRun(fn, std::max<int64_t>(1, batchSize));
  for (int64_t begin = 0; begin < total; begin += batch) {
    Chunk c;
    c.begin = begin;
    c.input = samples.sliceDim0(begin, std::min(total, begin + batch));
    c.liveIn.resize(e->points.size());
    e->chunks.push_back(std::move(c));
  }
  // The reference run of one chunk on one worker, caching the live values.
  auto reference = [&](unsigned worker, int64_t index) -> LogicalResult {
    Chunk &c = e->chunks[index];
    Executor &exec = *e->workers[worker];
    exec.setObserver([&](Value v, const Tensor &t) {
      if (observer)
        observer(v, t);
      auto it = liveAt.find(v);
      if (it == liveAt.end())
        return;
      for (unsigned i : it->second)
        c.liveIn[i][v] = t;
    });
    FailureOr<SmallVector<Tensor>> out = exec.run(fn, {c.input});
    exec.setObserver(nullptr);
    if (failed(out))
      return failure();
    c.outputs = std::move(*out);
    return success();
  };
  // An observer sees the values in order, on this thread.
  if (failed(forEachItem(observer ? 1 : numWorkers, e->getNumChunks(),
                         reference)))
    return failure();
  // Workers that ran no chunk take the constants another one cached.
  Executor *source = nullptr;
  for (auto &w : e->workers)
    if (w->hasCachedConstants())
      source = w.get();
  for (auto &w : e->workers)
    if (source && !w->hasCachedConstants())
      w->copyConstantsFrom(*source);
  return e;
}

Operation *SuffixEngine::getResumePoint(const RunOverrides &overrides) {
  Operation *first = overrides.getFirstAffectedOp(fn.getBody().front());
  if (!first)
    return nullptr;
  return points[pointIndexAtOrBefore(first)];
}

unsigned SuffixEngine::pointIndexAtOrBefore(Operation *op) {
  int64_t at = position.lookup(op);
  unsigned best = 0;
  for (unsigned i = 0; i < points.size(); ++i)
    if (position[points[i]] <= at)
      best = i;
  return best;
}

LogicalResult SuffixEngine::run(
    const RunOverrides &overrides,
    function_ref<LogicalResult(int64_t, ArrayRef<Tensor>)> consume) {
  std::vector<SmallVector<Tensor>> outputs(chunks.size());
  if (getResumePoint(overrides)) {
    BatchRun r;
    r.overrides = &overrides;
    if (failed(runBatch({r}, [&](size_t, int64_t c, ArrayRef<Tensor> out) {
          outputs[c].assign(out.begin(), out.end());
          return success();
        })))
      return failure();
  } else {
    for (int64_t c = 0; c < getNumChunks(); ++c)
      outputs[c] = chunks[c].outputs;
  }
  for (int64_t c = 0; c < getNumChunks(); ++c)
    if (failed(consume(c, outputs[c])))
      return failure();
  return success();
}

LogicalResult SuffixEngine::runBatch(
    ArrayRef<BatchRun> runs,
    function_ref<LogicalResult(size_t, int64_t, ArrayRef<Tensor>)> consume,
    function_ref<void(uint64_t, uint64_t)> progress) {
  // Groups: a run that starts from scratch (its resume point), and the runs
  // that start from its copied-out values.
  struct Group {
    size_t root;
    Operation *start; // null: the reference outputs
    unsigned startIndex = 0;
    std::vector<std::pair<size_t, unsigned>> children; // run, point index
    std::vector<unsigned> capturePoints;
  };
  std::vector<Group> groups;
  std::vector<int64_t> groupOf(runs.size(), -1);
  int64_t bodySize = int64_t(position.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    const BatchRun &r = runs[i];
    int64_t p = r.parent;
    if (p >= 0 && size_t(p) < i && r.resumeAt && groupOf[p] >= 0) {
      Group &g = groups[groupOf[p]];
      unsigned at = pointIndexAtOrBefore(r.resumeAt);
      if (g.root == size_t(p) && g.start && at > g.startIndex) {
        g.children.push_back({i, at});
        if (!llvm::is_contained(g.capturePoints, at))
          g.capturePoints.push_back(at);
        groupOf[i] = groupOf[p];
        continue;
      }
    }
    Group g;
    g.root = i;
    g.start = getResumePoint(*r.overrides);
    if (g.start)
      g.startIndex = pointIndexAtOrBefore(g.start);
    groupOf[i] = int64_t(groups.size());
    groups.push_back(std::move(g));
  }

  int64_t numChunks = getNumChunks();
  std::atomic<uint64_t> runsDone{0};
  auto item = [&](unsigned worker, int64_t index) -> LogicalResult {
    const Group &g = groups[index / numChunks];
    int64_t c = index % numChunks;
    Chunk &chunk = chunks[c];
    Executor &exec = *workers[worker];
    if (!g.start) {
      runsDone += 1 + g.children.size();
      return consume(g.root, c, chunk.outputs);
    }
    // Copies of the values live across each child's resume point.
    std::vector<ValueCache> captured(g.capturePoints.size());
    SmallVector<RunCapture> captures;
    for (auto [k, p] : llvm::enumerate(g.capturePoints))
      captures.push_back({points[p], liveValues[p], &captured[k]});
    FailureOr<SmallVector<Tensor>> out =
        exec.runFrom(fn, g.start, chunk.liveIn[g.startIndex],
                     *runs[g.root].overrides, captures);
    if (failed(out) || failed(consume(g.root, c, *out)))
      return failure();
    opsRun += uint64_t(bodySize - position[g.start]);
    ++runsDone;
    for (auto [child, p] : g.children) {
      unsigned k = unsigned(llvm::find(g.capturePoints, p) -
                            g.capturePoints.begin());
      FailureOr<SmallVector<Tensor>> o = exec.runFrom(
          fn, points[p], captured[k], *runs[child].overrides);
      if (failed(o) || failed(consume(child, c, *o)))
        return failure();
      opsRun += uint64_t(bodySize - position[points[p]]);
      ++runsDone;
    }
    return success();
  };
  auto report = [&] {
    if (progress)
      progress(runsDone / std::max<int64_t>(1, numChunks), runs.size());
  };
  return forEachItem(getNumWorkers(), int64_t(groups.size()) * numChunks,
                     item, report);
}
