//===- GemmDriver.cpp - the ISA-neutral GEMM driver -------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace mpq;
using namespace mpq::kernels;
using namespace mpq::lowering;

GemmMicrokernel::~GemmMicrokernel() = default;

int64_t mpq::computeInt16Span(ArrayRef<int8_t> w, int64_t n, int64_t k,
                              int64_t paddedK) {
  // Per channel, prefix sums of the largest and the smallest product of
  // each weight with an int8 activation (a in [-128, 127]). Each term of hi
  // is >= 0 and of lo <= 0, so a window inside one that fits also fits.
  SmallVector<int64_t> hi(n * (k + 1), 0), lo(n * (k + 1), 0);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t j = 0; j < k; ++j) {
      int64_t v = w[c * k + j], at = c * (k + 1) + j;
      hi[at + 1] = hi[at] + (v > 0 ? 127 * v : -128 * v);
      lo[at + 1] = lo[at] + (v > 0 ? -128 * v : -127 * v);
    }
  auto fits = [&](int64_t span) {
    for (int64_t c = 0; c < n; ++c)
      for (int64_t s = 0; s < k; s += span) {
        int64_t b = c * (k + 1) + s, e = c * (k + 1) + std::min(s + span, k);
        if (hi[e] - hi[b] > 32767 || lo[e] - lo[b] < -32768)
          return false;
      }
    return true;
  };
  // Powers of two up to 8 nest (a window of 2L holds two of L)...
  int64_t span = 1;
  while (span < 8 && fits(span * 2))
    span *= 2;
  if (span < 8)
    return span;
  // ... multiples of 16 need not: take the longest that fits.
  for (int64_t s = 16; s <= paddedK; s += 16)
    if (fits(s))
      span = s;
  return span;
}

SmallVector<int8_t> GemmMicrokernel::packWeights(ArrayRef<int8_t> w, int64_t n,
                                                 int64_t k,
                                                 WeightFormat f) const {
  int64_t kp = llvm::alignTo(k, kAlign());
  int64_t blocks = llvm::divideCeil(n, nr()), canonBlock = nr() * kp;
  SmallVector<int8_t> canon(blocks * canonBlock, 0);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t j = 0; j < k; ++j)
      canon[(c / nr()) * canonBlock + canonicalOffset(c % nr(), j)] =
          w[c * k + j];
  int64_t fields = f.fieldsPerByte();
  if (fields == 1)
    return canon;
  // Step by step (16 * nr() canonical bytes, nr() registers), byte vector j
  // holds registers j + phi * (nr() / fields) in field phi.
  int64_t regsPerStep = nr(), stepBytes = 16 * nr();
  int64_t loads = regsPerStep / fields;
  uint8_t mask = uint8_t((1u << f.container) - 1);
  SmallVector<int8_t> out(blocks * canonBlock / fields, 0);
  for (int64_t s = 0, steps = blocks * kp / 16; s < steps; ++s)
    for (int64_t j = 0; j < loads; ++j)
      for (int64_t i = 0; i < 16; ++i) {
        uint8_t byte = 0;
        for (int64_t phi = 0; phi < fields; ++phi) {
          uint8_t v =
              uint8_t(canon[s * stepBytes + (j + phi * loads) * 16 + i]);
          byte |= uint8_t((v & mask) << (phi * f.container));
        }
        out[s * stepBytes / fields + j * 16 + i] = int8_t(byte);
      }
  return out;
}

std::pair<Value, Value> GemmMicrokernel::loadPair(ImplicitLocOpBuilder &b,
                                                  Value mem, Value at) const {
  auto v16i8 = VectorType::get({16}, b.getI8Type());
  Value next =
      b.createOrFold<arith::AddIOp>(at, arith::ConstantIndexOp::create(b, 16));
  return {vector::LoadOp::create(b, v16i8, mem, ValueRange{at}),
          vector::LoadOp::create(b, v16i8, mem, ValueRange{next})};
}

