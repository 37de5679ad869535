//===- RVVMicrokernels.cpp - RISC-V RVV 1.0 GEMM microkernel --------------===//
//
// int8 GEMM microkernels behind mpq::GemmMicrokernel, built from generic
// vector-dialect ops that LLVM's RISC-V backend selects as RVV 1.0
// widening instructions:
//
//   acc16 = sext(a) * sext(w)  (+ acc16)   -> vwmul.vx / vwmacc.vx (e8 -> e16)
//   acc32 = acc32 + sext(acc16)            -> vwadd.wv             (e16 -> e32)
//
// Per K step of 16 bytes the canonical panel holds 16 weight registers, one
// per depth, each with the `lanes` channels of the block; every activation
// byte of a row is one scalar load broadcast against the register of its
// depth. How many products are summed in int16 before one widening is
// proven per layer from the largest weight magnitude (rvvInt16Chunk): 2 for
// int8 weights up to 127, 16 (one widening per K step) for 4-bit and 2-bit
// weights. Low-bit weights stay packed in memory and are sign-extended in
// registers (the folded format would multiply them by 2^(8 - container) and
// take the int16 headroom away).
//
// Vectors are fixed-length: 16 x i8 for targets with vlen 128 (LMUL 1 at
// VLEN 128; runs on any VLEN >= 128), 32 x i8 for vlen >= 256 (the whole
// register of the SpacemiT X60; the code checks VLEN at startup).
//
//===----------------------------------------------------------------------===//

#include "mpq/Conversion/KernelBuilders.h"
#include "mpq/Conversion/MPQToRVV/MPQToRVV.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
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

/// Field `phi` (of `fields` per byte, `c` bits each, low bits first) of the
/// byte vector `x`, sign-extended to `vi16`; `splat` makes an i8 splat of
/// x's type.
Value unpackField(ImplicitLocOpBuilder &ib, Value x, int64_t fields,
                  int64_t c, int64_t phi, VectorType vi16,
                  llvm::function_ref<Value(int64_t)> splat) {
  if (fields > 1) {
    int64_t up = 8 - c * (phi + 1);
    if (up)
      x = arith::ShLIOp::create(ib, x, splat(up));
    x = arith::ShRSIOp::create(ib, x, splat(8 - c));
  }
  return arith::ExtSIOp::create(ib, vi16, x);
}

/// One 16-deep K step at depth `kb` of a tile of `tileRows` rows: every
/// activation byte a[r][kb + j] (scalar, broadcast) times the int16 weight
/// register `weight(j)`, summed in int16 over `chunk` depths (the proven
/// bound, rvvInt16Chunk), then widened into the int32 accumulators `acc`.
void emitKStep(ImplicitLocOpBuilder &ib, Value a, Value aBase, int64_t aStride,
               int64_t tileRows, Value kb, int64_t chunk, VectorType vi16,
               VectorType vi32, llvm::function_ref<Value(int64_t)> weight,
               SmallVectorImpl<Value> &acc) {
  for (int64_t j0 = 0; j0 < 16; j0 += chunk) {
    SmallVector<Value> acc16(tileRows);
    for (int64_t j = j0; j < j0 + chunk; ++j) {
      Value w16 = weight(j);
      for (int64_t r = 0; r < tileRows; ++r) {
        Value ai = addI(ib, addC(ib, aBase, r * aStride), addC(ib, kb, j));
        Value x = memref::LoadOp::create(ib, a, ValueRange{ai});
        Value x16 = arith::ExtSIOp::create(ib, ib.getI16Type(), x);
        Value p = arith::MulIOp::create(
            ib, vector::BroadcastOp::create(ib, vi16, x16), w16);
        acc16[r] = acc16[r] ? Value(arith::AddIOp::create(ib, acc16[r], p)) : p;
      }
    }
    for (int64_t r = 0; r < tileRows; ++r)
      acc[r] = arith::AddIOp::create(
          ib, acc[r], arith::ExtSIOp::create(ib, vi32, acc16[r]));
  }
}

