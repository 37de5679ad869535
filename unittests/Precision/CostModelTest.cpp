//===- CostModelTest.cpp - per-width cycles and memory traffic ------------===//

#include "mpq/Precision/Budget.h"
#include "mpq/Target/TargetDescription.h"

#include "gtest/gtest.h"

using namespace mpq;
using namespace mpq::precision;

namespace {

/// An SDOT target with hand-chosen rates: 32 peak, 24/16/8 measured at
/// W8/W4/W2; 8 GB/s at 2 GHz = 4 bytes per cycle.
TargetDescription sdotTarget() {
  TargetDescription t;
  t.name = "test";
  t.arch = "aarch64";
  t.features = {"neon", "dotprod"};
  t.kernels = {{"int8-sdot", 32, {24, 16, 8}}, {"int8-smlal", 8, {}}};
  t.memory.bandwidthGBps = 8;
  t.clockGHz = 2;
  return t;
}

TEST(CostModel, ComputeAtTheRateOfTheWeightContainer) {
  TargetDescription t = sdotTarget();
  CostModel cm(&t);
  EXPECT_EQ(cm.kernelKind(), "int8-sdot");
  LayerCounts l{1000, 48000};
  EXPECT_DOUBLE_EQ(cm.computeCycles(l, 8), 2000);
  EXPECT_DOUBLE_EQ(cm.computeCycles(l, 6), 2000); // 6-bit weights in bytes
  EXPECT_DOUBLE_EQ(cm.computeCycles(l, 4), 3000);
  EXPECT_DOUBLE_EQ(cm.computeCycles(l, 3), 3000); // 3-bit in 4-bit fields
  EXPECT_DOUBLE_EQ(cm.computeCycles(l, 2), 6000);
  // Activation widths run on the same int8 kernel.
  EXPECT_DOUBLE_EQ(*cm.cycles(l, 8, 4), *cm.cycles(l, 8, 8));
}

TEST(CostModel, PeakRateWithoutMeasuredRates) {
  TargetDescription t = sdotTarget();
  t.features = {"neon"}; // no dotprod: the SMLAL kernel, peak rate only
  CostModel cm(&t);
  EXPECT_EQ(cm.kernelKind(), "int8-smlal");
  LayerCounts l{10, 800};
  EXPECT_DOUBLE_EQ(cm.computeCycles(l, 8), 100);
  EXPECT_DOUBLE_EQ(cm.computeCycles(l, 2), 100);
}

TEST(CostModel, RooflineOfComputeAndWeightTraffic) {
  TargetDescription t = sdotTarget();
  CostModel cm(&t);
  // A fully connected layer: one MAC per weight, memory bound at W8.
  LayerCounts fc{48000, 48000};
  EXPECT_DOUBLE_EQ(cm.memoryCycles(fc, 8), 12000); // 48000 B / 4 B/cycle
  EXPECT_DOUBLE_EQ(cm.memoryCycles(fc, 4), 6000);
  EXPECT_DOUBLE_EQ(cm.memoryCycles(fc, 2), 3000);
  EXPECT_DOUBLE_EQ(*cm.cycles(fc, 8, 8), 12000); // max(2000, 12000)
  // One output row: the low-bit unpacking of a 6-row SDOT tile pass is
  // paid for one row of MACs: 2000 + 48000 * 6 * (1/16 - 1/24) = 8000.
  EXPECT_NEAR(cm.computeCycles(fc, 4), 8000, 1e-6);
  EXPECT_NEAR(*cm.cycles(fc, 4, 8), 8000, 1e-6); // max(8000, 6000)
  EXPECT_NEAR(cm.computeCycles(fc, 2),
              2000 + 48000 * 6 * (1.0 / 8 - 1.0 / 24), 1e-6);
  // 7 rows run as two passes of 6.
  EXPECT_NEAR(cm.computeCycles({1000, 7000}, 4),
              7000.0 / 24 + 1000 * 12 * (1.0 / 16 - 1.0 / 24), 1e-6);
  // A convolution reuses each weight: compute bound.
  LayerCounts conv{1000, 480000};
  EXPECT_DOUBLE_EQ(*cm.cycles(conv, 8, 8), 20000);
  // Without a clock there is no memory term.
  t.clockGHz = 0;
  EXPECT_DOUBLE_EQ(cm.memoryCycles(fc, 8), 0);
  EXPECT_DOUBLE_EQ(*cm.cycles(fc, 8, 8), 2000);
}

TEST(CostModel, LatencyAtTheTargetClock) {
  TargetDescription t = sdotTarget();
  CostModel cm(&t);
  LayerCounts conv{1000, 480000};
  EXPECT_DOUBLE_EQ(*cm.latencyUs(conv, 8, 8), 10); // 20000 cycles at 2 GHz
  EXPECT_DOUBLE_EQ(*cm.cost(Resource::LatencyUs, conv, 8, 8, 1000), 10);
  auto limits = parseBudget("latency-us:12.5,cycles:2K");
  ASSERT_TRUE(bool(limits));
  EXPECT_EQ((*limits)[0].resource, Resource::LatencyUs);
  EXPECT_DOUBLE_EQ((*limits)[0].value, 12.5);
  t.clockGHz = 0;
  auto noClock = cm.latencyUs(conv, 8, 8);
  ASSERT_FALSE(bool(noClock));
  EXPECT_EQ(llvm::toString(noClock.takeError()),
            "a latency budget needs the clock of target 'test' (clock_ghz in "
            "its file)");
}

TEST(CostModel, NoRateForTheKernelIsAnError) {
  TargetDescription t = sdotTarget();
  t.features = {"neon"};
  t.kernels = {{"int8-sdot", 32, {}}};
  CostModel cm(&t);
  auto c = cm.cycles({10, 100}, 8, 8);
  ASSERT_FALSE(bool(c));
  EXPECT_EQ(llvm::toString(c.takeError()),
            "target 'test' gives no rate for kernel int8-smlal");
}

/// The bundled files: the Armv8.0 kernel runs W4 slower than W8, the SDOT
/// kernel of the A76 nearly as fast, so the two cores rank widths apart.
TEST(CostModel, BundledTargets) {
  auto a53 = lookupTarget("cortex-a53");
  auto a76 = lookupTarget("cortex-a76");
  ASSERT_TRUE(bool(a53)) << llvm::toString(a53.takeError());
  ASSERT_TRUE(bool(a76)) << llvm::toString(a76.takeError());
  EXPECT_GT(a53->clockGHz, 0);
  EXPECT_GT(a76->clockGHz, 0);
  CostModel m53(&*a53), m76(&*a76);
  EXPECT_EQ(m53.kernelKind(), "int8-smlal");
  EXPECT_EQ(m76.kernelKind(), "int8-sdot");
  LayerCounts conv{9216, 7225344}; // 3x3x32x32 convolution on 28x28
  EXPECT_GT(*m53.cycles(conv, 4, 8), 1.2 * *m53.cycles(conv, 8, 8));
  EXPECT_LT(*m76.cycles(conv, 4, 8), 1.1 * *m76.cycles(conv, 8, 8));
  // A fully connected layer is memory bound at W8 on both: W4 is cheaper.
  LayerCounts fc{200704, 200704};
  EXPECT_LT(*m76.cycles(fc, 4, 8), *m76.cycles(fc, 8, 8));
  for (const char *name : {"cortex-a55", "cortex-a710", "rv64gcv",
                           "spacemit-x60"}) {
    auto t = lookupTarget(name);
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    CostModel m(&*t);
    auto c = m.cycles(conv, 8, 8);
    ASSERT_TRUE(bool(c)) << name << ": " << llvm::toString(c.takeError());
    EXPECT_GT(*c, 0) << name;
  }
}

} // namespace
