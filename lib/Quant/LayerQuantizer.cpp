//===- LayerQuantizer.cpp - one layer's float weights to codes ------------===//

#include "mpq/Quant/LayerQuantizer.h"
#include "mpq/Quant/Quantizer.h"

#include <algorithm>
#include <cmath>

using namespace mpq;

//===----------------------------------------------------------------------===//
// PatchAccumulator
//===----------------------------------------------------------------------===//

PatchAccumulator::PatchAccumulator(const PatchGeometry &geometry,
                                   int64_t sampleEvery)
    : geo(geometry), sampleEvery(sampleEvery) {
  int64_t kk = geo.patchSize();
  stats.k = kk;
  stats.h.assign(geo.groups, std::vector<double>(kk * kk, 0.0));
  stats.mean.assign(geo.groups, std::vector<double>(kk, 0.0));
  if (sampleEvery > 0) {
    stats.floatPatches.resize(geo.groups);
    stats.quantPatches.resize(geo.groups);
  }
  patch.resize(kk);
  floatPatch.resize(kk);
}

void PatchAccumulator::addPatch(int64_t g, bool sample) {
  int64_t kk = stats.k;
  nz.clear();
  for (int64_t i = 0; i < kk; ++i)
    if (patch[i] != 0.0)
      nz.push_back(i);
  std::vector<double> &h = stats.h[g];
  std::vector<double> &mean = stats.mean[g];
  for (size_t a = 0; a < nz.size(); ++a) {
    double pa = patch[nz[a]];
    mean[nz[a]] += pa;
    double *row = &h[nz[a] * kk];
    for (size_t c = a; c < nz.size(); ++c)
      row[nz[c]] += pa * patch[nz[c]];
  }
  if (!sample)
    return;
  std::vector<float> &q = stats.quantPatches[g];
  for (int64_t i = 0; i < kk; ++i)
    q.push_back(float(patch[i]));
  stats.floatPatches[g].insert(stats.floatPatches[g].end(), floatPatch.begin(),
                               floatPatch.end());
}

bool PatchAccumulator::add(const int32_t *x, double scale, int64_t zp,
                           const float *xf, llvm::ArrayRef<int64_t> shape) {
  int64_t kk = stats.k;
  auto deq = [&](int64_t idx) { return scale * double(x[idx] - zp); };
  auto takeSample = [&] {
    bool s = sampleEvery > 0 && xf && seen % sampleEvery == 0;
    ++seen;
    return s;
  };
  if (!geo.conv) {
    if (shape.empty() || shape[0] <= 0)
      return false;
    int64_t total = 1;
    for (int64_t d : shape)
      total *= d;
    int64_t rows = shape[0], per = total / rows;
    if (per != kk)
      return false;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t i = 0; i < kk; ++i)
        patch[i] = deq(r * kk + i);
      bool s = takeSample();
      if (s)
        for (int64_t i = 0; i < kk; ++i)
          floatPatch[i] = xf[r * kk + i];
      addPatch(0, s);
    }
    stats.count += rows;
    return true;
  }
  if (shape.size() != 4)
    return false;
  int64_t n = shape[0], ih = shape[1], iw = shape[2], c = shape[3];
  if (c != geo.cg * geo.groups)
    return false;
  int64_t oh = (ih + geo.pad[0] + geo.pad[1] - geo.dil[0] * (geo.kh - 1) - 1) /
                   geo.stride[0] +
               1;
  int64_t ow = (iw + geo.pad[2] + geo.pad[3] - geo.dil[1] * (geo.kw - 1) - 1) /
                   geo.stride[1] +
               1;
  for (int64_t s = 0; s < n; ++s)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo) {
        bool sample = takeSample();
        for (int64_t g = 0; g < geo.groups; ++g) {
          for (int64_t ky = 0; ky < geo.kh; ++ky)
            for (int64_t kx = 0; kx < geo.kw; ++kx) {
              int64_t iy = y * geo.stride[0] - geo.pad[0] + ky * geo.dil[0];
              int64_t ix = xo * geo.stride[1] - geo.pad[2] + kx * geo.dil[1];
              bool inside = iy >= 0 && iy < ih && ix >= 0 && ix < iw;
              for (int64_t ci = 0; ci < geo.cg; ++ci) {
                int64_t at = (ky * geo.kw + kx) * geo.cg + ci;
                int64_t idx = ((s * ih + iy) * iw + ix) * c + g * geo.cg + ci;
                patch[at] = inside ? deq(idx) : 0.0;
                if (sample)
                  floatPatch[at] = inside ? xf[idx] : 0.0f;
              }
            }
          addPatch(g, sample);
        }
      }
  stats.count += n * oh * ow;
  (void)kk;
  return true;
}

