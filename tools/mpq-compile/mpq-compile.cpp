//===- mpq-compile.cpp - the mpq compiler driver --------------------------===//
//
//   mpq-compile MODEL.onnx -o OUTDIR --calib X.npy [--labels Y.npy]
//               [--strategy uniform|hawq|loss-aware|clado --budget SPEC
//                [--sens-data X.npy] [--sens-labels Y.npy] [--sens-samples N]]
//               [--weight-bits N] [--act-bits N]
//               [--granularity per-channel|per-tensor] [--method mmse|minmax|
//               percentile] [--rounding auto|gptq|nearest] [--samples N]
//               [--name PREFIX] [--target NAME]
//
// Imports the model, calibrates it, quantizes it, and writes
// OUTDIR/model.mlir (runnable with mpq-run) and OUTDIR/report.json. Outputs
// are written to a staging directory and moved into OUTDIR only when every
// step succeeded, so a failed run leaves OUTDIR without partial outputs.
//
//===----------------------------------------------------------------------===//

#include "mpq/Codegen/Codegen.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Executor/Batching.h"
#include "mpq/Executor/Executor.h"
#include "mpq/Executor/Npy.h"
#include "mpq/InitAll.h"
#include "mpq/Precision/Passes.h"
#include "mpq/Target/ONNX/ONNXImporter.h"
#include "mpq/Support/CIdentifier.h"
#include "mpq/Target/TargetDescription.h"
#include "mpq/Transforms/CalibrationData.h"
#include "mpq/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
using namespace llvm;

