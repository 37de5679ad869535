//===- LossEvaluator.h - loss of a model with some layers quantized -*- C++ -*-===//
//
// Every search strategy asks one question: what is the loss on the
// sensitivity samples when these layers are quantized at these widths and
// the rest stay float? LossEvaluator is that question, kept narrow so that a
// faster engine (suffix caching, issue 8 section 1) can replace the first
// implementation without touching the strategies.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_PRECISION_LOSSEVALUATOR_H
#define MPQ_PRECISION_LOSSEVALUATOR_H

#include "mpq/Executor/SuffixEngine.h"
#include "mpq/Executor/Tensor.h"
#include "mpq/Transforms/LayerData.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <optional>
#include <tuple>
#include <vector>

namespace mpq::precision {

/// Quantize layer `layer` (an index into getQuantizableLayers of the entry
/// function) at the given widths. A width of 0 leaves that tensor float.
/// `mirror` applies the mirrored perturbation x - (Q(x) - x) instead of Q(x)
/// to both tensors, for central differences (papers.md section 0).
struct LayerOverride {
  unsigned layer = 0;
  unsigned weightBits = 0;
  unsigned actBits = 0;
  bool mirror = false;
};

class LossEvaluator {
public:
  virtual ~LossEvaluator();
  /// Mean loss over the sensitivity samples with `overrides` applied and
  /// every other layer float. Reports errors through the module's
  /// diagnostics.
  virtual mlir::FailureOr<double>
  evaluate(llvm::ArrayRef<LayerOverride> overrides) = 0;
  /// evaluate() of every set of `sets`, in order; an implementation may
  /// run them concurrently and share work between them, with the same
  /// results. `progress` (on the calling thread) gets (done, total).
  virtual mlir::FailureOr<std::vector<double>> evaluateBatch(
      llvm::ArrayRef<std::vector<LayerOverride>> sets,
      llvm::function_ref<void(uint64_t, uint64_t)> progress = nullptr);
  /// Number of evaluate() calls so far.
  uint64_t getNumEvaluations() const { return numEvaluations; }

protected:
  uint64_t numEvaluations = 0;
};

enum class LossKind {
  /// Cross-entropy of softmax(output 0) against integer labels.
  CrossEntropy,
  /// KL(p_float || p_quantized) of softmax(output 0).
  KL,
};

/// Fake quantization on the suffix engine (mpq/Executor/SuffixEngine.h):
/// an evaluation replaces the overridden layers' weights and biases by
/// their fake-quantized values and fake-quantizes their inputs as
/// mpq.quantize/mpq.dequantize at the calibrated clip range of that width
/// would (#mpq.calibration, so --mpq-calibrate must have run), without
/// touching the IR, and re-runs the samples from the first changed layer
/// on, from cached float activations. The losses are bit-identical to
/// cloning the module and running it whole. The weights are what
/// mpq::quantizeLayer returns for the layer with the given quantizer
/// options, the same call --mpq-quantize makes; measured rounding (GPTQ,
/// auto) uses the layer's input statistics on the sensitivity samples with
/// every other layer float. Outputs are not requantized.
class FakeQuantEvaluator : public LossEvaluator {
public:
  /// `labels` must hold one integer class per sample for CrossEntropy.
  static mlir::FailureOr<std::unique_ptr<FakeQuantEvaluator>>
  create(mlir::ModuleOp module, mlir::func::FuncOp entry, Tensor samples,
         std::optional<Tensor> labels, LossKind kind, int64_t batchSize,
         const LayerQuantOptions &quantOptions = LayerQuantOptions());

  mlir::FailureOr<double>
  evaluate(llvm::ArrayRef<LayerOverride> overrides) override;
  /// Runs the sets' (sample chunk, set) items on the engine's workers. A
  /// set that is an earlier set plus one later layer (CLADO's pair (l, m)
  /// after the single l) resumes from the earlier set's values at layer
  /// m's input. Losses are bit-identical to evaluate()'s.
  mlir::FailureOr<std::vector<double>> evaluateBatch(
      llvm::ArrayRef<std::vector<LayerOverride>> sets,
      llvm::function_ref<void(uint64_t, uint64_t)> progress =
          nullptr) override;
  /// Quantizes (and caches) every layer at every listed widths, layers in
  /// parallel; evaluate() would do it on first use.
  mlir::LogicalResult
  prepare(llvm::ArrayRef<std::tuple<unsigned, unsigned, unsigned>> options);

