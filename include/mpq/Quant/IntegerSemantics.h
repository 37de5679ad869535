//===- IntegerSemantics.h - the one definition of mpq integer math -*- C++ -*-===//
//
// Every integer step of a quantized mpq module is defined here, once: the
// reference executor calls these functions, and the NEON and RVV code
// generators must reproduce them bit for bit. docs/integer-semantics.md
// states the same rules in prose.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_QUANT_INTEGERSEMANTICS_H
#define MPQ_QUANT_INTEGERSEMANTICS_H

#include <cstdint>

namespace mpq {

/// A positive real multiplier M written as mantissa * 2^-shift, with the
/// mantissa in [2^30, 2^31) and 0 <= shift <= 62 (so 2^-32 < M < 2^32 is
/// representable to 31 significant bits).
struct FixedPointMultiplier {
  int32_t mantissa = 0;
  int32_t shift = 0;
};

/// The fixed-point multiplier nearest to `m` (> 0). Returns a zero mantissa
/// when `m` is below the representable range (the result of every
/// requantization is then the zero point), and saturates above it.
FixedPointMultiplier quantizeMultiplier(double m);

/// round(acc * mantissa / 2^shift), ties rounded up (toward +infinity),
/// computed exactly in 64-bit arithmetic and saturated to int32.
int32_t applyMultiplier(int32_t acc, FixedPointMultiplier m);

/// Requantization of an int32 accumulator: applyMultiplier, add the output
/// zero point, clamp to [lo, hi].
int32_t requantize(int32_t acc, FixedPointMultiplier m, int32_t zeroPoint,
                   int32_t lo, int32_t hi);

/// Float to integer: x * invScale in float32 arithmetic, rounded to nearest
/// with ties to even (the IEEE default, AArch64 FCVTNS / RVV vfcvt with
/// frm=rne), plus the zero point, clamped to [lo, hi]. `invScale` is the
/// float32 value of 1/scale, computed once per tensor or channel.
int32_t quantizeFloat(float x, float invScale, int32_t zeroPoint, int32_t lo,
                      int32_t hi);

/// Integer to float: float32(q - zeroPoint) * scale (float32 scale).
inline float dequantize(int32_t q, float scale, int32_t zeroPoint) {
  return float(q - zeroPoint) * scale;
}

/// Bias in accumulator units: round-half-even(bias / (inScale * wScale)),
/// saturated to int32.
int32_t quantizeBias(double bias, double inScale, double weightScale);

} // namespace mpq

#endif // MPQ_QUANT_INTEGERSEMANTICS_H
