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
// proven per layer from its weights (WeightFormat::int16Span, computed by
// the driver): 2 for int8 weights up to 127; whole K steps or more for
// 4-bit and 2-bit weights, whose int16 sums are then carried across K steps
// (emitKLoop) and widened once per span. Low-bit weights stay packed in
// memory and are sign-extended in registers (the folded format would
// multiply them by 2^(8 - container) and take the int16 headroom away).
//
// Vectors are scalable for targets with vlen 128 (VLEN / 8 channels per
// LMUL-1 register; runs on VLEN 128 to 512), fixed 32 x i8 for vlen >= 256
// (the whole register of the SpacemiT X60; the code checks VLEN at
// startup).
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

/// The int16 weight register of depth kb + j.
using WeightFn =
    llvm::function_ref<Value(ImplicitLocOpBuilder &, Value kb, int64_t j)>;

/// Depths [j0, j1) of the K step at `kb`: every activation byte a[r][kb + j]
/// (scalar, broadcast) times the int16 weight register of its depth, added
/// to the int16 sums `acc16` (null: start from the first product).
void emitProducts(ImplicitLocOpBuilder &ib, Value a, Value aBase,
                  int64_t aStride, Value kb, int64_t j0, int64_t j1,
                  VectorType vi16, WeightFn weight,
                  SmallVectorImpl<Value> &acc16) {
  for (int64_t j = j0; j < j1; ++j) {
    Value w16 = weight(ib, kb, j);
    for (int64_t r = 0, e = acc16.size(); r < e; ++r) {
      Value ai = addI(ib, addC(ib, aBase, r * aStride), addC(ib, kb, j));
      Value x = memref::LoadOp::create(ib, a, ValueRange{ai});
      Value x16 = arith::ExtSIOp::create(ib, ib.getI16Type(), x);
      Value p = arith::MulIOp::create(
          ib, vector::BroadcastOp::create(ib, vi16, x16), w16);
      acc16[r] = acc16[r] ? Value(arith::AddIOp::create(ib, acc16[r], p)) : p;
    }
  }
}

