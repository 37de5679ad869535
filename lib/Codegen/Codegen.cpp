//===- Codegen.cpp - quantized module to object and header ----------------===//

#include "mpq/Codegen/Codegen.h"
#include "mpq/Conversion/Backends.h"
#include "mpq/Target/LLVM/ObjectEmitter.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mpq;

/// Runs the backend pass of `target`'s arch on `module`, a clone of
/// `quantized` (errors are reported on it).
static LogicalResult runBackend(ModuleOp quantized, ModuleOp module,
                                const TargetDescription &target,
                                StringRef targetsDir, StringRef name,
                                bool toLLVM) {
  const Backend *backend = lookupBackend(target.arch);
  if (!backend)
    return quantized.emitError("no code generation backend for arch '")
           << target.arch << "' (target '" << target.name << "')";
  PassManager pm(module->getContext());
  BackendOptions opts;
  opts.target = target.name;
  opts.targetsDir = targetsDir.str();
  opts.targetFile = target.path;
  if (!name.empty())
    opts.symbolPrefix = name.str();
  opts.toLLVM = toLLVM;
  pm.addPass(backend->create(opts));
  return pm.run(module);
}

LogicalResult mpq::checkCodegen(ModuleOp quantized,
                                const TargetDescription &target,
                                StringRef targetsDir) {
  OwningOpRef<ModuleOp> module = quantized.clone();
  return runBackend(quantized, *module, target, targetsDir, /*name=*/"",
                    /*toLLVM=*/false);
}

FailureOr<ArtifactInfo> mpq::generateArtifacts(ModuleOp quantized,
                                               const TargetDescription &target,
                                               StringRef targetsDir,
                                               StringRef name, StringRef dir,
                                               StringRef asmPath) {
  SmallString<256> obj(dir), hdr(dir);
  llvm::sys::path::append(obj, "model.o");
  llvm::sys::path::append(hdr, "model.h");
  // The assembly must not overwrite the object or the header.
  if (!asmPath.empty()) {
    auto normal = [](StringRef p) {
      SmallString<256> a(p);
      llvm::sys::fs::make_absolute(a);
      llvm::sys::path::remove_dots(a, /*remove_dot_dot=*/true);
      return a;
    };
    for (StringRef other : {StringRef(obj), StringRef(hdr)}) {
      bool same = normal(asmPath) == normal(other);
      if (!same && llvm::sys::fs::exists(asmPath) &&
          llvm::sys::fs::exists(other))
        llvm::sys::fs::equivalent(asmPath, other, same);
      if (same)
        return quantized.emitError("the assembly file ")
               << asmPath << " is the same file as " << other
               << "; give --asm another path";
    }
  }
  OwningOpRef<ModuleOp> module = quantized.clone();
  if (failed(runBackend(quantized, *module, target, targetsDir, name,
                        /*toLLVM=*/true)))
    return failure();

  ArtifactInfo info;
  auto cg = (*module)->getAttrOfType<DictionaryAttr>("mpq.codegen");
  info.gemm = cg.getAs<StringAttr>("gemm").str();
  info.workspaceBytes = cg.getAs<IntegerAttr>("workspace_size").getInt();

  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return module->emitError("cannot create ") << dir << ": " << ec.message();
  // Every file is removed again unless all of them were written.
  SmallVector<std::unique_ptr<llvm::ToolOutputFile>> outputs;
  auto write = [&](StringRef path,
                   llvm::function_ref<LogicalResult(llvm::raw_fd_ostream &)> fn)
      -> LogicalResult {
    std::string error;
    auto out = openOutputFile(path, &error);
    if (!out)
      return module->emitError("cannot write ") << path << ": " << error;
    if (failed(fn(out->os())))
      return failure();
    outputs.push_back(std::move(out));
    return success();
  };
  if (failed(write(obj,
                   [&](llvm::raw_fd_ostream &os) {
                     return emitCodegenFile(*module, target,
                                            CodegenFileKind::Object, os);
                   })) ||
      failed(write(hdr, [&](llvm::raw_fd_ostream &os) {
        return emitCHeader(*module, os);
      })))
    return failure();
  if (!asmPath.empty() && failed(write(asmPath, [&](llvm::raw_fd_ostream &os) {
        return emitCodegenFile(*module, target, CodegenFileKind::Assembly, os);
      })))
    return failure();
  for (auto &out : outputs) {
    out->os().flush();
    out->keep();
  }
  uint64_t size = 0;
  llvm::sys::fs::file_size(obj, size);
  info.objectBytes = int64_t(size);
  return info;
}
