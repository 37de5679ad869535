//===- MPQToRVV.cpp - --lower-to-rvv --------------------------------------===//

#include "mpq/Conversion/MPQToRVV/MPQToRVV.h"
#include "mpq/Conversion/Passes.h"
#include "mpq/Support/CIdentifier.h"
#include "mpq/Target/TargetDescription.h"

namespace mpq {
#define GEN_PASS_DEF_MPQLOWERTORVVPASS
#include "mpq/Conversion/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;

namespace {

struct LowerToRVVPass : public mpq::impl::MPQLowerToRVVPassBase<LowerToRVVPass> {
  using MPQLowerToRVVPassBase::MPQLowerToRVVPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (std::string why = checkCSymbolPrefix(symbolPrefix); !why.empty()) {
      module.emitError("lower-to-rvv: name: ") << why;
      return signalPassFailure();
    }
    llvm::Expected<TargetDescription> t =
        targetFile.empty() ? lookupTarget(target, targetsDir)
                           : loadTargetDescription(targetFile);
    if (!t) {
      module.emitError("lower-to-rvv: ") << llvm::toString(t.takeError());
      return signalPassFailure();
    }
    if (t->arch != "riscv64") {
      module.emitError("lower-to-rvv: target '")
          << t->name << "' is " << t->arch << ", not riscv64";
      return signalPassFailure();
    }
    if (!t->hasFeature("v")) {
      module.emitError("lower-to-rvv: target '")
          << t->name
          << "' lacks the v feature (RVV 1.0); targets without vectors "
             "are not supported";
      return signalPassFailure();
    }
    if (failed(checkQuantized(module, entry)) ||
        failed(checkTargetWidths(module, *t)))
      return signalPassFailure();
    std::unique_ptr<GemmMicrokernel> gemm = createRVVMicrokernel();
    KernelLoweringOptions opts;
    opts.symbolPrefix = symbolPrefix;
    opts.entry = entry;
    opts.gemm = gemm.get();
    if (failed(lowerToKernels(module, opts)))
      return signalPassFailure();
    Builder b(module.getContext());
    module->setAttr("mpq.target", b.getStringAttr(t->name));
    module->setAttr("llvm.target_triple", b.getStringAttr(t->triple));
    if (!toLLVM)
      return;
    OpPassManager pm(ModuleOp::getOperationName());
    buildKernelsToLLVMPipeline(pm);
    if (failed(runPipeline(pm, module)))
      return signalPassFailure();
  }
};

} // namespace
