//===- TargetDescription.cpp - hardware targets from targets/*.yaml ------===//

#include "mpq/Target/TargetDescription.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/YAMLParser.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <cmath>

using namespace llvm;
using namespace mpq;

LLVM_YAML_IS_SEQUENCE_VECTOR(mpq::KernelRate)

namespace llvm::yaml {

template <> struct MappingTraits<WidthRates> {
  static void mapping(IO &io, WidthRates &r) {
    io.mapRequired("w8", r.w8);
    io.mapRequired("w4", r.w4);
    io.mapRequired("w2", r.w2);
  }
  static std::string validate(IO &, WidthRates &r) {
    for (double v : {r.w8, r.w4, r.w2})
      if (!(v > 0) || !std::isfinite(v))
        return "measured_macs_per_cycle: w8, w4 and w2 must be positive";
    return "";
  }
};

template <> struct MappingTraits<KernelRate> {
  static void mapping(IO &io, KernelRate &k) {
    io.mapRequired("kind", k.kind);
    io.mapRequired("macs_per_cycle", k.macsPerCycle);
    io.mapOptional("measured_macs_per_cycle", k.measured);
  }
  static std::string validate(IO &, KernelRate &k) {
    if (!(k.macsPerCycle > 0) || !std::isfinite(k.macsPerCycle))
      return "macs_per_cycle must be positive";
    for (double v : {k.measured.w8, k.measured.w4, k.measured.w2})
      if (v > k.macsPerCycle)
        return "measured_macs_per_cycle of " + k.kind +
               " exceeds its peak macs_per_cycle";
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
    io.mapOptional("clock_ghz", t.clockGHz, -1.0);
    io.mapRequired("mca_cpu", t.mcaCpu);
    io.mapRequired("qemu_cpu", t.qemuCpu);
    io.mapOptional("vlen", t.vlen, 0u);
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
    if (t.clockGHz == -1.0) // absent
      t.clockGHz = 0;
    else if (!(t.clockGHz > 0 && t.clockGHz <= 10))
      return "clock_ghz must be a frequency in GHz, 0 < f <= 10";
    if (t.arch != "riscv64" && t.vlen != 0)
      return "vlen is a RISC-V field";
    if (t.arch == "riscv64") {
      if (t.vlen == 0)
        t.vlen = 128;
      if (t.vlen < 128 || t.vlen > 65536 || (t.vlen & (t.vlen - 1)))
        return "vlen must be a power of two in 128..65536, got " +
               std::to_string(t.vlen);
    }
    return "";
  }
};

} // namespace llvm::yaml

std::string TargetDescription::llvmFeatures() const {
  std::string out;
  for (const std::string &f : features)
    out += (out.empty() ? "" : ",") +
           (StringRef(f).starts_with("-") ? f : "+" + f);
  return out;
}

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
double TargetDescription::macsPerCycle(StringRef kind,
                                       unsigned containerBits) const {
  for (const KernelRate &k : kernels) {
    if (k.kind != kind)
      continue;
    if (k.measured.empty())
      return k.macsPerCycle;
    return containerBits <= 2   ? k.measured.w2
           : containerBits <= 4 ? k.measured.w4
                                : k.measured.w8;
  }
  return 0;
}
double TargetDescription::bytesPerCycle() const {
  return clockGHz > 0 ? memory.bandwidthGBps / clockGHz : 0;
}