LayerInputStats PatchAccumulator::finish() {
  LayerInputStats out = stats;
  int64_t kk = out.k;
  if (!out.count)
    return out;
  for (size_t g = 0; g < out.h.size(); ++g) {
    std::vector<double> &h = out.h[g];
    for (int64_t i = 0; i < kk; ++i) {
      out.mean[g][i] /= double(out.count);
      for (int64_t j = i; j < kk; ++j) {
        h[i * kk + j] /= double(out.count);
        h[j * kk + i] = h[i * kk + j];
      }
    }
  }
  return out;
}

//===----------------------------------------------------------------------===//
// quantizeLayer
//===----------------------------------------------------------------------===//

namespace {

/// Scales and round-to-nearest codes.
void nearestCodes(const LayerQuantProblem &p, int64_t k,
                  std::vector<double> &scales, std::vector<int8_t> &codes) {
  bool byChannel = p.perChannel || !p.channelBits.empty();
  int64_t og = p.rows / p.groups;
  auto importanceOf = [&](int64_t row) -> llvm::ArrayRef<float> {
    if (p.importance.empty())
      return {};
    return p.importance.slice((row / og) * k, k);
  };
  codes.assign(p.weights.size(), 0);
  auto quantRow = [&](llvm::ArrayRef<float> row, unsigned bits,
                      llvm::MutableArrayRef<int8_t> out,
                      llvm::ArrayRef<float> d) {
    QuantRange r = QuantRange::get(bits, true, true);
    AffineQuant q = p.mmse ? weightedMmseQuant(row, d, r) : maxAbsQuant(row, r);
    for (size_t i = 0; i < row.size(); ++i)
      out[i] = int8_t(std::clamp<double>(std::nearbyint(row[i] / q.scale),
                                         double(r.qmin), double(r.qmax)));
    return q.scale;
  };
  if (byChannel) {
    for (int64_t c = 0; c < p.rows; ++c) {
      unsigned bits =
          p.channelBits.empty() ? p.weightBits : unsigned(p.channelBits[c]);
      scales.push_back(
          quantRow(p.weights.slice(c * k, k), bits,
                   llvm::MutableArrayRef<int8_t>(codes).slice(c * k, k),
                   importanceOf(c)));
    }
    return;
  }
  std::vector<float> d;
  if (!p.importance.empty())
    for (int64_t c = 0; c < p.rows; ++c) {
      llvm::ArrayRef<float> row = importanceOf(c);
      d.insert(d.end(), row.begin(), row.end());
    }
  scales.push_back(quantRow(p.weights, p.weightBits, codes, d));
}

/// GPTQ re-rounding of `codes` at fixed `scales`, per group.
void gptqCodes(const LayerQuantProblem &p, int64_t k,
               llvm::ArrayRef<double> scales, std::vector<int8_t> &codes) {
  int64_t og = p.rows / p.groups;
  for (int64_t g = 0; g < p.groups; ++g) {
    std::vector<double> s;
    std::vector<QuantRange> ranges;
    for (int64_t r = g * og; r < (g + 1) * og; ++r) {
      s.push_back(scales[scales.size() == 1 ? 0 : r]);
      ranges.push_back(QuantRange::get(
          p.channelBits.empty() ? p.weightBits : unsigned(p.channelBits[r]),
          true, true));
    }
    const LayerInputStats &st = *p.stats;
    if (st.factored.size() != size_t(p.groups)) {
      st.factored.assign(p.groups, false);
      st.gptqFactors.assign(p.groups, {});
    }
    if (!st.factored[g]) {
      st.gptqFactors[g] = gptqFactor(st.h[g], k);
      st.factored[g] = true;
    }
    if (st.gptqFactors[g].empty())
      continue; // not positive definite: nearest codes stay
    gptqRoundWithFactor(
        p.weights.slice(g * og * k, og * k), k, st.gptqFactors[g], s, ranges,
        llvm::MutableArrayRef<int8_t>(codes).slice(g * og * k, og * k));
  }
}

/// bias[r] += sum_i W[r, i] E[x_f][i] - s_r C[r, i] E[x_q][i]; E[x_q] is the
/// measured mean of the quantized input when `stats` has it (empirical
/// correction), else the float mean.
std::vector<float> correctedBias(const LayerQuantProblem &p, int64_t k,
                                 llvm::ArrayRef<double> scales,
                                 llvm::ArrayRef<int8_t> codes) {
  std::vector<float> bias(p.bias.begin(), p.bias.end());
  int64_t og = p.rows / p.groups;
  bool useQ = p.stats && p.stats->hasMoments(k, p.groups);
  for (int64_t r = 0; r < p.rows; ++r) {
    double scale = scales[scales.size() == 1 ? 0 : r];
    int64_t g = r / og;
    double delta = 0.0;
    for (int64_t i = 0; i < k; ++i) {
      double mf = double(p.floatMean[g * k + i]);
      double mq = useQ ? p.stats->mean[g][i] : mf;
      delta += double(p.weights[r * k + i]) * mf -
               scale * double(codes[r * k + i]) * mq;
    }
    bias[r] += float(delta);
  }
  return bias;
}

} // namespace

