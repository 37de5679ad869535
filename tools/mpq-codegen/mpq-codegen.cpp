//===- mpq-codegen.cpp - quantized module to object and header ------------===//
//
//   mpq-codegen model.mlir --target NAME -o OUTDIR [--name PREFIX] [--asm F]
//
// Compiles a quantized module (mpq-compile's model.mlir, or one written by
// hand) to OUTDIR/model.o and OUTDIR/model.h, as mpq-compile --target does.
//
//===----------------------------------------------------------------------===//

#include "mpq/Codegen/Codegen.h"
#include "mpq/InitAll.h"
#include "mpq/Support/CIdentifier.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace llvm;

static cl::OptionCategory category("mpq-codegen options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outDir("o", cl::desc("output directory"),
                                   cl::Required, cl::cat(category));
static cl::opt<std::string> target("target", cl::desc("target name"),
                                   cl::cat(category));
static cl::opt<std::string>
    targetFile("target-file",
               cl::desc("target description file (instead of a --target "
                        "name)"),
               cl::value_desc("path"), cl::cat(category));
static cl::opt<std::string> targetsDir(
    "targets-dir",
    cl::desc("directory of targets (default: share/mpq/targets beside the "
             "tool, else the source tree's targets/)"),
    cl::cat(category));
static cl::opt<std::string> namePrefix("name", cl::desc("C symbol prefix"),
                                       cl::init("model"), cl::cat(category));
static cl::opt<std::string> asmFile("asm", cl::desc("also write assembly"),
                                    cl::cat(category));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "mpq code generator\n");
  if (std::string why = mpq::checkCSymbolPrefix(namePrefix); !why.empty()) {
    errs() << "mpq-codegen: error: --name: " << why << "\n";
    return 1;
  }
  if (target.empty() && targetFile.empty()) {
    errs() << "mpq-codegen: error: give --target NAME or --target-file PATH\n";
    return 1;
  }
  Expected<mpq::TargetDescription> t =
      mpq::resolveTarget(target, targetFile, targetsDir);
  if (!t) {
    errs() << "mpq-codegen: error: "
           << (targetFile.empty() ? "--target: " : "--target-file: ")
           << toString(t.takeError()) << "\n";
    return 1;
  }
  DialectRegistry registry;
  mpq::registerAllMpqDialects(registry);
  MLIRContext ctx(registry);
  SourceMgr sm;
  SourceMgrDiagnosticHandler diag(sm, &ctx);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(inputFile, sm, &ctx);
  if (!module)
    return 1;
  FailureOr<mpq::ArtifactInfo> info = mpq::generateArtifacts(
      *module, *t, targetsDir, namePrefix, outDir, asmFile);
  if (failed(info))
    return 1;
  errs() << "mpq-codegen: wrote " << outDir << "/model.o (" << info->objectBytes
         << " bytes, " << info->gemm << ") and " << outDir
         << "/model.h (workspace " << info->workspaceBytes << " bytes)\n";
  return 0;
}
