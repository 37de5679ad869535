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

/// Rescaled addition of two quantized values (mpq.add): each operand minus
/// its zero point is shifted left by `kAddLeftShift` bits and brought to the
/// common scale 2 * max(s_a, s_b) with applyMultiplier; the int32 sum is
/// requantized to the output.
struct AddParams {
  static constexpr int kAddLeftShift = 20;
  int32_t zpA = 0, zpB = 0, zpOut = 0;
  FixedPointMultiplier mA, mB, mOut;
  int32_t lo = -128, hi = 127;
};
AddParams makeAddParams(double scaleA, int32_t zpA, double scaleB,
                        int32_t zpB, double scaleOut, int32_t zpOut,
                        int32_t lo, int32_t hi);
int32_t addQuantized(int32_t a, int32_t b, const AddParams &p);

/// The multiplier of an average over `count` elements (mpq.avg_pool2d):
/// s_in / (s_out * count); the int32 sum of (q - zp_in) over the window is
/// then requantized with it.
FixedPointMultiplier averageMultiplier(double scaleIn, double scaleOut,
                                       int64_t count);

/// Requantization of a sum of K weighted accumulators (multipoint weights,
/// multiple low-precision tensors): each term's accumulator is brought to a
/// Q16 fixed-point value with its own multiplier (`termMultipliers[k]` holds
/// M_k * 2^16, from quantizeMultiplier), the int32 values are added, and the
/// sum is rounded once (ties up) to the output code:
///   y = clamp(zp + ((sum_k applyMultiplier(acc_k, M_k * 2^16) + 2^15) >> 16),
///             lo, hi)
constexpr int kMultipointFracBits = 16;
int32_t requantizeTerms(const int32_t *accs,
                        const FixedPointMultiplier *termMultipliers,
                        int numTerms, int32_t zeroPoint, int32_t lo,
                        int32_t hi);

/// exp(x) in float32, defined here once so that mpq-run (tosa.exp) and the
/// generated code agree bit for bit without a libm: Cody-Waite reduction
/// x = k ln2 + r (k = rne(x log2 e), ln2 split in two float constants),
/// the degree-6 Cephes polynomial, and 2^k applied as two exact power-of-two
/// multiplies (so results that underflow round once, as IEEE multiplies).
/// Every step is one float32 operation, in this order, none fused. NaN
/// returns NaN, x > 88.7228394 returns +inf, x < -103.972084 returns 0.
/// Within 2 ulp of the correctly rounded exp (unit-tested).
float expFloat(float x);
/// log(x) in float32, defined once for mpq-run (tosa.log) and generated
/// code, like expFloat: x = 2^e * m with m in [sqrt(1/2), sqrt(2)) read from
/// the bits (subnormals scaled by 2^23 first), f = m - 1, and
///   log x = f - f^2/2 + f^3 P(f) + e ln2
/// with the degree-8 Cephes polynomial P and ln2 split in two float
/// constants; every step one float32 operation in the order of the
/// definition, none fused. NaN returns NaN, +inf returns +inf, +-0 returns
/// -inf, x < 0 returns the positive quiet NaN. Within 2 ulp of the correctly
/// rounded log (unit-tested).
float logFloat(float x);
struct LogConstants {
  static constexpr float kSqrtHalf = 0.707106781186547524f;
  static constexpr float kLn2Hi = 0.693359375f;
  static constexpr float kLn2Lo = -2.12194440e-4f;
  static constexpr float kPoly[9] = {
      7.0376836292e-2f,  -1.1514610310e-1f, 1.1676998740e-1f,
      -1.2420140846e-1f, 1.4249322787e-1f,  -1.6668057665e-1f,
      2.0000714765e-1f,  -2.4999993993e-1f, 3.3333331174e-1f};
};

/// x^y in float32 as mpq-run computes tosa.pow. An exponent of 0.5 (ONNX
/// Sqrt is imported as Pow(x, 0.5)) is the correctly rounded square root,
/// with pow's special cases: pow(+-0, 0.5) = +0 and pow(-inf, 0.5) = +inf,
/// and the positive quiet NaN for x < 0 (a NaN x is returned as it is), so
/// generated code, which has only this exponent, agrees bit for bit without
/// a libm on any host; any other exponent is std::pow.
float powFloat(float x, float y);
struct ExpConstants {
  static constexpr float kMaxInput = 88.72283935546875f;
  static constexpr float kMinInput = -103.97208404541015625f;
  static constexpr float kLog2e = 1.44269502162933349609375f;
  static constexpr float kLn2Hi = 0.693359375f;
  static constexpr float kLn2Lo = -2.12194440e-4f;
  static constexpr float kPoly[6] = {1.9875691500e-4f, 1.3981999507e-3f,
                                     8.3334519073e-3f, 4.1665795894e-2f,
                                     1.6666665459e-1f, 5.0000001201e-1f};
};

} // namespace mpq

#endif // MPQ_QUANT_INTEGERSEMANTICS_H