std::optional<double> mpq::measureOutputError(const LayerQuantProblem &p,
                                              llvm::ArrayRef<int8_t> codes,
                                              llvm::ArrayRef<double> scales,
                                              llvm::ArrayRef<float> bias) {
  if (!p.stats || !p.rows)
    return std::nullopt;
  int64_t k = int64_t(p.weights.size()) / p.rows;
  int64_t n = p.stats->numSampledPatches();
  if (!n || p.stats->k != k ||
      int64_t(p.stats->floatPatches.size()) != p.groups)
    return std::nullopt;
  int64_t og = p.rows / p.groups;
  double total = 0.0;
  std::vector<double> wq(k);
  for (int64_t r = 0; r < p.rows; ++r) {
    int64_t g = r / og;
    double s = scales[scales.size() == 1 ? 0 : r];
    for (int64_t i = 0; i < k; ++i)
      wq[i] = s * double(codes[r * k + i]);
    const float *w = &p.weights[r * k];
    const float *xf = p.stats->floatPatches[g].data();
    const float *xq = p.stats->quantPatches[g].data();
    double qLo = std::max(p.clampLo, p.outLo);
    double qHi = std::min(p.clampHi, p.outHi);
    // Four patches at a time, each output summed in the same order as one
    // at a time (the same bits, eight dependency chains in flight).
    int64_t j = 0;
    for (; j + 4 <= n; j += 4, xf += 4 * k, xq += 4 * k) {
      double f[4], q[4];
      for (int t = 0; t < 4; ++t) {
        f[t] = double(p.bias[r]);
        q[t] = double(bias[r]);
      }
      for (int64_t i = 0; i < k; ++i) {
        double wf = double(w[i]), wi = wq[i];
        f[0] += wf * double(xf[i]);
        f[1] += wf * double(xf[k + i]);
        f[2] += wf * double(xf[2 * k + i]);
        f[3] += wf * double(xf[3 * k + i]);
        q[0] += wi * double(xq[i]);
        q[1] += wi * double(xq[k + i]);
        q[2] += wi * double(xq[2 * k + i]);
        q[3] += wi * double(xq[3 * k + i]);
      }
      for (int t = 0; t < 4; ++t) {
        double yf = std::clamp(f[t], p.clampLo, p.clampHi);
        double yq = std::clamp(q[t], qLo, qHi);
        total += (yf - yq) * (yf - yq);
      }
    }
    for (; j < n; ++j, xf += k, xq += k) {
      double yf = double(p.bias[r]), yq = double(bias[r]);
      for (int64_t i = 0; i < k; ++i) {
        yf += double(w[i]) * double(xf[i]);
        yq += wq[i] * double(xq[i]);
      }
      yf = std::clamp(yf, p.clampLo, p.clampHi);
      yq = std::clamp(yq, qLo, qHi);
      total += (yf - yq) * (yf - yq);
    }
  }
  return total / double(n * p.rows);
}

