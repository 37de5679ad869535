//===- MPQToRVV.cpp - --lower-to-rvv --------------------------------------===//

#include "mpq/Conversion/MPQToRVV/MPQToRVV.h"
#include "mpq/Conversion/Passes.h"

namespace mpq {
#define GEN_PASS_DEF_MPQLOWERTORVVPASS
#include "mpq/Conversion/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;

namespace {

std::unique_ptr<GemmMicrokernel> rvvKernelFor(const TargetDescription &) {
  return createRVVMicrokernel();
}

const BackendLowering kRVV = {
    "lower-to-rvv", "riscv64", "v",
    " (RVV 1.0); targets without vectors are not supported", rvvKernelFor};

struct LowerToRVVPass : public mpq::impl::MPQLowerToRVVPassBase<LowerToRVVPass> {
  using MPQLowerToRVVPassBase::MPQLowerToRVVPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(lowerForBackend(
            module, {target, targetsDir, targetFile, symbolPrefix, entry},
            kRVV)))
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
