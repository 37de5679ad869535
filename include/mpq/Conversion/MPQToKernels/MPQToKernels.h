//===- MPQToKernels.h - quantized graph to loops and microkernels -*- C++
//-*-===//
//
// Lowers the quantized tensor function of a model (mpq ops plus TOSA data
// movement on codes) to one buffer-level function
//
//   func.func @<name>_run(%input0: memref<N0xf32>, ..., %output0:
//                         memref<M0xf32>, ..., %workspace: memref<Wxi8>) -> i32
//
// (one buffer per input, then one per output, in the function's order)
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

#include "mpq/Target/TargetDescription.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/MathExtras.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mpq {

/// How a weight panel is stored: `container` bits per weight (8, 4 or 2,
/// 8 / container fields per byte) and whether the fields are unpacked with
/// the low-bit scale folded in (shift to the top of the byte, mask: the
/// register then holds 2^(8 - container) * w, and the epilogue divides it
/// out exactly) or sign-extended (one more shift, no factor).
struct WeightFormat {
  unsigned container = 8;
  bool folded = false;
  /// Largest |w| of the term (after its zero point is removed), as the
  /// driver read it from the constant: kernels that accumulate products in
  /// narrow registers prove their bounds from it (at most 128).
  int64_t maxAbs = 128;
  /// The longest depth span over which int16 sums of products are proven
  /// exact: for every channel and every span-aligned window of K, the sum
  /// of a * w over the window lies in [-32768, 32767] for any int8
  /// activations a (int16 arithmetic wraps, so only the window's total
  /// must fit). 1, 2, 4 or 8, or a multiple of 16 up to the padded depth
  /// (computeInt16Span); kernels may widen to int32 once per span.
  int64_t int16Span = 1;
  int64_t fieldsPerByte() const { return 8 / container; }
  /// The factor a folded register carries (1 when not folded).
  int64_t factor() const { return folded ? int64_t(1) << (8 - container) : 1; }
};

/// WeightFormat::int16Span of the weights `w` ([n][k] row-major, zero
/// points removed) at padded depth `paddedK`.
int64_t computeInt16Span(llvm::ArrayRef<int8_t> w, int64_t n, int64_t k,
                         int64_t paddedK);

/// How the driver hands activations to a kernel.
enum class ActivationEncoding {
  /// Signed int8 codes as stored (zero points folded into the bias).
  S8,
  /// Codes + 128 as unsigned bytes (for u8 x s8 instructions); no backend
  /// uses it yet, so the driver refuses kernels that ask for it.
  U8Plus128,
};

