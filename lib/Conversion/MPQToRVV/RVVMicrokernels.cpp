//===- RVVMicrokernels.cpp - RISC-V RVV 1.0 GEMM microkernel --------------===//
//
// One int8 GEMM microkernel behind mpq::GemmMicrokernel, built from generic
// vector-dialect ops that LLVM's RISC-V backend selects as RVV 1.0
// widening instructions:
//
//   acc16 = sext(a) * sext(w)  (+ acc16)   -> vwmul.vx / vwmacc.vx (e8 -> e16)
//   acc32 = acc32 + sext(acc16)            -> vwadd.wv             (e16 -> e32)
//
// Per K step of 16 bytes the canonical panel holds 16 weight registers, one
// per depth, each with the 16 channels of the block; every activation byte
// of a row is one scalar load broadcast against the register of its depth.
// How many products are summed in int16 before one widening is proven per
// layer from the largest weight magnitude (rvvInt16Chunk): 2 for int8
// weights up to 127, 16 (one widening per K step) for 4-bit and 2-bit
// weights. Low-bit weights stay packed in memory and are sign-extended in
// registers (the folded format would multiply them by 2^(8 - container) and
// take the int16 headroom away).
//
// Vectors are fixed-length (16 x i8, LMUL 1 at VLEN 128): the object runs on
// any VLEN >= 128, using the first 128 bits of each register.
//
//===----------------------------------------------------------------------===//

#include "mpq/Conversion/KernelBuilders.h"
#include "mpq/Conversion/MPQToRVV/MPQToRVV.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mpq;
using namespace mpq::kernels;

int64_t mpq::rvvInt16Chunk(int64_t maxAbs, int64_t limit) {
  int64_t chunk = 1;
  while (chunk * 2 <= limit && chunk * 2 * 128 * maxAbs <= 32767)
    chunk *= 2;
  return chunk;
}

namespace {

class RVVVwmaccKernel final : public GemmMicrokernel {
public:
  StringRef getName() const override { return "rvv-vwmacc-4x16"; }
  int64_t maxRows() const override { return 4; }
  int64_t nr() const override { return 16; }
  bool readsFoldedWeights() const override { return false; }
  /// Depth in steps of 16, then depth within the step (one register each),
  /// then channel.
  int64_t canonicalOffset(int64_t ch, int64_t j) const override {
    return (j / 16) * 256 + (j % 16) * 16 + ch;
  }
  SmallVector<Value> emitTile(ImplicitLocOpBuilder &b, Value a, Value aBase,
                              int64_t aStride, int64_t rows, Value w,
                              Value wBase, int64_t paddedK,
                              WeightFormat f) const override {
    auto v16i16 = VectorType::get({16}, b.getI16Type());
    auto v16i32 = VectorType::get({16}, b.getI32Type());
    int64_t chunk = rvvInt16Chunk(f.maxAbs, 16);
    SmallVector<Value> init(rows, cst(b, v16i32, 0));
    auto loop = scf::ForOp::create(
        b, idx(b, 0), idx(b, paddedK), idx(b, 16), init,
        [&](OpBuilder &ob, Location loc, Value kb, ValueRange iter) {
          ImplicitLocOpBuilder ib(loc, ob);
          SmallVector<Value> acc(iter.begin(), iter.end());
          SmallVector<Value> step = loadWeightStep(ib, w, wBase, kb, f);
          SmallVector<Value> w16;
          for (Value v : step)
            w16.push_back(arith::ExtSIOp::create(ib, v16i16, v));
          for (int64_t j0 = 0; j0 < 16; j0 += chunk) {
            SmallVector<Value> acc16(rows);
            for (int64_t j = j0; j < j0 + chunk; ++j)
              for (int64_t r = 0; r < rows; ++r) {
                Value at = addI(ib, addC(ib, aBase, r * aStride), addC(ib, kb, j));
                Value x = memref::LoadOp::create(ib, a, ValueRange{at});
                Value x16 = arith::ExtSIOp::create(ib, ib.getI16Type(), x);
                Value p = arith::MulIOp::create(
                    ib, vector::BroadcastOp::create(ib, v16i16, x16), w16[j]);
                acc16[r] = acc16[r] ? Value(arith::AddIOp::create(ib, acc16[r], p))
                                    : p;
              }
            for (int64_t r = 0; r < rows; ++r)
              acc[r] = arith::AddIOp::create(
                  ib, acc[r], arith::ExtSIOp::create(ib, v16i32, acc16[r]));
          }
          scf::YieldOp::create(ib, acc);
        });
    SmallVector<Value> out;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t g = 0; g < 4; ++g)
        out.push_back(vector::ExtractStridedSliceOp::create(
            b, loop.getResult(r), ArrayRef<int64_t>{4 * g},
            ArrayRef<int64_t>{4}, ArrayRef<int64_t>{1}));
    return out;
  }
};

} // namespace

std::unique_ptr<GemmMicrokernel> mpq::createRVVMicrokernel() {
  return std::make_unique<RVVVwmaccKernel>();
}
