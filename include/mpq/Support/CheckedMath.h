//===- CheckedMath.h - overflow-checked sizes and shape products -*- C++ -*-===//
//
// One place for the arithmetic on element counts, byte sizes and shape
// products that the importer, the mpq verifiers, the reference executor, the
// .npy reader and the code generator's workspace plan share. Every function
// returns std::nullopt instead of wrapping; callers turn that into an error
// that names the op or the file (see docs/hardening.md).
//
// Two limits bound what any tool accepts:
//
//   kMaxTensorBytes     one tensor (an activation, a constant, a .npy array),
//                       2^40 bytes = 1 TiB.
//   kMaxWorkspaceBytes  the generated code's workspace (all activations live
//                       at once), also 2^40 bytes.
//
// 2^40 is far above any network mpq targets (the bundled models need a few
// MiB; an ImageNet ResNet-50 activation at batch 256 is about 3 GiB) and far
// below int64's range: with every tensor under 2^40 bytes, a flat index, a
// byte offset or the sum of a few of them can never wrap in int64, so code
// past the checks may use plain int64 arithmetic.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_SUPPORT_CHECKEDMATH_H
#define MPQ_SUPPORT_CHECKEDMATH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CheckedArithmetic.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mpq {

/// Largest byte size of a single tensor any mpq tool creates or accepts.
inline constexpr int64_t kMaxTensorBytes = int64_t(1) << 40;
/// Largest workspace the code generator plans.
inline constexpr int64_t kMaxWorkspaceBytes = int64_t(1) << 40;

/// a + b, or nullopt if it overflows int64.
inline std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  return llvm::checkedAdd(a, b);
}

/// a * b, or nullopt if it overflows int64.
inline std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  return llvm::checkedMul(a, b);
}

/// a + b + c + ..., or nullopt if any partial sum overflows int64.
inline std::optional<int64_t> checkedSum(llvm::ArrayRef<int64_t> values) {
  int64_t s = 0;
  for (int64_t v : values) {
    std::optional<int64_t> next = checkedAdd(s, v);
    if (!next)
      return std::nullopt;
    s = *next;
  }
  return s;
}

/// The number of elements of `shape` (1 for rank 0), or nullopt if a
/// dimension is negative (dynamic) or the product overflows int64. A zero
/// dimension makes the product 0 even when other factors are huge.
inline std::optional<int64_t> checkedNumElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  bool zero = false;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    if (d == 0)
      zero = true;
  }
  if (zero)
    return 0;
  for (int64_t d : shape) {
    std::optional<int64_t> next = checkedMul(n, d);
    if (!next)
      return std::nullopt;
    n = *next;
  }
  return n;
}

/// numElements(shape) * elementBytes, or nullopt on a negative dimension or
/// overflow.
inline std::optional<int64_t> checkedByteSize(llvm::ArrayRef<int64_t> shape,
                                              int64_t elementBytes) {
  std::optional<int64_t> n = checkedNumElements(shape);
  if (!n)
    return std::nullopt;
  return checkedMul(*n, elementBytes);
}

/// Formats `shape` as "2x3x4" ("scalar" for rank 0, "?" for negative
/// dimensions).
inline std::string formatCheckedShape(llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += 'x';
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return s;
}

/// Checks a tensor of `shape` with `elementBytes`-byte elements against
/// kMaxTensorBytes. Returns nullopt if it fits, otherwise the reason, e.g.
/// "shape 4x1099511627776 (f32) needs 17592186044416 bytes, more than the
/// single-tensor limit of 2^40 bytes". `what` names the element type in the
/// message.
inline std::optional<std::string>
checkTensorSize(llvm::ArrayRef<int64_t> shape, int64_t elementBytes,
                llvm::StringRef what) {
  for (int64_t d : shape)
    if (d < 0)
      return "shape " + formatCheckedShape(shape) + " (" + what.str() +
             ") has a negative dimension " + std::to_string(d);
  std::optional<int64_t> bytes = checkedByteSize(shape, elementBytes);
  if (!bytes)
    return "shape " + formatCheckedShape(shape) + " (" + what.str() +
           ") overflows 64-bit size arithmetic (the single-tensor limit is "
           "2^40 bytes)";
  if (*bytes > kMaxTensorBytes)
    return "shape " + formatCheckedShape(shape) + " (" + what.str() +
           ") needs " + std::to_string(*bytes) +
           " bytes, more than the single-tensor limit of 2^40 bytes";
  return std::nullopt;
}

} // namespace mpq

#endif // MPQ_SUPPORT_CHECKEDMATH_H