namespace {

cl::OptionCategory category("mpq-compile options");
cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outDir("o", cl::desc("output directory"), cl::Required,
                            cl::value_desc("dir"), cl::cat(category));
cl::opt<std::string> calibFile("calib",
                               cl::desc("calibration samples (.npy, float32, "
                                        "first dimension = sample)"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> labelsFile("labels",
                                cl::desc("labels of the calibration samples "
                                         "(.npy, integer class ids): report "
                                         "float and quantized top-1 on them"),
                                cl::cat(category));
cl::opt<std::string> strategy(
    "strategy",
    cl::desc("precision strategy: uniform, hawq, loss-aware or clado (with "
             "--budget: --assign-precision, docs/precision.md)"),
    cl::init("uniform"), cl::cat(category));
cl::opt<std::string> sensData("sens-data",
                              cl::desc("sensitivity samples for --budget "
                                       "(.npy; default: --calib)"),
                              cl::cat(category));
cl::opt<std::string> sensLabels("sens-labels",
                                cl::desc("labels of the sensitivity samples "
                                         "(default: --labels)"),
                                cl::cat(category));
cl::opt<unsigned> sensSamples("sens-samples",
                              cl::desc("sensitivity samples to use"),
                              cl::init(1024), cl::cat(category));
cl::opt<unsigned> weightBits("weight-bits", cl::desc("weight bits (2..8)"),
                             cl::init(8), cl::cat(category));
cl::opt<unsigned> actBits("act-bits", cl::desc("activation bits (2..8)"),
                          cl::init(8), cl::cat(category));
cl::opt<std::string> granularity("granularity",
                                 cl::desc("per-channel or per-tensor weights"),
                                 cl::init("per-channel"), cl::cat(category));
cl::opt<std::string> method("method",
                            cl::desc("clipping: mmse (weights and "
                                     "activations), minmax (max-abs weights, "
                                     "min/max activations) or percentile"),
                            cl::init("mmse"), cl::cat(category));
cl::opt<bool> biasCorrection(
    "bias-correction",
    cl::desc("correct each channel's bias for the mean output shift of "
             "weight quantization (default on; --bias-correction=false)"),
    cl::init(true), cl::cat(category));
cl::opt<std::string> weightObjective(
    "weight-objective",
    cl::desc("what MMSE weight clipping minimises: weight (default) or "
             "output (E[x^2]-weighted error)"),
    cl::init("weight"), cl::cat(category));
cl::opt<std::string> rounding(
    "rounding",
    cl::desc("weight rounding: auto (default: per layer, the least "
             "measured output error on the calibration data among GPTQ and "
             "round-to-nearest, each with and without bias correction), "
             "gptq (bias correction then uses the quantized inputs' mean) "
             "or nearest"),
    cl::init("auto"), cl::cat(category));
cl::opt<unsigned> samples("samples", cl::desc("calibration samples to use"),
                          cl::init(512), cl::cat(category));
cl::opt<std::string> budget("budget",
                            cl::desc("budget for --assign-precision, e.g. "
                                     "avg-weight-bits:3 or size:40KiB"),
                            cl::cat(category));
cl::opt<std::string> target("target",
                            cl::desc("target name: a file NAME.yaml in "
                                     "--targets-dir"),
                            cl::cat(category));
cl::opt<std::string> targetFile("target-file",
                                cl::desc("target description file (instead "
                                         "of a --target name)"),
                                cl::value_desc("path"), cl::cat(category));
cl::opt<std::string> targetsDir(
    "targets-dir",
    cl::desc("directory of target descriptions (default: share/mpq/targets "
             "beside the tool, else the source tree's targets/)"),
    cl::cat(category));
cl::opt<std::string> namePrefix("name", cl::desc("C symbol prefix"),
                                cl::init("model"), cl::cat(category));
cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("shape of a graph input, NAME=D0xD1x... ('?' keeps a "
             "dimension symbolic); repeatable"),
    cl::value_desc("NAME=D0xD1x..."), cl::cat(category));

/// Every file mpq-compile writes into OUTDIR. A run removes the ones it does
/// not write, so no artifact of an earlier run survives beside new ones.
constexpr StringLiteral kArtifacts[] = {"model.mlir", "report.json",
                                        "model.o", "model.h"};

/// The staging directory of this run, removed on every exit.
std::string &stagingDir() {
  static std::string dir;
  return dir;
}
void removeStagingDir(void *) {
  if (!stagingDir().empty())
    sys::fs::remove_directories(stagingDir());
}

int fail(const Twine &msg) {
  errs() << "mpq-compile: error: " << msg << "\n";
  return 1;
}

void progress(const Twine &msg) { errs() << "mpq-compile: " << msg << "\n"; }

/// A builtin attribute (bool, integer, float, string, array, dictionary) as
/// JSON; anything else as its printed form.
json::Value attrToJSON(Attribute a) {
  if (auto b = dyn_cast<BoolAttr>(a))
    return b.getValue();
  if (auto i = dyn_cast<IntegerAttr>(a))
    return i.getInt();
  if (auto f = dyn_cast<FloatAttr>(a))
    return f.getValueAsDouble();
  if (auto s = dyn_cast<StringAttr>(a))
    return s.str();
  if (auto arr = dyn_cast<ArrayAttr>(a)) {
    json::Array out;
    for (Attribute e : arr)
      out.push_back(attrToJSON(e));
    return out;
  }
  if (auto d = dyn_cast<DictionaryAttr>(a)) {
    json::Object out;
    for (NamedAttribute n : d)
      out[n.getName().str()] = attrToJSON(n.getValue());
    return out;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  a.print(os);
  return text;
}

/// Per-layer facts for report.json.
json::Object layerReport(Operation *op, int64_t *sizeBits, int64_t *bops) {
  json::Object o;
  std::string loc;
  llvm::raw_string_ostream ls(loc);
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    ls << name.getName().strref();
  else
    op->getLoc().print(ls);
  o["name"] = loc;
  o["op"] = op->getName().getStringRef();
  auto wType = cast<RankedTensorType>(op->getOperand(1).getType());
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  mpq::QuantParamsAttr in, w;
  if (auto c = dyn_cast<mpq::Conv2DOp>(op)) {
    in = c.getInputParams();
    w = c.getWeightParamsAttr();
    o["groups"] = c.getGroups();
  } else {
    auto f = cast<mpq::FullyConnectedOp>(op);
    in = f.getInputParams();
    w = f.getWeightParamsAttr();
  }
  int64_t outChannels = wType.getDimSize(0);
  int64_t depth = wType.getNumElements() / outChannels;
  // MACs per sample: every output element needs `depth` products.
  int64_t perSample = 1;
  for (int64_t d : outType.getShape().drop_front())
    perSample *= d;
  int64_t macs = perSample * depth;
  o["weight_shape"] = json::Array(wType.getShape());
  o["macs"] = macs;
  o["act_bits"] = in.getBits();
  if (w) {
    o["weight_bits"] = w.getBits();
    o["granularity"] = w.isPerAxis() ? "per-channel" : "per-tensor";
    int64_t bits = 0;
    json::Array channelBits;
    for (int64_t c = 0; c < outChannels; ++c) {
      bits += int64_t(w.getBitsOf(c)) * depth;
      if (w.getChannelBits())
        channelBits.push_back(w.getBitsOf(c));
    }
    if (!channelBits.empty())
      o["channel_bits"] = std::move(channelBits);
    int64_t layerBits = bits + 32 * outChannels; // codes + int32 biases
    o["size_bytes"] = (layerBits + 7) / 8;
    *sizeBits += layerBits;
    int64_t layerBops = 0;
    for (int64_t c = 0; c < outChannels; ++c)
      layerBops += perSample / outChannels * depth * w.getBitsOf(c) *
                   in.getBits();
    o["bops"] = layerBops;
    *bops += layerBops;
  }
  return o;
}

/// Top-1 accuracy of `module` on `images` against `labels`.
FailureOr<double> accuracy(ModuleOp module, const mpq::Tensor &images,
                           const mpq::Tensor &labels) {
  mpq::Executor exec(module);
  FailureOr<func::FuncOp> fn = exec.lookupFunction("main");
  if (failed(fn))
    return failure();
  FailureOr<SmallVector<mpq::Tensor>> out =
      mpq::runSamples(exec, *fn, {images}, int64_t(images.getDimSize(0)));
  if (failed(out) || out->empty())
    return failure();
  std::string error;
  FailureOr<int64_t> correct = mpq::countTop1Correct((*out)[0], labels, error);
  if (failed(correct))
    return failure();
  int64_t n = labels.getNumElements();
  return double(*correct) / double(n);
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "mpq compiler driver\n");
  auto start = std::chrono::steady_clock::now();

  // --- options ---------------------------------------------------------
  if (weightBits < 2 || weightBits > 8)
    return fail("--weight-bits must be 2..8, got " + Twine(weightBits));
  if (actBits < 2 || actBits > 8)
    return fail("--act-bits must be 2..8, got " + Twine(actBits));
  std::optional<mpq::precision::Strategy> searchStrategy =
      llvm::StringSwitch<std::optional<mpq::precision::Strategy>>(strategy)
          .Case("uniform", mpq::precision::Strategy::Uniform)
          .Case("hawq", mpq::precision::Strategy::Hawq)
          .Case("loss-aware", mpq::precision::Strategy::LossAware)
          .Case("clado", mpq::precision::Strategy::Clado)
          .Default(std::nullopt);
  if (!searchStrategy)
    return fail("unknown --strategy '" + strategy +
                "' (available: uniform, hawq, loss-aware, clado)");
  if (strategy != "uniform" && budget.empty())
    return fail("--strategy " + strategy + " needs --budget (e.g. "
                "avg-weight-bits:4); without a budget every layer gets "
                "--weight-bits and --act-bits");
  if (granularity != "per-channel" && granularity != "per-tensor")
    return fail("--granularity must be per-channel or per-tensor");
  if (method != "mmse" && method != "minmax" && method != "percentile")
    return fail("--method must be mmse, minmax or percentile");
  std::optional<mpq::TargetDescription> targetDesc;
  if (!target.empty() || !targetFile.empty()) {
    Expected<mpq::TargetDescription> t =
        mpq::resolveTarget(target, targetFile, targetsDir);
    if (!t)
      return fail((targetFile.empty() ? "--target: " : "--target-file: ") +
                  toString(t.takeError()));
    if (!t->supportsWeightBits(weightBits) || !t->supportsActBits(actBits))
      return fail("--target " + t->name + " cannot run W" +
                  Twine(weightBits) + "A" + Twine(actBits) +
                  " (see weight_bits and act_bits in " + t->path + ")");
    targetDesc = std::move(*t);
  }
  if (std::string why = mpq::checkCSymbolPrefix(namePrefix); !why.empty())
    return fail("--name: " + why);
  if (samples < 1)
    return fail("--samples must be positive");
  if (weightObjective != "output" && weightObjective != "weight")
    return fail("--weight-objective must be output or weight");
  if (rounding != "nearest" && rounding != "gptq" && rounding != "auto")
    return fail("--rounding must be auto, nearest or gptq");

  // Validate the data files before doing any work. Samples holding NaN or
  // Inf are skipped (the calibration pass warns), none finite is an error
  // (docs/hardening.md).
  Expected<mpq::CalibrationData> calib =
      mpq::loadCalibrationData(calibFile, samples);
  if (!calib)
    return fail("--calib: " + toString(calib.takeError()));
  if (calib->samples.getRank() < 2)
    return fail("--calib " + calibFile +
                " must be a float32 array [samples, ...], got " +
                calib->samples.getTypeString());
  int64_t fileSamples = calib->inFile;
  std::optional<mpq::Tensor> labels;
  if (!labelsFile.empty()) {
    Expected<mpq::Tensor> l = mpq::readNpyFile(labelsFile);
    if (!l)
      return fail("--labels: " + toString(l.takeError()));
    if (l->getKind() == mpq::ElementKind::F32 || l->getRank() != 1 ||
        l->getShape()[0] != fileSamples)
      return fail("--labels " + labelsFile + " must hold one integer label "
                  "per calibration sample (" +
                  Twine(fileSamples) + "), got " +
                  l->getTypeString());
    labels = std::move(*l);
  }

  // --- import ----------------------------------------------------------
  DialectRegistry registry;
  mpq::registerAllMpqDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  SourceMgrDiagnosticHandler diag(*std::make_unique<SourceMgr>(), &ctx);
  auto buffer = MemoryBuffer::getFile(inputFile);
  if (!buffer)
    return fail("cannot read " + inputFile + ": " +
                buffer.getError().message());
  progress("importing " + inputFile);
  mpq::ONNXImportOptions importOpts;
  for (const std::string &spec : inputShapes) {
    std::string err;
    if (failed(mpq::parseInputShape(spec, importOpts, err)))
      return fail(err);
  }
  OwningOpRef<ModuleOp> module = mpq::importONNXModel(
      (*buffer)->getBuffer(), inputFile, &ctx, importOpts);
  if (!module)
    return 1;
  OwningOpRef<ModuleOp> floatModule = module->clone();

  // --- dry run: can code generation handle every op? ----------------------
  // Quantize a copy from one sample (min/max ranges, nearest rounding) and
  // run the kernel lowering on it, so an op without code generation is
  // refused at the op before calibration spends its time.
  if (targetDesc) {
    progress("checking code generation for " + targetDesc->name +
             " (dry run on one sample)");
    OwningOpRef<ModuleOp> dry = module->clone();
    PassManager dpm(&ctx);
    dpm.addNestedPass<func::FuncOp>(mpq::createMPQFoldFlattenTransposePass());
    mpq::MPQCalibratePassOptions dryCalib;
    dryCalib.data = calibFile;
    dryCalib.samples = 1;
    dryCalib.method = "minmax";
    dpm.addPass(mpq::createMPQCalibratePass(dryCalib));
    mpq::MPQQuantizePassOptions dryQuant;
    dryQuant.weightBits = weightBits;
    dryQuant.actBits = actBits;
    dryQuant.granularity = granularity;
    dryQuant.weightMethod = "maxabs";
    dryQuant.biasCorrection = false;
    dryQuant.rounding = mpq::WeightRounding::Nearest;
    dpm.addPass(mpq::createMPQQuantizePass(dryQuant));
    if (failed(dpm.run(*dry)) ||
        failed(mpq::checkCodegen(*dry, *targetDesc, targetsDir)))
      return fail("code generation for --target " + targetDesc->name +
                  " does not support this model (found before "
                  "calibration; nothing written)");
  }

  // --- calibrate and quantize --------------------------------------------
  mpq::WeightRounding roundingMode =
      rounding == "nearest" ? mpq::WeightRounding::Nearest
      : rounding == "gptq"  ? mpq::WeightRounding::GPTQ
                            : mpq::WeightRounding::Auto;
  PassManager pm(&ctx);
  // Classifier weights absorb the layout transpose before a Flatten.
  pm.addNestedPass<func::FuncOp>(mpq::createMPQFoldFlattenTransposePass());
  mpq::MPQCalibratePassOptions calibOpts;
  calibOpts.data = calibFile;
  calibOpts.samples = samples;
  calibOpts.method = method;
  pm.addPass(mpq::createMPQCalibratePass(calibOpts));
  if (!budget.empty()) {
    // Per-layer widths under the budget (#mpq.precision on every layer).
    mpq::AssignPrecisionPassOptions assignOpts;
    assignOpts.strategy = *searchStrategy;
    assignOpts.budget = budget;
    assignOpts.target = target;
    assignOpts.targetsDir = targetsDir;
    assignOpts.data = sensData.empty() ? calibFile : sensData;
    assignOpts.labels = sensLabels.empty() ? labelsFile : sensLabels;
    assignOpts.sensSamples = sensSamples;
    // The search quantizes each layer as --mpq-quantize below will.
    assignOpts.rounding = roundingMode;
    assignOpts.biasCorrection = biasCorrection;
    assignOpts.granularity = granularity;
    assignOpts.weightMethod = method == "minmax" ? "maxabs" : "mmse";
    assignOpts.weightObjective = weightObjective;
    pm.addPass(mpq::createAssignPrecisionPass(assignOpts));
  }
  mpq::MPQQuantizePassOptions quantOpts;
  quantOpts.weightBits = weightBits;
  quantOpts.actBits = actBits;
  quantOpts.granularity = granularity;
  quantOpts.weightMethod = method == "minmax" ? "maxabs" : "mmse";
  quantOpts.weightObjective = weightObjective;
  quantOpts.biasCorrection = biasCorrection;
  quantOpts.rounding = roundingMode;
  quantOpts.data = calibFile;
  quantOpts.samples = samples;
  pm.addPass(mpq::createMPQQuantizePass(quantOpts));
  progress("calibrating on " + Twine(calib->kept.size()) +
           " samples (" + method + ") and quantizing to W" +
           Twine(weightBits) + "A" + Twine(actBits));
  if (failed(pm.run(*module)) || failed(verify(*module)))
    return 1;

  // --- report ------------------------------------------------------------
  json::Array layers;
  int64_t sizeBits = 0, bops = 0, floatParams = 0;
  module->walk([&](Operation *op) {
    if (isa<mpq::Conv2DOp, mpq::FullyConnectedOp>(op))
      layers.push_back(layerReport(op, &sizeBits, &bops));
  });
  floatModule->walk([&](tosa::ConstOp c) {
    if (auto t = dyn_cast<RankedTensorType>(c.getType()))
      if (t.getElementType().isF32() && t.getNumElements() > 1)
        floatParams += t.getNumElements();
  });
  int64_t floatOps = 0;
  module->walk([&](Operation *op) {
    if (op->getDialect() &&
        op->getDialect()->getNamespace() == "tosa" &&
        !isa<tosa::ConstOp, tosa::ConstShapeOp>(op) &&
        llvm::any_of(op->getResultTypes(), [](Type t) {
          auto s = dyn_cast<ShapedType>(t);
          return s && s.getElementType().isF32();
        }))
      ++floatOps;
  });
  json::Object report;
  report["model"] = std::string(inputFile);
  report["name"] = std::string(namePrefix);
  if (targetDesc) {
    report["target"] = targetDesc->name;
    report["target_triple"] = targetDesc->triple;
  }
  report["strategy"] = std::string(strategy);
  if (!budget.empty())
    report["budget"] = std::string(budget);
  if (auto search = (*module)->getAttrOfType<DictionaryAttr>("mpq.search"))
    report["precision_search"] = attrToJSON(search);
  report["weight_bits"] = unsigned(weightBits);
  report["act_bits"] = unsigned(actBits);
  report["granularity"] = std::string(granularity);
  report["method"] = std::string(method);
  report["bias_correction"] = bool(biasCorrection);
  report["weight_objective"] = std::string(weightObjective);
  report["rounding"] = std::string(rounding);
  report["calibration_samples"] = int64_t(calib->kept.size());
  report["calibration_samples_skipped"] = calib->skipped;
  report["model_size_bytes"] = (sizeBits + 7) / 8;
  report["float_model_size_bytes"] = floatParams * 4;
  report["bops_per_sample"] = bops;
  report["float_ops_remaining"] = floatOps;
  report["layers"] = std::move(layers);
  if (labels) {
    progress("evaluating float and quantized top-1 on the calibration set");
    const mpq::Tensor &x = calib->samples;
    mpq::Tensor y = mpq::selectRows(*labels, calib->kept);
    FailureOr<double> fa = accuracy(*floatModule, x, y);
    FailureOr<double> qa = accuracy(*module, x, y);
    if (failed(fa) || failed(qa))
      return fail("could not evaluate the model on the calibration set");
    report["calibration_top1_float"] = *fa;
    report["calibration_top1_quantized"] = *qa;
  }

  // --- write: stage, then move into place ---------------------------------
  // Stage next to OUTDIR (absolute: createUniqueDirectory would put a
  // relative prefix under the system temporary directory; no trailing
  // separator: "out/" must stage beside out, not inside it).
  SmallString<256> stage(outDir);
  sys::fs::make_absolute(stage);
  sys::path::remove_dots(stage, /*remove_dot_dot=*/true);
  while (stage.size() > 1 && sys::path::is_separator(stage.back()))
    stage.pop_back();
  SmallString<256> finalDir(stage);
  stage += ".partial";
  if (std::error_code ec =
          sys::fs::create_directories(sys::path::parent_path(stage)))
    return fail("cannot create the parent directory of " + outDir + ": " +
                ec.message());
  SmallString<256> stageDir;
  if (std::error_code ec = sys::fs::createUniqueDirectory(stage, stageDir))
    return fail("cannot create a staging directory next to " + outDir +
                ": " + ec.message());
  // The staging directory goes on every exit: errors below, LLVM fatal
  // errors and crashes alike.
  stagingDir() = std::string(stageDir);
  sys::AddSignalHandler(removeStagingDir, nullptr);
  install_fatal_error_handler([](void *, const char *reason, bool) {
    errs() << "mpq-compile: error: " << reason << "\n";
    removeStagingDir(nullptr);
  });
  auto cleanup = [&] { removeStagingDir(nullptr); };
  auto writeFile = [&](StringRef name, llvm::function_ref<void(raw_ostream &)> fn) {
    SmallString<256> p(stageDir);
    sys::path::append(p, name);
    std::error_code ec;
    raw_fd_ostream os(p, ec);
    if (ec)
      return false;
    fn(os);
    return !os.has_error();
  };
  SmallVector<StringRef> outputs{"model.mlir", "report.json"};
  if (targetDesc) {
    progress("generating code for " + targetDesc->name);
    FailureOr<mpq::ArtifactInfo> art = mpq::generateArtifacts(
        *module, *targetDesc, targetsDir, namePrefix, stageDir);
    if (failed(art)) {
      cleanup();
      return fail("code generation for --target " + targetDesc->name +
                  " failed");
    }
    json::Object cg;
    cg["gemm_microkernel"] = art->gemm;
    cg["workspace_bytes"] = art->workspaceBytes;
    cg["object_bytes"] = art->objectBytes;
    report["codegen"] = std::move(cg);
    outputs.append({"model.o", "model.h"});
  }
  report["compile_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  bool ok =
      writeFile("model.mlir", [&](raw_ostream &os) { module->print(os); }) &&
      writeFile("report.json", [&](raw_ostream &os) {
        os << formatv("{0:2}", json::Value(std::move(report))) << "\n";
      });
  if (!ok) {
    cleanup();
    return fail("cannot write the outputs");
  }
  if (sys::fs::exists(finalDir) && !sys::fs::is_directory(finalDir)) {
    cleanup();
    return fail("cannot create " + outDir + ": a file is in the way");
  }
  if (std::error_code ec = sys::fs::create_directories(finalDir)) {
    cleanup();
    return fail("cannot create " + outDir + ": " + ec.message());
  }
  // Move the set in: the artifacts of an earlier run go aside first (and
  // away at the end, so none of them is left stale beside new ones); any
  // failure puts them back.
  SmallString<256> previous(stageDir);
  sys::path::append(previous, "previous");
  if (std::error_code ec = sys::fs::create_directory(previous)) {
    cleanup();
    return fail("cannot write the outputs: " + ec.message());
  }
  SmallVector<StringRef> movedAside, movedIn;
  auto in = [](StringRef dir, StringRef name) {
    SmallString<256> p(dir);
    sys::path::append(p, name);
    return p;
  };
  auto rollback = [&](const Twine &msg) {
    for (StringRef name : movedIn)
      sys::fs::remove(in(finalDir, name));
    for (StringRef name : movedAside)
      sys::fs::rename(in(previous, name), in(finalDir, name));
    cleanup();
    return fail(msg);
  };
  for (StringRef name : kArtifacts) {
    if (!sys::fs::exists(in(finalDir, name)))
      continue;
    if (std::error_code ec =
            sys::fs::rename(in(finalDir, name), in(previous, name)))
      return rollback("cannot replace " + outDir + "/" + name + ": " +
                      ec.message());
    movedAside.push_back(name);
  }
  for (StringRef name : outputs) {
    if (std::error_code ec =
            sys::fs::rename(in(stageDir, name), in(finalDir, name)))
      return rollback("cannot move " + name + " into " + outDir + ": " +
                      ec.message());
    movedIn.push_back(name);
  }
  cleanup();
  progress("wrote " + outDir + "/" + llvm::join(outputs, ", " + outDir + "/"));
  return 0;
}
