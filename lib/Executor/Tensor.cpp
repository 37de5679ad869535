//===- Tensor.cpp - dense host tensor for the reference executor ----------===//

#include "mpq/Executor/Tensor.h"
#include "mpq/Support/CheckedMath.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

using namespace mpq;

static constexpr size_t kAlignment = 64;

/// Aligned allocation through malloc, which (unlike operator new) does not
/// call LLVM's out-of-memory new-handler: a failed allocation returns null
/// and becomes an error instead of "LLVM ERROR: out of memory".
static void *alignedAllocate(size_t bytes) {
  void *p = nullptr;
  if (posix_memalign(&p, kAlignment, bytes) != 0)
    return nullptr;
  return p;
}

namespace {
/// Keeps freed large buffers for reuse. The executor allocates and frees the
/// same few activation sizes for every op and every batch; handing them back
/// to the OS (glibc returns large blocks with munmap) makes every op pay for
/// page faults on fresh memory, serialised in the kernel across threads.
class BufferCache {
public:
  void *allocate(size_t bytes, size_t &capacity) {
    if (bytes >= kMinBytes) {
      std::lock_guard<std::mutex> lock(mutex);
      // Best fit among buffers at most twice the request.
      size_t best = entries.size();
      for (size_t i = 0; i < entries.size(); ++i) {
        size_t c = entries[i].capacity;
        if (c >= bytes && c <= 2 * bytes &&
            (best == entries.size() || c < entries[best].capacity))
          best = i;
      }
      if (best != entries.size()) {
        Entry e = entries[best];
        entries.erase(entries.begin() + best);
        total -= e.capacity;
        capacity = e.capacity;
        return e.data;
      }
    }
    void *p = alignedAllocate(bytes);
    capacity = p ? bytes : 0;
    return p;
  }

  void release(void *data, size_t capacity) {
    if (capacity >= kMinBytes) {
      std::lock_guard<std::mutex> lock(mutex);
      if (total + capacity <= kMaxTotal && entries.size() < kMaxEntries) {
        entries.push_back({data, capacity});
        total += capacity;
        return;
      }
    }
    std::free(data);
  }

private:
  static constexpr size_t kMinBytes = size_t(1) << 16;
  static constexpr size_t kMaxTotal = size_t(1) << 29;
  static constexpr size_t kMaxEntries = 32;
  struct Entry {
    void *data;
    size_t capacity;
  };
  std::mutex mutex;
  std::vector<Entry> entries;
  size_t total = 0;
};

/// Never destroyed, so tensors in static storage can still release into it.
BufferCache &getBufferCache() {
  static BufferCache *cache = new BufferCache;
  return *cache;
}
} // namespace

llvm::StringRef mpq::stringifyElementKind(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return "f32";
  case ElementKind::I32:
    return "i32";
  case ElementKind::I64:
    return "i64";
  }
  return "?";
}

size_t mpq::getElementKindSize(ElementKind kind) {
  return kind == ElementKind::I64 ? 8 : 4;
}

int64_t mpq::getNumElements(llvm::ArrayRef<int64_t> shape) {
  // Wrapping multiplication: callers check shapes from input with
  // checkedNumElements first; this keeps unchecked uses free of UB.
  uint64_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<uint64_t>(d);
  return static_cast<int64_t>(n);
}

std::string mpq::formatShape(llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += 'x';
    s += std::to_string(d);
  }
  return s;
}

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

Tensor::Tensor() : shape({0}) {}

Tensor::Tensor(ElementKind kind, llvm::ArrayRef<int64_t> shape)
    : kind(kind), shape(shape), numElements(mpq::getNumElements(shape)) {
  allocate();
  if (storage)
    std::memset(storage, 0, getNumBytes());
}

Tensor Tensor::createUninitialized(ElementKind kind,
                                   llvm::ArrayRef<int64_t> shape) {
  Tensor t;
  t.kind = kind;
  t.shape.assign(shape.begin(), shape.end());
  t.numElements = mpq::getNumElements(shape);
  t.allocate();
  return t;
}

bool Tensor::tryAllocate() {
  size_t bytes = getNumBytes();
  capacity = 0;
  storage = bytes ? getBufferCache().allocate(bytes, capacity) : nullptr;
  return storage || !bytes;
}

void Tensor::allocate() {
  if (!tryAllocate())
    llvm::report_bad_alloc_error("mpq: tensor allocation failed");
}

llvm::FailureOr<Tensor> Tensor::tryCreate(ElementKind kind,
                                          llvm::ArrayRef<int64_t> shape,
                                          bool zero, std::string &error) {
  if (std::optional<std::string> why =
          checkTensorSize(shape, getElementKindSize(kind),
                          stringifyElementKind(kind))) {
    error = *why;
    return llvm::failure();
  }
  Tensor t;
  t.kind = kind;
  t.shape.assign(shape.begin(), shape.end());
  t.numElements = mpq::getNumElements(shape);
  if (!t.tryAllocate()) {
    error = "cannot allocate " + std::to_string(t.getNumBytes()) +
            " bytes for shape " + formatShape(shape) + " (" +
            stringifyElementKind(kind).str() + ")";
    t.numElements = 0;
    t.shape.assign({0});
    return llvm::failure();
  }
  if (zero && t.storage)
    std::memset(t.storage, 0, t.getNumBytes());
  return t;
}

void Tensor::deallocate() {
  if (storage)
    getBufferCache().release(storage, capacity);
  storage = nullptr;
  capacity = 0;
}

