//===- Passes.td - precision assignment --------------------*- tablegen -*-===//

#ifndef MPQ_PRECISION_PASSES_TD
#define MPQ_PRECISION_PASSES_TD

include "mlir/Pass/PassBase.td"

def AssignPrecisionPass : Pass<"assign-precision", "mlir::ModuleOp"> {
  let summary = "Choose a weight and activation width for every layer under "
                "a budget";
  let description = [{
    Attaches `#mpq.precision` (`mpq.precision`) to every quantizable layer
    (QuantizableLayerOpInterface) of the entry function; `--mpq-quantize`
    honours it. Needs `--mpq-calibrate` first (activation clip ranges) and
    the sensitivity samples (`data`, and `labels` for the cross-entropy
    loss; without labels the loss is KL(float || quantized)). Strategies
    (docs/precision.md):

    - `uniform`: the highest (weight, activation) width that every layer
      can take within the budget; no data needed.
    - `hawq`: per-layer Hessian trace by forward-only Hutchinson probes,
      sensitivity trace/n * |Q(W) - W|^2, then a knapsack.
    - `loss-aware` (Cheng & Chen 2022): signed first-order loss change of
      each layer and width by central differences (+-quantization noise),
      a multiple-choice knapsack, then the `top-k` best layouts measured;
      needs labels.
    - `clado` (Deng et al.): measured single and pairwise loss changes,
      PSD projection, and an integer quadratic program solved exactly by
      branch and bound.

    Budgets combine with commas: `size:40KiB`, `size-kb:K`,
    `avg-weight-bits:B`, `bops:G`, `cycles:N` and `latency-us:T` (both
    need `target`; latency also the target's `clock_ghz`). A budget no
    layout meets is an error naming the smallest achievable value.
    Pinned layers (`exclude=first,last` or names) keep the highest widths.

    A measured layer is quantized by `mpq::quantizeLayer` with the quantizer
    options given here (`rounding`, `bias-correction`, `granularity`,
    `weight-method`, `weight-objective`; the defaults are --mpq-quantize's),
    so the search measures the codes --mpq-quantize will write.
  }];
  let options = [
    Option<"strategy", "strategy", "mpq::precision::Strategy",
           "mpq::precision::Strategy::Uniform", "search strategy",
           [{::llvm::cl::values(
             clEnumValN(mpq::precision::Strategy::Uniform, "uniform",
                        "highest uniform width within the budget"),
             clEnumValN(mpq::precision::Strategy::Hawq, "hawq",
                        "Hutchinson Hessian-trace sensitivity + knapsack"),
             clEnumValN(mpq::precision::Strategy::LossAware, "loss-aware",
                        "signed first-order loss change + knapsack + top-K "
                        "check (Cheng & Chen)"),
             clEnumValN(mpq::precision::Strategy::Clado, "clado",
                        "pairwise measured loss changes + exact IQP "
                        "(Deng et al.)"))}]>,
    Option<"budget", "budget", "std::string", "\"\"",
           "limits, comma-separated: size:40KiB, size-kb:K, "
           "avg-weight-bits:B, bops:G, cycles:N, latency-us:T (none: "
           "highest widths)">,
    Option<"target", "target", "std::string", "\"\"",
           "target description targets/NAME.yaml (cycle costs; widths "
           "the target cannot run are refused)">,
    Option<"targetsDir", "targets-dir", "std::string", "\"\"",
           "directory of target descriptions (default: the source tree's "
           "targets/)">,
    Option<"data", "data", "std::string", "\"\"",
           "sensitivity samples (.npy, first dimension = sample; held-out "
           "training images, never the test set)">,
    Option<"labels", "labels", "std::string", "\"\"",
           "integer labels of the sensitivity samples (.npy)">,
    Option<"sensSamples", "sens-samples", "int64_t", "1024",
           "number of sensitivity samples used (the first ones)">,
    ListOption<"weightBits", "weight-bits", "unsigned",
               "candidate weight widths (2..8, default 2,3,4,6,8)">,
    ListOption<"actBits", "act-bits", "unsigned",
               "candidate activation widths (2..8, default 8)">,
    ListOption<"exclude", "exclude", "std::string",
               "layers pinned at the highest widths: first, last, or "
               "layer names (their location names)">,
    Option<"topK", "top-k", "unsigned", "8",
           "loss-aware: layouts whose loss is measured">,
    Option<"probes", "probes", "unsigned", "16",
           "hawq: Hutchinson probes per layer">,
    Option<"timeLimit", "time-limit", "double", "60",
           "solver time limit in seconds; the best layout found is used, "
           "with a warning">,
    Option<"psd", "psd", "bool", "true",
           "clado: project the interaction matrix onto the PSD cone">,
    Option<"rounding", "rounding", "mpq::WeightRounding",
           "mpq::WeightRounding::Auto",
           "weight rounding of the measured layers, as --mpq-quantize's",
           [{::llvm::cl::values(
             clEnumValN(mpq::WeightRounding::Auto, "auto",
                        "least measured output error per layer"),
             clEnumValN(mpq::WeightRounding::Nearest, "nearest",
                        "round to nearest"),
             clEnumValN(mpq::WeightRounding::GPTQ, "gptq",
                        "GPTQ against the layer's input moments"))}]>,
    Option<"biasCorrection", "bias-correction", "bool", "true",
           "bias correction of the measured layers, as --mpq-quantize's">,
    Option<"granularity", "granularity", "std::string", "\"per-channel\"",
           "weight scales of the measured layers: per-channel or "
           "per-tensor, as --mpq-quantize's">,
    Option<"weightMethod", "weight-method", "std::string", "\"mmse\"",
           "weight clipping of the measured layers: mmse or maxabs, as "
           "--mpq-quantize's">,
    Option<"weightObjective", "weight-objective", "std::string",
           "\"weight\"",
           "MMSE objective of the measured layers: weight or output, as "
           "--mpq-quantize's">,
    Option<"batchSize", "batch-size", "int64_t", "256",
           "samples per executor run">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "function whose layers are assigned">
  ];
  let dependentDialects = ["::mpq::MPQDialect", "::mlir::tosa::TosaDialect"];
}

def MPQBenchEvaluatorPass : Pass<"mpq-bench-evaluator", "mlir::ModuleOp"> {
  let summary = "Time the precision search's loss evaluations";
  let description = [{
    Builds the loss evaluator --assign-precision uses (suffix engine,
    round-to-nearest layers) on `samples` samples of `data` and reports on
    stderr the evaluations per second of a change to the first layer (a
    whole-network run) and to the last layer (only the end of the network
    re-runs). Needs --mpq-calibrate first; leaves the module unchanged.
    benchmarks/precision/engine.py runs it on the bundled models.
  }];
  let options = [
    Option<"data", "data", "std::string", "\"\"",
           "samples (.npy, first dimension = sample)">,
    Option<"samples", "samples", "int64_t", "1024",
           "number of samples (the first ones)">,
    Option<"batchSize", "batch-size", "int64_t", "256",
           "samples per executor run">,
    Option<"seconds", "seconds", "double", "2",
           "minimum measuring time per figure">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "function evaluated">
  ];
  let dependentDialects = ["::mpq::MPQDialect", "::mlir::tosa::TosaDialect"];
}

def MPQEvalLayoutsPass : Pass<"mpq-eval-layouts", "mlir::ModuleOp"> {
  let summary = "Measure the loss of given per-layer widths (for benchmarks)";
  let description = [{
    Builds the loss evaluator --assign-precision uses on `samples` samples
    of `data` (cross-entropy against `labels`, else KL(float || quantized))
    and evaluates every layout listed in `layouts`, one per line: tokens
    `L:W:A` quantize layer L (an index into the quantizable layers, program
    order) with W-bit weights and an A-bit input, a width of 0 leaving that
    tensor float; a fourth field `m` (`L:W:A:m`) applies the mirrored
    perturbation x - (Q(x) - x) instead, for central differences. `float`
    is the float model; blank lines are skipped and `#` starts a comment. Writes one
    line `loss top1` per layout to `out`, in order. Needs --mpq-calibrate
    first; leaves the module unchanged. benchmarks/pareto uses it for the
    papers' claims (docs/results.md).

    ```
    # layouts.txt
    float
    0:4:8 1:8:8
    0:0:4 0:0:4:m
    ```
  }];
  let options = [
    Option<"data", "data", "std::string", "\"\"",
           "samples (.npy, first dimension = sample)">,
    Option<"labels", "labels", "std::string", "\"\"",
           "integer labels of the samples (.npy); without them the loss is "
           "KL(float || quantized)">,
    Option<"samples", "samples", "int64_t", "1024",
           "number of samples (the first ones)">,
    Option<"layouts", "layouts", "std::string", "\"\"",
           "file with one layout per line (see the description)">,
    Option<"out", "out", "std::string", "\"\"",
           "output file: `loss top1` per layout (top1 is nan without "
           "labels)">,
    Option<"rounding", "rounding", "mpq::WeightRounding",
           "mpq::WeightRounding::Auto",
           "weight rounding of the quantized layers, as --assign-precision's",
           [{::llvm::cl::values(
             clEnumValN(mpq::WeightRounding::Auto, "auto",
                        "least measured output error per layer"),
             clEnumValN(mpq::WeightRounding::Nearest, "nearest",
                        "round to nearest"),
             clEnumValN(mpq::WeightRounding::GPTQ, "gptq",
                        "GPTQ against the layer's input moments"))}]>,
    Option<"biasCorrection", "bias-correction", "bool", "true",
           "bias correction of the quantized layers">,
    Option<"batchSize", "batch-size", "int64_t", "256",
           "samples per executor run">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "function evaluated">
  ];
  let dependentDialects = ["::mpq::MPQDialect", "::mlir::tosa::TosaDialect"];
}

#endif // MPQ_PRECISION_PASSES_TD