/// The K loop of a tile of `tileRows` rows over the padded depth: returns
/// its int32 accumulators (vi32). Products are summed in int16 over the
/// proven span (WeightFormat::int16Span) and widened once per span:
/// - span < 16 (int8 weights): int32 accumulators carried over K steps of
///   16, each step widening every `span` depths;
/// - span >= 16: int16 accumulators carried over the K steps of a span,
///   widened after it (no int32 registers in the inner loop, so tiles can
///   have more rows); a span that covers K is one loop and one widening.
SmallVector<Value> emitKLoop(ImplicitLocOpBuilder &b, Value a, Value aBase,
                             int64_t aStride, int64_t tileRows,
                             int64_t paddedK, int64_t span, VectorType vi16,
                             VectorType vi32, WeightFn weight) {
  auto zeros = [&](VectorType t) {
    return SmallVector<Value>(
        tileRows,
        vector::BroadcastOp::create(
            b, t, arith::ConstantIntOp::create(b, t.getElementType(), 0)));
  };
  auto widenInto = [&](ImplicitLocOpBuilder &ib, SmallVectorImpl<Value> &acc,
                       ValueRange acc16) {
    for (int64_t r = 0; r < tileRows; ++r)
      acc[r] = arith::AddIOp::create(
          ib, acc[r], arith::ExtSIOp::create(ib, vi32, acc16[r]));
  };
  if (span < 16) {
    auto loop = scf::ForOp::create(
        b, idx(b, 0), idx(b, paddedK), idx(b, 16), zeros(vi32),
        [&](OpBuilder &ob, Location loc, Value kb, ValueRange iter) {
          ImplicitLocOpBuilder ib(loc, ob);
          SmallVector<Value> acc(iter.begin(), iter.end());
          for (int64_t j0 = 0; j0 < 16; j0 += span) {
            SmallVector<Value> acc16(tileRows);
            emitProducts(ib, a, aBase, aStride, kb, j0, j0 + span, vi16,
                         weight, acc16);
            widenInto(ib, acc, acc16);
          }
          scf::YieldOp::create(ib, acc);
        });
    return SmallVector<Value>(loop.getResults());
  }
  // int16 sums over depths [lo, lo + len).
  auto spanLoop = [&](ImplicitLocOpBuilder &ib, Value lo, int64_t len) {
    Value hi = addC(ib, lo, len);
    auto loop = scf::ForOp::create(
        ib, lo, hi, idx(ib, 16), zeros(vi16),
        [&](OpBuilder &ob, Location loc, Value kb, ValueRange iter) {
          ImplicitLocOpBuilder jb(loc, ob);
          SmallVector<Value> acc16(iter.begin(), iter.end());
          emitProducts(jb, a, aBase, aStride, kb, 0, 16, vi16, weight, acc16);
          scf::YieldOp::create(jb, acc16);
        });
    return SmallVector<Value>(loop.getResults());
  };
  SmallVector<Value> acc = zeros(vi32);
  int64_t full = paddedK / span, rest = paddedK % span;
  if (full == 1 && rest == 0) {
    SmallVector<Value> acc16 = spanLoop(b, idx(b, 0), span);
    for (int64_t r = 0; r < tileRows; ++r)
      acc[r] = arith::ExtSIOp::create(b, vi32, acc16[r]);
    return acc;
  }
  if (full > 0) {
    auto loop = scf::ForOp::create(
        b, idx(b, 0), idx(b, full * span), idx(b, span), acc,
        [&](OpBuilder &ob, Location loc, Value s, ValueRange iter) {
          ImplicitLocOpBuilder ib(loc, ob);
          SmallVector<Value> acc(iter.begin(), iter.end());
          widenInto(ib, acc, spanLoop(ib, s, span));
          scf::YieldOp::create(ib, acc);
        });
    acc.assign(loop.getResults().begin(), loop.getResults().end());
  }
  if (rest > 0)
    widenInto(b, acc, spanLoop(b, idx(b, full * span), rest));
  return acc;
}

/// Rows per tile: `rows8` when some weight term needs int32 accumulators
/// in the inner loop (int16Span < 16: int8 weights), `rowsLong` when every
/// term's products are summed in int16 over whole K steps (only int16
/// sums, lanes / 16 registers per row at VLEN 256, live in the loop).
struct RVVRows {
  int64_t rows8, rowsLong;
  int64_t maxRows() const { return std::max(rows8, rowsLong); }
  int64_t rowsFor(ArrayRef<WeightFormat> formats) const {
    return llvm::any_of(formats,
                        [](const WeightFormat &f) { return f.int16Span < 16; })
               ? rows8
               : rowsLong;
  }
  std::string suffix() const {
    return std::to_string(rows8) +
           (rows8 == rowsLong ? "" : "/" + std::to_string(rowsLong));
  }
};

/// rvv-vwmacc-<rows>x<lanes>: `lanes` channels per weight register
/// (vector<lanes x i8>), rows per tile from RVVRows.
class RVVVwmaccKernel final : public GemmMicrokernel {
public:
  RVVVwmaccKernel(RVVRows rows, int64_t lanes)
      : rows(rows), lanes(lanes),
        name("rvv-vwmacc-" + rows.suffix() + "x" + std::to_string(lanes)) {}
  StringRef getName() const override { return name; }
  int64_t maxRows() const override { return rows.maxRows(); }
  int64_t rowsFor(ArrayRef<WeightFormat> formats) const override {
    return rows.rowsFor(formats);
  }
  int64_t nr() const override { return lanes; }
  int64_t depthwiseLanes() const override { return lanes; }
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
    int64_t fields = f.fieldsPerByte(), c = f.container;
    // The register of depth d is canonical units U*d .. U*d+U-1 (16 bytes
    // each); packed, unit u is field u / loads of byte vector u % loads, and
    // the U units of one depth are adjacent bytes of the same field.
    int64_t units = lanes / 16, loads = lanes / fields;
    // Fields of one byte vector reload it (LLVM merges the loads).
    auto weight = [&](ImplicitLocOpBuilder &ib, Value kb, int64_t d) -> Value {
      Value at = addI(ib, wBase, mulI(ib, kb, lanes / fields));
      int64_t u = units * d, byteVec = u % loads, phi = u / loads;
      Value x = vector::LoadOp::create(ib, vi8, w,
                                       ValueRange{addC(ib, at, byteVec * 16)});
      return unpackField(ib, x, fields, c, phi, vi16, [&](int64_t v) -> Value {
        return arith::ConstantOp::create(
            ib, vi8,
            DenseElementsAttr::get(vi8, ib.getIntegerAttr(ib.getI8Type(), v)));
      });
    };
    SmallVector<Value> acc = emitKLoop(b, a, aBase, aStride, tileRows, paddedK,
                                       f.int16Span, vi16, vi32, weight);
    SmallVector<Value> out;
    for (int64_t r = 0; r < tileRows; ++r)
      for (int64_t g = 0; g < lanes / 4; ++g)
        out.push_back(vector::ExtractStridedSliceOp::create(
            b, acc[r], ArrayRef<int64_t>{4 * g}, ArrayRef<int64_t>{4},
            ArrayRef<int64_t>{1}));
    return out;
  }

