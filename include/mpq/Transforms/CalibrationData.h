//===- CalibrationData.h - calibration samples and their policy -*- C++ -*-===//
//
// Every consumer of calibration data (--mpq-calibrate, --mpq-quantize's GPTQ
// rounding, mpq-compile's report and top-1) reads it through
// loadCalibrationData, so they all see the same samples. The policy
// (docs/hardening.md): of the first `maxSamples` samples, a sample holding
// any NaN or Inf is skipped and counted; when no finite sample is left the
// data is refused; data whose finite values are all equal, or whose samples
// are all identical, is accepted but flagged as degenerate.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_TRANSFORMS_CALIBRATIONDATA_H
#define MPQ_TRANSFORMS_CALIBRATIONDATA_H

#include "mpq/Executor/Tensor.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mpq {

struct CalibrationData {
  /// The finite samples, in file order ([kept, ...], float32).
  Tensor samples;
  /// Indices (into the file) of the samples kept.
  llvm::SmallVector<int64_t> kept;
  /// Samples looked at (min(maxSamples, samples in the file)) and how many
  /// of them were skipped for holding NaN or Inf.
  int64_t considered = 0, skipped = 0;
  /// Samples in the file.
  int64_t inFile = 0;
  /// Set when the kept data is degenerate: a sentence saying how (every
  /// value equal, or every sample identical), empty otherwise.
  std::string degenerate;

  /// The warnings the policy asks for (skipped samples, degenerate data),
  /// one sentence each, naming `path`.
  llvm::SmallVector<std::string> warnings(llvm::StringRef path) const;
};

/// Reads `path` (.npy, float32, first dimension = sample), looks at its first
/// `maxSamples` samples and applies the policy above. Errors name the file:
/// unreadable, not float32 [samples, ...], no samples, or no finite sample.
llvm::Expected<CalibrationData> loadCalibrationData(llvm::StringRef path,
                                                    int64_t maxSamples);

/// Rows `kept` of `t` along dimension 0 (e.g. the labels matching the kept
/// samples).
Tensor selectRows(const Tensor &t, llvm::ArrayRef<int64_t> kept);

} // namespace mpq

#endif // MPQ_TRANSFORMS_CALIBRATIONDATA_H
