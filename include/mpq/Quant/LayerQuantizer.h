//===- LayerQuantizer.h - one layer's float weights to codes ----*- C++ -*-===//
//
// The per-layer work of quantization as a pure function: float weights,
// widths, input statistics and a rounding mode in; codes, scales, the
// (corrected) bias and the measured output error out. `--mpq-quantize`
// writes what quantizeLayer returns, and the precision search's loss
// evaluator fake-quantizes with the same call, so what the search measures
// is what gets compiled (unittests/Precision/LayerQuantizerAgreementTest).
//
// Layout: a layer is `rows` output channels of `k` weights each, row-major;
// the rows split into `groups` equal groups (a grouped or depthwise conv),
// group g reading input channels [g*cg, (g+1)*cg). A conv's row is
// [KH, KW, Cg] (OHWI), a fully connected layer's row is its K inputs.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_QUANT_LAYERQUANTIZER_H
#define MPQ_QUANT_LAYERQUANTIZER_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace mpq {

/// How a layer's weights are rounded to codes at the chosen scales.
enum class WeightRounding {
  /// Round to nearest.
  Nearest,
  /// GPTQ (Frantar et al. 2022) against the measured input moments.
  GPTQ,
  /// Per layer, the candidate of {GPTQ, nearest} x {with, without bias
  /// correction} with the least measured output error on the calibration
  /// patches (nearest without calibration data).
  Auto,
};

/// Where a layer's input patches come from.
struct PatchGeometry {
  /// A convolution window; otherwise every input row is one patch.
  bool conv = false;
  int64_t kh = 1, kw = 1, cg = 0, groups = 1;
  int64_t pad[4] = {0, 0, 0, 0}, stride[2] = {1, 1}, dil[2] = {1, 1};
  int64_t patchSize() const { return kh * kw * cg; }
};

/// Statistics of a layer's (quantized) input measured on calibration data:
/// per group, H = E[x x^T] and E[x] over the input patches x, plus a sample
/// of (float patch, quantized patch) pairs for measuring output errors.
struct LayerInputStats {
  int64_t k = 0;
  /// Patches seen.
  int64_t count = 0;
  std::vector<std::vector<double>> h, mean;
  /// Per group: sampled patches, [n, k] row-major; the float patch is the
  /// float model's input, the quantized one what the quantized layer reads.
  std::vector<std::vector<float>> floatPatches, quantPatches;
  /// Per group, GPTQ's factor of H (gptqFactor), computed on first use
  /// (`factored`) and shared by every width quantized against these
  /// statistics.
  mutable std::vector<std::vector<double>> gptqFactors;
  mutable std::vector<bool> factored;
  /// Whether H and E[x] are usable (k and groups match).
  bool hasMoments(int64_t k, int64_t groups) const {
    return this->k == k && int64_t(h.size()) == groups && count > 0;
  }
  int64_t numSampledPatches() const {
    return floatPatches.empty() || !k ? 0 : int64_t(floatPatches[0].size()) / k;
  }
};

/// Accumulates LayerInputStats from activations in NHWC ([n, ih, iw, c]) or,
/// for a fully connected layer, [rows, k] layout.
class PatchAccumulator {
public:
  /// Keeps every `sampleEvery`-th patch (0: none) for the output error.
  PatchAccumulator(const PatchGeometry &geometry, int64_t sampleEvery);
  /// Adds the patches of one chunk of samples: `codes` (int32, dequantized
  /// as scale * (code - zeroPoint)) is the quantized input, `floats` (may be
  /// null) the float one of the same shape; `shape` is [n, ih, iw, c] for a
  /// conv, [rows, k] otherwise. Returns false if the shape does not fit.
  bool add(const int32_t *codes, double scale, int64_t zeroPoint,
           const float *floats, llvm::ArrayRef<int64_t> shape);
  /// The statistics so far (means, H symmetrised).
  LayerInputStats finish();

private:
  void addPatch(int64_t group, bool sample);
  PatchGeometry geo;
  int64_t sampleEvery;
  int64_t seen = 0;
  LayerInputStats stats;
  std::vector<double> patch;
  std::vector<float> floatPatch;
  std::vector<int64_t> nz;
};

/// One layer to quantize.
struct LayerQuantProblem {
  /// [rows, k], row-major.
  llvm::ArrayRef<float> weights;
  int64_t rows = 0;
  int64_t groups = 1;
  /// [rows] float bias.
  llvm::ArrayRef<float> bias;
  unsigned weightBits = 8;
  /// Per-row widths (empty: weightBits everywhere); implies per-channel.
  llvm::ArrayRef<int32_t> channelBits;
  bool perChannel = true;
  /// MMSE clipping (else max-abs).
  bool mmse = true;
  /// Per group, E[x^2] of each input of a row ([groups * k]): MMSE then
  /// minimises the E[x^2]-weighted error. Empty: unweighted.
  llvm::ArrayRef<float> importance;
  /// Per group, E[x] of the float input patch ([groups * k]): bias
  /// correction adds (W - Q(W)) E[x]. Empty: no bias correction.
  llvm::ArrayRef<float> floatMean;
  bool biasCorrection = true;
  WeightRounding rounding = WeightRounding::Nearest;
  /// Measured input statistics (GPTQ, empirical bias correction, Auto).
  const LayerInputStats *stats = nullptr;
  /// The layer's output bounds for the measured error: a fused clamp
  /// (applied to both outputs) and the range the quantized output can
  /// represent (applied to the quantized output only).
  double clampLo = -std::numeric_limits<double>::infinity();
  double clampHi = std::numeric_limits<double>::infinity();
  double outLo = -std::numeric_limits<double>::infinity();
  double outHi = std::numeric_limits<double>::infinity();
};

/// A quantized layer.
struct LayerQuantResult {
  /// [rows, k] codes, narrow signed range of each row's width.
  std::vector<int8_t> codes;
  /// One per row (per-channel), or one.
  std::vector<double> scales;
  /// [rows] float bias, bias-corrected if `biasCorrected`.
  std::vector<float> bias;
  /// The rounding used (Nearest or GPTQ) and whether the bias was corrected.
  WeightRounding rounding = WeightRounding::Nearest;
  bool biasCorrected = false;
  /// Mean squared difference between the float and the quantized layer
  /// output over the sampled calibration patches and output channels;
  /// nullopt without sampled patches.
  std::optional<double> outputError;
  double scaleOf(int64_t row) const {
    return scales.size() == 1 ? scales[0] : scales[row];
  }
};

/// Quantizes one layer: scales by max-abs or (weighted) MMSE per row or per
/// tensor, then codes by `rounding`, then bias correction.
LayerQuantResult quantizeLayer(const LayerQuantProblem &problem);

/// Mean squared output error of `codes`/`scales`/`bias` on the sampled
/// patches of `problem.stats` (nullopt if there are none).
std::optional<double> measureOutputError(const LayerQuantProblem &problem,
                                         llvm::ArrayRef<int8_t> codes,
                                         llvm::ArrayRef<double> scales,
                                         llvm::ArrayRef<float> bias);

} // namespace mpq

#endif // MPQ_QUANT_LAYERQUANTIZER_H
