//===- ObjectEmitter.cpp - LLVM IR, objects and C headers -----------------===//

#include "mpq/Target/LLVM/ObjectEmitter.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Target/LLVMIR/Dialect/ArmNeon/ArmNeonToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mpq;

void mpq::registerCodegenTranslations(DialectRegistry &registry) {
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerArmNeonDialectTranslation(registry);
}

LogicalResult mpq::emitCodegenFile(ModuleOp module,
                                   const TargetDescription &target,
                                   CodegenFileKind kind,
                                   llvm::raw_pwrite_stream &os) {
  DialectRegistry registry;
  registerCodegenTranslations(registry);
  module.getContext()->appendDialectRegistry(registry);

  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  // Inline assembly (the RISC-V vlenb check) is parsed when emitted.
  llvm::InitializeAllAsmParsers();

  llvm::Triple triple(target.triple);
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return module.emitError("no LLVM backend for ")
           << target.triple << ": " << error;
  // Checked against LLVM's feature list when the target was loaded.
  std::string features = target.llvmFeatures();
  llvm::TargetOptions options;
  // RISC-V: the Linux hard-float ABI (lp64d), as Debian's riscv64 libraries.
  bool isRiscv = triple.isRISCV64();
  if (isRiscv)
    options.MCOptions.ABIName = "lp64d";
  std::unique_ptr<llvm::TargetMachine> tm(llvmTarget->createTargetMachine(
      triple, target.cpu, features, options, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return module.emitError("cannot create an LLVM target machine for ")
           << target.triple << " (" << target.cpu << ")";

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "mpq");
  if (!llvmModule)
    return module.emitError("translation to LLVM IR failed");
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(tm->createDataLayout());
  if (isRiscv)
    llvmModule->addModuleFlag(llvm::Module::Error, "target-abi",
                              llvm::MDString::get(llvmContext, "lp64d"));
  // Every function gets the target's CPU and features, so that inlined and
  // vectorised code may use them.
  for (llvm::Function &f : *llvmModule) {
    if (f.isDeclaration())
      continue;
    f.addFnAttr("target-cpu", target.cpu);
    f.addFnAttr("target-features", features);
  }
  if (llvm::Error e =
          makeOptimizingTransformer(3, 0, tm.get())(llvmModule.get()))
    return module.emitError("LLVM optimisation failed: ")
           << llvm::toString(std::move(e));
  if (kind == CodegenFileKind::LLVMIR) {
    llvmModule->print(os, nullptr);
    return success();
  }
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr,
                              kind == CodegenFileKind::Object
                                  ? llvm::CodeGenFileType::ObjectFile
                                  : llvm::CodeGenFileType::AssemblyFile))
    return module.emitError("the LLVM backend cannot emit this file type");
  pm.run(*llvmModule);
  return success();
}

