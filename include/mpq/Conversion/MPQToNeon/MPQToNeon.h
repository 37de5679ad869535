//===- MPQToNeon.h - AArch64 NEON code generation ---------------*- C++ -*-===//

#ifndef MPQ_CONVERSION_MPQTONEON_MPQTONEON_H
#define MPQ_CONVERSION_MPQTONEON_MPQTONEON_H

#include "mpq/Conversion/MPQToKernels/MPQToKernels.h"
#include "mpq/Target/TargetDescription.h"

#include "mlir/Pass/PassManager.h"

#include <memory>

namespace mpq {

enum class NeonKernelKind { Smlal, Sdot, Smmla };

/// The GEMM microkernel of one kind: SMULL+SADALP (Armv8.0, 2x16c4), SDOT
/// (dotprod, 6x8c4) or SMMLA (i8mm, 4x16, K step 8).
std::unique_ptr<GemmMicrokernel> createNeonMicrokernel(NeonKernelKind kind);

/// The best kernel the target's features allow.
NeonKernelKind selectNeonKernel(const TargetDescription &target);

} // namespace mpq

#endif // MPQ_CONVERSION_MPQTONEON_MPQTONEON_H
