//===- MPQToRVV.h - RISC-V RVV 1.0 code generation --------------*- C++ -*-===//

#ifndef MPQ_CONVERSION_MPQTORVV_MPQTORVV_H
#define MPQ_CONVERSION_MPQTORVV_MPQTORVV_H

#include "mpq/Conversion/MPQToKernels/MPQToKernels.h"

#include <memory>

namespace mpq {

/// The RVV 1.0 GEMM microkernel for a target whose code may assume VLEN >=
/// `minVlen`: each activation byte broadcast (`vwmacc.vx`) against a weight
/// register of one depth, products summed in int16 for as many depth steps
/// as the layer's weights provably allow, then widened into int32
/// (`vwadd.wv`). minVlen 128: rvv-vwmacc-4x16 (16-byte vectors, correct on
/// every VLEN >= 128); >= 256: rvv-vwmacc-4/3x32 (32 channels, 4-row tiles
/// for int8 layers, 3-row tiles for low-bit layers).
std::unique_ptr<GemmMicrokernel> createRVVMicrokernel(int64_t minVlen);

/// Channels per weight block of the VLEN-agnostic kernel: one LMUL-1
/// register of int8 at VLEN 512, the longest VLEN it runs on.
constexpr int64_t kRVVVlaBlock = 64;

/// What `<name>_run` returns when the core's vector registers are shorter
/// than the target's `vlen` (code for spacemit-x60, VLEN 256, run on a
/// VLEN-128 core): nothing is computed.
constexpr int kRVVVlenError = 2;

/// The number of int8 x weight products an int16 accumulator can take
/// without overflow for weights of magnitude <= maxAbs and activation codes
/// in [-128, 127]: the largest power of two c <= limit with
/// c * 128 * maxAbs <= 32767.
int64_t rvvInt16Chunk(int64_t maxAbs, int64_t limit);

} // namespace mpq

#endif // MPQ_CONVERSION_MPQTORVV_MPQTORVV_H
