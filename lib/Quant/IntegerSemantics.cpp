//===- IntegerSemantics.cpp - the one definition of mpq integer math ------===//

#include "mpq/Quant/IntegerSemantics.h"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <limits>

using namespace mpq;

static int32_t saturate32(int64_t v) {
  return int32_t(std::clamp<int64_t>(v, std::numeric_limits<int32_t>::min(),
                                     std::numeric_limits<int32_t>::max()));
}

FixedPointMultiplier mpq::quantizeMultiplier(double m) {
  FixedPointMultiplier r;
  if (!(m > 0.0) || !std::isfinite(m))
    return r;
  int exp;
  double frac = std::frexp(m, &exp); // m = frac * 2^exp, frac in [0.5, 1)
  int64_t mant = int64_t(std::llround(frac * double(int64_t(1) << 31)));
  if (mant == (int64_t(1) << 31)) { // rounding carried into the next power
    mant /= 2;
    ++exp;
  }
  int shift = 31 - exp;
  if (shift > 62) {
    // M < 2^-32: |acc * M| < 1/2 for every int32 acc, so the product rounds
    // to 0 (or to 0 from -1/2 upward); the zero multiplier is exact.
    return r;
  }
  if (shift < 0) { // too large: saturate
    mant = (int64_t(1) << 31) - 1;
    shift = 0;
  }
  r.mantissa = int32_t(mant);
  r.shift = shift;
  return r;
}

int32_t mpq::applyMultiplier(int32_t acc, FixedPointMultiplier m) {
  int64_t prod = int64_t(acc) * int64_t(m.mantissa); // |prod| < 2^62
  if (m.shift == 0)
    return saturate32(prod);
  // Round half up: add 2^(shift-1) then arithmetic shift right (floor).
  int64_t rounded = (prod + (int64_t(1) << (m.shift - 1))) >> m.shift;
  return saturate32(rounded);
}

int32_t mpq::requantize(int32_t acc, FixedPointMultiplier m,
                        int32_t zeroPoint, int32_t lo, int32_t hi) {
  int64_t v = int64_t(applyMultiplier(acc, m)) + zeroPoint;
  return int32_t(std::clamp<int64_t>(v, lo, hi));
}

int32_t mpq::quantizeFloat(float x, float invScale, int32_t zeroPoint,
                           int32_t lo, int32_t hi) {
  float scaled = x * invScale;
  if (std::isnan(scaled))
    return int32_t(std::clamp<int64_t>(zeroPoint, lo, hi));
  // nearbyint under the default rounding mode is round-half-even.
  float r = std::nearbyint(scaled);
  int64_t q;
  if (r >= 2147483648.0f)
    q = std::numeric_limits<int32_t>::max();
  else if (r < -2147483648.0f)
    q = std::numeric_limits<int32_t>::min();
  else
    q = int64_t(r);
  return int32_t(std::clamp<int64_t>(q + zeroPoint, lo, hi));
}

int32_t mpq::quantizeBias(double bias, double inScale, double weightScale) {
  double v = std::nearbyint(bias / (inScale * weightScale));
  if (v >= 2147483647.0)
    return std::numeric_limits<int32_t>::max();
  if (v <= -2147483648.0)
    return std::numeric_limits<int32_t>::min();
  return int32_t(v);
}

AddParams mpq::makeAddParams(double scaleA, int32_t zpA, double scaleB,
                             int32_t zpB, double scaleOut, int32_t zpOut,
                             int32_t lo, int32_t hi) {
  AddParams p;
  double twiceMax = 2.0 * std::max(scaleA, scaleB);
  p.zpA = zpA;
  p.zpB = zpB;
  p.zpOut = zpOut;
  p.mA = quantizeMultiplier(scaleA / twiceMax);
  p.mB = quantizeMultiplier(scaleB / twiceMax);
  p.mOut = quantizeMultiplier(
      twiceMax / (scaleOut * double(int64_t(1) << AddParams::kAddLeftShift)));
  p.lo = lo;
  p.hi = hi;
  return p;
}