LayerQuantResult mpq::quantizeLayer(const LayerQuantProblem &p) {
  LayerQuantResult res;
  int64_t k = p.rows ? int64_t(p.weights.size()) / p.rows : 0;
  nearestCodes(p, k, res.scales, res.codes);
  bool haveMoments = p.stats && p.stats->hasMoments(k, p.groups);
  bool canCorrect = p.biasCorrection && !p.floatMean.empty() &&
                    int64_t(p.floatMean.size()) == p.groups * k;
  if (p.rounding != WeightRounding::Auto) {
    if (p.rounding == WeightRounding::GPTQ && haveMoments) {
      gptqCodes(p, k, res.scales, res.codes);
      res.rounding = WeightRounding::GPTQ;
    }
    if (canCorrect) {
      res.bias = correctedBias(p, k, res.scales, res.codes);
      res.biasCorrected = true;
    } else {
      res.bias.assign(p.bias.begin(), p.bias.end());
    }
    res.outputError = measureOutputError(p, res.codes, res.scales, res.bias);
    return res;
  }
  // Auto: every candidate measured on the sampled calibration patches; the
  // simplest one wins ties (nearest before GPTQ, uncorrected before
  // corrected).
  struct Candidate {
    WeightRounding rounding;
    bool corrected;
    std::vector<int8_t> codes;
    std::vector<float> bias;
  };
  std::vector<Candidate> candidates;
  std::vector<float> plainBias(p.bias.begin(), p.bias.end());
  candidates.push_back({WeightRounding::Nearest, false, res.codes, plainBias});
  if (canCorrect)
    candidates.push_back({WeightRounding::Nearest, true, res.codes,
                          correctedBias(p, k, res.scales, res.codes)});
  if (haveMoments) {
    std::vector<int8_t> g = res.codes;
    gptqCodes(p, k, res.scales, g);
    candidates.push_back({WeightRounding::GPTQ, false, g, plainBias});
    if (canCorrect)
      candidates.push_back(
          {WeightRounding::GPTQ, true, g, correctedBias(p, k, res.scales, g)});
  }
  size_t best = 0;
  std::optional<double> bestErr;
  for (size_t i = 0; i < candidates.size(); ++i) {
    std::optional<double> e = measureOutputError(
        p, candidates[i].codes, res.scales, candidates[i].bias);
    if (!e) {
      // Nothing to measure on: the old default (nearest, bias corrected
      // from the float statistics when enabled).
      best = canCorrect ? 1 : 0;
      bestErr.reset();
      break;
    }
    if (!bestErr || *e < *bestErr) {
      bestErr = e;
      best = i;
    }
  }
  Candidate &c = candidates[best];
  res.codes = std::move(c.codes);
  res.bias = std::move(c.bias);
  res.rounding = c.rounding;
  res.biasCorrected = c.corrected;
  res.outputError = bestErr;
  return res;
}
