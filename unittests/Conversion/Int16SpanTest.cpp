//===- Int16SpanTest.cpp - the proven int16 span of a layer's weights -----===//
//
// computeInt16Span bounds, per channel and span-aligned window of K, the sum
// of a * w over all int8 activations a; the RVV kernels sum products in
// int16 over that span, so the bound must be exact at the edges and sound
// for any weights.
//
//===----------------------------------------------------------------------===//

#include "mpq/Conversion/MPQToKernels/MPQToKernels.h"

#include "gtest/gtest.h"

#include <random>

using namespace mpq;
using llvm::SmallVector;

namespace {

int64_t spanOf(int8_t value, int64_t n, int64_t k) {
  SmallVector<int8_t> w(n * k, value);
  return computeInt16Span(w, n, k, llvm::alignTo(k, 16));
}

TEST(Int16Span, EdgesOfTheInt16Range) {
  // 2 x 128 x 127 = 32512 fits, 3 products do not.
  EXPECT_EQ(spanOf(127, 4, 64), 2);
  // -128 codes: 128 x 128 = 16384, twice is 32768 > 32767.
  EXPECT_EQ(spanOf(-128, 4, 64), 1);
  // w = 1: the sum lies in [-128 L, 127 L]; L = 256 reaches -32768 exactly.
  EXPECT_EQ(spanOf(1, 3, 512), 256);
  // w = -1: the sum reaches 128 L; 256 would be 32768, so the longest
  // multiple of 16 is 240.
  EXPECT_EQ(spanOf(-1, 3, 512), 240);
  // 4-bit -8: 16 x 1024 = 16384 fits, 32 x 1024 = 32768 does not.
  EXPECT_EQ(spanOf(-8, 2, 64), 16);
  // Weights of -2: 112 x 256 = 28672 <= 32767 < 128 x 256.
  EXPECT_EQ(spanOf(-2, 4, 256), 112);
  // Zero weights: one span over the padded depth.
  EXPECT_EQ(spanOf(0, 2, 70), 80);
}

TEST(Int16Span, EveryWindowOfTheSpanFitsInt16) {
  std::mt19937 rng(7);
  for (int bits : {8, 4, 2, 3})
    for (auto [n, k] : {std::pair<int64_t, int64_t>{5, 40}, {16, 300}}) {
      int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
      std::uniform_int_distribution<int> dist(lo, hi);
      SmallVector<int8_t> w(n * k);
      for (int8_t &v : w)
        v = int8_t(dist(rng));
      int64_t kp = llvm::alignTo(k, 16);
      int64_t span = computeInt16Span(w, n, k, kp);
      ASSERT_GE(span, 1);
      ASSERT_LE(span, kp);
      EXPECT_TRUE(span < 16 ? 16 % span == 0 : span % 16 == 0);
      for (int64_t c = 0; c < n; ++c)
        for (int64_t s = 0; s < k; s += span) {
          int64_t maxSum = 0, minSum = 0;
          for (int64_t j = s; j < std::min(s + span, k); ++j) {
            int64_t v = w[c * k + j];
            maxSum += std::max(127 * v, -128 * v);
            minSum += std::min(127 * v, -128 * v);
          }
          EXPECT_LE(maxSum, 32767) << bits << "-bit, channel " << c;
          EXPECT_GE(minSum, -32768) << bits << "-bit, channel " << c;
        }
    }
}

} // namespace
