//===- Quantizer.cpp - scale selection: max-abs, percentile, MMSE ---------===//

#include "mpq/Quant/Quantizer.h"

#include <algorithm>
#include <cmath>

using namespace mpq;

QuantRange QuantRange::get(unsigned bits, bool isSigned, bool narrow) {
  QuantRange r;
  if (isSigned) {
    r.qmax = (int64_t(1) << (bits - 1)) - 1;
    r.qmin = narrow ? -r.qmax : -r.qmax - 1;
  } else {
    r.qmin = 0;
    r.qmax = (int64_t(1) << bits) - 1;
  }
  return r;
}

double AffineQuant::snap(double x) const {
  double q = std::nearbyint(x / scale) + double(zeroPoint);
  q = std::clamp(q, double(range.qmin), double(range.qmax));
  return scale * (q - double(zeroPoint));
}

double mpq::quantizationSSE(llvm::ArrayRef<float> w, const AffineQuant &q) {
  double sse = 0.0;
  for (float x : w) {
    double e = double(x) - q.snap(x);
    sse += e * e;
  }
  return sse;
}

static double maxAbs(llvm::ArrayRef<float> w) {
  double m = 0.0;
  for (float x : w)
    m = std::max(m, double(std::fabs(x)));
  return m;
}

AffineQuant mpq::maxAbsQuant(llvm::ArrayRef<float> w, QuantRange r) {
  AffineQuant q;
  q.range = r;
  double m = maxAbs(w);
  q.scale = m > 0.0 ? m / double(r.qmax) : 1.0;
  return q;
}

static double weightedSSE(llvm::ArrayRef<float> w, llvm::ArrayRef<float> d,
                          const AffineQuant &q) {
  if (d.empty())
    return quantizationSSE(w, q);
  double sse = 0.0;
  for (size_t i = 0; i < w.size(); ++i) {
    double e = double(w[i]) - q.snap(w[i]);
    sse += double(d[i]) * e * e;
  }
  return sse;
}

AffineQuant mpq::weightedMmseQuant(llvm::ArrayRef<float> w,
                                   llvm::ArrayRef<float> d, QuantRange r,
                                   int grid, int refineIters) {
  AffineQuant best = maxAbsQuant(w, r);
  double m = maxAbs(w);
  if (m == 0.0)
    return best;
  double bestErr = weightedSSE(w, d, best);
  for (int j = std::max(1, grid / 10); j <= grid; ++j) {
    AffineQuant q = best;
    q.scale = m * double(j) / double(grid) / double(r.qmax);
    double e = weightedSSE(w, d, q);
    if (e < bestErr) {
      bestErr = e;
      best = q;
    }
  }
  // Alternating (weighted) least squares on the scale, codes fixed per step.
  for (int it = 0; it < refineIters; ++it) {
    double qw = 0.0, qq = 0.0;
    for (size_t i = 0; i < w.size(); ++i) {
      double c = std::clamp(std::nearbyint(double(w[i]) / best.scale),
                            double(r.qmin), double(r.qmax));
      double di = d.empty() ? 1.0 : double(d[i]);
      qw += di * c * double(w[i]);
      qq += di * c * c;
    }
    if (qq == 0.0 || qw <= 0.0)
      break;
    AffineQuant q = best;
    q.scale = qw / qq;
    double e = weightedSSE(w, d, q);
    if (!(e < bestErr))
      break;
    bestErr = e;
    best = q;
  }
  return best;
}

AffineQuant mpq::mmseQuant(llvm::ArrayRef<float> w, QuantRange r, int grid,
                           int refineIters) {
  return weightedMmseQuant(w, {}, r, grid, refineIters);
}

AffineQuant mpq::rangeQuant(double lo, double hi, QuantRange r,
                            bool symmetric) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  AffineQuant q;
  q.range = r;
  if (symmetric && r.qmin < 0) {
    double m = std::max(-lo, hi);
    q.scale = m > 0.0 ? m / double(r.qmax) : 1.0;
    q.zeroPoint = 0;
    return q;
  }
  if (hi - lo <= 0.0)
    return q;
  q.scale = (hi - lo) / double(r.qmax - r.qmin);
  q.zeroPoint = std::clamp<int64_t>(
      int64_t(std::nearbyint(double(r.qmin) - lo / q.scale)), r.qmin, r.qmax);
  return q;
}

