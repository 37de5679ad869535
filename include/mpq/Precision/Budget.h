//===- Budget.h - budgets and the per-layer cost model ----------*- C++ -*-===//
//
// A budget is a comma-separated list of limits, all of which a layout must
// meet (docs/precision.md):
//
//   size:40KiB  size:12000  size-kb:K   bytes of packed weights (B, KB, KiB,
//                                       MB, MiB; size-kb is KiB)
//   avg-weight-bits:B                   parameter-weighted mean weight width
//   bops:G                              giga bit-operations per sample
//                                       (MACs * weight bits * act bits)
//   cycles:C                            estimated cycles per sample on the
//                                       target (K/M/G suffixes; needs target)
//   latency-us:T                        estimated microseconds per sample:
//                                       cycles / the target's clock_ghz
//
// The cost of one layer at one (weight, activation) width comes from its
// parameter and MAC counts and, for cycles, from the target description.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_PRECISION_BUDGET_H
#define MPQ_PRECISION_BUDGET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mpq {
struct TargetDescription;
} // namespace mpq

namespace mpq::precision {

enum class Resource { SizeBytes, AvgWeightBits, BOPs, Cycles, LatencyUs };

/// Printable name of a resource ("size (bytes)", ...).
llvm::StringRef getResourceName(Resource r);

struct Limit {
  Resource resource;
  double value;
};

/// Parses a budget; the error quotes the offending item and the accepted
/// forms. An empty spec is an error (use no budget instead).
llvm::Expected<std::vector<Limit>> parseBudget(llvm::StringRef spec);

/// Parses a comma-separated list of widths, each 2..8 ("2,3,4,6,8").
llvm::Expected<std::vector<unsigned>> parseWidths(llvm::StringRef spec);

/// What the cost model needs to know about one layer.
struct LayerCounts {
  int64_t numWeights = 0;
  /// Multiply-accumulates per sample.
  int64_t macs = 0;
};

/// Bits one weight occupies in memory at `bits`: packed fields are 2, 4 or
/// 8 bits wide (3-bit weights sit in 4-bit fields, 5..7 in bytes).
unsigned containerBits(unsigned bits);

/// Costs of a layer at given widths.
class CostModel {
public:
  /// `target` may be null (then cycles cannot be estimated).
  explicit CostModel(const TargetDescription *target) : target(target) {}

  /// Bytes of the layer's packed weights.
  double sizeBytes(const LayerCounts &l, unsigned weightBits) const;
  /// Bit-operations per sample: MACs * weight bits * activation bits.
  double bops(const LayerCounts &l, unsigned weightBits,
              unsigned actBits) const;
  /// Estimated cycles per sample, a roofline: the larger of computeCycles
  /// and memoryCycles (the kernels stream each weight once per sample, so
  /// loading and multiplying overlap). Fails without a target or without a
  /// rate for the kernel the target runs.
  llvm::Expected<double> cycles(const LayerCounts &l, unsigned weightBits,
                                unsigned actBits) const;
  /// MACs divided by the MACs/cycle of the kernel the target runs (SMMLA
  /// with i8mm, SDOT with dotprod, else SMLAL; RVV: vwmacc) at the weight
  /// container width (measured_macs_per_cycle w8/w4/w2 of the target file,
  /// its peak macs_per_cycle when the file has no measured rates).
  /// Activations of every width are 8-bit containers on the int8 kernels,
  /// so actBits does not change it. Returns 0 without a rate.
  double computeCycles(const LayerCounts &l, unsigned weightBits) const;
  /// Packed weight bytes / (memory bandwidth / clock): the weights read
  /// from DRAM once per sample. 0 when the target gives no clock.
  double memoryCycles(const LayerCounts &l, unsigned weightBits) const;
  /// cycles() in microseconds at the target's clock_ghz; fails without a
  /// target or a clock.
  llvm::Expected<double> latencyUs(const LayerCounts &l, unsigned weightBits,
                                   unsigned actBits) const;
  /// Name of the kernel whose rate cycles() uses ("int8-sdot").
  std::string kernelKind() const;

  /// Cost on `r`, in the unit the limit uses; for AvgWeightBits the
  /// contribution numWeights * bits / totalWeights.
  llvm::Expected<double> cost(Resource r, const LayerCounts &l,
                              unsigned weightBits, unsigned actBits,
                              int64_t totalWeights) const;

private:
  const TargetDescription *target;
};

} // namespace mpq::precision

#endif // MPQ_PRECISION_BUDGET_H
