//===- mpq-run.cpp - run an mpq module on NumPy inputs --------------------===//
//
//   mpq-run model.mlir -i x.npy [-i x2.npy ...] [-o y.npy ...] [--entry main]
//           [--batch-size N] [--labels labels.npy] [--print]
//           [--num-threads N] [--time] [--profile]
//
// Interprets one function of the module with the reference executor.
// Inputs whose argument has a dynamic leading dimension (the batch) are split
// into chunks of --batch-size samples along dimension 0 (one sample per chunk
// when an argument has a static leading dimension of 1); other inputs go
// whole to every chunk. The function runs once per chunk and the outputs are
// concatenated along dimension 0. Outputs are only written once everything
// succeeded (each through a temporary file renamed into place). Exit code 0
// on success, 1 on any error.
//
//===----------------------------------------------------------------------===//

#include "mpq/Executor/Executor.h"
#include "mpq/Executor/Npy.h"
#include "mpq/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <optional>

using namespace mlir;
using namespace mpq;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("mpq-run options");

static cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir>"),
                                      cl::cat(runCategory));
static cl::list<std::string>
    inputFiles("i",
               cl::desc("Input .npy file, in function-argument order "
                        "(repeat for several inputs)"),
               cl::value_desc("file.npy"), cl::cat(runCategory));
static cl::list<std::string>
    outputFiles("o",
                cl::desc("Output .npy file, in result order (results "
                         "without one are not written)"),
                cl::value_desc("file.npy"), cl::cat(runCategory));
static cl::opt<std::string> entryName("entry",
                                      cl::desc("Function to run (default "
                                               "main)"),
                                      cl::init("main"), cl::cat(runCategory));
static cl::opt<int64_t>
    batchSize("batch-size",
              cl::desc("Samples per run: inputs whose argument has a dynamic "
                       "dimension 0 are split into chunks of N (0 = one run "
                       "over everything)"),
              cl::init(256), cl::cat(runCategory));
static cl::opt<std::string>
    labelsFile("labels",
               cl::desc("Class ids (.npy, int); prints the top-1 accuracy of "
                        "output 0 (argmax over its last dimension)"),
               cl::value_desc("labels.npy"), cl::cat(runCategory));
static cl::opt<bool> printOutputs("print",
                                  cl::desc("Print every output as text"),
                                  cl::cat(runCategory));
static cl::opt<unsigned>
    numThreads("num-threads",
               cl::desc("Worker threads (0 = hardware concurrency)"),
               cl::init(0), cl::cat(runCategory));
static cl::opt<bool> printTime("time",
                               cl::desc("Print the execution time to stderr"),
                               cl::cat(runCategory));
static cl::opt<bool>
    printProfile("profile",
                 cl::desc("Print the time spent per op kind to stderr"),
                 cl::cat(runCategory));

/// Reports a tool-level error (no source location) and returns 1.
static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "mpq-run") << message << "\n";
  return 1;
}

static std::string typeToString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// Prints `t` as "output N: tensor<2x3xf32>" followed by one line per row of
/// the last dimension, values formatted with %.6g.
static void printTensor(unsigned index, const Tensor &t, Type declared) {
  std::string elem = typeToString(getElementTypeOrSelf(declared));
  llvm::outs() << "output " << index << ": tensor<";
  for (int64_t d : t.getShape())
    llvm::outs() << d << "x";
  llvm::outs() << elem << ">\n";
  int64_t n = t.getNumElements();
  int64_t row = t.getRank() ? t.getShape().back() : 1;
  if (row == 0)
    return;
  char buf[32];
  for (int64_t i = 0; i < n; ++i) {
    if (t.getKind() == ElementKind::F32)
      std::snprintf(buf, sizeof(buf), "%.6g", t.getData<float>()[i]);
    else
      std::snprintf(buf, sizeof(buf), "%lld",
                    static_cast<long long>(t.getAsInt64(i)));
    llvm::outs() << buf << ((i + 1) % row == 0 ? "\n" : " ");
  }
}

