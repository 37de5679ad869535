//===- MPQToRVV.h - RISC-V RVV 1.0 code generation --------------*- C++ -*-===//

#ifndef MPQ_CONVERSION_MPQTORVV_MPQTORVV_H
#define MPQ_CONVERSION_MPQTORVV_MPQTORVV_H

#include "mpq/Conversion/MPQToKernels/MPQToKernels.h"

#include <memory>

namespace mpq {

/// The RVV 1.0 GEMM microkernel (rvv-vwmacc-4x16): 4 rows x 16 channels,
/// each activation byte broadcast (`vwmacc.vx`) against a 16-channel weight
/// register, products summed in int16 for as many depth steps as the
/// layer's weights provably allow, then widened into int32 (`vwadd.wv`).
/// Fixed-length vectors of 16 bytes: correct on every VLEN >= 128.
std::unique_ptr<GemmMicrokernel> createRVVMicrokernel();

/// The number of int8 x weight products an int16 accumulator can take
/// without overflow for weights of magnitude <= maxAbs and activation codes
/// in [-128, 127]: the largest power of two c <= limit with
/// c * 128 * maxAbs <= 32767.
int64_t rvvInt16Chunk(int64_t maxAbs, int64_t limit);

} // namespace mpq

#endif // MPQ_CONVERSION_MPQTORVV_MPQTORVV_H
