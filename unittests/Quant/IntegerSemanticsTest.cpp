//===- IntegerSemanticsTest.cpp - fixed-point requantization --------------===//

#include "mpq/Quant/IntegerSemantics.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace mpq;

namespace {

/// Exact reference: round-half-up of acc * mantissa / 2^shift, computed with
/// 128-bit integers as the rational it is.
int64_t exactRequant(int32_t acc, FixedPointMultiplier m) {
  __int128 p = __int128(acc) * m.mantissa;
  __int128 d = __int128(1) << m.shift;
  // floor((2p + d) / 2d) is round-half-up of p/d for any sign of p.
  __int128 num = 2 * p + d, den = 2 * d;
  __int128 q = num / den;
  if ((num % den != 0) && ((num < 0) != (den < 0)))
    --q;
  return int64_t(q);
}

TEST(IntegerSemantics, MultiplierIsNormalisedAndAccurate) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> logm(-30.0, 30.0);
  for (int i = 0; i < 20000; ++i) {
    double m = std::exp2(logm(rng));
    FixedPointMultiplier f = quantizeMultiplier(m);
    ASSERT_GE(f.mantissa, int32_t(1) << 30) << m;
    ASSERT_GE(f.shift, 0);
    ASSERT_LE(f.shift, 62);
    double back = double(f.mantissa) * std::exp2(-f.shift);
    ASSERT_LE(std::fabs(back - m) / m, std::exp2(-30)) << m;
  }
}

TEST(IntegerSemantics, TinyAndHugeMultipliers) {
  EXPECT_EQ(quantizeMultiplier(0.0).mantissa, 0);
  EXPECT_EQ(quantizeMultiplier(-1.0).mantissa, 0);
  EXPECT_EQ(quantizeMultiplier(1e-30).mantissa, 0);
  EXPECT_EQ(quantizeMultiplier(0x1p-33).mantissa, 0);
  EXPECT_EQ(applyMultiplier(INT32_MAX, quantizeMultiplier(1e-30)), 0);
  FixedPointMultiplier smallest = quantizeMultiplier(0x1p-32);
  EXPECT_EQ(smallest.shift, 62);
  EXPECT_EQ(applyMultiplier(INT32_MAX, smallest), 0); // 0.4999... -> 0
  FixedPointMultiplier big = quantizeMultiplier(1e12);
  EXPECT_EQ(big.shift, 0);
  EXPECT_EQ(applyMultiplier(1 << 20, big), INT32_MAX);
  FixedPointMultiplier one = quantizeMultiplier(1.0);
  EXPECT_EQ(one.mantissa, int32_t(1) << 30);
  EXPECT_EQ(one.shift, 30);
  EXPECT_EQ(applyMultiplier(-12345, one), -12345);
}

// A mantissa that rounds up to 2^31 carries into the exponent: just below
// a power of two the multiplier is that power, not half of it (random
// multipliers almost never land within 2^-32 of one).
TEST(IntegerSemantics, MultiplierRoundingCarries) {
  for (double p : {1.0, 0.25, 0x1p-20}) {
    FixedPointMultiplier f = quantizeMultiplier(p * (1.0 - 0x1p-40));
    EXPECT_EQ(f.mantissa, int32_t(1) << 30) << p;
    EXPECT_EQ(double(f.mantissa) * std::exp2(-f.shift), p) << p;
  }
  EXPECT_EQ(applyMultiplier(1000, quantizeMultiplier(1.0 - 0x1p-40)), 1000);
}

