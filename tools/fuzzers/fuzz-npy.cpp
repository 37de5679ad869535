//===- fuzz-npy.cpp - libFuzzer harness for the .npy reader ---------------===//
//
// Every input must be either refused with an error or read into a tensor
// that writes back and rereads to the same shape, kind and bytes.
//
//===----------------------------------------------------------------------===//

#include "mpq/Executor/Npy.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef buffer(reinterpret_cast<const char *>(data), size);
  llvm::Expected<mpq::Tensor> t = mpq::parseNpy(buffer, "fuzz.npy");
  if (!t) {
    llvm::consumeError(t.takeError());
    return 0;
  }
  std::string written;
  {
    llvm::raw_string_ostream os(written);
    mpq::writeNpy(*t, os);
  }
  llvm::Expected<mpq::Tensor> back = mpq::parseNpy(written, "roundtrip.npy");
  if (!back) {
    llvm::errs() << "fuzz-npy: a written file does not read back: "
                 << llvm::toString(back.takeError()) << "\n";
    std::abort();
  }
  if (back->getKind() != t->getKind() || back->getShape() != t->getShape() ||
      back->getNumBytes() != t->getNumBytes() ||
      (t->getNumBytes() &&
       std::memcmp(back->getRawData(), t->getRawData(), t->getNumBytes()))) {
    llvm::errs() << "fuzz-npy: round trip changed " << t->getTypeString()
                 << " into " << back->getTypeString() << "\n";
    std::abort();
  }
  return 0;
}
