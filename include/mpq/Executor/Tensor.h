//===- Tensor.h - dense host tensor for the reference executor --*- C++ -*-===//
//
// A minimal dense, contiguous, row-major tensor. It is the value type of the
// reference executor (mpq-run) and of its NumPy reader and writer. Element
// storage is one of three kinds:
//
//   F32  float
//   I32  int32_t, also used for every integer type up to 32 bits (i1, i8,
//        i16, i32): values are stored sign-extended (i1 as 0 / 1)
//   I64  int64_t, also used for `index` and `!tosa.shape` values
//
// The class deliberately knows nothing about MLIR types; the executor maps
// MLIR element types onto kinds (see Executor.h).
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_EXECUTOR_TENSOR_H
#define MPQ_EXECUTOR_TENSOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/LogicalResult.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>

namespace mpq {

/// Storage kind of a Tensor's elements.
enum class ElementKind : uint8_t { F32, I32, I64 };

/// Returns "f32", "i32" or "i64".
llvm::StringRef stringifyElementKind(ElementKind kind);

/// Returns the size in bytes of one element of `kind`.
size_t getElementKindSize(ElementKind kind);

/// Maps a C++ element type onto its kind (float, int32_t, int64_t only).
template <typename T> constexpr ElementKind getElementKindOf() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, int32_t> ||
                    std::is_same_v<T, int64_t>,
                "Tensor elements are float, int32_t or int64_t");
  if constexpr (std::is_same_v<T, float>)
    return ElementKind::F32;
  else if constexpr (std::is_same_v<T, int32_t>)
    return ElementKind::I32;
  else
    return ElementKind::I64;
}

/// Returns the number of elements of `shape` (1 for rank 0). The shape must
/// be checked (see checkedNumElements in mpq/Support/CheckedMath.h) when it
/// comes from input.
int64_t getNumElements(llvm::ArrayRef<int64_t> shape);

/// Formats `shape` as "2x3x4" ("scalar" for rank 0).
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// A dense row-major tensor owning its storage. Copying copies the data;
/// moving is cheap. The storage is 64-byte aligned; large buffers are
/// recycled through a process-wide cache instead of going back to the OS.
class Tensor {
public:
  /// An empty f32 tensor of shape [0].
  Tensor();
  /// A tensor of `kind` and `shape` with every element zero.
  Tensor(ElementKind kind, llvm::ArrayRef<int64_t> shape);
  /// A tensor of `kind` and `shape` whose elements are left uninitialised
  /// (for kernels that overwrite every element).
  static Tensor createUninitialized(ElementKind kind,
                                    llvm::ArrayRef<int64_t> shape);
  /// Like createUninitialized (or the zeroing constructor when `zero`), but
  /// checks the shape first (no negative dimension, no overflow, at most
  /// kMaxTensorBytes, see mpq/Support/CheckedMath.h) and reports a failed
  /// allocation instead of aborting. On failure returns failure and
  /// explains in `error`. Use it for every size that comes from input.
  static llvm::FailureOr<Tensor> tryCreate(ElementKind kind,
                                           llvm::ArrayRef<int64_t> shape,
                                           bool zero, std::string &error);
  /// A tensor holding a copy of `values`, which must have
  /// getNumElements(shape) elements.
  template <typename T>
  static Tensor fromValues(llvm::ArrayRef<int64_t> shape,
                           llvm::ArrayRef<T> values) {
    Tensor t = createUninitialized(getElementKindOf<T>(), shape);
    std::copy(values.begin(), values.end(), t.getData<T>());
    return t;
  }

  Tensor(const Tensor &other);
  Tensor &operator=(const Tensor &other);
  Tensor(Tensor &&other) noexcept;
  Tensor &operator=(Tensor &&other) noexcept;
  ~Tensor();

  ElementKind getKind() const { return kind; }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  int64_t getRank() const { return static_cast<int64_t>(shape.size()); }
  int64_t getDimSize(int64_t dim) const { return shape[dim]; }
  int64_t getNumElements() const { return numElements; }
  size_t getNumBytes() const {
    return static_cast<size_t>(numElements) * getElementKindSize(kind);
  }
  /// Returns "2x3xf32"-style text.
  std::string getTypeString() const;

  /// Typed access to the elements; T must match the kind.
  template <typename T> T *getData() { return static_cast<T *>(storage); }
  template <typename T> const T *getData() const {
    return static_cast<const T *>(storage);
  }
  template <typename T> llvm::MutableArrayRef<T> getValues() {
    return {getData<T>(), static_cast<size_t>(numElements)};
  }
  template <typename T> llvm::ArrayRef<T> getValues() const {
    return {getData<T>(), static_cast<size_t>(numElements)};
  }
  void *getRawData() { return storage; }
  const void *getRawData() const { return storage; }

  /// Reads element `index` (flat, row-major) converted to double.
  double getAsDouble(int64_t index) const;
  /// Reads element `index` converted to int64_t (floats are truncated).
  int64_t getAsInt64(int64_t index) const;

  /// Changes the shape keeping the data; the element count must not change.
  /// Returns false (and leaves the tensor unchanged) otherwise.
  bool reshape(llvm::ArrayRef<int64_t> newShape);

  /// Returns a copy of rows [begin, end) along dimension 0 (rank >= 1).
  Tensor sliceDim0(int64_t begin, int64_t end) const;

  /// Concatenates tensors along dimension 0. All parts must have the same
  /// kind, rank >= 1 and equal trailing dimensions; `error` explains when they
  /// do not (and an empty tensor is returned).
  static Tensor concatDim0(llvm::ArrayRef<Tensor> parts, std::string &error);

private:
  /// Allocates getNumBytes() bytes; returns false if the allocation fails.
  bool tryAllocate();
  void allocate();
  void deallocate();

  ElementKind kind = ElementKind::F32;
  llvm::SmallVector<int64_t, 4> shape;
  int64_t numElements = 0;
  void *storage = nullptr;
  /// Bytes allocated at `storage` (may exceed getNumBytes()).
  size_t capacity = 0;
};

/// Counts the rows of `logits` (rows = all dimensions but the last) whose
/// argmax over the last dimension equals the matching entry of `labels`
/// (first maximum wins). Fails, explaining in `error`, when the number of
/// labels differs from the number of rows or a label is outside
/// [0, number of classes).
llvm::FailureOr<int64_t> countTop1Correct(const Tensor &logits,
                                          const Tensor &labels,
                                          std::string &error);

} // namespace mpq

#endif // MPQ_EXECUTOR_TENSOR_H