TEST(IntegerSemantics, RequantizationMatchesExactRationalReference) {
  std::mt19937_64 rng(2);
  std::uniform_int_distribution<int32_t> acc(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int32_t> small(-100000, 100000);
  std::uniform_real_distribution<double> logm(-24.0, 0.0);
  for (int i = 0; i < 200000; ++i) {
    FixedPointMultiplier m = quantizeMultiplier(std::exp2(logm(rng)));
    int32_t a = (i & 1) ? acc(rng) : small(rng);
    int64_t want = exactRequant(a, m);
    want = std::max<int64_t>(INT32_MIN, std::min<int64_t>(INT32_MAX, want));
    ASSERT_EQ(applyMultiplier(a, m), want) << a << " " << m.mantissa << " "
                                           << m.shift;
  }
}

TEST(IntegerSemantics, TiesRoundUp) {
  // M = 0.5: 3 * 0.5 = 1.5 -> 2, -3 * 0.5 = -1.5 -> -1.
  FixedPointMultiplier half = quantizeMultiplier(0.5);
  EXPECT_EQ(applyMultiplier(3, half), 2);
  EXPECT_EQ(applyMultiplier(-3, half), -1);
  EXPECT_EQ(applyMultiplier(-5, half), -2);
  EXPECT_EQ(requantize(1000, half, -128, -128, 127), 127);
  EXPECT_EQ(requantize(-1000, half, 10, -128, 127), -128);
  EXPECT_EQ(requantize(7, half, 10, -128, 127), 14);
}

TEST(IntegerSemantics, QuantizeFloatRoundsHalfToEven) {
  EXPECT_EQ(quantizeFloat(2.5f, 1.0f, 0, -128, 127), 2);
  EXPECT_EQ(quantizeFloat(3.5f, 1.0f, 0, -128, 127), 4);
  EXPECT_EQ(quantizeFloat(-2.5f, 1.0f, 0, -128, 127), -2);
  EXPECT_EQ(quantizeFloat(1e9f, 1.0f, 0, -128, 127), 127);
  EXPECT_EQ(quantizeFloat(-1e30f, 1.0f, 3, -7, 7), -7);
  EXPECT_EQ(quantizeFloat(NAN, 1.0f, 3, -7, 7), 3);
  EXPECT_EQ(quantizeFloat(0.26f, 10.0f, 5, 0, 255), 8);
}

TEST(IntegerSemantics, BiasRounding) {
  // Exactly representable ratios, so the ties are real ties.
  EXPECT_EQ(quantizeBias(0.625, 0.25, 1.0), 2); // 2.5 -> 2 (ties to even)
  EXPECT_EQ(quantizeBias(0.875, 0.25, 1.0), 4); // 3.5 -> 4
  EXPECT_EQ(quantizeBias(-0.625, 0.25, 1.0), -2);
  EXPECT_EQ(quantizeBias(1e12, 1e-3, 1e-3), INT32_MAX);
}

/// Distance in units in the last place between two finite floats of the
/// same sign (or zero).
static int64_t ulpDistance(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  return std::abs(int64_t(ia) - int64_t(ib));
}

TEST(IntegerSemantics, ExpIsWithinTwoUlp) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-103.9f, 88.7f);
  int64_t worst = 0;
  for (int i = 0; i < 1000000; ++i) {
    float x = i < 1000 ? -float(i) / 10.0f : dist(rng);
    float want = float(std::exp(double(x)));
    if (want < std::numeric_limits<float>::min())
      continue; // subnormal results: checked below
    worst = std::max(worst, ulpDistance(expFloat(x), want));
  }
  EXPECT_LE(worst, 2);
  EXPECT_EQ(expFloat(0.0f), 1.0f);
  EXPECT_TRUE(std::isinf(expFloat(89.0f)));
  EXPECT_EQ(expFloat(-104.0f), 0.0f);
  EXPECT_TRUE(std::isnan(expFloat(NAN)));
  // Subnormal results stay close in absolute terms.
  EXPECT_NEAR(expFloat(-100.0f), float(std::exp(-100.0)), 1e-44);
}

TEST(IntegerSemantics, LogIsWithinTwoUlp) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<uint32_t> dist(1, 0x7f7fffffu);
  int64_t worst = 0;
  for (int i = 0; i < 1000000; ++i) {
    uint32_t u = dist(rng); // every positive finite float, subnormals too
    float x;
    std::memcpy(&x, &u, 4);
    worst = std::max(worst, ulpDistance(logFloat(x), float(std::log(double(x)))));
  }
  for (float x : {1.0f, 2.0f, 0.5f, 0.70710677f, 0.7071068f, 1.4142135f,
                  10.0f, 1.0e-45f, 3.4e38f})
    worst = std::max(worst, ulpDistance(logFloat(x), float(std::log(double(x)))));
  EXPECT_LE(worst, 2);
  EXPECT_EQ(logFloat(1.0f), 0.0f);
  EXPECT_EQ(logFloat(0.0f), -INFINITY);
  EXPECT_EQ(logFloat(-0.0f), -INFINITY);
  EXPECT_EQ(logFloat(INFINITY), INFINITY);
  EXPECT_TRUE(std::isnan(logFloat(NAN)));
  float nan = logFloat(-1.0f), want = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(std::memcmp(&nan, &want, 4), 0);
}

TEST(IntegerSemantics, PowOfOneHalfIsTheSquareRoot) {
  auto bits = [](float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
  };
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(0.0f, 1.0e6f);
  for (int i = 0; i < 100000; ++i) {
    float x = dist(rng);
    EXPECT_EQ(powFloat(x, 0.5f), std::sqrt(x));
  }
  // pow's special cases, and the positive quiet NaN of any host.
  EXPECT_EQ(bits(powFloat(-0.0f, 0.5f)), bits(0.0f));
  EXPECT_EQ(powFloat(-INFINITY, 0.5f), INFINITY);
  EXPECT_EQ(powFloat(INFINITY, 0.5f), INFINITY);
  EXPECT_EQ(bits(powFloat(-2.0f, 0.5f)),
            bits(std::numeric_limits<float>::quiet_NaN()));
  EXPECT_TRUE(std::isnan(powFloat(NAN, 0.5f)));
  // Other exponents are std::pow.
  EXPECT_EQ(powFloat(2.0f, 3.0f), 8.0f);
  EXPECT_EQ(powFloat(9.0f, -0.5f), std::pow(9.0f, -0.5f));
}

} // namespace