int32_t mpq::addQuantized(int32_t a, int32_t b, const AddParams &p) {
  int32_t xa = (a - p.zpA) * (int32_t(1) << AddParams::kAddLeftShift);
  int32_t xb = (b - p.zpB) * (int32_t(1) << AddParams::kAddLeftShift);
  int32_t sum = applyMultiplier(xa, p.mA) + applyMultiplier(xb, p.mB);
  return requantize(sum, p.mOut, p.zpOut, p.lo, p.hi);
}

FixedPointMultiplier mpq::averageMultiplier(double scaleIn, double scaleOut,
                                            int64_t count) {
  return quantizeMultiplier(scaleIn / (scaleOut * double(count)));
}

int32_t mpq::requantizeTerms(const int32_t *accs,
                             const FixedPointMultiplier *termMultipliers,
                             int numTerms, int32_t zeroPoint, int32_t lo,
                             int32_t hi) {
  int64_t sum = 0;
  for (int k = 0; k < numTerms; ++k)
    sum += applyMultiplier(accs[k], termMultipliers[k]);
  int64_t rounded = (sum + (int64_t(1) << (kMultipointFracBits - 1))) >>
                    kMultipointFracBits;
  return int32_t(std::clamp<int64_t>(rounded + zeroPoint, lo, hi));
}

// Each float operation below is one IEEE float32 operation; contracting a
// multiply and an add into an FMA would change results.
#pragma STDC FP_CONTRACT OFF

static float powerOfTwo(int32_t e) { // 2^e for e in [-126, 127]
  uint32_t bits = uint32_t(e + 127) << 23;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

float mpq::expFloat(float x) {
  if (std::isnan(x))
    return x;
  if (x > ExpConstants::kMaxInput)
    return std::numeric_limits<float>::infinity();
  if (x < ExpConstants::kMinInput)
    return 0.0f;
  float t = x * ExpConstants::kLog2e;
  float kf = std::nearbyint(t);
  float m1 = kf * ExpConstants::kLn2Hi;
  float r = x - m1;
  float m2 = kf * ExpConstants::kLn2Lo;
  r = r - m2;
  float p = ExpConstants::kPoly[0];
  for (int i = 1; i < 6; ++i) {
    float pr = p * r;
    p = pr + ExpConstants::kPoly[i];
  }
  float r2 = r * r;
  float y = p * r2;
  y = y + r;
  y = y + 1.0f;
  int32_t k = int32_t(kf);
  int32_t k1 = k >> 1, k2 = k - k1;
  y = y * powerOfTwo(k1);
  return y * powerOfTwo(k2);
}

float mpq::logFloat(float x) {
  if (std::isnan(x))
    return x;
  if (x == 0.0f)
    return -std::numeric_limits<float>::infinity();
  if (x < 0.0f)
    return std::numeric_limits<float>::quiet_NaN();
  if (x == std::numeric_limits<float>::infinity())
    return x;
  int32_t e = 0;
  if (x < std::numeric_limits<float>::min()) { // subnormal: scale by 2^23
    x = x * 8388608.0f;
    e = -23;
  }
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  e += int32_t(bits >> 23) - 126;
  bits = (bits & 0x007fffffu) | 0x3f000000u; // m in [0.5, 1)
  float m;
  std::memcpy(&m, &bits, sizeof m);
  float f;
  if (m < LogConstants::kSqrtHalf) {
    e = e - 1;
    f = m + m;
    f = f - 1.0f;
  } else {
    f = m - 1.0f;
  }
  float z = f * f;
  float p = LogConstants::kPoly[0];
  for (int i = 1; i < 9; ++i) {
    float pf = p * f;
    p = pf + LogConstants::kPoly[i];
  }
  float fz = f * z;
  float y = fz * p;
  float ef = float(e);
  float lo = ef * LogConstants::kLn2Lo;
  y = y + lo;
  float hz = 0.5f * z;
  y = y - hz;
  float r = f + y;
  float hi = ef * LogConstants::kLn2Hi;
  return r + hi;
}

float mpq::powFloat(float x, float y) {
  if (y != 0.5f)
    return std::pow(x, y);
  if (x == 0.0f)
    return 0.0f;
  if (x == -std::numeric_limits<float>::infinity())
    return std::numeric_limits<float>::infinity();
  // The invalid-operation NaN of x86 is negative, AArch64's positive: both
  // get the positive quiet NaN.
  if (x < 0.0f)
    return std::numeric_limits<float>::quiet_NaN();
  return std::sqrt(x);
}