/// Writes `t` to a temporary file next to `path`; returns its name.
static llvm::Expected<std::string> writeTemporary(const Tensor &t,
                                                  StringRef path) {
  SmallString<256> tmp;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%", fd, tmp))
    return llvm::createStringError(ec, "%s: cannot create a temporary file: %s",
                                   path.str().c_str(), ec.message().c_str());
  // A crash or an interrupt before the rename removes it too.
  llvm::sys::RemoveFileOnSignal(tmp);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    writeNpy(t, os);
    os.close();
    if (os.has_error()) {
      std::error_code ec = os.error();
      os.clear_error();
      llvm::sys::fs::remove(tmp);
      return llvm::createStringError(ec, "%s: write failed: %s",
                                     path.str().c_str(), ec.message().c_str());
    }
  }
  return std::string(tmp);
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "mpq-run: the mpq reference executor\n");

  // Parse the module. Diagnostics (parse and run errors) carry locations.
  DialectRegistry registry;
  registerAllMpqDialects(registry);
  MLIRContext context(registry);
  context.disableMultithreading();
  context.printOpOnDiagnostic(false);
  std::string openError;
  std::unique_ptr<llvm::MemoryBuffer> modelBuffer =
      openInputFile(modelFile, &openError);
  if (!modelBuffer)
    return fail(modelFile + ": " + openError);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(modelBuffer), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return 1;

  Executor executor(*module);
  if (numThreads)
    executor.setNumThreads(numThreads);
  executor.setProfiling(printProfile);
  if (batchSize < 0)
    return fail("--batch-size must be 0 (one run) or positive, got " +
                llvm::Twine(batchSize));
  FailureOr<func::FuncOp> func = executor.lookupFunction(entryName);
  if (failed(func))
    return 1;
  FunctionType funcType = func->getFunctionType();
  if (outputFiles.size() > funcType.getNumResults())
    return fail(llvm::Twine(outputFiles.size()) + " output files given but @" +
                func->getName() + " has " +
                llvm::Twine(funcType.getNumResults()) + " result(s)");
  // Outputs are written as a set; one file named twice would silently keep
  // only the last result.
  for (auto [i, path] : llvm::enumerate(outputFiles)) {
    SmallString<256> a(path);
    llvm::sys::fs::make_absolute(a);
    llvm::sys::path::remove_dots(a, /*remove_dot_dot=*/true);
    for (size_t j = 0; j < i; ++j) {
      SmallString<256> b(outputFiles[j]);
      llvm::sys::fs::make_absolute(b);
      llvm::sys::path::remove_dots(b, /*remove_dot_dot=*/true);
      if (a == b)
        return fail("-o " + path + " is given twice");
    }
  }

  // Read the inputs (and labels) and check them against the signature.
  SmallVector<Tensor> inputs;
  for (const std::string &path : inputFiles) {
    llvm::Expected<Tensor> t = readNpyFile(path);
    if (!t)
      return fail(llvm::toString(t.takeError()));
    inputs.push_back(std::move(*t));
  }
  std::optional<Tensor> labels;
  if (!labelsFile.empty()) {
    llvm::Expected<Tensor> t = readNpyFile(labelsFile);
    if (!t)
      return fail(llvm::toString(t.takeError()));
    if (t->getKind() == ElementKind::F32)
      return fail(labelsFile + ": labels must be integer class ids, got " +
                  t->getTypeString());
    labels = std::move(*t);
  }
  // Check the whole files before chunking, so that errors report the
  // file's shape rather than a chunk's (chunks then always pass). An
  // argument with a static leading dimension of 1 given more samples (a
  // model exported with batch 1, run one sample at a time below) is checked
  // on its first sample.
  auto staticOneGivenMore = [&](unsigned i) {
    // A wrong input count is verifyInputs' error, not an index past the end.
    if (i >= funcType.getNumInputs())
      return false;
    auto ranked = llvm::dyn_cast<RankedTensorType>(funcType.getInput(i));
    return ranked && ranked.getRank() > 0 && ranked.getDimSize(0) == 1 &&
           inputs[i].getRank() > 0 && inputs[i].getDimSize(0) > 1 &&
           batchSize > 0;
  };
  if (llvm::any_of(llvm::seq<unsigned>(0, inputs.size()),
                   staticOneGivenMore)) {
    SmallVector<Tensor> firstSamples;
    for (auto [i, t] : llvm::enumerate(inputs))
      firstSamples.push_back(staticOneGivenMore(i) ? t.sliceDim0(0, 1) : t);
    if (failed(executor.verifyInputs(*func, firstSamples)))
      return 1;
  } else if (failed(executor.verifyInputs(*func, inputs))) {
    return 1;
  }

  // Chunking along dimension 0: inputs whose argument has a dynamic leading
  // dimension (the batch) are split; the others (weights passed as
  // arguments, ...) go whole to every chunk.
  // An argument with a static leading dimension of 1 (a model exported with
  // batch 1) given more samples takes them one at a time.
  int64_t total = -1;
  bool oneAtATime = false;
  SmallVector<bool> batched;
  for (auto [i, t] : llvm::enumerate(inputs)) {
    auto ranked = llvm::dyn_cast<RankedTensorType>(funcType.getInput(i));
    bool staticOne = staticOneGivenMore(i);
    oneAtATime |= staticOne;
    bool isBatched = ranked && ranked.getRank() > 0 &&
                     (ranked.isDynamicDim(0) || staticOne) && t.getRank() > 0;
    batched.push_back(isBatched);
    if (!isBatched)
      continue;
    if (total >= 0 && t.getDimSize(0) != total && batchSize > 0)
      return fail("--batch-size: the batched inputs disagree on dimension 0 "
                  "(" +
                  llvm::Twine(total) + " vs " + llvm::Twine(t.getDimSize(0)) +
                  "); pass --batch-size 0 to run them in one piece");
    total = t.getDimSize(0);
  }
  int64_t chunk = oneAtATime ? 1 : int64_t(batchSize);
  bool split = batchSize > 0 && total > chunk;
  int64_t numChunks = split ? (total + chunk - 1) / chunk : 1;

  auto start = std::chrono::steady_clock::now();
  bool progressToTerminal = llvm::sys::Process::StandardErrIsDisplayed();
  SmallVector<SmallVector<Tensor>> chunkOutputs;
  for (int64_t c = 0; c < numChunks; ++c) {
    FailureOr<SmallVector<Tensor>> outputs;
    if (!split) {
      outputs = executor.run(*func, inputs);
    } else {
      int64_t begin = c * chunk, end = std::min(total, begin + chunk);
      SmallVector<Tensor> part;
      for (auto [t, isBatched] : llvm::zip(inputs, batched))
        part.push_back(isBatched ? t.sliceDim0(begin, end) : t);
      outputs = executor.run(*func, part);
    }
    if (failed(outputs))
      return 1;
    chunkOutputs.push_back(std::move(*outputs));
    if (numChunks > 1) {
      int64_t done = std::min(total, (c + 1) * chunk);
      bool last = c + 1 == numChunks;
      if (progressToTerminal) {
        llvm::errs() << "\rmpq-run: " << done << "/" << total << " samples";
        if (last)
          llvm::errs() << "\n";
      } else if (last || (c + 1) % std::max<int64_t>(1, numChunks / 10) == 0) {
        llvm::errs() << "mpq-run: " << done << "/" << total << " samples\n";
      }
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  // Concatenate the chunks.
  SmallVector<Tensor> results;
  if (numChunks == 1) {
    results = std::move(chunkOutputs.front());
  } else {
    for (unsigned r = 0; r < funcType.getNumResults(); ++r) {
      SmallVector<Tensor> parts;
      for (SmallVector<Tensor> &outs : chunkOutputs)
        parts.push_back(std::move(outs[r]));
      std::string error;
      Tensor joined = Tensor::concatDim0(parts, error);
      if (!error.empty())
        return fail("output #" + llvm::Twine(r) + ": " + error +
                    " (use --batch-size 0 for functions whose results are "
                    "not batched)");
      results.push_back(std::move(joined));
    }
  }
  if (printProfile)
    executor.printProfile(llvm::errs());
  if (printTime)
    llvm::errs() << llvm::format("mpq-run: %lld samples in %.3f s\n",
                                 static_cast<long long>(total < 0 ? 1 : total),
                                 seconds);

  // Top-1 accuracy.
  std::string accuracyLine;
  if (labels) {
    if (results.empty())
      return fail("--labels needs a function with at least one result");
    const Tensor &logits = results.front();
    std::string error;
    FailureOr<int64_t> correctOr = countTop1Correct(logits, *labels, error);
    if (failed(correctOr))
      return fail("--labels: " + labelsFile + " " + error);
    int64_t correct = *correctOr;
    int64_t rows = labels->getNumElements();
    char buf[96];
    std::snprintf(buf, sizeof(buf), "top-1: %.4f (%lld/%lld)\n",
                  rows ? static_cast<double>(correct) / rows : 0.0,
                  static_cast<long long>(correct),
                  static_cast<long long>(rows));
    accuracyLine = buf;
  }

  // Write the outputs: all to temporaries first, then rename.
  SmallVector<std::string> temporaries;
  auto removeTemporaries = [&] {
    for (const std::string &tmp : temporaries) {
      llvm::sys::fs::remove(tmp);
      llvm::sys::DontRemoveFileOnSignal(tmp);
    }
  };
  for (auto [i, path] : llvm::enumerate(outputFiles)) {
    llvm::Expected<std::string> tmp = writeTemporary(results[i], path);
    if (!tmp) {
      removeTemporaries();
      return fail(llvm::toString(tmp.takeError()));
    }
    temporaries.push_back(*tmp);
  }
  for (auto [i, path] : llvm::enumerate(outputFiles)) {
    if (std::error_code ec = llvm::sys::fs::rename(temporaries[i], path)) {
      removeTemporaries();
      return fail(path + ": cannot write: " + ec.message());
    }
    llvm::sys::DontRemoveFileOnSignal(temporaries[i]);
  }

  if (printOutputs)
    for (auto [i, t] : llvm::enumerate(results))
      printTensor(i, t, funcType.getResult(i));
  llvm::outs() << accuracyLine;
  llvm::outs().flush();
  return 0;
}