/// A GEMM microkernel: accumulates a tile of `rows` (<= maxRows()) rows of an
/// int8 activation matrix A (row-major, `aStride` bytes between rows, K padded
/// to kAlign() = 16) against one block of nr() output channels of a weight
/// matrix pre-packed by packWeights(). Accumulators are int32.
///
/// The contract the ISA-neutral driver (lib/Conversion/MPQToKernels) relies
/// on, which every backend states through the hooks below:
/// - depth step: kAlign() bytes of K per step (16); K is zero padded to it;
/// - register: registerBytes() bytes per weight register of the canonical
///   panel (16; a scalable backend still reads its panel in 16-byte units);
/// - accumulator tile: rows x nr() int32 values handed to the epilogue as
///   accumulatorLanes()-wide vectors (4);
/// - packed weight formats: containers 8/4/2, folded only when
///   readsFoldedWeights() (a kernel that accumulates products in 16 bits
///   needs the plain sign-extended values);
/// - activations: activationEncoding().
///
/// Every kernel consumes, per 16 steps of depth, nr() weight registers of 16
/// bytes in an order of its own (the "canonical panel": 16 * nr() bytes per
/// block and K step). A format with F fields per byte stores registers
/// j, j + nr/F, j + 2*nr/F, ... in the fields (low bits first) of the j-th
/// byte vector of the step; the base class packs and unpacks them, so a
/// kernel only defines the canonical order and its inner loop.
class GemmMicrokernel {
public:
  virtual ~GemmMicrokernel();
  /// Short name for diagnostics and docs (e.g. "neon-sdot-6x8c4").
  virtual llvm::StringRef getName() const = 0;
  virtual int64_t maxRows() const = 0;
  /// Rows per tile for a layer whose weight terms have `formats` (at most
  /// maxRows(), which sizes the activation tile buffers). Default:
  /// maxRows().
  virtual int64_t rowsFor(llvm::ArrayRef<WeightFormat> formats) const {
    return maxRows();
  }
  /// Output channels per block: a multiple of 8 (a multiple of 16 for
  /// low-bit formats).
  virtual int64_t nr() const { return 16; }
  int64_t kAlign() const { return 16; }
  /// Bytes of one canonical weight register.
  int64_t registerBytes() const { return 16; }
  /// int32 lanes of one accumulator vector handed to the epilogue.
  int64_t accumulatorLanes() const { return 4; }
  /// Whether the kernel reads low-bit weights in the folded format (values
  /// scaled by 2^(8 - container)); otherwise the driver sign-extends them.
  virtual bool readsFoldedWeights() const { return true; }
  /// Channels per vector of the ISA-neutral depthwise loop (a power of two
  /// >= 8; it takes the widest that divides the layer's channels). Fixed-
  /// length vectors of that many int8 lanes must be efficient on every core
  /// the kernel runs on.
  virtual int64_t depthwiseLanes() const { return 8; }
  virtual ActivationEncoding activationEncoding() const {
    return ActivationEncoding::S8;
  }
  /// Bytes of packed weights per block of nr() channels.
  int64_t blockBytes(int64_t k, WeightFormat f) const {
    return llvm::alignTo(k, kAlign()) * nr() / f.fieldsPerByte();
  }
  /// Packs int8 weights `w` ([n][k] row-major, zero points removed; every
  /// value must fit the container) into blocks of nr() channels of
  /// blockBytes() each, zero padded.
  llvm::SmallVector<int8_t> packWeights(llvm::ArrayRef<int8_t> w, int64_t n,
                                        int64_t k, WeightFormat f) const;
  /// Emits the K loop for one tile. `a` and `w` are 1-D i8 memrefs; `aBase`
  /// is the byte index of the tile's first row, `wBase` that of the weight
  /// block. Returns rows * nr()/4 values of vector<4xi32>: row r, channels
  /// 4g..4g+3 at index r * nr()/4 + g (scaled by f.factor()).
  virtual llvm::SmallVector<mlir::Value>
  emitTile(mlir::ImplicitLocOpBuilder &b, mlir::Value a, mlir::Value aBase,
           int64_t aStride, int64_t rows, mlir::Value w, mlir::Value wBase,
           int64_t paddedK, WeightFormat f) const = 0;
  /// emitTile for a block of which the driver reads only the first `valid`
  /// (<= nr()) channels: a kernel that strip-mines its channels may skip
  /// the rest. Default: emitTile.
  virtual llvm::SmallVector<mlir::Value>
  emitPartialTile(mlir::ImplicitLocOpBuilder &b, mlir::Value a,
                  mlir::Value aBase, int64_t aStride, int64_t rows,
                  mlir::Value w, mlir::Value wBase, int64_t paddedK,
                  WeightFormat f, int64_t valid) const {
    return emitTile(b, a, aBase, aStride, rows, w, wBase, paddedK, f);
  }

protected:
  /// Byte offset, in the canonical panel of one block, of weight (channel
  /// `ch` < 16, depth `j`), for a panel of depth `paddedK`.
  virtual int64_t canonicalOffset(int64_t ch, int64_t j) const = 0;
  /// The nr() canonical weight registers (vector<16xi8>) of the K step at
  /// depth `kb` of the block at `wBase`.
  llvm::SmallVector<mlir::Value>
  loadWeightStep(mlir::ImplicitLocOpBuilder &b, mlir::Value w,
                 mlir::Value wBase, mlir::Value kb, WeightFormat f) const;
  /// Loads two adjacent vector<16xi8> from the 1-D i8 memref `mem` at byte
  /// `at` (a target may use a paired load instruction; default: two
  /// vector.load).
  virtual std::pair<mlir::Value, mlir::Value>
  loadPair(mlir::ImplicitLocOpBuilder &b, mlir::Value mem,
           mlir::Value at) const;
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
/// `mpq.codegen = {input_sizes, output_sizes, input_names, output_names,
/// workspace_size, gemm, name}` for the header writer. Errors are emitted at
/// the offending op; the module is left unchanged on failure.
mlir::LogicalResult lowerToKernels(mlir::ModuleOp module,
                                   const KernelLoweringOptions &options);

/// Every weight and activation width of the module's conv/FC ops must be
/// one the target description lists; errors at the op.
mlir::LogicalResult checkTargetWidths(mlir::ModuleOp module,
                                      const TargetDescription &target);

/// Code generation takes quantized modules: a float conv/matmul/pool, or no
/// mpq.quantize at all in `entry`, is "not quantized", and a quantize or
/// dequantize must use codes of 8 bits or fewer in i8; errors at the op,
/// before any lowering (docs/hardening.md, class 10).
mlir::LogicalResult checkQuantized(mlir::ModuleOp module,
                                   llvm::StringRef entry);

/// Upstream conversions from scf/arith/math/memref/vector (and intrinsic
/// calls, already LLVM) to the LLVM dialect, with the bare-pointer calling
/// convention so that `<name>_run` takes plain C pointers. Every backend
/// uses it.
void buildKernelsToLLVMPipeline(mlir::OpPassManager &pm);

/// What distinguishes one ISA backend's lowering pass from another.
struct BackendLowering {
  /// Pass argument, the prefix of its diagnostics ("lower-to-neon").
  llvm::StringRef passName;
  /// TargetDescription::arch it accepts ("aarch64").
  llvm::StringRef arch;
  /// Feature the target must list ("neon"), and what the refusal adds.
  llvm::StringRef feature;
  llvm::StringRef featureNote;
  /// The GEMM microkernel for an accepted target.
  std::unique_ptr<GemmMicrokernel> (*createKernel)(const TargetDescription &);
  /// Optional: run on the lowered module (before `mpq.target` is recorded),
  /// e.g. to add a startup check of what the code assumes of the core.
  mlir::LogicalResult (*finish)(mlir::ModuleOp, const TargetDescription &,
                                const GemmMicrokernel &,
                                llvm::StringRef symbolPrefix) = nullptr;
};

/// The pass options every backend takes (the fields of Passes.td's
/// --lower-to-neon and --lower-to-rvv).
struct BackendPassOptions {
  llvm::StringRef target, targetsDir, targetFile, symbolPrefix, entry;
};

/// The body every backend pass shares, up to the kernel-level IR: checks the
/// C symbol prefix, finds the target (by file or by name), checks its arch
/// and feature, that the module is quantized and its widths are ones the
/// target runs, then lowers with the backend's kernel and records
/// `mpq.target` and `llvm.target_triple`. Errors on the module or the op.
mlir::LogicalResult lowerForBackend(mlir::ModuleOp module,
                                    const BackendPassOptions &options,
                                    const BackendLowering &backend);

} // namespace mpq

#endif // MPQ_CONVERSION_MPQTOKERNELS_MPQTOKERNELS_H
