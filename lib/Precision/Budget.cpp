//===- Budget.cpp - budgets and the per-layer cost model ------------------===//

#include "mpq/Precision/Budget.h"
#include "mpq/Target/TargetDescription.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mpq;
using namespace mpq::precision;

llvm::StringRef mpq::precision::getResourceName(Resource r) {
  switch (r) {
  case Resource::SizeBytes:
    return "size (bytes)";
  case Resource::AvgWeightBits:
    return "average weight bits";
  case Resource::BOPs:
    return "GBOPs";
  case Resource::Cycles:
    return "cycles";
  case Resource::LatencyUs:
    return "latency (us)";
  }
  return "?";
}

static llvm::Error budgetError(llvm::StringRef item, llvm::StringRef why) {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      llvm::formatv("bad budget item '{0}': {1}; expected size:<n>[B|KB|KiB|"
                    "MB|MiB], size-kb:<n>, avg-weight-bits:<b>, bops:<G>, "
                    "cycles:<n>[K|M|G] or latency-us:<t>, separated by "
                    "commas",
                    item, why)
          .str());
}

/// Splits "12.5KiB" into 12.5 and the unit multiplier from `units`.
static bool parseNumber(llvm::StringRef text,
                        llvm::ArrayRef<std::pair<llvm::StringRef, double>> units,
                        double &out) {
  text = text.trim();
  double mult = 1;
  for (auto [suffix, m] : units) {
    if (text.size() > suffix.size() && text.ends_with_insensitive(suffix)) {
      // Prefer the longest suffix: units are listed longest first.
      text = text.drop_back(suffix.size()).trim();
      mult = m;
      break;
    }
  }
  if (text.empty() || text.getAsDouble(out) || !std::isfinite(out))
    return false;
  out *= mult;
  return true;
}

llvm::Expected<std::vector<Limit>>
mpq::precision::parseBudget(llvm::StringRef spec) {
  std::vector<Limit> limits;
  if (spec.trim().empty())
    return budgetError(spec, "empty budget");
  llvm::SmallVector<llvm::StringRef> items;
  spec.split(items, ',');
  for (llvm::StringRef raw : items) {
    llvm::StringRef item = raw.trim();
    auto [key, value] = item.split(':');
    key = key.trim();
    if (value.empty())
      return budgetError(item, "missing ':<value>'");
    double v = 0;
    Limit lim{Resource::SizeBytes, 0};
    if (key == "size") {
      if (!parseNumber(value,
                       {{"KiB", 1024.0},
                        {"MiB", 1024.0 * 1024.0},
                        {"KB", 1000.0},
                        {"MB", 1e6},
                        {"B", 1.0}},
                       v))
        return budgetError(item, "not a size");
      lim = {Resource::SizeBytes, v};
    } else if (key == "size-kb") {
      if (!parseNumber(value, {}, v))
        return budgetError(item, "not a number");
      lim = {Resource::SizeBytes, v * 1024.0};
    } else if (key == "avg-weight-bits") {
      if (!parseNumber(value, {}, v))
        return budgetError(item, "not a number");
      lim = {Resource::AvgWeightBits, v};
    } else if (key == "bops") {
      if (!parseNumber(value, {}, v))
        return budgetError(item, "not a number");
      lim = {Resource::BOPs, v};
    } else if (key == "cycles") {
      if (!parseNumber(value, {{"K", 1e3}, {"M", 1e6}, {"G", 1e9}}, v))
        return budgetError(item, "not a number");
      lim = {Resource::Cycles, v};
    } else if (key == "latency-us") {
      if (!parseNumber(value, {}, v))
        return budgetError(item, "not a number");
      lim = {Resource::LatencyUs, v};
    } else {
      return budgetError(item, "unknown kind '" + key.str() + "'");
    }
    if (lim.value <= 0)
      return budgetError(item, "limits must be positive");
    for (const Limit &l : limits)
      if (l.resource == lim.resource)
        return budgetError(item, "given twice");
    limits.push_back(lim);
  }
  return limits;
}

llvm::Expected<std::vector<unsigned>>
mpq::precision::parseWidths(llvm::StringRef spec) {
  std::vector<unsigned> widths;
  llvm::SmallVector<llvm::StringRef> items;
  spec.split(items, ',');
  for (llvm::StringRef item : items) {
    unsigned b = 0;
    if (item.trim().getAsInteger(10, b) || b < 2 || b > 8)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          llvm::formatv("bad width '{0}' in '{1}': widths are integers "
                        "2..8, separated by commas",
                        item.trim(), spec)
              .str());
    if (llvm::is_contained(widths, b))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          llvm::formatv("width {0} is listed twice in '{1}'", b, spec).str());
    widths.push_back(b);
  }
  llvm::sort(widths);
  return widths;
}

