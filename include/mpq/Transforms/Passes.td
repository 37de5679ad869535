//===- Passes.td - mpq passes ------------------------------*- tablegen -*-===//

#ifndef MPQ_TRANSFORMS_PASSES_TD
#define MPQ_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MPQCalibratePass : Pass<"mpq-calibrate", "mlir::ModuleOp"> {
  let summary = "Record activation statistics on calibration data";
  let description = [{
    Runs the reference executor over calibration samples (a NumPy file whose
    first dimension is the sample) and attaches a `#mpq.calibration`
    attribute (`mpq.calib`) to every op that produces a float activation and
    to every function argument: the observed range and, for each bit-width
    2..8, the clip range the chosen method picks:

    - `minmax`: the observed range;
    - `percentile`: the `percentile` and `100 - percentile` quantiles;
    - `mmse`: the clip minimising the squared quantization error over a
      2048-bin histogram (Choukroun et al. 2019).

    Progress goes to stderr. Non-negative tensors are flagged so that
    quantization gives them the whole code range. Convolutions and fully
    connected layers also get their mean input patch E[x] (`mpq.mean_patch`,
    [KH*KW*C] or [K]) for bias correction, and E[x^2] (`mpq.mean_sq_patch`)
    for output-aware weight clipping.
  }];
  let options = [
    Option<"data", "data", "std::string", "\"\"",
           "calibration samples (.npy, first dimension = sample)">,
    Option<"samples", "samples", "int64_t", "512",
           "number of samples to use (the first ones)">,
    Option<"method", "method", "std::string", "\"mmse\"",
           "clip selection: minmax, percentile or mmse">,
    Option<"percentile", "percentile", "double", "99.99",
           "upper quantile for method=percentile">,
    Option<"batchSize", "batch-size", "int64_t", "128",
           "samples per executor run">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "function to calibrate">
  ];
  let dependentDialects = ["::mpq::MPQDialect"];
}

def MPQQuantizePass : Pass<"mpq-quantize", "mlir::ModuleOp"> {
  let summary = "Materialise the quantized integer graph";
  let description = [{
    Rewrites a calibrated float TOSA graph into integer mpq ops: weights
    quantized per output channel (or per tensor) by MMSE or max-abs and packed
    when below 8 bits; biases in int32 accumulator units; activations quantized
    per tensor from their `mpq.calib` clip range; Relu/Clip after conv, fully
    connected and add fused into the requantization clamp; max pooling,
    transposes and reshapes kept as TOSA ops on the codes; concat inputs
    requantized to a common scale; average pooling and residual adds as
    `mpq.avg_pool2d` and `mpq.add`. An `#mpq.precision` attribute on a float
    op (`mpq.precision`) overrides the uniform widths for that op, including
    per-channel widths. Ops without an integer form (softmax, sigmoid, ...)
    stay float between `mpq.dequantize` and `mpq.quantize`.

    With `rounding=gptq data=FILE.npy`, each conv and fully connected layer,
    in order, runs the partly quantized function on the calibration samples
    to measure E[x x^T] and E[x] of its quantized input patches, rounds its
    weights by GPTQ (Frantar et al. 2022) at the scales chosen above, and
    corrects its bias empirically: bias += E[W x] - E[Q(W) x_q].

    With `rounding=auto` (the default) and `data`, each layer measures the
    output error of the four candidates {GPTQ, round to nearest} x {with,
    without bias correction} on sampled calibration patches (float layer
    output against the quantized one, through the fused clamp and the
    output range) and keeps the least. Without `data` it rounds to nearest.
    The per-layer work is `mpq::quantizeLayer` (mpq/Quant/LayerQuantizer.h),
    which the precision search calls too.
  }];
  let options = [
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "weight bit-width (2..8)">,
    Option<"actBits", "act-bits", "unsigned", "8",
           "activation bit-width (2..8)">,
    Option<"granularity", "granularity", "std::string", "\"per-channel\"",
           "weight scales: per-channel or per-tensor">,
    Option<"weightMethod", "weight-method", "std::string", "\"mmse\"",
           "weight clipping: mmse or maxabs">,
    Option<"weightObjective", "weight-objective", "std::string",
           "\"weight\"",
           "what MMSE weight clipping minimises: weight (|W - Q(W)|^2) or "
           "output (sum E[x^2] (W - Q(W))^2, with E[x^2] from calibration, "
           "mpq.mean_sq_patch)">,
    Option<"biasCorrection", "bias-correction", "bool", "true",
           "add (W - Q(W)) E[x] to each channel's bias, with E[x] from "
           "calibration (mpq.mean_patch), to cancel the mean output shift "
           "of weight quantization">,
    Option<"rounding", "rounding", "mpq::WeightRounding",
           "mpq::WeightRounding::Auto", "weight rounding",
           [{::llvm::cl::values(
             clEnumValN(mpq::WeightRounding::Auto, "auto",
                        "per layer, the least measured output error among "
                        "{gptq, nearest} x {with, without bias correction} "
                        "(nearest without data)"),
             clEnumValN(mpq::WeightRounding::Nearest, "nearest",
                        "round to nearest"),
             clEnumValN(mpq::WeightRounding::GPTQ, "gptq",
                        "re-round each layer's weights, scales kept, to "
                        "minimise its output error on the calibration data, "
                        "with every earlier layer quantized; needs data"))}]>,
    Option<"data", "data", "std::string", "\"\"",
           "calibration samples for rounding=gptq or auto (.npy, first dimension = "
           "sample; the file given to --mpq-calibrate)">,
    Option<"samples", "samples", "int64_t", "512",
           "number of calibration samples rounding=gptq or auto uses (the first "
           "ones)">
  ];
  let dependentDialects = ["::mpq::MPQDialect", "::mlir::tosa::TosaDialect"];
}

def MPQFoldFlattenTransposePass
    : Pass<"mpq-fold-flatten-transpose", "mlir::func::FuncOp"> {
  let summary = "Fold the NHWC -> NCHW transpose before a Flatten into the "
                "next fully-connected layer's weights";
  let description = [{
    The importer keeps activations NHWC and transposes back to ONNX's NCHW
    before a Flatten, because the classifier's weights expect NCHW order.
    When the flattened value only feeds a matmul with constant weights
    (the importer's Gemm), the weight rows are permuted to NHWC order
    instead and the transpose disappears:

    ```
    transpose(x, [0,3,1,2]) -> reshape [N, C*H*W] -> ... tosa.matmul(., B)
      becomes
    reshape(x) [N, H*W*C] -> ... tosa.matmul(., B with rows permuted)
    ```
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
}

#endif // MPQ_TRANSFORMS_PASSES_TD
