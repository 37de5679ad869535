//===- TargetSupport.cpp - what every backend shares around the lowering --===//
//
// The width check against a target description and the upstream pipeline
// from the kernel-level IR (scf/arith/math/memref/vector and intrinsic
// calls) to the LLVM dialect, for every ISA backend.
//
//===----------------------------------------------------------------------===//

#include "mpq/Conversion/MPQToKernels/MPQToKernels.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mpq;

void mpq::buildKernelsToLLVMPipeline(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  ConvertFuncToLLVMPassOptions funcOpts;
  funcOpts.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOpts));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

/// Every weight and activation width of the module must be one the target
/// description lists.
LogicalResult mpq::checkTargetWidths(ModuleOp module,
                                     const TargetDescription &t) {
  auto check = [&](Operation *op, QuantParamsAttr p,
                   bool weight) -> LogicalResult {
    if (!p)
      return success();
    SmallVector<unsigned> widths{p.getBits()};
    if (auto cb = p.getChannelBits())
      widths.assign(cb.asArrayRef().begin(), cb.asArrayRef().end());
    for (unsigned w : widths)
      if (weight ? !t.supportsWeightBits(w) : !t.supportsActBits(w))
        return op->emitOpError("target '")
               << t.name << "' cannot run " << w << "-bit "
               << (weight ? "weights" : "activations") << " (see "
               << (weight ? "weight_bits" : "act_bits") << " in " << t.name
               << ".yaml)";
    return success();
  };
  auto checkOp = [&](auto op) -> LogicalResult {
    if (failed(check(op, op.getInputParams(), false)))
      return failure();
    if (auto mp = op.getWeight().template getDefiningOp<MultipointWeightOp>()) {
      for (Attribute a : mp.getParams())
        if (failed(check(op, cast<QuantParamsAttr>(a), true)))
          return failure();
      return success();
    }
    return check(op, op.getWeightParamsAttr(), true);
  };
  WalkResult r = module.walk([&](Operation *op) {
    LogicalResult ok = success();
    if (auto c = dyn_cast<Conv2DOp>(op))
      ok = checkOp(c);
    else if (auto f = dyn_cast<FullyConnectedOp>(op))
      ok = checkOp(f);
    return failed(ok) ? WalkResult::interrupt() : WalkResult::advance();
  });
  return failure(r.wasInterrupted());
}