SmallVector<Value> GemmMicrokernel::loadWeightStep(ImplicitLocOpBuilder &b,
                                                   Value w, Value wBase,
                                                   Value kb,
                                                   WeightFormat f) const {
  int64_t fields = f.fieldsPerByte(), loads = nr() / fields;
  int64_t c = f.container;
  auto v16i8 = VectorType::get({16}, b.getI8Type());
  auto splat = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, v16i8,
        DenseElementsAttr::get(v16i8, b.getIntegerAttr(b.getI8Type(), v)));
  };
  // kb counts depth; a step of 16 depth is 16 * nr() / fields bytes.
  Value at = b.createOrFold<arith::AddIOp>(
      wBase, b.createOrFold<arith::MulIOp>(
                 kb, arith::ConstantIndexOp::create(b, nr() / fields)));
  SmallVector<Value> regs(nr());
  SmallVector<Value> raw;
  for (int64_t j = 0; j < loads; j += 2) {
    auto [l0, l1] =
        loadPair(b, w,
                 b.createOrFold<arith::AddIOp>(
                     at, arith::ConstantIndexOp::create(b, j * 16)));
    raw.append({l0, l1});
  }
  for (int64_t j = 0; j < loads; ++j) {
    Value l = raw[j];
    if (fields == 1) {
      regs[j] = l;
      continue;
    }
    for (int64_t phi = 0; phi < fields; ++phi) {
      int64_t up = 8 - c * (phi + 1); // moves field phi to the top bits
      Value x = up ? Value(arith::ShLIOp::create(b, l, splat(up))) : l;
      if (!f.folded)
        x = arith::ShRSIOp::create(b, x, splat(8 - c));
      else if (phi > 0) // the shift left already cleared the low bits
        x = arith::AndIOp::create(b, x, splat(int8_t(0xFF << (8 - c))));
      regs[j + phi * loads] = x;
    }
  }
  return regs;
}

