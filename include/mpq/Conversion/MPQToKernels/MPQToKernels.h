//===- MPQToKernels.h - quantized graph to loops and microkernels -*- C++ -*-===//
//
// Lowers the quantized tensor function of a model (mpq ops plus TOSA data
// movement on codes) to one buffer-level function
//
//   func.func @<name>_run(%input: memref<Nxf32>, %output: memref<Mxf32>,
//                         %workspace: memref<Wxi8>) -> i32
//
// built from scf/arith/math/memref/vector ops: every intermediate tensor is a
// view into the caller's workspace (a static, liveness-based plan), weights
// are constant globals pre-packed for the GEMM microkernel, and the integer
// steps follow docs/integer-semantics.md bit for bit. The target-specific part
// is the GEMM microkernel behind the small `GemmMicrokernel` interface: the
// NEON backend (MPQToNeon) provides SDOT, SMMLA and an Armv8.0 SMULL/SADALP
// kernel; a RISC-V backend provides its own.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_CONVERSION_MPQTOKERNELS_MPQTOKERNELS_H
#define MPQ_CONVERSION_MPQTOKERNELS_MPQTOKERNELS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>

namespace mpq {

/// A GEMM microkernel: accumulates a tile of `rows` (<= maxRows()) rows of an
/// int8 activation matrix A (row-major, `aStride` bytes between rows, K padded
/// to kAlign()) against one block of nr() output channels of a weight matrix
/// pre-packed by packWeights(). Accumulators are int32.
class GemmMicrokernel {
public:
  virtual ~GemmMicrokernel();
  /// Short name for diagnostics and docs (e.g. "neon-sdot-4x16c4").
  virtual llvm::StringRef getName() const = 0;
  virtual int64_t maxRows() const = 0;
  /// Output channels per block: a multiple of 4.
  virtual int64_t nr() const = 0;
  /// K is padded with zero weights to a multiple of this.
  virtual int64_t kAlign() const = 0;
  /// Bytes of packed weights for `n` channels and depth `k` (padded).
  int64_t packedBytes(int64_t n, int64_t k) const;
  /// Packs int8 weights `w` ([n][k] row-major, zero points already removed)
  /// into the microkernel's panel layout: block after block of nr()
  /// channels, each block `paddedK * nr()` bytes, zero padded.
  virtual llvm::SmallVector<int8_t> packWeights(llvm::ArrayRef<int8_t> w,
                                                int64_t n, int64_t k) const = 0;
  /// Emits the K loop for one tile. `a` and `w` are 1-D i8 memrefs; `aBase`
  /// is the byte index of the tile's first row, `wBase` that of the weight
  /// block. Returns rows * nr()/4 values of vector<4xi32>: row r, channels
  /// 4g..4g+3 at index r * nr()/4 + g.
  virtual llvm::SmallVector<mlir::Value>
  emitTile(mlir::ImplicitLocOpBuilder &b, mlir::Value a, mlir::Value aBase,
           int64_t aStride, int64_t rows, mlir::Value w, mlir::Value wBase,
           int64_t paddedK) const = 0;
};

struct KernelLoweringOptions {
  /// Prefix of the C symbols: <prefix>_run.
  std::string symbolPrefix = "model";
  /// Name of the function to lower.
  std::string entry = "main";
  const GemmMicrokernel *gemm = nullptr;
};

/// Replaces the entry function of `module` by the buffer-level `<prefix>_run`
/// (and its constant globals). On success the module carries
/// `mpq.codegen = {input_size, output_size, workspace_size, gemm}` for the
/// header writer. Errors are emitted at the offending op; the module is left
/// unchanged on failure.
mlir::LogicalResult lowerToKernels(mlir::ModuleOp module,
                                   const KernelLoweringOptions &options);

} // namespace mpq

#endif // MPQ_CONVERSION_MPQTOKERNELS_MPQTOKERNELS_H
