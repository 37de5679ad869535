//===- FoldFlattenTranspose.cpp - permute FC weights instead of activations ===//

#include "mpq/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mpq {
#define GEN_PASS_DEF_MPQFOLDFLATTENTRANSPOSEPASS
#include "mpq/Transforms/Passes.h.inc"
} // namespace mpq

using namespace mlir;

namespace {

/// Pattern: matmul(reshape3(reshape2(transpose(x, [0,3,1,2]))), const B)
///       -> matmul(reshape3(reshape2(x)), B with its K rows in NHWC order).
struct FoldFlattenTranspose : OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::MatMulOp mm,
                                PatternRewriter &rewriter) const override {
    auto r3 = mm.getA().getDefiningOp<tosa::ReshapeOp>();
    auto bConst = mm.getB().getDefiningOp<tosa::ConstOp>();
    if (!r3 || !bConst || !r3->hasOneUse())
      return rewriter.notifyMatchFailure(mm, "not the importer's FC");
    auto r2 = r3.getInput1().getDefiningOp<tosa::ReshapeOp>();
    if (!r2 || !r2->hasOneUse())
      return rewriter.notifyMatchFailure(mm, "input is not a flatten");
    auto tr = r2.getInput1().getDefiningOp<tosa::TransposeOp>();
    if (!tr || !tr->hasOneUse() ||
        tr.getPerms() != ArrayRef<int32_t>({0, 3, 1, 2}))
      return rewriter.notifyMatchFailure(mm, "no NHWC -> NCHW transpose");
    auto xType = cast<RankedTensorType>(tr.getInput1().getType());
    auto flatType = cast<RankedTensorType>(r2.getType());
    auto bType = cast<RankedTensorType>(mm.getB().getType());
    auto bAttr = dyn_cast<DenseElementsAttr>(bConst.getValues());
    if (!bAttr || !bAttr.getElementType().isF32() || xType.getRank() != 4 ||
        flatType.getRank() != 2 || bType.getRank() != 3 ||
        bType.getDimSize(0) != 1)
      return rewriter.notifyMatchFailure(mm, "unsupported shapes");
    int64_t h = xType.getDimSize(1), w = xType.getDimSize(2),
            c = xType.getDimSize(3);
    if (ShapedType::isDynamic(h) || ShapedType::isDynamic(w) ||
        ShapedType::isDynamic(c) || flatType.getDimSize(1) != h * w * c ||
        bType.getDimSize(1) != h * w * c)
      return rewriter.notifyMatchFailure(mm, "flatten is not over C, H, W");
    // Row k of B belongs to NCHW element (c, y, x); move it to NHWC row
    // (y * W + x) * C + c.
    int64_t n = bType.getDimSize(2);
    SmallVector<float> b(bAttr.getValues<float>());
    SmallVector<float> permuted(b.size());
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
          int64_t from = (ci * h + y) * w + x, to = (y * w + x) * c + ci;
          std::copy_n(b.begin() + from * n, n, permuted.begin() + to * n);
        }
    rewriter.setInsertionPoint(mm);
    auto newB = tosa::ConstOp::create(
        rewriter, bConst.getLoc(), bType,
        DenseElementsAttr::get(bType, ArrayRef<float>(permuted)));
    rewriter.modifyOpInPlace(r2, [&] { r2->setOperand(0, tr.getInput1()); });
    rewriter.modifyOpInPlace(mm, [&] { mm->setOperand(1, newB); });
    rewriter.eraseOp(tr);
    return success();
  }
};

struct MPQFoldFlattenTransposePass
    : public mpq::impl::MPQFoldFlattenTransposePassBase<
          MPQFoldFlattenTransposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldFlattenTranspose>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