Histogram::Histogram(double lo, double hi, int bins)
    : lo_(lo), hi_(hi > lo ? hi : lo + 1.0), counts_(std::max(bins, 1), 0) {
  width_ = (hi_ - lo_) / double(counts_.size());
}

void Histogram::add(llvm::ArrayRef<float> values) {
  int64_t n = int64_t(counts_.size());
  for (float x : values) {
    if (!std::isfinite(x))
      continue;
    // Clamp in double: converting an out-of-range double to int64 is UB.
    double b = std::clamp((double(x) - lo_) / width_, 0.0, double(n - 1));
    ++counts_[int64_t(b)];
  }
  total_ += int64_t(values.size());
}

double Histogram::percentile(double p) const {
  double target = p * double(total_);
  double acc = 0.0;
  for (size_t b = 0; b < counts_.size(); ++b) {
    acc += double(counts_[b]);
    if (acc >= target)
      return lo_ + width_ * double(b + 1);
  }
  return hi_;
}

double Histogram::sse(const AffineQuant &q) const {
  double sse = 0.0;
  for (size_t b = 0; b < counts_.size(); ++b) {
    if (!counts_[b])
      continue;
    double x = lo_ + width_ * (double(b) + 0.5);
    double e = x - q.snap(x);
    sse += double(counts_[b]) * e * e;
  }
  return sse;
}

AffineQuant mpq::mmseActivationQuant(const Histogram &h, QuantRange r,
                                     bool symmetric, int grid) {
  AffineQuant best = rangeQuant(h.lo(), h.hi(), r, symmetric);
  double bestErr = h.sse(best);
  for (int j = std::max(1, grid / 10); j < grid; ++j) {
    double t = double(j) / double(grid);
    AffineQuant q = rangeQuant(h.lo() * t, h.hi() * t, r, symmetric);
    double e = h.sse(q);
    if (e < bestErr) {
      bestErr = e;
      best = q;
    }
  }
  return best;
}

/// Factors a symmetric positive definite `a` ([n, n]) as U U^T with U upper
/// triangular (a Cholesky factorisation in reverse order), in place: the
/// upper triangle of `a` becomes U. Returns false if a pivot is not positive.
static bool reverseCholesky(std::vector<double> &a, int64_t n) {
  for (int64_t j = n - 1; j >= 0; --j) {
    double *rj = &a[j * n];
    double d = rj[j];
    for (int64_t m = j + 1; m < n; ++m)
      d -= rj[m] * rj[m];
    if (!(d > 0.0))
      return false;
    d = std::sqrt(d);
    rj[j] = d;
    // Rows are independent: four at a time, each summed in the same order
    // as one at a time (the same bits, four dependency chains in flight).
    int64_t i = 0;
    for (; i + 4 <= j; i += 4) {
      double *r0 = &a[i * n], *r1 = r0 + n, *r2 = r1 + n, *r3 = r2 + n;
      double s0 = r0[j], s1 = r1[j], s2 = r2[j], s3 = r3[j];
      for (int64_t m = j + 1; m < n; ++m) {
        double v = rj[m];
        s0 -= r0[m] * v;
        s1 -= r1[m] * v;
        s2 -= r2[m] * v;
        s3 -= r3[m] * v;
      }
      r0[j] = s0 / d;
      r1[j] = s1 / d;
      r2[j] = s2 / d;
      r3[j] = s3 / d;
    }
    for (; i < j; ++i) {
      double *ri = &a[i * n];
      double s = ri[j];
      for (int64_t m = j + 1; m < n; ++m)
        s -= ri[m] * rj[m];
      ri[j] = s / d;
    }
  }
  return true;
}

