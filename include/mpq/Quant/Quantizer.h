//===- Quantizer.h - scale selection: max-abs, percentile, MMSE -*- C++ -*-===//
//
// The quantizer math of papers.md section 0 and 5 (Choukroun et al. 2019):
// Q_{b,s}(x) = s * clamp(round(x / s) + zp, qmin, qmax) - zp, with the clip
// value chosen by max-abs, a percentile, or minimum mean squared error.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_QUANT_QUANTIZER_H
#define MPQ_QUANT_QUANTIZER_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace mpq {

/// The integer range of a `bits`-bit code.
struct QuantRange {
  int64_t qmin = 0, qmax = 0;
  static QuantRange get(unsigned bits, bool isSigned, bool narrow);
};

/// An affine quantizer: real = scale * (q - zeroPoint).
struct AffineQuant {
  double scale = 1.0;
  int64_t zeroPoint = 0;
  QuantRange range;
  /// The dequantized value x snaps to (round half to even).
  double snap(double x) const;
};

/// Sum of squared errors of quantizing `w` with `q`.
double quantizationSSE(llvm::ArrayRef<float> w, const AffineQuant &q);

/// Symmetric quantizer (zero point 0) whose clip is max|w|.
AffineQuant maxAbsQuant(llvm::ArrayRef<float> w, QuantRange r);

/// Symmetric quantizer minimising the squared error: the clip alpha is
/// searched on the grid max|w| * j / grid, j = grid/10 .. grid, then the scale
/// is refined by alternating least squares (q = round(w / s);
/// s = <q, w> / <q, q>) for at most `refineIters` steps, each kept only if it
/// lowers the error. Never worse than max-abs.
AffineQuant mmseQuant(llvm::ArrayRef<float> w, QuantRange r, int grid = 100,
                      int refineIters = 5);

/// mmseQuant with a weight per element: minimises sum_k d_k (w_k - q_k)^2,
/// e.g. d = E[x^2] of each weight's input, the diagonal of a layer's output
/// error (papers.md section 3). `d` empty means all ones.
AffineQuant weightedMmseQuant(llvm::ArrayRef<float> w, llvm::ArrayRef<float> d,
                              QuantRange r, int grid = 100,
                              int refineIters = 5);

/// Quantizer covering [lo, hi] (lo <= 0 <= hi after widening to include 0):
/// symmetric when `r` is signed and `symmetric`, else affine with a zero
/// point.
AffineQuant rangeQuant(double lo, double hi, QuantRange r, bool symmetric);

/// GPTQ rounding (Frantar et al. 2022, "OPTQ"): turns `w` ([rows, k],
/// row-major) into codes with fixed per-row `scales` and `ranges`, rounding
/// one column at a time and spreading each column's rounding error over the
/// columns not rounded yet so as to minimise each row's output error
/// (w - s c)^T H (w - s c), with H = E[x x^T] ([k, k], row-major) the second
/// moment of the layer's input. `damp` * mean(diag H) is added to the
/// diagonal first (inputs that are always zero get a unit diagonal). With
/// a diagonal H this is round to nearest. Returns false, leaving `codes`
/// alone, if H is not positive definite even after damping.
bool gptqRound(llvm::ArrayRef<float> w, int64_t k, llvm::ArrayRef<double> h,
               llvm::ArrayRef<double> scales, llvm::ArrayRef<QuantRange> ranges,
               llvm::MutableArrayRef<int8_t> codes, double damp = 0.01);

/// The factor gptqRound rounds with: U upper triangular with
/// (H + damping)^-1 = U^T U ([k, k], row-major); empty if H is not positive
/// definite even after damping. It depends on H only, so layers quantized
/// at several widths against the same input factor once.
std::vector<double> gptqFactor(llvm::ArrayRef<double> h, int64_t k,
                               double damp = 0.01);

/// gptqRound with a factor from gptqFactor.
bool gptqRoundWithFactor(llvm::ArrayRef<float> w, int64_t k,
                         llvm::ArrayRef<double> factor,
                         llvm::ArrayRef<double> scales,
                         llvm::ArrayRef<QuantRange> ranges,
                         llvm::MutableArrayRef<int8_t> codes);

/// The output error sum_rows (w - s c)^T H (w - s c) of `codes` (as in
/// gptqRound, without damping).
double outputError(llvm::ArrayRef<float> w, int64_t k,
                   llvm::ArrayRef<double> h, llvm::ArrayRef<double> scales,
                   llvm::ArrayRef<int8_t> codes);

/// A histogram of activation values over a fixed range.
class Histogram {
public:
  Histogram(double lo, double hi, int bins = 2048);
  void add(llvm::ArrayRef<float> values);
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  int64_t total() const { return total_; }
  /// Value below which a fraction `p` (0..1) of the samples lies.
  double percentile(double p) const;
  /// Squared error of quantizing the histogram's samples (at bin centres).
  double sse(const AffineQuant &q) const;

private:
  double lo_, hi_, width_;
  std::vector<int64_t> counts_;
  int64_t total_ = 0;
};

/// MMSE clipping for a per-tensor activation: shrinks [lo, hi] by a factor
/// t = j / grid (j = grid/10 .. grid) and keeps the quantizer with the least
/// histogram error.
AffineQuant mmseActivationQuant(const Histogram &h, QuantRange r,
                                bool symmetric, int grid = 100);

} // namespace mpq

#endif // MPQ_QUANT_QUANTIZER_H
