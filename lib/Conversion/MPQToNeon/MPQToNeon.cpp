//===- MPQToNeon.cpp - --lower-to-neon ------------------------------------===//

#include "mpq/Conversion/MPQToNeon/MPQToNeon.h"
#include "mpq/Conversion/Passes.h"

namespace mpq {
#define GEN_PASS_DEF_MPQLOWERTONEONPASS
#include "mpq/Conversion/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;

namespace {

std::unique_ptr<GemmMicrokernel> neonKernelFor(const TargetDescription &t) {
  return createNeonMicrokernel(selectNeonKernel(t));
}

const BackendLowering kNeon = {"lower-to-neon", "aarch64", "neon", "",
                               neonKernelFor};

struct LowerToNeonPass
    : public mpq::impl::MPQLowerToNeonPassBase<LowerToNeonPass> {
  using MPQLowerToNeonPassBase::MPQLowerToNeonPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(lowerForBackend(
            module, {target, targetsDir, targetFile, symbolPrefix, entry},
            kNeon)))
      return signalPassFailure();
    if (!toLLVM)
      return;
    OpPassManager pm(ModuleOp::getOperationName());
    buildKernelsToLLVMPipeline(pm);
    if (failed(runPipeline(pm, module)))
      return signalPassFailure();
  }
};

} // namespace
