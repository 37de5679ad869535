//===- MPQToNeon.cpp - --lower-to-neon ------------------------------------===//

#include "mpq/Conversion/MPQToNeon/MPQToNeon.h"
#include "mpq/Conversion/Passes.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"

namespace mpq {
#define GEN_PASS_DEF_MPQLOWERTONEONPASS
#include "mpq/Conversion/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;

namespace {

struct LowerToNeonPass
    : public mpq::impl::MPQLowerToNeonPassBase<LowerToNeonPass> {
  using MPQLowerToNeonPassBase::MPQLowerToNeonPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string dir = targetsDir.empty() ? std::string(MPQ_TARGETS_DIR)
                                         : std::string(targetsDir);
    llvm::Expected<TargetDescription> t = lookupTarget(target, dir);
    if (!t) {
      module.emitError("lower-to-neon: ") << llvm::toString(t.takeError());
      return signalPassFailure();
    }
    if (t->arch != "aarch64") {
      module.emitError("lower-to-neon: target '")
          << target << "' is " << t->arch << ", not aarch64";
      return signalPassFailure();
    }
    if (!t->hasFeature("neon")) {
      module.emitError("lower-to-neon: target '")
          << target << "' lacks the neon feature";
      return signalPassFailure();
    }
    if (failed(checkTargetWidths(module, *t)))
      return signalPassFailure();
    std::unique_ptr<GemmMicrokernel> gemm =
        createNeonMicrokernel(selectNeonKernel(*t));
    KernelLoweringOptions opts;
    opts.symbolPrefix = symbolPrefix;
    opts.entry = entry;
    opts.gemm = gemm.get();
    if (failed(lowerToKernels(module, opts)))
      return signalPassFailure();
    // Record the target so the object writer needs nothing else.
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
