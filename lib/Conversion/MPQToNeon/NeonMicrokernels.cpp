//===- NeonMicrokernels.cpp - AArch64 GEMM microkernels
//--------------------===//
//
// Three int8 GEMM microkernels behind mpq::GemmMicrokernel, built from the
// vector and arm_neon dialects:
//
// - SDOT 6x8c4 (dotprod): weights in blocks of 8 channels, 4 bytes of
//   depth per channel per step ("c4"); each step broadcasts 4 activation
//   bytes of a row (a lane of a 16-byte load, which LLVM folds into the
//   indexed form `sdot v.4s, w.16b, a.4b[lane]`) against 2 weight registers.
//   6 rows x 8 channels keep 12 accumulators, 6 activation and 8 weight
//   registers live without spills, and halve the weight registers (and so
//   the low-bit unpacking) per MAC compared with 4x16.
// - SMULL+SADALP 2x16c4 (Armv8.0 fallback, e.g. Cortex-A53): the same panel
//   layout; 8x8->16-bit products, pairwise-accumulated into 32-bit lanes,
//   folded with ADDP at the end.
// - SMMLA 4x16 (i8mm): 2x8 by 8x2 matrix steps; weights in blocks of 16
//   channels, 8 bytes of depth per channel per step, channel pairs adjacent.
//
//===----------------------------------------------------------------------===//

#include "mpq/Conversion/MPQToNeon/MPQToNeon.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace mpq;

namespace {

Value idx(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}
Value addC(ImplicitLocOpBuilder &b, Value x, int64_t c) {
  if (c == 0)
    return x;
  return b.createOrFold<arith::AddIOp>(x, idx(b, c));
}
Value addI(ImplicitLocOpBuilder &b, Value x, Value y) {
  return b.createOrFold<arith::AddIOp>(x, y);
}

VectorType v16i8(ImplicitLocOpBuilder &b) {
  return VectorType::get({16}, b.getI8Type());
}
VectorType v4i32(ImplicitLocOpBuilder &b) {
  return VectorType::get({4}, b.getI32Type());
}

Value zeros(ImplicitLocOpBuilder &b, VectorType t) {
  return arith::ConstantOp::create(
      b, t, DenseElementsAttr::get(t, b.getZeroAttr(t.getElementType())));
}

/// The 32-bit lane `lane` of a 16-byte vector, repeated 4 times.
Value broadcastLane(ImplicitLocOpBuilder &b, Value a32, int64_t lane) {
  Value d = vector::ShuffleOp::create(
      b, a32, a32, ArrayRef<int64_t>{lane, lane, lane, lane});
  return vector::BitCastOp::create(b, v16i8(b), d);
}

/// 16 bytes of depth at `kb` of each of `rows` rows of A, as vector<4xi32>
/// (one 32-bit lane per 4 bytes, for lane-indexed SDOT).
SmallVector<Value> loadRows(ImplicitLocOpBuilder &b, Value a, Value aBase,
                            int64_t aStride, int64_t rows, Value kb) {
  SmallVector<Value> a32;
  for (int64_t r = 0; r < rows; ++r) {
    Value at = addI(b, addC(b, aBase, r * aStride), kb);
    Value v = vector::LoadOp::create(b, v16i8(b), a, ValueRange{at});
    a32.push_back(vector::BitCastOp::create(b, v4i32(b), v));
  }
  return a32;
}

/// Runs `step(kb, accs)` over K in steps of 16 with `count` vector<4xi32>
/// accumulators carried by an scf.for; returns the final accumulators.
SmallVector<Value> kLoop(ImplicitLocOpBuilder &b, int64_t paddedK,
                         int64_t count,
                         llvm::function_ref<void(ImplicitLocOpBuilder &, Value,
                                                 SmallVector<Value> &)>
                             step) {
  SmallVector<Value> init(count, zeros(b, v4i32(b)));
  auto loop = scf::ForOp::create(
      b, idx(b, 0), idx(b, paddedK), idx(b, 16), init,
      [&](OpBuilder &ob, Location loc, Value kb, ValueRange iter) {
        ImplicitLocOpBuilder ib(loc, ob);
        SmallVector<Value> accs(iter.begin(), iter.end());
        step(ib, kb, accs);
        scf::YieldOp::create(ib, accs);
      });
  return SmallVector<Value>(loop.getResults().begin(), loop.getResults().end());
}

/// Canonical panel of the c4 kernels (blocks of `nr` channels): depth in
/// steps of 4, then channel, then the 4 bytes; register kc * nr/4 + g of a
/// K step holds channels 4g..4g+3 at depth 4kc..4kc+3.
int64_t c4Offset(int64_t nr, int64_t ch, int64_t j) {
  return (j / 4) * 4 * nr + ch * 4 + j % 4;
}

/// What the three NEON kernels share: weight pairs come from one
/// `ld1 {v.16b, v.16b}` (2 uops on Neoverse-N1, where `ldp q` takes 3 and
/// the 4x16 SDOT loop is otherwise dispatch-bound; benchmarks/kernels).
class NeonKernel : public GemmMicrokernel {
protected:
  std::pair<Value, Value> loadPair(ImplicitLocOpBuilder &b, Value mem,
                                   Value at) const override {
    auto v16i8 = VectorType::get({16}, b.getI8Type());
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, mem);
    Value addr = arith::IndexCastOp::create(
        b, b.getI64Type(), b.createOrFold<arith::AddIOp>(base, at));
    Value ptr = LLVM::IntToPtrOp::create(
        b, LLVM::LLVMPointerType::get(b.getContext()), addr);
    auto pair =
        LLVM::LLVMStructType::getLiteral(b.getContext(), {v16i8, v16i8});
    Value both =
        LLVM::CallIntrinsicOp::create(
            b, pair, b.getStringAttr("llvm.aarch64.neon.ld1x2.v16i8.p0"),
            ValueRange{ptr})
            .getResult(0);
    return {LLVM::ExtractValueOp::create(b, both, ArrayRef<int64_t>{0}),
            LLVM::ExtractValueOp::create(b, both, ArrayRef<int64_t>{1})};
  }
};

