//===- FuzzContext.h - the MLIR context every harness reuses ----*- C++ -*-===//

#ifndef MPQ_TOOLS_FUZZERS_FUZZCONTEXT_H
#define MPQ_TOOLS_FUZZERS_FUZZCONTEXT_H

#include "mpq/InitAll.h"

#include "mlir/IR/MLIRContext.h"

/// One context with every mpq dialect loaded, single-threaded, created on
/// first use and kept for the whole fuzzing run.
inline mlir::MLIRContext &fuzzContext() {
  static mlir::MLIRContext *ctx = [] {
    mlir::DialectRegistry registry;
    mpq::registerAllMpqDialects(registry);
    auto *c = new mlir::MLIRContext(registry,
                                    mlir::MLIRContext::Threading::DISABLED);
    c->loadAllAvailableDialects();
    return c;
  }();
  return *ctx;
}

#endif // MPQ_TOOLS_FUZZERS_FUZZCONTEXT_H
