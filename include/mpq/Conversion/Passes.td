//===- Passes.td - mpq conversion passes -------------------*- tablegen -*-===//

#ifndef MPQ_CONVERSION_PASSES_TD
#define MPQ_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def MPQLowerToNeonPass : Pass<"lower-to-neon", "mlir::ModuleOp"> {
  let summary = "Lower a quantized model to AArch64 NEON code (LLVM dialect)";
  let description = [{
    Replaces the quantized entry function by `<name>_run(input, output,
    workspace) -> i32`, the C API of the generated header, and lowers it
    through scf/arith/math/memref/vector and `arm_neon` to the LLVM dialect
    (bare-pointer calling convention). Every intermediate tensor lives in
    the caller's workspace at an offset fixed at compile time; weights are
    constant globals pre-packed in the GEMM microkernel's panel layout.

    The GEMM microkernel comes from the target's features: `i8mm` selects
    SMMLA (4x16, K step 16), `dotprod` SDOT (6x8c4), otherwise the Armv8.0
    SMULL + SADALP kernel (2x16c4). Integer results are bit-identical to
    `mpq-run` (docs/integer-semantics.md). Ops the code generator does not
    handle are refused with an error at the op.

    `mpq.codegen = {name, input_size, output_size, workspace_size, gemm}` is
    left on the module for the header writer.
  }];
  let options = [
    Option<"target", "target", "std::string", "\"cortex-a76\"",
           "target description: targets/NAME.yaml (an aarch64 target)">,
    Option<"targetsDir", "targets-dir", "std::string", "\"\"",
           "directory of target descriptions (default: share/mpq/targets "
           "beside the tool, else the source tree's targets/)">,
    Option<"targetFile", "target-file", "std::string", "\"\"",
           "a target description file (instead of a name)">,
    Option<"symbolPrefix", "name", "std::string", "\"model\"",
           "prefix of the generated C symbols">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "function to compile">,
    Option<"toLLVM", "to-llvm", "bool", "true",
           "continue to the LLVM dialect (false stops after the kernel "
           "lowering, at scf/vector/arm_neon)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::arm_neon::ArmNeonDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::cf::ControlFlowDialect"
  ];
}

def MPQLowerToRVVPass : Pass<"lower-to-rvv", "mlir::ModuleOp"> {
  let summary = "Lower a quantized model to RISC-V RVV 1.0 code (LLVM dialect)";
  let description = [{
    The same lowering as `--lower-to-neon` (one `<name>_run(input, output,
    workspace) -> i32`, a static workspace plan, constant pre-packed
    weights, the ISA-neutral GEMM driver, depthwise, pools, adds, data
    movement and float islands), with an RVV GEMM microkernel: int8
    products summed in int16 (`vwmacc.vx`) for as many depth steps as the
    layer's weights provably allow, then widened into int32 (`vwadd.wv`).
    The target must be riscv64 with the `v` feature (RVV 1.0); its `vlen`
    chooses the kernel: 128 gives the VLEN-agnostic
    `rvv-vla-vwmacc-4/3xvl` (scalable vectors, one object for VLEN 128 to
    512), 256 the 32-channel `rvv-vwmacc-4/3x32`. The code checks the
    core's VLEN at startup (returns 2 outside the range it was built for).
    Integer results are bit-identical to `mpq-run`.
  }];
  let options = [
    Option<"target", "target", "std::string", "\"rv64gcv\"",
           "target description: targets/NAME.yaml (a riscv64 target with v)">,
    Option<"targetsDir", "targets-dir", "std::string", "\"\"",
           "directory of target descriptions (default: share/mpq/targets "
           "beside the tool, else the source tree's targets/)">,
    Option<"targetFile", "target-file", "std::string", "\"\"",
           "a target description file (instead of a name)">,
    Option<"symbolPrefix", "name", "std::string", "\"model\"",
           "prefix of the generated C symbols">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "function to compile">,
    Option<"toLLVM", "to-llvm", "bool", "true",
           "continue to the LLVM dialect (false stops after the kernel "
           "lowering, at scf/vector)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::cf::ControlFlowDialect"
  ];
}

#endif // MPQ_CONVERSION_PASSES_TD