unsigned mpq::precision::containerBits(unsigned bits) {
  return bits <= 2 ? 2 : bits <= 4 ? 4 : 8;
}

double CostModel::sizeBytes(const LayerCounts &l, unsigned weightBits) const {
  return double(l.numWeights) * containerBits(weightBits) / 8.0;
}

double CostModel::bops(const LayerCounts &l, unsigned weightBits,
                       unsigned actBits) const {
  return double(l.macs) * weightBits * actBits;
}

std::string CostModel::kernelKind() const {
  if (!target)
    return "";
  if (target->hasFeature("i8mm") && target->macsPerCycle("int8-smmla") > 0)
    return "int8-smmla";
  if (target->hasFeature("dotprod") && target->macsPerCycle("int8-sdot") > 0)
    return "int8-sdot";
  if (target->arch == "riscv64")
    return "int8-vwmacc";
  return "int8-smlal";
}

/// Rows of the output tile of the GEMM microkernel of `kind`
/// (lib/Conversion/MPQToNeon/NeonMicrokernels.cpp: SMMLA 4x16c8, SDOT
/// 6x8c4, SMULL+SADALP 2x16c4); low-bit weights are unpacked once per tile
/// pass, so a layer with fewer output rows than that pays the unpacking
/// over fewer MACs.
static int64_t tileRows(llvm::StringRef kind) {
  return llvm::StringSwitch<int64_t>(kind)
      .Case("int8-smmla", 4)
      .Case("int8-sdot", 6)
      .Case("int8-smlal", 2)
      .Default(1);
}

double CostModel::computeCycles(const LayerCounts &l,
                                unsigned weightBits) const {
  if (!target)
    return 0;
  std::string kind = kernelKind();
  double r8 = target->macsPerCycle(kind, 8);
  double rw = target->macsPerCycle(kind, containerBits(weightBits));
  if (!(rw > 0) || !(r8 > 0))
    return 0;
  if (l.numWeights <= 0 || rw == r8)
    return double(l.macs) / rw;
  // The measured rates are those of full tiles. The W8 part is per MAC;
  // the low-bit surcharge (1/rw - 1/r8 per MAC of a full tile) is per
  // weight and tile pass: rows = MACs / weights output rows per sample,
  // run in passes of tileRows (a remainder pass counts whole).
  int64_t mr = tileRows(kind);
  int64_t rows = std::max<int64_t>(1, (l.macs + l.numWeights / 2) /
                                          l.numWeights);
  double rowsRun = double((rows + mr - 1) / mr * mr);
  return double(l.macs) / r8 +
         double(l.numWeights) * rowsRun * (1.0 / rw - 1.0 / r8);
}

double CostModel::memoryCycles(const LayerCounts &l,
                               unsigned weightBits) const {
  double bpc = target ? target->bytesPerCycle() : 0;
  return bpc > 0 ? sizeBytes(l, weightBits) / bpc : 0;
}

llvm::Expected<double> CostModel::cycles(const LayerCounts &l,
                                         unsigned weightBits,
                                         unsigned) const {
  if (!target)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "a cycle budget needs a target (target=)");
  std::string kind = kernelKind();
  if (target->macsPerCycle(kind) <= 0)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("target '{0}' gives no rate for kernel {1}",
                      target->name, kind)
            .str());
  return std::max(computeCycles(l, weightBits), memoryCycles(l, weightBits));
}

llvm::Expected<double> CostModel::latencyUs(const LayerCounts &l,
                                            unsigned weightBits,
                                            unsigned actBits) const {
  if (!target)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "a latency budget needs a target (target=)");
  if (!(target->clockGHz > 0))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("a latency budget needs the clock of target '{0}' "
                      "(clock_ghz in its file)",
                      target->name)
            .str());
  llvm::Expected<double> c = cycles(l, weightBits, actBits);
  if (!c)
    return c.takeError();
  return *c / (target->clockGHz * 1e3);
}

llvm::Expected<double> CostModel::cost(Resource r, const LayerCounts &l,
                                       unsigned weightBits, unsigned actBits,
                                       int64_t totalWeights) const {
  switch (r) {
  case Resource::SizeBytes:
    return sizeBytes(l, weightBits);
  case Resource::AvgWeightBits:
    return totalWeights > 0
               ? double(l.numWeights) * weightBits / double(totalWeights)
               : 0.0;
  case Resource::BOPs:
    return bops(l, weightBits, actBits) / 1e9;
  case Resource::Cycles:
    return cycles(l, weightBits, actBits);
  case Resource::LatencyUs:
    return latencyUs(l, weightBits, actBits);
  }
  return 0.0;
}
