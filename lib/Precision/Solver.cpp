//===- Solver.cpp - layout search: knapsack and quadratic programs --------===//

#include "mpq/Precision/Solver.h"

#include "llvm/Support/FormatVariadic.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

using namespace mpq::precision;

unsigned Problem::numTotalOptions() const {
  return std::accumulate(numOptions.begin(), numOptions.end(), 0u);
}

unsigned Problem::offset(unsigned layer) const {
  return std::accumulate(numOptions.begin(), numOptions.begin() + layer, 0u);
}

llvm::Error Problem::validate() const {
  auto err = [](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  unsigned n = numTotalOptions();
  for (unsigned l = 0; l < numLayers(); ++l)
    if (numOptions[l] == 0)
      return err(llvm::formatv("layer {0} has no option", l).str());
  if (linear.size() != n)
    return err(llvm::formatv("{0} linear terms for {1} options",
                             linear.size(), n)
                   .str());
  if (!quad.empty() && quad.size() != size_t(n) * n)
    return err(llvm::formatv("quadratic matrix has {0} entries, expected "
                             "{1} x {1}",
                             quad.size(), n)
                   .str());
  auto finite = [](const std::vector<double> &v) {
    return llvm::all_of(v, [](double x) { return std::isfinite(x); });
  };
  if (!finite(linear) || !finite(quad))
    return err("objective terms must be finite");
  for (const Resource &r : resources) {
    if (r.cost.size() != n)
      return err(llvm::formatv("resource '{0}' has {1} costs for {2} "
                               "options",
                               r.name, r.cost.size(), n)
                     .str());
    if (!finite(r.cost) || !std::isfinite(r.limit))
      return err(llvm::formatv("resource '{0}' has a non-finite cost or "
                               "limit",
                               r.name)
                     .str());
  }
  return llvm::Error::success();
}

double Problem::objective(llvm::ArrayRef<unsigned> layout) const {
  unsigned n = numTotalOptions();
  std::vector<unsigned> idx(numLayers());
  for (unsigned l = 0, off = 0; l < numLayers(); off += numOptions[l++])
    idx[l] = off + layout[l];
  double v = 0;
  for (unsigned l = 0; l < numLayers(); ++l) {
    v += linear[idx[l]];
    if (!quad.empty())
      for (unsigned m = l + 1; m < numLayers(); ++m)
        v += quad[size_t(idx[l]) * n + idx[m]];
  }
  return v;
}

double Problem::cost(unsigned k, llvm::ArrayRef<unsigned> layout) const {
  double c = 0;
  for (unsigned l = 0, off = 0; l < numLayers(); off += numOptions[l++])
    c += resources[k].cost[off + layout[l]];
  return c;
}

/// Slack for comparing sums of floating-point costs against a limit.
static double tolerance(double limit) {
  return 1e-9 * std::max(1.0, std::fabs(limit));
}

bool Problem::feasible(llvm::ArrayRef<unsigned> layout) const {
  for (unsigned k = 0; k < resources.size(); ++k)
    if (cost(k, layout) > resources[k].limit + tolerance(resources[k].limit))
      return false;
  return true;
}

double Problem::minCost(unsigned k) const {
  double c = 0;
  for (unsigned l = 0, off = 0; l < numLayers(); off += numOptions[l++])
    c += *std::min_element(resources[k].cost.begin() + off,
                           resources[k].cost.begin() + off + numOptions[l]);
  return c;
}

std::string mpq::precision::explainInfeasible(const Problem &p) {
  std::string msg;
  for (unsigned k = 0; k < p.resources.size(); ++k) {
    double lo = p.minCost(k);
    const Problem::Resource &r = p.resources[k];
    if (lo > r.limit + tolerance(r.limit)) {
      if (!msg.empty())
        msg += "; ";
      msg += llvm::formatv("{0} limit {1} is below the smallest achievable "
                           "value {2}",
                           r.name, r.limit, lo)
                 .str();
    }
  }
  if (msg.empty())
    msg = "each limit can be met alone, but no layout meets them all together";
  return msg;
}

namespace {

/// The K best layouts seen so far, best first.
class TopK {
public:
  explicit TopK(unsigned k) : k(std::max(1u, k)) {}
  /// Objective a new layout must beat to enter (infinity until full).
  double threshold() const {
    return best.size() < k ? std::numeric_limits<double>::infinity()
                           : best.back().objective;
  }
  void offer(const std::vector<unsigned> &choice, double obj) {
    if (obj >= threshold())
      return;
    Layout l{choice, obj};
    auto it = std::upper_bound(
        best.begin(), best.end(), obj,
        [](double v, const Layout &x) { return v < x.objective; });
    best.insert(it, std::move(l));
    if (best.size() > k)
      best.pop_back();
  }
  std::vector<Layout> take() { return std::move(best); }
  double bestObjective() const {
    return best.empty() ? std::nan("") : best.front().objective;
  }

private:
  unsigned k;
  std::vector<Layout> best;
};

/// Wall clock, time limit and progress reports.
class Clock {
public:
  explicit Clock(const SolveOptions &o)
      : opts(o), start(std::chrono::steady_clock::now()), lastReport(start) {}
  /// Called for every node; returns true when the time limit has passed.
  bool tick(uint64_t nodes, double best) {
    if ((nodes & 4095) != 0)
      return false;
    auto now = std::chrono::steady_clock::now();
    if (opts.progress &&
        std::chrono::duration<double>(now - lastReport).count() >= 1.0) {
      opts.progress(nodes, best);
      lastReport = now;
    }
    return opts.timeLimitSeconds > 0 &&
           std::chrono::duration<double>(now - start).count() >
               opts.timeLimitSeconds;
  }

private:
  const SolveOptions &opts;
  std::chrono::steady_clock::time_point start, lastReport;
};

} // namespace

Result mpq::precision::solveByEnumeration(const Problem &p,
                                          const SolveOptions &opts) {
  Result res;
  TopK top(opts.topK);
  Clock clock(opts);
  unsigned L = p.numLayers();
  std::vector<unsigned> choice(L, 0);
  while (true) {
    ++res.nodes;
    if (p.feasible(choice))
      top.offer(choice, p.objective(choice));
    if (clock.tick(res.nodes, top.bestObjective())) {
      res.optimal = false;
      break;
    }
    unsigned l = 0;
    while (l < L && ++choice[l] == p.numOptions[l])
      choice[l++] = 0;
    if (l == L)
      break;
  }
  res.layouts = top.take();
  return res;
}

namespace {

class BranchAndBound {
public:
  BranchAndBound(const Problem &p, const SolveOptions &opts)
      : p(p), opts(opts), top(opts.topK), clock(opts), L(p.numLayers()),
        N(p.numTotalOptions()), K(p.resources.size()) {
    off.resize(L + 1, 0);
    for (unsigned l = 0; l < L; ++l)
      off[l + 1] = off[l] + p.numOptions[l];
    // Smallest pair term of every pair of layers, summed over open pairs.
    pairMinSuffix.assign(L + 1, 0.0);
    if (!p.quad.empty()) {
      for (int l = int(L) - 1; l >= 0; --l) {
        double s = 0;
        for (unsigned m = l + 1; m < L; ++m) {
          double mn = std::numeric_limits<double>::infinity();
          for (unsigned i = off[l]; i < off[l + 1]; ++i)
            for (unsigned j = off[m]; j < off[m + 1]; ++j)
              mn = std::min(mn, p.quad[size_t(i) * N + j]);
          s += mn;
        }
        pairMinSuffix[l] = pairMinSuffix[l + 1] + s;
      }
    }
    minCostSuffix.assign(K, std::vector<double>(L + 1, 0.0));
    for (unsigned k = 0; k < K; ++k)
      for (int l = int(L) - 1; l >= 0; --l)
        minCostSuffix[k][l] =
            minCostSuffix[k][l + 1] +
            *std::min_element(p.resources[k].cost.begin() + off[l],
                              p.resources[k].cost.begin() + off[l + 1]);
    acc.assign(L + 1, std::vector<double>());
    acc[0] = p.linear;
    choice.assign(L, 0);
    cost.assign(K, 0.0);
  }

  Result run() {
    search(0, 0.0);
    Result r;
    r.layouts = top.take();
    r.optimal = !stopped;
    r.nodes = nodes;
    return r;
  }

private:
  void search(unsigned d, double obj) {
    if (stopped)
      return;
    ++nodes;
    if (clock.tick(nodes, top.bestObjective())) {
      stopped = true;
      return;
    }
    if (d == L) {
      top.offer(choice, obj);
      return;
    }
    const std::vector<double> &a = acc[d];
    // Lower bound over the open layers d..L-1.
    double bound = obj + pairMinSuffix[d];
    for (unsigned l = d; l < L; ++l)
      bound += *std::min_element(a.begin() + off[l], a.begin() + off[l + 1]);
    double th = top.threshold();
    if (bound >= th - 1e-12 * std::max(1.0, std::fabs(th)))
      return;
    // Options of layer d, most promising first.
    std::vector<unsigned> order(p.numOptions[d]);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](unsigned x, unsigned y) {
      return a[off[d] + x] < a[off[d] + y];
    });
    for (unsigned o : order) {
      unsigned g = off[d] + o;
      bool fits = true;
      for (unsigned k = 0; k < K && fits; ++k) {
        double lim = p.resources[k].limit;
        fits = cost[k] + p.resources[k].cost[g] + minCostSuffix[k][d + 1] <=
               lim + tolerance(lim);
      }
      if (!fits)
        continue;
      for (unsigned k = 0; k < K; ++k)
        cost[k] += p.resources[k].cost[g];
      choice[d] = o;
      // Pair terms of the open options with the option just fixed.
      acc[d + 1] = a;
      if (!p.quad.empty())
        for (unsigned j = off[d + 1]; j < N; ++j)
          acc[d + 1][j] += p.quad[size_t(g) * N + j];
      search(d + 1, obj + a[g]);
      for (unsigned k = 0; k < K; ++k)
        cost[k] -= p.resources[k].cost[g];
      if (stopped)
        return;
    }
  }

  const Problem &p;
  const SolveOptions &opts;
  TopK top;
  Clock clock;
  unsigned L, N, K;
  std::vector<unsigned> off;
  std::vector<double> pairMinSuffix;
  std::vector<std::vector<double>> minCostSuffix;
  /// acc[d][j]: linear term of option j plus its pair terms with the
  /// options fixed at layers < d.
  std::vector<std::vector<double>> acc;
  std::vector<unsigned> choice;
  std::vector<double> cost;
  uint64_t nodes = 0;
  bool stopped = false;
};

} // namespace

Result mpq::precision::solveByBranchAndBound(const Problem &p,
                                             const SolveOptions &opts) {
  return BranchAndBound(p, opts).run();
}

double mpq::precision::projectToPSD(std::vector<double> &m, unsigned n) {
  if (n == 0)
    return 0;
  Eigen::MatrixXd a(n, n);
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = 0; j < n; ++j)
      a(i, j) = 0.5 * (m[size_t(i) * n + j] + m[size_t(j) * n + i]);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(a);
  Eigen::VectorXd ev = es.eigenvalues();
  double lambdaMin = ev.minCoeff();
  Eigen::VectorXd clipped = ev.cwiseMax(0.0);
  Eigen::MatrixXd c =
      es.eigenvectors() * clipped.asDiagonal() * es.eigenvectors().transpose();
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = 0; j < n; ++j)
      m[size_t(i) * n + j] = 0.5 * (c(i, j) + c(j, i));
  return lambdaMin;
}