private:
  RVVRows rows;
  int64_t lanes;
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
  explicit RVVScalableKernel(RVVRows rows)
      : rows(rows), name("rvv-vla-vwmacc-" + rows.suffix() + "xvl") {}
  StringRef getName() const override { return name; }
  int64_t maxRows() const override { return rows.maxRows(); }
  int64_t rowsFor(ArrayRef<WeightFormat> formats) const override {
    return rows.rowsFor(formats);
  }
  int64_t nr() const override { return kRVVVlaBlock; }
  /// Fixed 16-byte vectors: one register at the smallest VLEN (128).
  int64_t depthwiseLanes() const override { return 16; }
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
    int64_t fields = f.fieldsPerByte(), c = f.container;
    int64_t loads = block / fields;
    Value scratch = scratchFor(b, tileRows * block);
    // Channels per register (VLEN / 8) and the chunks that hold `valid`.
    Value vl = mulI(b, vector::VectorScaleOp::create(b), 8);
    Value chunks = arith::CeilDivUIOp::create(b, idx(b, valid), vl);
    forLoop(b, idx(b, 0), chunks, 1, [&](Value ci) {
      Value c0 = arith::MulIOp::create(b, ci, vl);
      // Each byte vector is loaded once per K step (keyed by the step's kb).
      llvm::DenseMap<std::pair<void *, int64_t>, Value> raw;
      auto weight = [&](ImplicitLocOpBuilder &ib, Value kb,
                        int64_t d) -> Value {
        int64_t u = (block / 16) * d, byteVec = u % loads, phi = u / loads;
        Value &l = raw[{kb.getAsOpaquePointer(), byteVec}];
        if (!l) {
          Value at =
              addI(ib, addI(ib, wBase, mulI(ib, kb, block / fields)), c0);
          l = vector::LoadOp::create(ib, vi8, w,
                                     ValueRange{addC(ib, at, byteVec * 16)});
        }
        return unpackField(ib, l, fields, c, phi, vi16, [&](int64_t v) {
          return vector::BroadcastOp::create(
              ib, vi8, arith::ConstantIntOp::create(ib, ib.getI8Type(), v));
        });
      };
      SmallVector<Value> acc = emitKLoop(b, a, aBase, aStride, tileRows,
                                         paddedK, f.int16Span, vi16, vi32,
                                         weight);
      for (int64_t r = 0; r < tileRows; ++r)
        vector::StoreOp::create(b, acc[r], scratch,
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
  RVVRows rows;
  std::string name;
};

} // namespace

std::unique_ptr<GemmMicrokernel> mpq::createRVVMicrokernel(int64_t minVlen) {
  if (minVlen >= 256)
    return std::make_unique<RVVVwmaccKernel>(RVVRows{4, 8}, 32);
  return std::make_unique<RVVScalableKernel>(RVVRows{4, 8});
}
