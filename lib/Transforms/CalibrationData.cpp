//===- CalibrationData.cpp - calibration samples and their policy ---------===//

#include "mpq/Transforms/CalibrationData.h"
#include "mpq/Executor/Npy.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <cstring>

using namespace llvm;
using namespace mpq;

Tensor mpq::selectRows(const Tensor &t, ArrayRef<int64_t> kept) {
  SmallVector<int64_t> shape(t.getShape());
  int64_t rows = shape[0];
  int64_t per = rows ? t.getNumElements() / rows : 0;
  shape[0] = int64_t(kept.size());
  Tensor out = Tensor::createUninitialized(t.getKind(), shape);
  size_t rowBytes = size_t(per) * getElementKindSize(t.getKind());
  auto *dst = static_cast<char *>(out.getRawData());
  const auto *src = static_cast<const char *>(t.getRawData());
  for (size_t i = 0; i < kept.size(); ++i)
    if (rowBytes)
      std::memcpy(dst + i * rowBytes, src + size_t(kept[i]) * rowBytes,
                  rowBytes);
  return out;
}

Expected<CalibrationData> mpq::loadCalibrationData(StringRef path,
                                                   int64_t maxSamples) {
  Expected<Tensor> loaded = readNpyFile(path);
  if (!loaded)
    return loaded.takeError();
  if (loaded->getKind() != ElementKind::F32 || loaded->getRank() < 1 ||
      loaded->getShape()[0] < 1)
    return createStringError(inconvertibleErrorCode(),
                             "%s must be a float32 array [samples, ...] with "
                             "at least one sample, got %s",
                             path.str().c_str(),
                             loaded->getTypeString().c_str());
  CalibrationData d;
  d.inFile = loaded->getShape()[0];
  d.considered = std::min<int64_t>(std::max<int64_t>(maxSamples, 1),
                                   loaded->getShape()[0]);
  int64_t per = loaded->getNumElements() / loaded->getShape()[0];
  const float *x = loaded->getData<float>();
  for (int64_t s = 0; s < d.considered; ++s) {
    const float *row = x + s * per;
    bool finite = true;
    for (int64_t i = 0; i < per && finite; ++i)
      finite = std::isfinite(row[i]);
    if (finite)
      d.kept.push_back(s);
    else
      ++d.skipped;
  }
  if (d.kept.empty())
    return createStringError(
        inconvertibleErrorCode(),
        "%s: every one of the %lld calibration samples used contains NaN or "
        "Inf; nothing finite is left to calibrate on",
        path.str().c_str(), (long long)d.considered);
  if (d.skipped)
    d.samples = selectRows(*loaded, d.kept);
  else
    d.samples = loaded->sliceDim0(0, d.considered);

  // Degenerate data: every value equal, or every sample a copy of the first.
  const float *k = d.samples.getData<float>();
  int64_t n = int64_t(d.kept.size());
  bool constant = per > 0, identical = n > 1;
  for (int64_t i = 0; i < n * per && constant; ++i)
    constant = k[i] == k[0];
  for (int64_t s = 1; s < n && identical && !constant; ++s)
    identical = std::memcmp(k, k + s * per, size_t(per) * sizeof(float)) == 0;
  if (constant) {
    char v[32];
    std::snprintf(v, sizeof(v), "%g", double(k[0]));
    d.degenerate = std::string("every value is ") + v;
  } else if (identical) {
    d.degenerate = "all " + std::to_string(n) + " samples are identical";
  }
  return d;
}

SmallVector<std::string> CalibrationData::warnings(StringRef path) const {
  SmallVector<std::string> w;
  if (skipped)
    w.push_back((Twine("calibration data ") + path + ": skipped " +
                 Twine(skipped) + " of " + Twine(considered) +
                 " samples containing NaN or Inf; calibrating on the " +
                 Twine(considered - skipped) + " finite ones")
                    .str());
  if (!degenerate.empty())
    w.push_back((Twine("calibration data ") + path + " is degenerate (" +
                 degenerate +
                 "): activation ranges measured on it will not represent "
                 "real inputs")
                    .str());
  return w;
}
