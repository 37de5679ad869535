//===- SolverTest.cpp - layout solvers against enumeration ----------------===//

#include "mpq/Precision/Budget.h"
#include "mpq/Precision/Solver.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mpq::precision;

namespace {

/// A random instance: `layers` layers with 1..4 options, random signed
/// linear terms, optionally a random symmetric pair matrix, and one or two
/// resources with a limit between the cheapest and the dearest layout.
Problem randomProblem(std::mt19937 &rng, unsigned layers, bool quadratic,
                      unsigned resources, double tightness) {
  std::uniform_int_distribution<unsigned> nopt(1, 4);
  std::normal_distribution<double> g(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.5, 8.0);
  Problem p;
  for (unsigned l = 0; l < layers; ++l)
    p.numOptions.push_back(nopt(rng));
  unsigned n = p.numTotalOptions();
  for (unsigned i = 0; i < n; ++i)
    p.linear.push_back(g(rng));
  if (quadratic) {
    p.quad.assign(size_t(n) * n, 0.0);
    for (unsigned i = 0; i < n; ++i)
      for (unsigned j = i + 1; j < n; ++j)
        p.quad[size_t(i) * n + j] = p.quad[size_t(j) * n + i] = 0.5 * g(rng);
  }
  for (unsigned k = 0; k < resources; ++k) {
    Problem::Resource r;
    r.name = "r" + std::to_string(k);
    for (unsigned i = 0; i < n; ++i)
      r.cost.push_back(u(rng));
    p.resources.push_back(r);
    double lo = p.minCost(k);
    double hi = 0;
    for (unsigned l = 0, off = 0; l < layers; off += p.numOptions[l++])
      hi += *std::max_element(r.cost.begin() + off,
                              r.cost.begin() + off + p.numOptions[l]);
    p.resources[k].limit = lo + tightness * (hi - lo);
  }
  return p;
}

void expectSameObjectives(const Result &a, const Result &b) {
  ASSERT_EQ(a.layouts.size(), b.layouts.size());
  for (size_t i = 0; i < a.layouts.size(); ++i)
    EXPECT_NEAR(a.layouts[i].objective, b.layouts[i].objective, 1e-9);
}

// The branch and bound finds the same optimum (and the same K best
// objectives) as enumeration, linear and quadratic, one or two resources,
// loose and tight limits, including infeasible ones.
TEST(Solver, BranchAndBoundAgreesWithEnumeration) {
  std::mt19937 rng(1234);
  std::uniform_real_distribution<double> t(-0.05, 1.0);
  unsigned infeasible = 0, total = 0;
  for (unsigned trial = 0; trial < 400; ++trial) {
    unsigned layers = 1 + trial % 7;
    bool quadratic = trial % 2;
    unsigned res = 1 + (trial / 2) % 2;
    Problem p = randomProblem(rng, layers, quadratic, res, t(rng));
    ASSERT_FALSE(bool(p.validate()));
    SolveOptions opts;
    opts.topK = 1 + trial % 4;
    Result e = solveByEnumeration(p, opts);
    Result b = solveByBranchAndBound(p, opts);
    EXPECT_TRUE(e.optimal);
    EXPECT_TRUE(b.optimal);
    expectSameObjectives(e, b);
    for (const Layout &l : b.layouts) {
      EXPECT_TRUE(p.feasible(l.choice));
      EXPECT_NEAR(p.objective(l.choice), l.objective, 1e-9);
    }
    infeasible += e.layouts.empty();
    ++total;
  }
  // Both regimes were exercised.
  EXPECT_GT(infeasible, 0u);
  EXPECT_LT(infeasible, total / 2);
}

// An unlimited budget picks the best option of every layer (linear case).
TEST(Solver, UnlimitedBudgetTakesEachLayersBest) {
  Problem p;
  p.numOptions = {3, 2};
  p.linear = {0.3, 0.1, 0.2, -1.0, 0.5};
  p.resources.push_back({"size", 1e9, {1, 2, 3, 1, 2}});
  Result r = solveByBranchAndBound(p);
  ASSERT_EQ(r.layouts.size(), 1u);
  EXPECT_EQ(r.layouts[0].choice, (std::vector<unsigned>{1, 0}));
  EXPECT_DOUBLE_EQ(r.layouts[0].objective, -0.9);
}

// The smallest achievable budget leaves only the cheapest layout.
TEST(Solver, MinimumBudgetTakesCheapest) {
  Problem p;
  p.numOptions = {2, 2, 2};
  p.linear = {5, 0, 5, 0, 5, 0};
  p.resources.push_back({"size", 0, {1, 8, 1, 8, 1, 8}});
  p.resources[0].limit = p.minCost(0);
  Result r = solveByBranchAndBound(p);
  ASSERT_EQ(r.layouts.size(), 1u);
  EXPECT_EQ(r.layouts[0].choice, (std::vector<unsigned>{0, 0, 0}));
}

// No feasible layout: no result, and the explanation names the resource
// and the smallest achievable value.
TEST(Solver, InfeasibleBudgetIsExplained) {
  Problem p;
  p.numOptions = {2, 2};
  p.linear = {0, 1, 0, 1};
  p.resources.push_back({"size (bytes)", 3.0, {4, 2, 4, 2}});
  Result r = solveByBranchAndBound(p);
  EXPECT_TRUE(r.layouts.empty());
  std::string why = explainInfeasible(p);
  EXPECT_NE(why.find("size (bytes)"), std::string::npos) << why;
  EXPECT_NE(why.find("smallest achievable value 4"), std::string::npos) << why;
}

// Two limits that can each be met but not together.
TEST(Solver, JointlyInfeasibleIsExplained) {
  Problem p;
  p.numOptions = {2};
  p.linear = {0, 0};
  p.resources.push_back({"a", 1.0, {1, 2}});
  p.resources.push_back({"b", 1.0, {2, 1}});
  EXPECT_TRUE(solveByBranchAndBound(p).layouts.empty());
  EXPECT_NE(explainInfeasible(p).find("together"), std::string::npos);
}

// A zero-length time limit stops the search and says it is not optimal.
TEST(Solver, TimeLimitReportsNonOptimal) {
  std::mt19937 rng(7);
  Problem p = randomProblem(rng, 24, true, 1, 0.5);
  SolveOptions opts;
  opts.timeLimitSeconds = 1e-9;
  Result r = solveByBranchAndBound(p, opts);
  EXPECT_FALSE(r.optimal);
}

// After projection the matrix has no negative eigenvalue; a PSD matrix is
// left unchanged.
TEST(Solver, PSDProjection) {
  std::vector<double> m = {1, 2, 2, 1}; // eigenvalues 3, -1
  double lmin = projectToPSD(m, 2);
  EXPECT_NEAR(lmin, -1.0, 1e-12);
  EXPECT_NEAR(m[0], 1.5, 1e-12);
  EXPECT_NEAR(m[1], 1.5, 1e-12);
  std::vector<double> again = m;
  EXPECT_GE(projectToPSD(again, 2), -1e-9);
  for (int i = 0; i < 4; ++i)
    EXPECT_NEAR(again[i], m[i], 1e-12);
}

TEST(Budget, Parse) {
  auto b = parseBudget("size:40KiB, avg-weight-bits:3.5,bops:1.25,cycles:2M");
  ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
  ASSERT_EQ(b->size(), 4u);
  EXPECT_EQ((*b)[0].resource, Resource::SizeBytes);
  EXPECT_DOUBLE_EQ((*b)[0].value, 40960);
  EXPECT_EQ((*b)[1].resource, Resource::AvgWeightBits);
  EXPECT_DOUBLE_EQ((*b)[1].value, 3.5);
  EXPECT_DOUBLE_EQ((*b)[2].value, 1.25);
  EXPECT_DOUBLE_EQ((*b)[3].value, 2e6);
  auto s = parseBudget("size-kb:2");
  ASSERT_TRUE(bool(s));
  EXPECT_DOUBLE_EQ((*s)[0].value, 2048);
  auto m = parseBudget("size:1MB");
  ASSERT_TRUE(bool(m));
  EXPECT_DOUBLE_EQ((*m)[0].value, 1e6);
}

TEST(Budget, Errors) {
  for (const char *bad : {"", "size", "size:", "size:abc", "size:-1",
                          "foo:3", "avg-weight-bits:3,avg-weight-bits:4",
                          "latency-us:ten", "latency-us:0", "size:40KiBx"}) {
    auto b = parseBudget(bad);
    EXPECT_FALSE(bool(b)) << bad;
    if (!b)
      llvm::consumeError(b.takeError());
  }
}

TEST(Budget, Widths) {
  auto w = parseWidths("8,2,4");
  ASSERT_TRUE(bool(w));
  EXPECT_EQ(*w, (std::vector<unsigned>{2, 4, 8}));
  for (const char *bad : {"1", "9", "4,4", "x", ""}) {
    auto e = parseWidths(bad);
    EXPECT_FALSE(bool(e)) << bad;
    if (!e)
      llvm::consumeError(e.takeError());
  }
}

TEST(Budget, CostModel) {
  CostModel cm(nullptr);
  LayerCounts l{1000, 50000};
  EXPECT_DOUBLE_EQ(cm.sizeBytes(l, 3), 500); // 3-bit weights in 4-bit fields
  EXPECT_DOUBLE_EQ(cm.sizeBytes(l, 6), 1000);
  EXPECT_DOUBLE_EQ(cm.bops(l, 4, 8), 50000.0 * 32);
  auto c = cm.cycles(l, 4, 8);
  EXPECT_FALSE(bool(c));
  llvm::consumeError(c.takeError());
}

} // namespace