/// rvv-vwmacc-<rows>x<lanes>: `lanes` channels per weight register
/// (vector<lanes x i8>), tiles of `rows8` rows for layers with int8 weights
/// and `rowsLow` rows for layers whose weights are all low-bit (their
/// unpacked weight registers compete with the int32 accumulators, which
/// take lanes / 8 registers per row at VLEN 256).
class RVVVwmaccKernel final : public GemmMicrokernel {
public:
  RVVVwmaccKernel(int64_t rows8, int64_t rowsLow, int64_t lanes)
      : rows8(rows8), rowsLow(rowsLow), lanes(lanes),
        name("rvv-vwmacc-" + std::to_string(rows8) +
             (rows8 == rowsLow ? "" : "/" + std::to_string(rowsLow)) + "x" +
             std::to_string(lanes)) {}
  StringRef getName() const override { return name; }
  int64_t maxRows() const override { return std::max(rows8, rowsLow); }
  int64_t rowsFor(ArrayRef<WeightFormat> formats) const override {
    return llvm::any_of(formats,
                        [](const WeightFormat &f) { return f.container == 8; })
               ? rows8
               : rowsLow;
  }
  int64_t nr() const override { return lanes; }
  bool readsFoldedWeights() const override { return false; }
  /// Depth in steps of 16, then depth within the step (one register of
  /// `lanes` bytes each), then channel.
  int64_t canonicalOffset(int64_t ch, int64_t j) const override {
    return (j / 16) * 16 * lanes + (j % 16) * lanes + ch;
  }
  SmallVector<Value> emitTile(ImplicitLocOpBuilder &b, Value a, Value aBase,
                              int64_t aStride, int64_t tileRows, Value w,
                              Value wBase, int64_t paddedK,
                              WeightFormat f) const override {
    auto vi8 = VectorType::get({lanes}, b.getI8Type());
    auto vi16 = VectorType::get({lanes}, b.getI16Type());
    auto vi32 = VectorType::get({lanes}, b.getI32Type());
    int64_t chunk = rvvInt16Chunk(f.maxAbs, 16);
    int64_t fields = f.fieldsPerByte(), c = f.container;
    // The register of depth d is canonical units U*d .. U*d+U-1 (16 bytes
    // each); packed, unit u is field u / loads of byte vector u % loads, and
    // the U units of one depth are adjacent bytes of the same field.
    int64_t units = lanes / 16, loads = lanes / fields;
    auto splat = [&](ImplicitLocOpBuilder &ib, int64_t v) -> Value {
      return arith::ConstantOp::create(
          ib, vi8,
          DenseElementsAttr::get(vi8, ib.getIntegerAttr(ib.getI8Type(), v)));
    };
    SmallVector<Value> init(tileRows, cst(b, vi32, 0));
    auto loop = scf::ForOp::create(
        b, idx(b, 0), idx(b, paddedK), idx(b, 16), init,
        [&](OpBuilder &ob, Location loc, Value kb, ValueRange iter) {
          ImplicitLocOpBuilder ib(loc, ob);
          SmallVector<Value> acc(iter.begin(), iter.end());
          Value at = mulI(ib, kb, lanes / fields);
          at = addI(ib, wBase, at);
          // Fields of one byte vector reload it (LLVM merges the loads).
          auto weight = [&](int64_t d) -> Value {
            int64_t u = units * d, byteVec = u % loads, phi = u / loads;
            Value x = vector::LoadOp::create(
                ib, vi8, w, ValueRange{addC(ib, at, byteVec * 16)});
            return unpackField(ib, x, fields, c, phi, vi16,
                               [&](int64_t v) { return splat(ib, v); });
          };
          emitKStep(ib, a, aBase, aStride, tileRows, kb, chunk, vi16, vi32,
                    weight, acc);
          scf::YieldOp::create(ib, acc);
        });
    SmallVector<Value> out;
    for (int64_t r = 0; r < tileRows; ++r)
      for (int64_t g = 0; g < lanes / 4; ++g)
        out.push_back(vector::ExtractStridedSliceOp::create(
            b, loop.getResult(r), ArrayRef<int64_t>{4 * g},
            ArrayRef<int64_t>{4}, ArrayRef<int64_t>{1}));
    return out;
  }

private:
  int64_t rows8, rowsLow, lanes;
  std::string name;
};

