//===- WeightPanelTest.cpp - low-bit weight panels of the microkernels ----===//
//
// The packed low-bit panels must hold exactly the canonical int8 panel of
// each kernel: decoding them with the documented rule (register
// j + phi * nr/F of a K step is field phi, low bits first, of byte vector j)
// and sign-extending must give back packWeights(..., int8).
//
//===----------------------------------------------------------------------===//

#include "mpq/Conversion/MPQToNeon/MPQToNeon.h"

#include "gtest/gtest.h"

#include <random>

using namespace mpq;
using llvm::SmallVector;

namespace {

SmallVector<int8_t> randomCodes(std::mt19937 &rng, int64_t n, unsigned bits) {
  int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
  std::uniform_int_distribution<int> dist(lo, hi);
  SmallVector<int8_t> w(n);
  for (int8_t &v : w)
    v = int8_t(dist(rng));
  return w;
}

TEST(WeightPanel, LowBitPanelsDecodeToTheCanonicalPanel) {
  std::mt19937 rng(3);
  for (NeonKernelKind kind :
       {NeonKernelKind::Smlal, NeonKernelKind::Sdot, NeonKernelKind::Smmla}) {
    std::unique_ptr<GemmMicrokernel> kernel = createNeonMicrokernel(kind);
    int64_t nr = kernel->nr();
    for (auto [n, k] :
         {std::pair<int64_t, int64_t>{10, 9}, {16, 32}, {37, 70}, {64, 256}})
      for (unsigned container : {4u, 2u}) {
        SmallVector<int8_t> w = randomCodes(rng, n * k, container);
        SmallVector<int8_t> canon = kernel->packWeights(w, n, k, {8, false});
        WeightFormat f{container, true};
        SmallVector<int8_t> packed = kernel->packWeights(w, n, k, f);
        int64_t fields = 8 / container, loads = nr / fields;
        ASSERT_EQ(int64_t(packed.size()) * fields, int64_t(canon.size()));
        ASSERT_EQ(kernel->blockBytes(k, f) * ((n + nr - 1) / nr),
                  int64_t(packed.size()));
        int64_t stepBytes = 16 * nr;
        for (int64_t s = 0; s < int64_t(canon.size()) / stepBytes; ++s)
          for (int64_t j = 0; j < loads; ++j)
            for (int64_t phi = 0; phi < fields; ++phi)
              for (int64_t i = 0; i < 16; ++i) {
                uint8_t byte =
                    uint8_t(packed[s * stepBytes / fields + j * 16 + i]);
                int field =
                    (byte >> (phi * container)) & ((1 << container) - 1);
                if (field >= (1 << (container - 1)))
                  field -= 1 << container; // sign-extend
                int8_t want = canon[s * stepBytes + (j + phi * loads) * 16 + i];
                ASSERT_EQ(field, want)
                    << kernel->getName().str() << " n=" << n << " k=" << k
                    << " container=" << container;
              }
      }
  }
}

TEST(WeightPanel, CanonicalPanelHoldsEveryWeightOnce) {
  // With distinct nonzero codes, the int8 panel is a permutation of the
  // weights plus zero padding.
  for (NeonKernelKind kind :
       {NeonKernelKind::Smlal, NeonKernelKind::Sdot, NeonKernelKind::Smmla}) {
    std::unique_ptr<GemmMicrokernel> kernel = createNeonMicrokernel(kind);
    int64_t n = 5, k = 20; // 100 weights: codes 1..100
    SmallVector<int8_t> w(n * k);
    for (int64_t i = 0; i < n * k; ++i)
      w[i] = int8_t(i + 1);
    SmallVector<int8_t> canon = kernel->packWeights(w, n, k, {8, false});
    std::vector<int> seen(101, 0);
    int64_t zeros = 0;
    for (int8_t v : canon)
      v == 0 ? ++zeros : ++seen[v];
    for (int v = 1; v <= 100; ++v)
      EXPECT_EQ(seen[v], 1) << kernel->getName().str() << " code " << v;
    EXPECT_EQ(zeros, int64_t(canon.size()) - n * k);
  }
}

} // namespace