LogicalResult mpq::emitCHeader(ModuleOp module, llvm::raw_ostream &os) {
  auto info = module->getAttrOfType<DictionaryAttr>("mpq.codegen");
  if (!info)
    return module.emitError("the module has not been lowered by "
                            "--lower-to-neon (no mpq.codegen attribute)");
  auto get = [&](StringRef key) {
    auto a = info.getAs<IntegerAttr>(key);
    return a ? a.getInt() : int64_t(0);
  };
  auto sizes = [&](StringRef key) {
    auto a = info.getAs<DenseI64ArrayAttr>(key);
    return a ? SmallVector<int64_t>(a.asArrayRef()) : SmallVector<int64_t>();
  };
  // ONNX names go into comments: keep them from closing one.
  auto names = [&](StringRef key, size_t n) {
    SmallVector<std::string> out(n);
    if (auto a = info.getAs<ArrayAttr>(key))
      for (auto [i, v] : llvm::enumerate(a.getAsRange<StringAttr>()))
        if (i < n)
          out[i] = llvm::join(llvm::split(v.getValue(), "*/"), "* /");
    return out;
  };
  SmallVector<int64_t> in = sizes("input_sizes"), out = sizes("output_sizes");
  if (in.empty() || out.empty())
    return module.emitError("mpq.codegen lacks input_sizes/output_sizes");
  SmallVector<std::string> inNames = names("input_names", in.size()),
                           outNames = names("output_names", out.size());
  std::string name = info.getAs<StringAttr>("name").str();
  std::string upper = llvm::StringRef(name).upper();
  std::string guard = upper + "_H";
  auto target = module->getAttrOfType<StringAttr>("mpq.target");
  auto gemm = info.getAs<StringAttr>("gemm");
  os << "/* Generated by mpq for target " << (target ? target.str() : "?")
     << " (GEMM microkernel " << (gemm ? gemm.str() : "?")
     << "). Do not edit. */\n";
  os << "#ifndef " << guard << "\n#define " << guard << "\n\n";
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  os << "/* Inputs and outputs are float32, row-major, one sample each. */\n";
  os << "#define " << upper << "_NUM_INPUTS " << in.size() << "\n";
  os << "#define " << upper << "_NUM_OUTPUTS " << out.size() << "\n";
  os << "/* Floats per sample of each input and output. */\n";
  auto sizeMacros = [&](StringRef kind, ArrayRef<int64_t> n,
                        ArrayRef<std::string> onnxNames) {
    for (auto [i, v] : llvm::enumerate(n)) {
      os << "#define " << upper << "_" << kind << "_SIZE_" << i << " " << v;
      if (!onnxNames[i].empty())
        os << " /* \"" << onnxNames[i] << "\" */";
      os << "\n";
    }
  };
  sizeMacros("INPUT", in, inNames);
  sizeMacros("OUTPUT", out, outNames);
  auto list = [&](StringRef kind, ArrayRef<int64_t> n) {
    os << "#define " << upper << "_" << kind << "_SIZES {";
    llvm::interleaveComma(n, os);
    os << "}\n";
  };
  os << "/* The same as initializers: int sizes[] = " << upper
     << "_INPUT_SIZES; */\n";
  list("INPUT", in);
  list("OUTPUT", out);
  if (in.size() == 1)
    os << "#define " << upper << "_INPUT_SIZE " << in[0] << "\n";
  if (out.size() == 1)
    os << "#define " << upper << "_OUTPUT_SIZE " << out[0] << "\n";
  os << "/* Bytes of scratch memory one call needs; any alignment. */\n";
  os << "#define " << upper << "_WORKSPACE_SIZE " << get("workspace_size")
     << "\n\n";
  // One pointer per input, then one per output.
  auto param = [&](bool isInput, size_t count, size_t i) {
    std::string p = isInput ? "const float *input" : "float *output";
    return count == 1 ? p : p + std::to_string(i);
  };
  int64_t minVlen = get("min_vlen"), maxVlen = get("max_vlen");
  if (minVlen > 128 || maxVlen) {
    os << "/* RISC-V vector registers (VLEN = 8 * vlenb bits) the code runs "
          "on; on\n   a core outside the range "
       << name << "_run computes nothing and returns\n   " << upper
       << "_ERROR_VLEN. */\n";
    os << "#define " << upper << "_MIN_VLEN " << minVlen << "\n";
    if (maxVlen)
      os << "#define " << upper << "_MAX_VLEN " << maxVlen << "\n";
    os << "#define " << upper << "_ERROR_VLEN 2\n\n";
  }
  os << "/* Runs the model on one sample: one buffer per input, then one per\n"
        "   output, in the model's order. No allocation and no writable\n"
        "   globals: calls with distinct workspaces may run concurrently.\n"
        "   Returns 0 on success. */\n";
  os << "int " << name << "_run(";
  for (size_t i = 0; i < in.size(); ++i)
    os << param(true, in.size(), i) << ", ";
  for (size_t i = 0; i < out.size(); ++i)
    os << param(false, out.size(), i) << ", ";
  os << "void *workspace);\n\n";
  os << "/* The same with arrays of " << upper << "_NUM_INPUTS input and "
     << upper << "_NUM_OUTPUTS\n   output pointers. */\n";
  os << "static inline int " << name
     << "_run_multi(const float *const inputs[],\n"
     << "    float *const outputs[], void *workspace) {\n";
  os << "  return " << name << "_run(";
  for (size_t i = 0; i < in.size(); ++i)
    os << "inputs[" << i << "], ";
  for (size_t i = 0; i < out.size(); ++i)
    os << "outputs[" << i << "], ";
  os << "workspace);\n}\n\n";
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return success();
}