LogicalResult Lowering::emitGemm(const GemmLayer &layer,
                                 ImplicitLocOpBuilder &b, PackA packA,
                                 Value outMem) {
  int64_t n = layer.n, k = layer.k, nr = gemm.nr(), groups = nr / 4;
  int64_t kp = llvm::alignTo(k, gemm.kAlign());
  int64_t np = llvm::alignTo(n, nr);
  int64_t zpx = zpOf(layer.in, 0);
  double sx = scaleOf(layer.in, 0);
  size_t numTerms = layer.terms.size();
  bool multi = numTerms > 1;
  SmallVector<WeightFormat> formats;
  // Per term: packed weights, bias folded with -zp_x * sum(w) (wrapping
  // int32 arithmetic: the sum is exact modulo 2^32, and the true accumulator
  // fits int32), and the per-channel multipliers.
  SmallVector<Value> wMem, biasMem, mantMem, shiftMem;
  SmallVector<int64_t> wBlockBytes;
  for (auto [t, term] : llvm::enumerate(layer.terms)) {
    SmallVector<int32_t> bias(np, 0), mant(np, 0), shift(np, 0);
    SmallVector<int64_t> bound(n, 0);
    for (int64_t c = 0; c < n; ++c) {
      int64_t sum = 0, maxAbs = 0;
      for (int64_t j = 0; j < k; ++j) {
        sum += term.codes[c * k + j];
        maxAbs = std::max<int64_t>(maxAbs, std::abs(term.codes[c * k + j]));
      }
      int64_t b0 = t == 0 ? layer.bias[c] : 0;
      uint32_t adj = uint32_t(b0) - uint32_t(int64_t(zpx) * sum);
      bias[c] = int32_t(adj);
      bound[c] = std::abs(b0) + k * 255 * maxAbs; // |true accumulator|
      if (layer.out) {
        double m = sx * scaleOf(term.params, c) / scaleOf(layer.out, 0);
        FixedPointMultiplier fm = quantizeMultiplier(
            multi ? m * double(1 << kMultipointFracBits) : m);
        mant[c] = fm.mantissa;
        shift[c] = fm.shift;
      }
    }
    // Low-bit weights stay packed; with an output stage their scale factor
    // 2^(8 - container) is folded into the multiplier when the scaled
    // accumulator still fits int32 and the shift stays <= 62.
    WeightFormat fmt;
    fmt.maxAbs = 0;
    int64_t lo = -(int64_t(1) << (term.container - 1)),
            hi = (int64_t(1) << (term.container - 1)) - 1;
    if (term.container < 8 &&
        llvm::all_of(term.codes, [&](int8_t v) { return v >= lo && v <= hi; }))
      fmt.container = term.container;
    for (int8_t v : term.codes)
      fmt.maxAbs = std::max<int64_t>(fmt.maxAbs, std::abs(int64_t(v)));
    fmt.int16Span = computeInt16Span(term.codes, n, k, kp);
    if (fmt.container < 8 && layer.out && gemm.readsFoldedWeights()) {
      int64_t factorLog = 8 - fmt.container;
      fmt.folded = llvm::all_of(llvm::seq<int64_t>(0, n), [&](int64_t c) {
        return (bound[c] << factorLog) < (int64_t(1) << 31) &&
               (mant[c] == 0 || shift[c] + factorLog <= 62);
      });
      if (fmt.folded)
        for (int64_t c = 0; c < n; ++c) {
          bias[c] = int32_t(uint32_t(bias[c]) << factorLog);
          if (mant[c])
            shift[c] += int32_t(factorLog);
        }
    }
    wMem.push_back(globalI8(b, "w", gemm.packWeights(term.codes, n, k, fmt)));
    wBlockBytes.push_back(gemm.blockBytes(k, fmt));
    formats.push_back(fmt);
    biasMem.push_back(globalI32(b, "bias", bias));
    mantMem.push_back(globalI32(b, "mant", mant));
    shiftMem.push_back(globalI32(b, "shift", shift));
  }
  bool rawOut = !layer.out;
  int64_t zpOut = layer.out ? zpOf(layer.out, 0) : 0;
  auto v4i32 = VectorType::get({4}, b.getI32Type());
  auto v4i8 = VectorType::get({4}, b.getI8Type());
  auto v4i64 = VectorType::get({4}, b.getI64Type());

  auto block = [&](Value m0, int64_t rows, Value aMem, Value aBase,
                   int64_t aStride, Value nb, int64_t valid) {
    SmallVector<SmallVector<Value>> accs;
    for (size_t t = 0; t < numTerms; ++t)
      accs.push_back(gemm.emitPartialTile(b, aMem, aBase, aStride, rows,
                                          wMem[t], mulI(b, nb, wBlockBytes[t]),
                                          kp, formats[t], valid));
    Value c0 = mulI(b, nb, nr);
    for (int64_t g = 0; g < groups && 4 * g < valid; ++g) {
      Value ch = addC(b, c0, 4 * g);
      SmallVector<Value> bias, mant, shift;
      for (size_t t = 0; t < numTerms; ++t) {
        bias.push_back(vector::LoadOp::create(b, v4i32, biasMem[t], ch));
        if (!rawOut) {
          mant.push_back(vector::LoadOp::create(b, v4i32, mantMem[t], ch));
          shift.push_back(vector::LoadOp::create(b, v4i32, shiftMem[t], ch));
        }
      }
      for (int64_t r = 0; r < rows; ++r) {
        Value y;
        if (rawOut) {
          y = arith::AddIOp::create(b, accs[0][r * groups + g], bias[0]);
        } else if (!multi) {
          Value a = arith::AddIOp::create(b, accs[0][r * groups + g], bias[0]);
          y = requantize(b, a, mant[0], shift[0], zpOut, layer.range.lo,
                         layer.range.hi);
        } else {
          Value sum = cst(b, v4i64, 0);
          for (size_t t = 0; t < numTerms; ++t) {
            Value a =
                arith::AddIOp::create(b, accs[t][r * groups + g], bias[t]);
            sum = arith::AddIOp::create(
                b, sum,
                arith::ExtSIOp::create(
                    b, v4i64, applyMultiplier(b, a, mant[t], shift[t])));
          }
          sum = arith::ShRSIOp::create(
              b,
              arith::AddIOp::create(
                  b, sum,
                  cst(b, v4i64, int64_t(1) << (kMultipointFracBits - 1))),
              cst(b, v4i64, kMultipointFracBits));
          sum = arith::AddIOp::create(b, sum, cst(b, v4i64, zpOut));
          y = arith::TruncIOp::create(
              b, v4i32, clampS(b, sum, layer.range.lo, layer.range.hi));
        }
        Value at = addI(b, mulI(b, addC(b, m0, r), n), ch);
        Value stored = rawOut ? y : arith::TruncIOp::create(b, v4i8, y);
        int64_t lanes = std::min<int64_t>(4, valid - 4 * g);
        if (lanes == 4) {
          vector::StoreOp::create(b, stored, outMem, ValueRange{at});
          continue;
        }
        for (int64_t l = 0; l < lanes; ++l)
          memref::StoreOp::create(
              b, vector::ExtractOp::create(b, stored, ArrayRef<int64_t>{l}),
              outMem, ValueRange{addC(b, at, l)});
      }
    }
  };
  auto tile = [&](Value m0, int64_t rows) {
    auto [aMem, aBase, aStride] = packA(b, m0, rows);
    int64_t full = n / nr;
    if (full > 0)
      forLoop(b, idx(b, 0), idx(b, full), 1,
              [&](Value nb) { block(m0, rows, aMem, aBase, aStride, nb, nr); });
    if (n % nr)
      block(m0, rows, aMem, aBase, aStride, idx(b, full), n % nr);
  };
  int64_t mr = gemm.rowsFor(formats), fullRows = layer.m / mr * mr;
  if (fullRows > 0)
    forLoop(b, idx(b, 0), idx(b, fullRows), mr,
            [&](Value m0) { tile(m0, mr); });
  if (layer.m % mr)
    tile(idx(b, fullRows), layer.m % mr);
  return success();
}

/// The GEMM view of a conv (groups = 1) or FC: operands checked, weight
/// terms and bias read from their constants.