  /// Loss with layer `layer`'s weights replaced by w + h * v, v a
  /// Rademacher vector drawn from `seed` (Hutchinson probes; HAWQ).
  mlir::FailureOr<double> evaluateWeightProbe(unsigned layer, uint64_t seed,
                                              double h);
  /// Loss of the float module (cached).
  double getFloatLoss() const { return floatLoss; }
  /// Top-1 accuracy (0..1) of the last evaluation (labels only, else NaN).
  double getLastAccuracy() const { return lastAccuracy; }
  /// Sum of squared differences between the fake-quantized and the float
  /// weights of `layer` at `bits` (input at `actBits`).
  double weightErrorSq(unsigned layer, unsigned bits, unsigned actBits = 8);
  /// What mpq::quantizeLayer returns for `layer` at these widths (cached).
  mlir::FailureOr<const LayerQuantResult *>
  quantizedLayer(unsigned layer, unsigned weightBits, unsigned actBits);
  unsigned getNumLayers() const { return weights.size(); }
  /// Root mean square of `layer`'s float weights.
  double getWeightRMS(unsigned layer) const;

private:
  FakeQuantEvaluator(mlir::ModuleOp module, mlir::func::FuncOp entry,
                     Tensor samples, std::optional<Tensor> labels,
                     LossKind kind, int64_t batchSize,
                     const LayerQuantOptions &quantOptions);
  /// Fake-quantized weights (in the layer's weight layout) and bias.
  struct FakeQuantLayer {
    std::vector<float> weights, bias;
    Tensor weightTensor, biasTensor;
  };
  mlir::LogicalResult init();
  /// A chunk's loss terms, in the order they are summed, and its correct
  /// top-1 count; `error` explains a failure.
  struct ChunkTerms {
    std::vector<double> terms;
    int64_t correct = 0;
    std::string error;
  };
  /// The loss terms of chunk `chunk` (thread-safe unless `reference`, which
  /// appends to referenceProbs).
  void chunkTerms(int64_t chunk, llvm::ArrayRef<Tensor> outs, bool reference,
                  ChunkTerms &t);
  /// The loss of terms summed in chunk order; sets lastAccuracy.
  mlir::FailureOr<double> reduce(llvm::ArrayRef<ChunkTerms> chunks);
  /// Builds the RunOverrides of `overrides` plus replacement weights;
  /// tensors it needs go to `owned`.
  mlir::LogicalResult
  buildOverrides(llvm::ArrayRef<LayerOverride> overrides,
                 const std::map<unsigned, std::vector<float>> &replaced,
                 RunOverrides &ro,
                 std::vector<std::unique_ptr<Tensor>> &owned);
  /// Runs the samples with `overrides` (on the suffix engine) and returns
  /// the loss against the labels or the float reference; sets
  /// lastAccuracy.
  mlir::FailureOr<double> run(const RunOverrides &overrides, bool reference);
  /// Applies `overrides` plus optional replacement weights (in the layer's
  /// weight layout).
  mlir::FailureOr<double>
  evaluateWith(llvm::ArrayRef<LayerOverride> overrides,
               const std::map<unsigned, std::vector<float>> &replaced);
  mlir::FailureOr<const FakeQuantLayer *>
  fakeQuant(unsigned layer, unsigned bits, unsigned actBits, bool mirror);
  /// Input statistics of every layer with its input quantized at `actBits`
  /// and every layer float (one run over the samples; cached).
  mlir::FailureOr<const std::vector<LayerInputStats> *>
  inputStats(unsigned actBits);

  mlir::ModuleOp module;
  std::string entryName;
  Tensor samples;
  std::optional<Tensor> labels;
  LossKind kind;
  int64_t batchSize;
  LayerQuantOptions quantOptions;
  /// Per layer: as quantizeLayer reads it, and its float weights in the IR
  /// layout with their type.
  std::vector<LayerData> layerData;
  std::vector<std::vector<float>> weights;
  std::vector<mlir::RankedTensorType> weightTypes;
  std::map<std::tuple<unsigned, unsigned, unsigned>, LayerQuantResult>
      quantized;
  std::map<std::tuple<unsigned, unsigned, unsigned, bool>, FakeQuantLayer>
      fqCache;
  std::map<unsigned, std::vector<LayerInputStats>> statsCache;
  /// Runs only what an evaluation changes; the op reading each layer's
  /// input (its resume point).
  std::unique_ptr<SuffixEngine> engine;
  std::vector<mlir::Operation *> readers;
  /// Softmax of the float model's output 0, per sample (KL reference).
  std::vector<double> referenceProbs;
  double floatLoss = 0;
  double lastAccuracy = 0;
};

} // namespace mpq::precision

#endif // MPQ_PRECISION_LOSSEVALUATOR_H
