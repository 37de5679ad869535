//===- Solver.h - layout search: knapsack and quadratic programs -*- C++ -*-===//
//
// The combinatorial core of precision assignment (papers.md sections 1 and
// 4), free of MLIR: every layer picks exactly one of its options, each
// option has a cost per resource (bytes, BOPs, cycles, ...), every resource
// has a limit, and the objective is a sum of per-option terms plus, for the
// CLADO quadratic program, a term per pair of options of different layers:
//
//   minimise  sum_l lin[l][o_l] + sum_{l<m} quad(l, o_l, m, o_m)
//   subject   sum_l cost[k][l][o_l] <= limit[k]   for every resource k
//
// A multiple-choice knapsack is the special case without quadratic terms.
// Two exact solvers answer it: enumeration (small instances) and a
// depth-first branch and bound; both can return the K best layouts. A time
// limit stops the branch and bound with the best layouts found so far and
// says so (Result::optimal = false).
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_PRECISION_SOLVER_H
#define MPQ_PRECISION_SOLVER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mpq::precision {

/// A layout problem. Options are numbered globally: layer l owns options
/// [offset(l), offset(l) + numOptions[l]).
struct Problem {
  std::vector<unsigned> numOptions;
  /// Per global option: its linear objective term.
  std::vector<double> linear;
  /// Optional dense symmetric matrix [N x N] (N = total options), row-major:
  /// quad[i * N + j] is added once for every chosen pair i, j of options of
  /// two different layers. Entries within one layer's block are ignored.
  std::vector<double> quad;
  /// Per resource: its name (for messages), limit, and per-option cost.
  struct Resource {
    std::string name;
    double limit = 0;
    std::vector<double> cost;
  };
  std::vector<Resource> resources;

  unsigned numLayers() const { return numOptions.size(); }
  unsigned numTotalOptions() const;
  unsigned offset(unsigned layer) const;
  /// Checks sizes and finiteness; the error says what is wrong.
  llvm::Error validate() const;
  /// Objective of a complete layout (one option index per layer, local).
  double objective(llvm::ArrayRef<unsigned> layout) const;
  /// Cost of `layout` on resource `k`.
  double cost(unsigned k, llvm::ArrayRef<unsigned> layout) const;
  bool feasible(llvm::ArrayRef<unsigned> layout) const;
  /// Smallest achievable cost of resource `k` (each layer at its cheapest
  /// option for that resource, ignoring the others).
  double minCost(unsigned k) const;
};

/// One layout and its objective.
struct Layout {
  std::vector<unsigned> choice;
  double objective = 0;
};

struct SolveOptions {
  /// Keep the `topK` best feasible layouts (at least 1).
  unsigned topK = 1;
  /// Stop after this many seconds with the best found (<= 0: no limit).
  double timeLimitSeconds = 0;
  /// Called about once a second with the number of nodes explored and the
  /// best objective so far (NaN when none); may be empty.
  std::function<void(uint64_t nodes, double best)> progress;
};

struct Result {
  /// The best layouts, best first (empty when no layout is feasible).
  std::vector<Layout> layouts;
  /// False when the time limit stopped the search before it was complete.
  bool optimal = true;
  uint64_t nodes = 0;
};

/// Enumerates every layout. Exact; cost prod_l numOptions[l].
Result solveByEnumeration(const Problem &p, const SolveOptions &opts = {});

/// Depth-first branch and bound, exact unless the time limit stops it. The
/// lower bound of a partial layout (layers 0..d-1 fixed) adds, for every
/// open layer, its cheapest option given the fixed layers (linear term plus
/// the pair terms with fixed layers), and, for every pair of open layers,
/// the smallest pair term over their options: a sum of minima never exceeds
/// the minimum of the sum. A branch is also cut when the fixed cost plus
/// the open layers' cheapest costs exceeds a limit.
Result solveByBranchAndBound(const Problem &p, const SolveOptions &opts = {});

/// Explains why no layout is feasible: for each resource whose smallest
/// achievable cost exceeds its limit, names it and that value; otherwise
/// says that the limits cannot be met together.
std::string explainInfeasible(const Problem &p);

/// Projects the symmetric matrix `m` ([n x n], row-major) onto the positive
/// semidefinite cone: eigen-decomposes it, sets negative eigenvalues to 0
/// and rebuilds it (symmetrised). Returns the most negative eigenvalue
/// before the projection.
double projectToPSD(std::vector<double> &m, unsigned n);

} // namespace mpq::precision

#endif // MPQ_PRECISION_SOLVER_H