namespace {

/// "file:line:col: error: msg" plus the source line, at the value of the
/// top-level `key` (its `index`th element when the value is a sequence).
std::string located(MemoryBufferRef buffer, StringRef key, int index,
                    const Twine &msg) {
  SourceMgr sm;
  sm.AddNewSourceBuffer(MemoryBuffer::getMemBuffer(buffer, false), SMLoc());
  yaml::Stream stream(buffer, sm, /*ShowColors=*/false);
  SMLoc loc = SMLoc::getFromPointer(buffer.getBufferStart());
  yaml::document_iterator doc = stream.begin();
  if (doc != stream.end())
    if (auto *map = dyn_cast_or_null<yaml::MappingNode>(doc->getRoot()))
      for (yaml::KeyValueNode &kv : *map) {
        auto *k = dyn_cast_or_null<yaml::ScalarNode>(kv.getKey());
        SmallString<32> storage;
        if (!k || k->getValue(storage) != key) {
          kv.skip();
          continue;
        }
        yaml::Node *v = kv.getValue();
        loc = v->getSourceRange().Start;
        if (auto *seq = dyn_cast<yaml::SequenceNode>(v)) {
          int i = 0;
          for (yaml::Node &e : *seq)
            if (i++ == index)
              loc = e.getSourceRange().Start;
        }
        break;
      }
  std::string out;
  raw_string_ostream os(out);
  sm.PrintMessage(os, loc, SourceMgr::DK_Error, msg, {}, {},
                  /*ShowColors=*/false);
  return StringRef(out).rtrim().str();
}

/// What the kernels of each arch cannot do without (LLVM feature names).
StringRef requiredFeature(StringRef arch) {
  return arch == "aarch64" ? "neon" : "";
}

/// Checks `t` against LLVM's registry; errors point into `buffer`.
Error validateWithLLVM(TargetDescription &t, MemoryBufferRef buffer) {
  auto error = [&](StringRef key, int index, const Twine &msg) {
    return createStringError(inconvertibleErrorCode(),
                             located(buffer, key, index, msg));
  };
  static const bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargetMCs();
    return true;
  }();
  (void)initialized;

  Triple triple(t.triple);
  if (triple.getArch() == Triple::UnknownArch)
    return error("triple", -1,
                 "the triple '" + t.triple + "' names no known architecture");
  std::string lookupError;
  const Target *target = TargetRegistry::lookupTarget(triple, lookupError);
  if (!target)
    return error("triple", -1,
                 "LLVM has no backend for the triple '" + t.triple +
                     "': " + lookupError);
  Triple::ArchType expected =
      t.arch == "aarch64" ? Triple::aarch64 : Triple::riscv64;
  if (triple.getArch() != expected)
    return error("triple", -1,
                 "the triple '" + t.triple + "' is " +
                     triple.getArchName() + ", but arch is " + t.arch);

  std::unique_ptr<MCSubtargetInfo> generic(
      target->createMCSubtargetInfo(triple, "", ""));
  if (!generic)
    return error("triple", -1,
                 "LLVM cannot describe the subtargets of '" + t.triple + "'");
  for (auto [key, cpu] : {std::pair<StringRef, StringRef>("cpu", t.cpu),
                          {"mca_cpu", t.mcaCpu}})
    if (!generic->isCPUStringValid(cpu))
      return error(key, -1,
                   "unknown CPU '" + cpu + "' for " + t.arch +
                       " (llc -mtriple=" + t.triple +
                       " -mcpu=help lists the known ones)");

