//===- PackingTest.cpp - packed low-bit layouts ---------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQAttrs.h"
#include "mpq/Dialect/MPQ/IR/MPQDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

#include <random>

using namespace mlir;
using namespace mpq;

namespace {

struct Packing : ::testing::Test {
  Packing() { ctx.loadDialect<MPQDialect>(); }
  MLIRContext ctx;
};

TEST_F(Packing, RoundTripEveryWidthAndLayout) {
  Builder b(&ctx);
  std::mt19937 rng(3);
  for (unsigned bits : {2u, 3u, 4u, 5u, 8u})
    for (unsigned container : {2u, 4u, 8u}) {
      if (container < bits)
        continue;
      for (bool isSigned : {true, false})
        for (bool panel : {false, true}) {
          PackingAttr layout = PackingAttr::get(
              &ctx, bits, container,
              panel ? b.getDenseI64ArrayAttr({4, 8}) : DenseI64ArrayAttr());
          SmallVector<int64_t> shape = {7, 3, 3, 5};
          int64_t n = 7 * 45;
          int lo = isSigned ? -(1 << (bits - 1)) : 0;
          int hi = isSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
          std::uniform_int_distribution<int> d(lo, hi);
          SmallVector<int8_t> codes(n);
          for (int8_t &c : codes)
            c = int8_t(d(rng));
          SmallVector<int8_t> bytes = layout.pack(codes, shape);
          ASSERT_EQ(int64_t(bytes.size()), layout.getPackedBytes(shape));
          SmallVector<uint8_t> ub(bytes.begin(), bytes.end());
          SmallVector<int8_t> back = layout.unpack(ub, shape, isSigned);
          ASSERT_EQ(back, codes) << bits << "/" << container << " signed="
                                 << isSigned << " panel=" << panel;
        }
    }
}

TEST_F(Packing, DenseSizes) {
  PackingAttr p4 = PackingAttr::get(&ctx, 3, 4, {});
  EXPECT_EQ(p4.getPackedBytes({3, 3}), 5); // 9 nibbles -> 5 bytes
  PackingAttr p2 = PackingAttr::get(&ctx, 2, 2, {});
  EXPECT_EQ(p2.getPackedBytes({16}), 4);
  Builder b(&ctx);
  PackingAttr panel = PackingAttr::get(&ctx, 4, 4, b.getDenseI64ArrayAttr({16, 4}));
  // 10 rows padded to 16, depth 6 padded to 8: 128 nibbles.
  EXPECT_EQ(panel.getPackedBytes({10, 6}), 64);
}

TEST_F(Packing, NibbleOrderIsLowFirst) {
  PackingAttr p = PackingAttr::get(&ctx, 4, 4, {});
  SmallVector<int8_t> codes = {1, -1, 7, -8};
  SmallVector<int8_t> bytes = p.pack(codes, {4});
  ASSERT_EQ(bytes.size(), 2u);
  EXPECT_EQ(uint8_t(bytes[0]), 0xF1);
  EXPECT_EQ(uint8_t(bytes[1]), 0x87);
}

} // namespace