Tensor::Tensor(const Tensor &other)
    : kind(other.kind), shape(other.shape), numElements(other.numElements) {
  allocate();
  if (storage)
    std::memcpy(storage, other.storage, getNumBytes());
}

Tensor &Tensor::operator=(const Tensor &other) {
  if (this == &other)
    return *this;
  Tensor copy(other);
  *this = std::move(copy);
  return *this;
}

Tensor::Tensor(Tensor &&other) noexcept
    : kind(other.kind), shape(std::move(other.shape)),
      numElements(other.numElements), storage(other.storage),
      capacity(other.capacity) {
  other.storage = nullptr;
  other.capacity = 0;
  other.numElements = 0;
  other.shape.assign({0});
}

Tensor &Tensor::operator=(Tensor &&other) noexcept {
  if (this == &other)
    return *this;
  deallocate();
  kind = other.kind;
  shape = std::move(other.shape);
  numElements = other.numElements;
  storage = other.storage;
  capacity = other.capacity;
  other.storage = nullptr;
  other.capacity = 0;
  other.numElements = 0;
  other.shape.assign({0});
  return *this;
}

Tensor::~Tensor() { deallocate(); }

std::string Tensor::getTypeString() const {
  std::string s;
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + stringifyElementKind(kind).str();
}

double Tensor::getAsDouble(int64_t index) const {
  switch (kind) {
  case ElementKind::F32:
    return getData<float>()[index];
  case ElementKind::I32:
    return getData<int32_t>()[index];
  case ElementKind::I64:
    return static_cast<double>(getData<int64_t>()[index]);
  }
  return 0;
}

int64_t Tensor::getAsInt64(int64_t index) const {
  switch (kind) {
  case ElementKind::F32: {
    // Truncation toward zero, NaN as 0, saturated to int64 (a plain cast is
    // undefined for NaN and out-of-range values).
    float v = getData<float>()[index];
    if (std::isnan(v))
      return 0;
    if (v >= 9223372036854775808.0f)
      return INT64_MAX;
    if (v < -9223372036854775808.0f)
      return INT64_MIN;
    return static_cast<int64_t>(v);
  }
  case ElementKind::I32:
    return getData<int32_t>()[index];
  case ElementKind::I64:
    return getData<int64_t>()[index];
  }
  return 0;
}

bool Tensor::reshape(llvm::ArrayRef<int64_t> newShape) {
  std::optional<int64_t> n = checkedNumElements(newShape);
  if (!n || *n != numElements)
    return false;
  shape.assign(newShape.begin(), newShape.end());
  return true;
}

Tensor Tensor::sliceDim0(int64_t begin, int64_t end) const {
  llvm::SmallVector<int64_t, 4> partShape(shape);
  partShape[0] = end - begin;
  Tensor part = createUninitialized(kind, partShape);
  size_t rowBytes =
      static_cast<size_t>(mpq::getNumElements(getShape().drop_front())) *
      getElementKindSize(kind);
  if (part.getNumBytes())
    std::memcpy(part.storage,
                static_cast<const char *>(storage) + begin * rowBytes,
                part.getNumBytes());
  return part;
}

Tensor Tensor::concatDim0(llvm::ArrayRef<Tensor> parts, std::string &error) {
  if (parts.empty()) {
    error = "nothing to concatenate";
    return Tensor();
  }
  const Tensor &first = parts.front();
  if (first.getRank() == 0) {
    error = "cannot concatenate rank-0 tensors along dimension 0";
    return Tensor();
  }
  int64_t rows = 0;
  for (const Tensor &p : parts) {
    if (p.kind != first.kind || p.getRank() != first.getRank() ||
        p.getShape().drop_front() != first.getShape().drop_front()) {
      error = "cannot concatenate " + p.getTypeString() + " with " +
              first.getTypeString() + " along dimension 0";
      return Tensor();
    }
    rows += p.shape[0];
  }
  llvm::SmallVector<int64_t, 4> outShape(first.shape);
  outShape[0] = rows;
  Tensor out = createUninitialized(first.kind, outShape);
  char *dst = static_cast<char *>(out.storage);
  for (const Tensor &p : parts) {
    if (p.getNumBytes())
      std::memcpy(dst, p.storage, p.getNumBytes());
    dst += p.getNumBytes();
  }
  return out;
}

llvm::FailureOr<int64_t> mpq::countTop1Correct(const Tensor &logits,
                                         const Tensor &labels,
                                         std::string &error) {
  int64_t classes = logits.getRank() ? logits.getShape().back() : 0;
  int64_t rows = classes ? logits.getNumElements() / classes : 0;
  if (classes == 0 || labels.getNumElements() != rows) {
    error = "has " + std::to_string(labels.getNumElements()) +
            " labels but output 0 (" + logits.getTypeString() + ") has " +
            std::to_string(rows) + " rows";
    return llvm::failure();
  }
  // A label outside [0, classes) can never be right; counting it as wrong
  // would hide a mislabelled file (e.g. -1 for "unknown", or 1-based ids).
  for (int64_t r = 0; r < rows; ++r) {
    int64_t label = labels.getAsInt64(r);
    if (label < 0 || label >= classes) {
      error = "has label " + std::to_string(label) + " at row " +
              std::to_string(r) + ", outside [0, " + std::to_string(classes) +
              ") for output 0 (" + logits.getTypeString() + ")";
      return llvm::failure();
    }
  }
  int64_t correct = 0;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t best = 0;
    double bestValue = logits.getAsDouble(r * classes);
    for (int64_t k = 1; k < classes; ++k) {
      double v = logits.getAsDouble(r * classes + k);
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    correct += best == labels.getAsInt64(r);
  }
  return correct;
}