/// rvv-vla-vwmacc-<rows>: the same inner loop on scalable vectors
/// (vector<[8]xi8>: VLEN / 8 channels per register, LMUL 1, the length
/// from vsetvli at run time). Weights are packed in blocks of
/// kRVVVlaBlock = 64 channels (one register at VLEN 512); a tile walks its
/// block in register-wide channel chunks (4 at VLEN 128, 2 at 256, 1 at
/// 512), only as many as hold the block's used channels, and keeps each
/// chunk's accumulators in a stack buffer that the epilogue reads in
/// 4-channel groups.
class RVVScalableKernel final : public GemmMicrokernel {
public:
  RVVScalableKernel(int64_t rows8, int64_t rowsLow)
      : rows8(rows8), rowsLow(rowsLow),
        name("rvv-vla-vwmacc-" + std::to_string(rows8) + "/" +
             std::to_string(rowsLow) + "xvl") {}
  StringRef getName() const override { return name; }
  int64_t maxRows() const override { return std::max(rows8, rowsLow); }
  int64_t rowsFor(ArrayRef<WeightFormat> formats) const override {
    return llvm::any_of(formats,
                        [](const WeightFormat &f) { return f.container == 8; })
               ? rows8
               : rowsLow;
  }
  int64_t nr() const override { return kRVVVlaBlock; }
  bool readsFoldedWeights() const override { return false; }
  int64_t canonicalOffset(int64_t ch, int64_t j) const override {
    return (j / 16) * 16 * kRVVVlaBlock + (j % 16) * kRVVVlaBlock + ch;
  }
  SmallVector<Value> emitTile(ImplicitLocOpBuilder &b, Value a, Value aBase,
                              int64_t aStride, int64_t tileRows, Value w,
                              Value wBase, int64_t paddedK,
                              WeightFormat f) const override {
    return emitPartialTile(b, a, aBase, aStride, tileRows, w, wBase, paddedK, f,
                           kRVVVlaBlock);
  }
  SmallVector<Value> emitPartialTile(ImplicitLocOpBuilder &b, Value a,
                                     Value aBase, int64_t aStride,
                                     int64_t tileRows, Value w, Value wBase,
                                     int64_t paddedK, WeightFormat f,
                                     int64_t valid) const override {
    const int64_t block = kRVVVlaBlock;
    auto vi8 = VectorType::get({8}, b.getI8Type(), {true});
    auto vi16 = VectorType::get({8}, b.getI16Type(), {true});
    auto vi32 = VectorType::get({8}, b.getI32Type(), {true});
    int64_t chunk = rvvInt16Chunk(f.maxAbs, 16);
    int64_t fields = f.fieldsPerByte(), c = f.container;
    int64_t loads = block / fields;
    auto splat = [&](ImplicitLocOpBuilder &ib, int64_t v) -> Value {
      return vector::BroadcastOp::create(
          ib, vi8, arith::ConstantIntOp::create(ib, ib.getI8Type(), v));
    };
    Value scratch = scratchFor(b, tileRows * block);
    // Channels per register (VLEN / 8) and the chunks that hold `valid`.
    Value vl = mulI(b, vector::VectorScaleOp::create(b), 8);
    Value chunks = arith::CeilDivUIOp::create(b, idx(b, valid), vl);
    forLoop(b, idx(b, 0), chunks, 1, [&](Value ci) {
      Value c0 = arith::MulIOp::create(b, ci, vl);
      SmallVector<Value> init(
          tileRows,
          vector::BroadcastOp::create(
              b, vi32, arith::ConstantIntOp::create(b, b.getI32Type(), 0)));
      auto loop = scf::ForOp::create(
          b, idx(b, 0), idx(b, paddedK), idx(b, 16), init,
          [&](OpBuilder &ob, Location loc, Value kb, ValueRange iter) {
            ImplicitLocOpBuilder ib(loc, ob);
            SmallVector<Value> acc(iter.begin(), iter.end());
            Value at =
                addI(ib, addI(ib, wBase, mulI(ib, kb, block / fields)), c0);
            llvm::DenseMap<int64_t, Value> raw;
            auto weight = [&](int64_t d) -> Value {
              int64_t u = (block / 16) * d, byteVec = u % loads,
                      phi = u / loads;
              Value &l = raw[byteVec];
              if (!l)
                l = vector::LoadOp::create(
                    ib, vi8, w, ValueRange{addC(ib, at, byteVec * 16)});
              return unpackField(ib, l, fields, c, phi, vi16,
                                 [&](int64_t v) { return splat(ib, v); });
            };
            emitKStep(ib, a, aBase, aStride, tileRows, kb, chunk, vi16, vi32,
                      weight, acc);
            scf::YieldOp::create(ib, acc);
          });
      for (int64_t r = 0; r < tileRows; ++r)
        vector::StoreOp::create(b, loop.getResult(r), scratch,
                                ValueRange{addC(b, c0, r * block)});
    });
    auto v4i32 = VectorType::get({4}, b.getI32Type());
    SmallVector<Value> out;
    for (int64_t r = 0; r < tileRows; ++r)
      for (int64_t g = 0; g < block / 4; ++g)
        out.push_back(vector::LoadOp::create(
            b, v4i32, scratch, ValueRange{idx(b, r * block + 4 * g)}));
    return out;
  }

private:
  /// One stack buffer of int32 per function, at its entry (a buffer
  /// allocated in a loop would grow the stack every iteration).
  Value scratchFor(ImplicitLocOpBuilder &b, int64_t elems) const {
    Operation *parent = b.getInsertionBlock()->getParentOp();
    auto fn = isa<func::FuncOp>(parent)
                  ? cast<func::FuncOp>(parent)
                  : parent->getParentOfType<func::FuncOp>();
    Value &buf = scratch[fn];
    if (buf)
      return buf;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&fn.getBody().front());
    buf = memref::AllocaOp::create(
        b, MemRefType::get({maxRows() * kRVVVlaBlock}, b.getI32Type()));
    return buf;
  }

  mutable llvm::DenseMap<Operation *, Value> scratch;
  int64_t rows8, rowsLow;
  std::string name;
};

} // namespace

std::unique_ptr<GemmMicrokernel> mpq::createRVVMicrokernel(int64_t minVlen) {
  if (minVlen >= 256)
    return std::make_unique<RVVVwmaccKernel>(4, 3, 32);
  return std::make_unique<RVVScalableKernel>(4, 3);
}
