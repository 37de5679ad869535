//===- Backends.cpp - code generation backends by target arch -------------===//

#include "mpq/Conversion/Backends.h"
#include "mpq/Conversion/Passes.h"

using namespace mlir;
using namespace mpq;

static std::unique_ptr<Pass> createNeon(const BackendOptions &o) {
  MPQLowerToNeonPassOptions opts;
  opts.target = o.target;
  opts.targetsDir = o.targetsDir;
  opts.targetFile = o.targetFile;
  opts.symbolPrefix = o.symbolPrefix;
  opts.entry = o.entry;
  opts.toLLVM = o.toLLVM;
  return createMPQLowerToNeonPass(opts);
}

static std::unique_ptr<Pass> createRVV(const BackendOptions &o) {
  MPQLowerToRVVPassOptions opts;
  opts.target = o.target;
  opts.targetsDir = o.targetsDir;
  opts.targetFile = o.targetFile;
  opts.symbolPrefix = o.symbolPrefix;
  opts.entry = o.entry;
  opts.toLLVM = o.toLLVM;
  return createMPQLowerToRVVPass(opts);
}

static const Backend kBackends[] = {
    {"aarch64", "lower-to-neon", createNeon},
    {"riscv64", "lower-to-rvv", createRVV},
};

ArrayRef<Backend> mpq::backends() { return kBackends; }

const Backend *mpq::lookupBackend(StringRef arch) {
  for (const Backend &b : kBackends)
    if (b.arch == arch)
      return &b;
  return nullptr;
}