std::vector<double> mpq::gptqFactor(llvm::ArrayRef<double> h, int64_t k,
                                    double damp) {
  if (k <= 0 || int64_t(h.size()) != k * k)
    return {};
  double meanDiag = 0.0;
  for (int64_t i = 0; i < k; ++i)
    meanDiag += h[i * k + i];
  meanDiag /= double(k);
  if (!(meanDiag > 0.0))
    return {};
  // U with H^-1 = U^T U, U upper: H = V V^T (V upper) gives U = V^-1. GPTQ
  // rounds column i, then moves the remaining columns by -err_i U[i, j>i] /
  // U[i, i], which is the least-squares compensation under H.
  std::vector<double> u;
  bool ok = false;
  for (int attempt = 0; attempt < 4 && !ok; ++attempt, damp *= 10.0) {
    u.assign(h.begin(), h.end());
    for (int64_t i = 0; i < k; ++i)
      u[i * k + i] = (h[i * k + i] > 0.0 ? h[i * k + i] : meanDiag) +
                     damp * meanDiag;
    ok = reverseCholesky(u, k);
  }
  if (!ok)
    return {};
  // Invert V (upper triangular) in place, row by row from the bottom:
  // row i of V^-1 needs only the rows below it.
  std::vector<double> inv(k * k, 0.0);
  for (int64_t i = k - 1; i >= 0; --i) {
    double *ri = &inv[i * k];
    const double *vi = &u[i * k];
    ri[i] = 1.0 / vi[i];
    // (V^-1)[i, c] = -(sum_{m=i+1..c} V[i, m] (V^-1)[m, c]) / V[i, i].
    for (int64_t m = i + 1; m < k; ++m) {
      double f = vi[m];
      if (f == 0.0)
        continue;
      const double *rm = &inv[m * k];
      for (int64_t c = m; c < k; ++c)
        ri[c] -= f * rm[c];
    }
    for (int64_t c = i + 1; c < k; ++c)
      ri[c] *= ri[i];
  }
  return inv;
}

bool mpq::gptqRoundWithFactor(llvm::ArrayRef<float> w, int64_t k,
                              llvm::ArrayRef<double> inv,
                              llvm::ArrayRef<double> scales,
                              llvm::ArrayRef<QuantRange> ranges,
                              llvm::MutableArrayRef<int8_t> codes) {
  int64_t rows = k ? int64_t(w.size()) / k : 0;
  if (!rows || int64_t(inv.size()) != k * k ||
      int64_t(scales.size()) != rows || int64_t(ranges.size()) != rows ||
      codes.size() != w.size())
    return false;
  std::vector<double> row(k);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < k; ++i)
      row[i] = w[r * k + i];
    double s = scales[r];
    QuantRange q = ranges[r];
    for (int64_t i = 0; i < k; ++i) {
      double c = std::clamp(std::nearbyint(row[i] / s), double(q.qmin),
                            double(q.qmax));
      codes[r * k + i] = int8_t(c);
      const double *ui = &inv[i * k];
      double err = (row[i] - s * c) / ui[i];
      for (int64_t j = i + 1; j < k; ++j)
        row[j] -= err * ui[j];
    }
  }
  return true;
}

bool mpq::gptqRound(llvm::ArrayRef<float> w, int64_t k,
                    llvm::ArrayRef<double> h, llvm::ArrayRef<double> scales,
                    llvm::ArrayRef<QuantRange> ranges,
                    llvm::MutableArrayRef<int8_t> codes, double damp) {
  int64_t rows = k ? int64_t(w.size()) / k : 0;
  if (!rows || int64_t(h.size()) != k * k ||
      int64_t(scales.size()) != rows || int64_t(ranges.size()) != rows ||
      codes.size() != w.size())
    return false;
  std::vector<double> inv = gptqFactor(h, k, damp);
  if (inv.empty())
    return false;
  return gptqRoundWithFactor(w, k, inv, scales, ranges, codes);
}

double mpq::outputError(llvm::ArrayRef<float> w, int64_t k,
                        llvm::ArrayRef<double> h,
                        llvm::ArrayRef<double> scales,
                        llvm::ArrayRef<int8_t> codes) {
  int64_t rows = int64_t(w.size()) / k;
  double total = 0.0;
  std::vector<double> e(k);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < k; ++i)
      e[i] = double(w[r * k + i]) - scales[r] * double(codes[r * k + i]);
    for (int64_t i = 0; i < k; ++i) {
      double acc = 0.0;
      for (int64_t j = 0; j < k; ++j)
        acc += h[i * k + j] * e[j];
      total += e[i] * acc;
    }
  }
  return total;
}
