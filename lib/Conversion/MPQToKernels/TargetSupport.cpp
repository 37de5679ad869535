//===- TargetSupport.cpp - what every backend shares around the lowering --===//
//
// The width check against a target description and the upstream pipeline
// from the kernel-level IR (scf/arith/math/memref/vector and intrinsic
// calls) to the LLVM dialect, for every ISA backend.
//
//===----------------------------------------------------------------------===//

#include "mpq/Conversion/MPQToKernels/MPQToKernels.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Support/CIdentifier.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
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

/// Code generation takes quantized modules. A float compute layer means the
/// module was never quantized, and a quantize or dequantize must use codes
/// of 8 bits or fewer held in i8 (the kernels' storage). Checked before any
/// lowering, so the error is at the op and not a verifier failure inside.
LogicalResult mpq::checkQuantized(ModuleOp module, StringRef entryName) {
  auto entry = module.lookupSymbol<func::FuncOp>(entryName);
  if (!entry || entry.isExternal())
    return success(); // the lowering reports a missing entry
  bool quantized = false;
  entry.walk([&](QuantizeOp) { quantized = true; });
  auto isFloat = [](Value v) {
    auto t = dyn_cast<ShapedType>(v.getType());
    return t && isa<FloatType>(t.getElementType());
  };
  // Float compute layers first: they name the real problem even when the
  // module has no quantize at all.
  WalkResult r = entry.walk([&](Operation *op) -> WalkResult {
    if (!isa<tosa::Conv2DOp, tosa::Conv3DOp, tosa::DepthwiseConv2DOp,
             tosa::TransposeConv2DOp, tosa::MatMulOp>(op) ||
        op->getNumResults() != 1 || !isFloat(op->getResult(0)))
      return WalkResult::advance();
    // In a quantized module, a float matmul (attention's product of two
    // activations, or one the quantizer kept float) runs in a float island.
    if (quantized && isa<tosa::MatMulOp>(op))
      return WalkResult::advance();
    // With quantize ops in the module, this is a layer the quantizer keeps
    // float (pooling runs in float islands; these have no float kernel).
    if (quantized)
      op->emitOpError("is a float layer left in a quantized module: code "
                      "generation has no float kernel for it (float islands "
                      "take elementwise ops, reductions, pooling and "
                      "matmul; see docs/codegen.md)");
    else
      op->emitOpError("is not quantized: code generation needs a quantized "
                      "module (mpq-compile, or --mpq-calibrate then "
                      "--mpq-quantize)");
    return WalkResult::interrupt();
  });
  if (r.wasInterrupted())
    return failure();
  r = entry.walk([&](Operation *op) -> WalkResult {
    if (!quantized && op->getDialect() &&
        !isa<func::FuncDialect>(op->getDialect()) &&
        !isa<tosa::ConstOp, tosa::ConstShapeOp>(op)) {
      op->emitOpError("is not quantized: the module has no mpq.quantize, "
                      "and code generation needs a quantized module "
                      "(mpq-compile, or --mpq-calibrate then "
                      "--mpq-quantize)");
      return WalkResult::interrupt();
    }
    auto checkCodes = [&](QuantParamsAttr p, Value codes) -> WalkResult {
      auto t = cast<ShapedType>(codes.getType());
      if (p.getBits() <= 8 && t.getElementType().isInteger(8))
        return WalkResult::advance();
      op->emitOpError("has ")
          << p.getBits() << "-bit parameters on " << t
          << ": code generation needs codes of 8 bits or fewer in i8";
      return WalkResult::interrupt();
    };
    if (auto q = dyn_cast<QuantizeOp>(op))
      return checkCodes(q.getParams(), q.getOutput());
    if (auto d = dyn_cast<DequantizeOp>(op))
      return checkCodes(d.getParams(), d.getInput());
    return WalkResult::advance();
  });
  return failure(r.wasInterrupted());
}

LogicalResult mpq::lowerForBackend(ModuleOp module,
                                   const BackendPassOptions &o,
                                   const BackendLowering &backend) {
  if (std::string why = checkCSymbolPrefix(o.symbolPrefix); !why.empty())
    return emitError(module.getLoc()) << backend.passName << ": name: " << why;
  llvm::Expected<TargetDescription> t =
      o.targetFile.empty() ? lookupTarget(o.target, o.targetsDir)
                           : loadTargetDescription(o.targetFile);
  if (!t)
    return emitError(module.getLoc())
           << backend.passName << ": " << llvm::toString(t.takeError());
  if (t->arch != backend.arch)
    return emitError(module.getLoc())
           << backend.passName << ": target '" << t->name << "' is "
           << t->arch << ", not " << backend.arch;
  if (!t->hasFeature(backend.feature))
    return emitError(module.getLoc())
           << backend.passName << ": target '" << t->name << "' lacks the "
           << backend.feature << " feature" << backend.featureNote;
  if (failed(checkQuantized(module, o.entry)) ||
      failed(checkTargetWidths(module, *t)))
    return failure();
  std::unique_ptr<GemmMicrokernel> gemm = backend.createKernel(*t);
  KernelLoweringOptions opts;
  opts.symbolPrefix = o.symbolPrefix.str();
  opts.entry = o.entry.str();
  opts.gemm = gemm.get();
  if (failed(lowerToKernels(module, opts)))
    return failure();
  if (backend.finish &&
      failed(backend.finish(module, *t, *gemm, o.symbolPrefix)))
    return failure();
  // Record the target so the object writer needs nothing else.
  Builder b(module.getContext());
  module->setAttr("mpq.target", b.getStringAttr(t->name));
  module->setAttr("llvm.target_triple", b.getStringAttr(t->triple));
  return success();
}
