//===- MPQToRVV.h - RISC-V RVV 1.0 code generation --------------*- C++ -*-===//

#ifndef MPQ_CONVERSION_MPQTORVV_MPQTORVV_H
#define MPQ_CONVERSION_MPQTORVV_MPQTORVV_H

#include "mpq/Conversion/MPQToKernels/MPQToKernels.h"

#include <memory>

namespace mpq {

/// The RVV 1.0 GEMM microkernel for a target whose code may assume VLEN >=
/// `minVlen`: each activation byte broadcast (`vwmacc.vx`) against a weight
/// register of one depth, products summed in int16 over the span the
/// layer's weights provably allow (WeightFormat::int16Span), then widened
/// into int32 (`vwadd.wv`). minVlen 128: rvv-vla-vwmacc-4/8xvl (scalable
/// vectors); >= 256: rvv-vwmacc-4/8x32 (32 channels). Tiles of 4 rows when
/// int32 accumulators live in the K loop (int8 weights), 8 when only int16
/// sums do.
std::unique_ptr<GemmMicrokernel> createRVVMicrokernel(int64_t minVlen);

/// Channels per weight block of the VLEN-agnostic kernel: one LMUL-1
/// register of int8 at VLEN 512, the longest VLEN it runs on.
constexpr int64_t kRVVVlaBlock = 64;

/// What `<name>_run` returns when the core's vector registers are shorter
/// than the target's `vlen` (code for spacemit-x60, VLEN 256, run on a
/// VLEN-128 core): nothing is computed.
constexpr int kRVVVlenError = 2;

} // namespace mpq

#endif // MPQ_CONVERSION_MPQTORVV_MPQTORVV_H