/// SDOT, MRxNR c4: MR rows broadcast 4 bytes of activations per SDOT lane
/// against NR/4 weight registers. 8x8 keeps 16 accumulators and needs half
/// the weight registers per MAC of 4x16, which matters when low-bit
/// weights are unpacked (benchmarks/kernels).
class SdotKernel final : public NeonKernel {
public:
  SdotKernel(int64_t mr, int64_t nr)
      : mr(mr), nrv(nr), name(("neon-sdot-" + std::to_string(mr) + "x" +
                               std::to_string(nr) + "c4")) {}
  StringRef getName() const override { return name; }
  int64_t maxRows() const override { return mr; }
  int64_t nr() const override { return nrv; }
  int64_t canonicalOffset(int64_t ch, int64_t j) const override {
    return c4Offset(nrv, ch, j);
  }
  SmallVector<Value> emitTile(ImplicitLocOpBuilder &b, Value a, Value aBase,
                              int64_t aStride, int64_t rows, Value w,
                              Value wBase, int64_t paddedK,
                              WeightFormat f) const override {
    int64_t groups = nrv / 4;
    return kLoop(
        b, paddedK, rows * groups,
        [&](ImplicitLocOpBuilder &b, Value kb, SmallVector<Value> &acc) {
          SmallVector<Value> a32 = loadRows(b, a, aBase, aStride, rows, kb);
          // Weights of this K step: 4 sub-steps x NR/4 groups of 4 channels.
          SmallVector<Value> wv = loadWeightStep(b, w, wBase, kb, f);
          for (int64_t kc = 0; kc < 4; ++kc)
            for (int64_t r = 0; r < rows; ++r) {
              Value d = broadcastLane(b, a32[r], kc);
              for (int64_t g = 0; g < groups; ++g)
                acc[r * groups + g] = arm_neon::SdotOp::create(
                    b, v4i32(b), acc[r * groups + g], wv[kc * groups + g], d);
            }
        });
  }

private:
  int64_t mr, nrv;
  std::string name;
};

class SmlalKernel final : public NeonKernel {
public:
  StringRef getName() const override { return "neon-smull-sadalp-2x16c4"; }
  int64_t maxRows() const override { return 2; }
  int64_t canonicalOffset(int64_t ch, int64_t j) const override {
    return c4Offset(16, ch, j);
  }
  SmallVector<Value> emitTile(ImplicitLocOpBuilder &b, Value a, Value aBase,
                              int64_t aStride, int64_t rows, Value w,
                              Value wBase, int64_t paddedK,
                              WeightFormat f) const override {
    // Two accumulators per (row, group): lanes hold pair sums
    // [c0:k01, c0:k23, c1:k01, c1:k23] and the same for c2, c3.
    auto v8i8 = VectorType::get({8}, b.getI8Type());
    auto v8i16 = VectorType::get({8}, b.getI16Type());
    StringAttr saddlp = b.getStringAttr("llvm.aarch64.neon.saddlp.v4i32.v8i16");
    SmallVector<Value> pairs = kLoop(
        b, paddedK, rows * 8,
        [&](ImplicitLocOpBuilder &b, Value kb, SmallVector<Value> &acc) {
          SmallVector<Value> a32 = loadRows(b, a, aBase, aStride, rows, kb);
          SmallVector<Value> step = loadWeightStep(b, w, wBase, kb, f);
          for (int64_t kc = 0; kc < 4; ++kc) {
            SmallVector<Value> lo, hi;
            for (int64_t g = 0; g < 4; ++g) {
              Value wv = step[kc * 4 + g];
              lo.push_back(vector::ExtractStridedSliceOp::create(
                  b, wv, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{8},
                  ArrayRef<int64_t>{1}));
              hi.push_back(vector::ExtractStridedSliceOp::create(
                  b, wv, ArrayRef<int64_t>{8}, ArrayRef<int64_t>{8},
                  ArrayRef<int64_t>{1}));
            }
            for (int64_t r = 0; r < rows; ++r) {
              Value d = vector::ExtractStridedSliceOp::create(
                  b, broadcastLane(b, a32[r], kc), ArrayRef<int64_t>{0},
                  ArrayRef<int64_t>{8}, ArrayRef<int64_t>{1});
              (void)v8i8;
              for (int64_t g = 0; g < 4; ++g)
                for (int64_t half = 0; half < 2; ++half) {
                  Value p = arm_neon::SMullOp::create(b, v8i16,
                                                      half ? hi[g] : lo[g], d);
                  Value s = LLVM::CallIntrinsicOp::create(b, v4i32(b), saddlp,
                                                          ValueRange{p})
                                .getResult(0);
                  Value &x = acc[(r * 4 + g) * 2 + half];
                  x = arith::AddIOp::create(b, x, s);
                }
            }
          }
        });
    StringAttr addp = b.getStringAttr("llvm.aarch64.neon.addp.v4i32");
    SmallVector<Value> out;
    for (int64_t i = 0; i < rows * 4; ++i)
      out.push_back(
          LLVM::CallIntrinsicOp::create(
              b, v4i32(b), addp, ValueRange{pairs[2 * i], pairs[2 * i + 1]})
              .getResult(0));
    return out;
  }
};

