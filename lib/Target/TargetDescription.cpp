//===- TargetDescription.cpp - hardware targets from targets/*.yaml ------===//

#include "mpq/Target/TargetDescription.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace llvm;
using namespace mpq;

LLVM_YAML_IS_SEQUENCE_VECTOR(mpq::KernelRate)

namespace llvm::yaml {

template <> struct MappingTraits<KernelRate> {
  static void mapping(IO &io, KernelRate &k) {
    io.mapRequired("kind", k.kind);
    io.mapRequired("macs_per_cycle", k.macsPerCycle);
  }
  static std::string validate(IO &, KernelRate &k) {
    if (!(k.macsPerCycle > 0))
      return "macs_per_cycle must be positive";
    return "";
  }
};

template <> struct MappingTraits<MemoryDescription> {
  static void mapping(IO &io, MemoryDescription &m) {
    io.mapRequired("bandwidth_gbps", m.bandwidthGBps);
    io.mapRequired("l1d_kib", m.l1dKiB);
    io.mapRequired("l2_kib", m.l2KiB);
    io.mapOptional("l3_kib", m.l3KiB, 0u);
  }
  static std::string validate(IO &, MemoryDescription &m) {
    if (!(m.bandwidthGBps > 0) || m.l1dKiB == 0)
      return "bandwidth_gbps and l1d_kib must be positive";
    return "";
  }
};

template <> struct MappingTraits<TargetDescription> {
  static void mapping(IO &io, TargetDescription &t) {
    io.mapRequired("name", t.name);
    io.mapRequired("description", t.description);
    io.mapRequired("arch", t.arch);
    io.mapRequired("triple", t.triple);
    io.mapRequired("cpu", t.cpu);
    io.mapRequired("features", t.features);
    io.mapRequired("weight_bits", t.weightBits);
    io.mapRequired("act_bits", t.actBits);
    io.mapRequired("kernels", t.kernels);
    io.mapRequired("memory", t.memory);
    io.mapRequired("mca_cpu", t.mcaCpu);
    io.mapRequired("qemu_cpu", t.qemuCpu);
  }
  static std::string validate(IO &, TargetDescription &t) {
    if (t.arch != "aarch64" && t.arch != "riscv64")
      return "arch must be aarch64 or riscv64, got '" + t.arch + "'";
    for (auto *bits : {&t.weightBits, &t.actBits}) {
      if (bits->empty())
        return "weight_bits and act_bits must not be empty";
      for (unsigned b : *bits)
        if (b < 2 || b > 8)
          return "bit-widths must be 2..8, got " + std::to_string(b);
    }
    if (t.kernels.empty())
      return "a target needs at least one kernel rate";
    return "";
  }
};

} // namespace llvm::yaml

bool TargetDescription::hasFeature(StringRef f) const {
  return llvm::is_contained(features, f);
}
bool TargetDescription::supportsWeightBits(unsigned b) const {
  return llvm::is_contained(weightBits, b);
}
bool TargetDescription::supportsActBits(unsigned b) const {
  return llvm::is_contained(actBits, b);
}
double TargetDescription::macsPerCycle(StringRef kind) const {
  for (const KernelRate &k : kernels)
    if (k.kind == kind)
      return k.macsPerCycle;
  return 0;
}

Expected<TargetDescription> mpq::loadTargetDescription(StringRef path) {
  auto buffer = MemoryBuffer::getFile(path);
  if (!buffer)
    return createStringError(buffer.getError(), "cannot read %s: %s",
                             path.str().c_str(),
                             buffer.getError().message().c_str());
  std::string diagnostics;
  raw_string_ostream os(diagnostics);
  TargetDescription t;
  {
    yaml::Input in((*buffer)->getMemBufferRef(), nullptr,
                   [](const SMDiagnostic &d, void *ctx) {
                     d.print(nullptr, *static_cast<raw_ostream *>(ctx),
                             /*ShowColors=*/false);
                   },
                   &os);
    in >> t;
    if (in.error())
      return createStringError(inconvertibleErrorCode(),
                               "invalid target description:\n%s",
                               diagnostics.c_str());
  }
  StringRef stem = sys::path::stem(path);
  if (t.name != stem)
    return createStringError(inconvertibleErrorCode(),
                             "%s: name '%s' does not match the file name",
                             path.str().c_str(), t.name.c_str());
  return t;
}

std::vector<std::string> mpq::listTargets(StringRef dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (sys::path::extension(it->path()) == ".yaml")
      names.push_back(sys::path::stem(it->path()).str());
  llvm::sort(names);
  return names;
}

Expected<TargetDescription> mpq::lookupTarget(StringRef name, StringRef dir) {
  SmallString<256> path(dir);
  sys::path::append(path, name + ".yaml");
  if (!sys::fs::exists(path)) {
    std::string known;
    for (const std::string &n : listTargets(dir))
      known += (known.empty() ? "" : ", ") + n;
    return createStringError(inconvertibleErrorCode(),
                             "unknown target '%s' (available in %s: %s)",
                             name.str().c_str(), dir.str().c_str(),
                             known.empty() ? "none" : known.c_str());
  }
  return loadTargetDescription(path);
}
