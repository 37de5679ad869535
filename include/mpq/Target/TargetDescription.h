//===- TargetDescription.h - hardware targets from targets/*.yaml -*- C++ -*-===//
//
// A target is described by one YAML file, targets/NAME.yaml (docs/targets.md
// says what every field means and where its numbers come from). Code
// generation picks instructions from `features`; precision assignment uses
// the same file as its cost model.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_TARGET_TARGETDESCRIPTION_H
#define MPQ_TARGET_TARGETDESCRIPTION_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mpq {

/// Measured MACs/cycle of a kernel's inner loop per weight container
/// width (2-, 4- and 8-bit fields); 0 when the file gives none.
struct WidthRates {
  double w8 = 0, w4 = 0, w2 = 0;
  bool empty() const { return w8 == 0 && w4 == 0 && w2 == 0; }
};

/// Integer multiply-accumulates per cycle of one kernel kind on one core
/// (e.g. int8-sdot): the instruction's peak, and optionally the rate the
/// generated inner loop reaches at each weight container width.
struct KernelRate {
  std::string kind;
  double macsPerCycle = 0;
  WidthRates measured;
};

struct MemoryDescription {
  double bandwidthGBps = 0;
  unsigned l1dKiB = 0, l2KiB = 0, l3KiB = 0;
};

struct TargetDescription {
  std::string name;
  std::string description;
  std::string arch; ///< aarch64 or riscv64
  std::string triple;
  std::string cpu;
  /// ISA features code generation may use (neon, dotprod, i8mm, v, ...),
  /// LLVM's names; "+x" in the file is stored as "x", a removal as "-x".
  std::vector<std::string> features;
  /// Weight and activation bit-widths the target's kernels run.
  std::vector<unsigned> weightBits, actBits;
  std::vector<KernelRate> kernels;
  MemoryDescription memory;
  /// Core clock in GHz of the representative board; 0 when not given (then
  /// the cost model counts no memory traffic).
  double clockGHz = 0;
  /// llvm-mca -mcpu and qemu -cpu names used to measure and run the target.
  std::string mcaCpu, qemuCpu;
  /// RISC-V: the smallest vector register length (bits) the generated code
  /// may assume (`vlen`, default 128, the RVV 1.0 minimum for V); the code
  /// refuses to run on a core with shorter registers. 0 on other arches.
  unsigned vlen = 0;
  /// The file this description was loaded from.
  std::string path;

  bool hasFeature(llvm::StringRef f) const;
  bool supportsWeightBits(unsigned b) const;
  bool supportsActBits(unsigned b) const;
  /// Peak MACs/cycle of `kind`, or 0 when the target has no such kernel.
  double macsPerCycle(llvm::StringRef kind) const;
  /// MACs/cycle of `kind` with weights in `containerBits`-wide fields (2, 4
  /// or 8): the measured rate when the file has one, else the peak; 0 when
  /// the target has no such kernel.
  double macsPerCycle(llvm::StringRef kind, unsigned containerBits) const;
  /// Bytes per core cycle the memory delivers (bandwidth / clock); 0 without
  /// a clock.
  double bytesPerCycle() const;
  /// The features as an LLVM feature string ("+neon,+dotprod,-sve").
  std::string llvmFeatures() const;
};

/// Parses and validates a target file; errors name the file, line and
/// column. Besides its own fields, the description is checked against LLVM's
/// target registry before anything uses it: the triple's architecture has a
/// backend and is `arch`, `cpu` and `mca_cpu` are CPUs LLVM knows for it,
/// every feature exists, and no removal ("-neon", or one implying it) takes
/// away what the kernels of `arch` need.
llvm::Expected<TargetDescription> loadTargetDescription(llvm::StringRef path);

/// True for a target name: letters, digits, '.', '_' and '-', not starting
/// with '.' or '-' (so never a path).
bool isTargetName(llvm::StringRef name);

/// The directory searched for target names: `<bindir>/../share/mpq/targets`
/// next to the running tool when it exists (an installed tree), otherwise the
/// source tree's targets/ (a build tree).
std::string defaultTargetsDir();

/// Loads `dir`/`name`.yaml (`dir` empty: defaultTargetsDir()); the error for
/// an unknown name lists the available targets, and a name that is not a
/// target name (a path) is refused.
llvm::Expected<TargetDescription> lookupTarget(llvm::StringRef name,
                                               llvm::StringRef dir = "");

/// The tools' --target NAME / --target-file PATH pair: exactly one of the
/// two must be given.
llvm::Expected<TargetDescription> resolveTarget(llvm::StringRef name,
                                                llvm::StringRef file,
                                                llvm::StringRef dir = "");

/// Names of the targets in `dir` (files NAME.yaml), sorted.
std::vector<std::string> listTargets(llvm::StringRef dir);

} // namespace mpq

#endif // MPQ_TARGET_TARGETDESCRIPTION_H