class SmmlaKernel final : public NeonKernel {
public:
  StringRef getName() const override { return "neon-smmla-4x16c8"; }
  int64_t maxRows() const override { return 4; }
  /// Canonical panel: depth in steps of 8, then channel, then the 8 bytes;
  /// register (half, q) of a K step holds channels 2q, 2q+1 at depth
  /// 8 half .. 8 half + 7.
  int64_t canonicalOffset(int64_t ch, int64_t j) const override {
    return (j / 8) * 128 + ch * 8 + j % 8;
  }
  SmallVector<Value> emitTile(ImplicitLocOpBuilder &b, Value a, Value aBase,
                              int64_t aStride, int64_t rows, Value w,
                              Value wBase, int64_t paddedK,
                              WeightFormat f) const override {
    // Accumulator (row pair p, channel pair q) = [r0c0, r0c1, r1c0, r1c1].
    int64_t rowPairs = (rows + 1) / 2;
    SmallVector<Value> mm =
        kLoop(b, paddedK, rowPairs * 8,
              [&](ImplicitLocOpBuilder &b, Value kb, SmallVector<Value> &acc) {
                SmallVector<Value> rowv;
                for (int64_t r = 0; r < rowPairs * 2; ++r) {
                  // An odd last row pairs with itself; its results are dropped.
                  int64_t src = std::min(r, rows - 1);
                  Value at = addI(b, addC(b, aBase, src * aStride), kb);
                  rowv.push_back(
                      vector::LoadOp::create(b, v16i8(b), a, ValueRange{at}));
                }
                SmallVector<Value> step = loadWeightStep(b, w, wBase, kb, f);
                for (int64_t half = 0; half < 2; ++half) {
                  SmallVector<Value> pairA;
                  for (int64_t p = 0; p < rowPairs; ++p) {
                    SmallVector<int64_t> mask;
                    for (int64_t i = 0; i < 8; ++i)
                      mask.push_back(half * 8 + i);
                    for (int64_t i = 0; i < 8; ++i)
                      mask.push_back(16 + half * 8 + i);
                    pairA.push_back(vector::ShuffleOp::create(
                        b, rowv[2 * p], rowv[2 * p + 1], mask));
                  }
                  for (int64_t q = 0; q < 8; ++q) {
                    Value wv = step[half * 8 + q];
                    for (int64_t p = 0; p < rowPairs; ++p)
                      acc[p * 8 + q] = arm_neon::SmmlaOp::create(
                          b, v4i32(b), acc[p * 8 + q], pairA[p], wv);
                  }
                }
              });
    SmallVector<Value> out(rows * 4);
    for (int64_t p = 0; p < rowPairs; ++p)
      for (int64_t g = 0; g < 4; ++g) {
        Value x = mm[p * 8 + 2 * g], y = mm[p * 8 + 2 * g + 1];
        out[(2 * p) * 4 + g] =
            vector::ShuffleOp::create(b, x, y, ArrayRef<int64_t>{0, 1, 4, 5});
        if (2 * p + 1 < rows)
          out[(2 * p + 1) * 4 + g] =
              vector::ShuffleOp::create(b, x, y, ArrayRef<int64_t>{2, 3, 6, 7});
      }
    return out;
  }
};

} // namespace

std::unique_ptr<GemmMicrokernel> mpq::createNeonMicrokernel(NeonKernelKind k) {
  switch (k) {
  case NeonKernelKind::Smlal:
    return std::make_unique<SmlalKernel>();
  case NeonKernelKind::Sdot:
    return std::make_unique<SdotKernel>(6, 8);
  case NeonKernelKind::Smmla:
    return std::make_unique<SmmlaKernel>();
  }
  return nullptr;
}

NeonKernelKind mpq::selectNeonKernel(const TargetDescription &target) {
  if (target.hasFeature("i8mm"))
    return NeonKernelKind::Smmla;
  if (target.hasFeature("dotprod"))
    return NeonKernelKind::Sdot;
  return NeonKernelKind::Smlal;
}
