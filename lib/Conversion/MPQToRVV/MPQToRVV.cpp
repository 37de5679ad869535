//===- MPQToRVV.cpp - --lower-to-rvv --------------------------------------===//

#include "mpq/Conversion/MPQToRVV/MPQToRVV.h"
#include "mpq/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mpq {
#define GEN_PASS_DEF_MPQLOWERTORVVPASS
#include "mpq/Conversion/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;

namespace {

std::unique_ptr<GemmMicrokernel> rvvKernelFor(const TargetDescription &t) {
  return createRVVMicrokernel(t.vlen);
}

/// Code built for VLEN >= `minVlen` (> 128) or for at most `maxVlen` bits
/// (0: no limit) starts by reading the vlenb CSR and returns kRVVVlenError
/// when the core's registers are outside that range: LLVM laid out the
/// fixed-length vectors for registers of at least `minVlen` bits, and the
/// VLEN-agnostic kernel's weight blocks hold one register of at most
/// `maxVlen`. The read is inline assembly so that no optimisation can fold
/// it from the assumed minimum.
void addVlenGuard(func::FuncOp fn, unsigned minVlen, unsigned maxVlen) {
  // The stack buffers stay in the entry block (static allocas).
  Block *entry = &fn.getBody().front();
  auto first = llvm::find_if(
      *entry, [](Operation &op) { return !isa<memref::AllocaOp>(op); });
  Block *body = entry->splitBlock(first);
  Block *fail = new Block();
  fn.getBody().push_back(fail);
  Location loc = fn.getLoc();
  auto b = ImplicitLocOpBuilder::atBlockEnd(loc, entry);
  auto vlenb = LLVM::InlineAsmOp::create(
      b, b.getI64Type(), ValueRange{}, "csrr $0, vlenb", "=r",
      /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::tailcallkind::TailCallKind::None, /*asm_dialect=*/nullptr,
      /*operand_attrs=*/nullptr);
  Value v = vlenb->getResult(0);
  Value ok;
  auto bound = [&](arith::CmpIPredicate p, unsigned bits) {
    Value c = arith::CmpIOp::create(
        b, p, v, arith::ConstantIntOp::create(b, b.getI64Type(), bits / 8));
    ok = ok ? Value(arith::AndIOp::create(b, ok, c)) : c;
  };
  if (minVlen > 128)
    bound(arith::CmpIPredicate::uge, minVlen);
  if (maxVlen)
    bound(arith::CmpIPredicate::ule, maxVlen);
  cf::CondBranchOp::create(b, ok, body, ValueRange{}, fail, ValueRange{});
  b.setInsertionPointToEnd(fail);
  func::ReturnOp::create(b, ValueRange{arith::ConstantIntOp::create(
                                b, b.getI32Type(), kRVVVlenError)});
}

/// Adds the VLEN check and records the VLEN range for the header writer.
LogicalResult finishRVV(ModuleOp module, const TargetDescription &t,
                        const GemmMicrokernel &gemm, StringRef symbolPrefix) {
  unsigned maxVlen = gemm.nr() == kRVVVlaBlock ? 8 * kRVVVlaBlock : 0;
  if (t.vlen > 128 || maxVlen) {
    auto fn = module.lookupSymbol<func::FuncOp>((symbolPrefix + "_run").str());
    if (!fn)
      return module.emitError("lower-to-rvv: no ") << symbolPrefix << "_run";
    addVlenGuard(fn, t.vlen, maxVlen);
  }
  Builder b(module.getContext());
  if (auto info = module->getAttrOfType<DictionaryAttr>("mpq.codegen")) {
    NamedAttrList attrs(info);
    attrs.set("min_vlen", b.getI64IntegerAttr(t.vlen));
    if (maxVlen)
      attrs.set("max_vlen", b.getI64IntegerAttr(maxVlen));
    module->setAttr("mpq.codegen", attrs.getDictionary(b.getContext()));
  }
  return success();
}

const BackendLowering kRVV = {
    "lower-to-rvv",
    "riscv64",
    "v",
    " (RVV 1.0); targets without vectors are not supported",
    rvvKernelFor,
    finishRVV};

struct LowerToRVVPass
    : public mpq::impl::MPQLowerToRVVPassBase<LowerToRVVPass> {
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
