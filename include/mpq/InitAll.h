//===- InitAll.h - register every mpq dialect and pass ----------*- C++ -*-===//

#ifndef MPQ_INITALL_H
#define MPQ_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mpq {
/// Registers the mpq dialect and the upstream dialects mpq modules use.
void registerAllMpqDialects(mlir::DialectRegistry &registry);
/// Registers every mpq pass (only passes that work are registered).
void registerAllMpqPasses();
} // namespace mpq

#endif // MPQ_INITALL_H