  StringSet<> known;
  for (const SubtargetFeatureKV &kv : generic->getAllProcessorFeatures())
    known.insert(kv.Key);
  for (auto [i, f] : llvm::enumerate(t.features)) {
    StringRef name(f);
    if (name.starts_with("+"))
      f = name.drop_front().str(); // "+x" is "x"
    name = StringRef(f);
    StringRef bare = name.starts_with("-") ? name.drop_front() : name;
    if (bare.empty() || !known.contains(bare))
      return error("features", int(i),
                   "unknown feature '" + bare + "' for " + t.arch +
                       " (llc -mtriple=" + t.triple +
                       " -mattr=help lists the known ones)");
  }
  // Removals may switch off more than they name (-fp-armv8 takes neon with
  // it): ask LLVM what the CPU plus the features leave on.
  std::string fs = t.llvmFeatures();
  std::unique_ptr<MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(triple, t.cpu, fs));
  auto firstRemoval = [&]() -> int {
    for (auto [i, f] : llvm::enumerate(t.features))
      if (StringRef(f).starts_with("-"))
        return int(i);
    return -1;
  };
  StringRef required = requiredFeature(t.arch);
  if (!required.empty() && !sti->checkFeatures(("+" + required).str()))
    return error("features", firstRemoval(),
                 "the features leave " + required + " off, but every " +
                     t.arch + " kernel needs it");
  for (auto [i, f] : llvm::enumerate(t.features))
    if (!StringRef(f).starts_with("-") && !sti->checkFeatures("+" + f))
      return error("features", int(i),
                   "feature '" + f + "' is listed but a removal in the "
                   "same list switches it off");
  // RISC-V: LLVM compiles for the smallest VLEN the CPU and features imply
  // (zvl<N>b); the generated code checks `vlen` at startup, so `vlen` must
  // be at least that, or code built for longer registers would run silently
  // wrong on shorter ones.
  if (t.arch == "riscv64")
    for (unsigned v = 65536; v > t.vlen; v /= 2)
      if (sti->checkFeatures("+zvl" + std::to_string(v) + "b"))
        return error("vlen", -1,
                     "the CPU and features imply VLEN >= " +
                         std::to_string(v) + " (zvl" + std::to_string(v) +
                         "b), but vlen is " + std::to_string(t.vlen) +
                         "; set vlen: " + std::to_string(v));
  return Error::success();
}

} // namespace

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
  if (Error e = validateWithLLVM(t, (*buffer)->getMemBufferRef()))
    return createStringError(inconvertibleErrorCode(),
                             "invalid target description:\n%s",
                             toString(std::move(e)).c_str());
  t.path = path.str();
  return t;
}

bool mpq::isTargetName(StringRef name) {
  if (name.empty() || name.starts_with(".") || name.starts_with("-"))
    return false;
  return llvm::all_of(name, [](char c) {
    return isAlnum(c) || c == '.' || c == '_' || c == '-';
  });
}

std::string mpq::defaultTargetsDir() {
  // An installed tool finds the targets installed beside it.
  std::string exe = sys::fs::getMainExecutable(
      nullptr, reinterpret_cast<void *>(&mpq::defaultTargetsDir));
  if (!exe.empty()) {
    SmallString<256> dir(sys::path::parent_path(sys::path::parent_path(exe)));
    sys::path::append(dir, "share", "mpq", "targets");
    if (sys::fs::is_directory(dir))
      return std::string(dir);
  }
  return MPQ_TARGETS_DIR;
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

Expected<TargetDescription> mpq::lookupTarget(StringRef name,
                                              StringRef dirOrEmpty) {
  if (!isTargetName(name))
    return createStringError(
        inconvertibleErrorCode(),
        "'%s' is not a target name (letters, digits, '.', '_' and '-'); a "
        "target file is given with --target-file PATH",
        name.str().c_str());
  std::string dir =
      dirOrEmpty.empty() ? defaultTargetsDir() : dirOrEmpty.str();
  SmallString<256> path(dir);
  sys::path::append(path, name + ".yaml");
  if (!sys::fs::exists(path)) {
    std::string known;
    for (const std::string &n : listTargets(dir))
      known += (known.empty() ? "" : ", ") + n;
    return createStringError(inconvertibleErrorCode(),
                             "unknown target '%s' (available in %s: %s)",
                             name.str().c_str(), dir.c_str(),
                             known.empty() ? "none" : known.c_str());
  }
  return loadTargetDescription(path);
}

Expected<TargetDescription> mpq::resolveTarget(StringRef name,
                                               StringRef file,
                                               StringRef dir) {
  if (!name.empty() && !file.empty())
    return createStringError(inconvertibleErrorCode(),
                             "give --target NAME or --target-file PATH, not "
                             "both");
  if (!file.empty())
    return loadTargetDescription(file);
  return lookupTarget(name, dir);
}
