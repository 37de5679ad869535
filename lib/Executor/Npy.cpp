//===- Npy.cpp - NumPy .npy reader and writer -----------------------------===//
//
// Format reference: numpy/lib/format.py. A file is the magic "\x93NUMPY", a
// major and minor version byte, a little-endian header length (2 bytes for
// version 1.0, 4 bytes for 2.0 and 3.0), an ASCII (3.0: UTF-8) Python dict
// literal with the keys 'descr', 'fortran_order' and 'shape', padded with
// spaces and a newline, then the raw array data.
//
//===----------------------------------------------------------------------===//

#include "mpq/Executor/Npy.h"
#include "mpq/Support/CheckedMath.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

using namespace mpq;
using llvm::StringRef;

static llvm::Error makeError(StringRef name, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (name + ": " + message).str());
}

namespace {
/// The element encodings a .npy file may use.
enum class NpyDType { F32, F64, I64, I32, I16, I8, U8, Bool };

struct NpyHeader {
  NpyDType dtype;
  std::string descr;
  bool fortranOrder = false;
  llvm::SmallVector<int64_t, 4> shape;
};
} // namespace

static size_t getDTypeSize(NpyDType t) {
  switch (t) {
  case NpyDType::F64:
  case NpyDType::I64:
    return 8;
  case NpyDType::F32:
  case NpyDType::I32:
    return 4;
  case NpyDType::I16:
    return 2;
  case NpyDType::I8:
  case NpyDType::U8:
  case NpyDType::Bool:
    return 1;
  }
  return 1;
}

/// Finds `key` (quoted with ' or ") in a header dict and returns the text
/// after the following ':' with leading spaces removed.
static std::optional<StringRef> findValue(StringRef dict, StringRef key) {
  for (char quote : {'\'', '"'}) {
    std::string quoted = (llvm::Twine(quote) + key + llvm::Twine(quote)).str();
    size_t pos = dict.find(quoted);
    if (pos == StringRef::npos)
      continue;
    StringRef rest = dict.drop_front(pos + quoted.size()).ltrim();
    if (!rest.consume_front(":"))
      return std::nullopt;
    return rest.ltrim();
  }
  return std::nullopt;
}

static llvm::Expected<NpyHeader> parseHeaderDict(StringRef dict,
                                                 StringRef name) {
  NpyHeader header;

  // 'descr': '<f4'
  std::optional<StringRef> descr = findValue(dict, "descr");
  if (!descr || descr->empty() ||
      (descr->front() != '\'' && descr->front() != '"'))
    return makeError(name, "malformed .npy header (no 'descr' string): " +
                               dict.trim());
  char quote = descr->front();
  size_t close = descr->find(quote, 1);
  if (close == StringRef::npos)
    return makeError(name, "malformed .npy header (unterminated 'descr')");
  header.descr = descr->slice(1, close).str();

  // 'fortran_order': False
  std::optional<StringRef> fortran = findValue(dict, "fortran_order");
  if (!fortran)
    return makeError(name, "malformed .npy header (no 'fortran_order')");
  if (fortran->starts_with("True"))
    header.fortranOrder = true;
  else if (!fortran->starts_with("False"))
    return makeError(name, "malformed .npy header (bad 'fortran_order')");

  // 'shape': (2, 3)
  std::optional<StringRef> shapeText = findValue(dict, "shape");
  if (!shapeText || !shapeText->starts_with("("))
    return makeError(name, "malformed .npy header (no 'shape' tuple)");
  size_t closeParen = shapeText->find(')');
  if (closeParen == StringRef::npos)
    return makeError(name, "malformed .npy header (unterminated 'shape')");
  llvm::SmallVector<StringRef> dims;
  shapeText->slice(1, closeParen).split(dims, ',');
  for (StringRef d : dims) {
    d = d.trim();
    if (d.empty())
      continue;
    // Python 2 era files may write long integers as "3L".
    d.consume_back("L");
    int64_t v;
    if (d.getAsInteger(10, v) || v < 0)
      return makeError(name, "malformed .npy header (bad dimension '" + d +
                                 "' in 'shape')");
    header.shape.push_back(v);
  }

  StringRef dt = header.descr;
  // '=' (native) and '|' (not applicable) both mean little-endian for us.
  char order = dt.empty() ? 0 : dt.front();
  StringRef code = dt.empty() ? dt : dt.drop_front();
  bool little = order == '<' || order == '|' || order == '=';
  if (order == '>' && !(code == "u1" || code == "i1" || code == "b1"))
    return makeError(name, "unsupported dtype '" + dt +
                               "' (big-endian data is not supported; save "
                               "with a little-endian dtype)");
  if (!little && order != '>')
    return makeError(name, "unsupported dtype '" + dt + "'");
  if (code == "f4")
    header.dtype = NpyDType::F32;
  else if (code == "f8")
    header.dtype = NpyDType::F64;
  else if (code == "i8")
    header.dtype = NpyDType::I64;
  else if (code == "i4")
    header.dtype = NpyDType::I32;
  else if (code == "i2")
    header.dtype = NpyDType::I16;
  else if (code == "i1")
    header.dtype = NpyDType::I8;
  else if (code == "u1")
    header.dtype = NpyDType::U8;
  else if (code == "b1")
    header.dtype = NpyDType::Bool;
  else
    return makeError(name,
                     "unsupported dtype '" + dt +
                         "' (supported: <f4, <f8, <i8, <i4, <i2, |i1, |u1, "
                         "|b1)");
  return header;
}

/// Narrows a double to float as IEEE rounding does (beyond the float range:
/// +-infinity), without C++'s undefined behaviour for out-of-range values.
static float narrowToFloat(double v) {
  if (v > double(std::numeric_limits<float>::max()))
    return v < std::numeric_limits<double>::infinity() &&
                   v - double(std::numeric_limits<float>::max()) <
                       std::ldexp(1.0, 103)
               ? std::numeric_limits<float>::max()
               : std::numeric_limits<float>::infinity();
  if (v < -double(std::numeric_limits<float>::max()))
    return -narrowToFloat(-v);
  return static_cast<float>(v);
}

template <typename From, typename To>
static void convertInto(const char *src, To *dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    From v;
    std::memcpy(&v, src + i * sizeof(From), sizeof(From));
    if constexpr (std::is_same_v<From, double>)
      dst[i] = narrowToFloat(v);
    else
      dst[i] = static_cast<To>(v);
  }
}

llvm::Expected<Tensor> mpq::parseNpy(StringRef buffer, StringRef name) {
  static constexpr char kMagic[] = "\x93NUMPY";
  if (buffer.size() < 8 || !buffer.starts_with(StringRef(kMagic, 6)))
    return makeError(name, "not a .npy file (bad magic; expected "
                           "'\\x93NUMPY')");
  unsigned major = static_cast<uint8_t>(buffer[6]);
  unsigned minor = static_cast<uint8_t>(buffer[7]);
  size_t headerLen, headerStart;
  if (major == 1) {
    if (buffer.size() < 10)
      return makeError(name, "truncated .npy header");
    headerLen = static_cast<uint8_t>(buffer[8]) |
                (static_cast<size_t>(static_cast<uint8_t>(buffer[9])) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (buffer.size() < 12)
      return makeError(name, "truncated .npy header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= static_cast<size_t>(static_cast<uint8_t>(buffer[8 + i]))
                   << (8 * i);
    headerStart = 12;
  } else {
    return makeError(name, "unsupported .npy format version " +
                               llvm::Twine(major) + "." + llvm::Twine(minor));
  }
  if (buffer.size() < headerStart + headerLen)
    return makeError(name, "truncated .npy header");

  llvm::Expected<NpyHeader> header =
      parseHeaderDict(buffer.substr(headerStart, headerLen), name);
  if (!header)
    return header.takeError();
  if (header->fortranOrder)
    return makeError(name, "Fortran-order arrays are not supported (save a "
                           "C-contiguous array, e.g. np.ascontiguousarray)");

  // Checked before anything is allocated: a header may claim any shape.
  ElementKind kind = header->dtype == NpyDType::F32 ||
                             header->dtype == NpyDType::F64
                         ? ElementKind::F32
                     : header->dtype == NpyDType::I64 ? ElementKind::I64
                                                      : ElementKind::I32;
  size_t itemSize = getDTypeSize(header->dtype);
  if (std::optional<std::string> why =
          checkTensorSize(header->shape, int64_t(itemSize), header->descr))
    return makeError(name, "bad .npy header: " + *why);
  if (std::optional<std::string> why = checkTensorSize(
          header->shape, int64_t(getElementKindSize(kind)),
          stringifyElementKind(kind)))
    return makeError(name, "cannot load: " + *why);
  int64_t numElements = getNumElements(header->shape);
  size_t dataBytes = static_cast<size_t>(numElements) * itemSize;
  StringRef data = buffer.drop_front(headerStart + headerLen);
  if (data.size() < dataBytes)
    return makeError(name, "truncated data: shape (" +
                               formatShape(header->shape) + ") of '" +
                               header->descr + "' needs " +
                               llvm::Twine(dataBytes) + " bytes, found " +
                               llvm::Twine(data.size()));

  std::string allocError;
  llvm::FailureOr<Tensor> created =
      Tensor::tryCreate(kind, header->shape, /*zero=*/false, allocError);
  if (failed(created))
    return makeError(name, allocError);
  Tensor t = std::move(*created);
  const char *src = data.data();
  switch (header->dtype) {
  case NpyDType::F32: {
    if (dataBytes)
      std::memcpy(t.getRawData(), src, dataBytes);
    return t;
  }
  case NpyDType::F64: {
    convertInto<double>(src, t.getData<float>(), numElements);
    return t;
  }
  case NpyDType::I64: {
    if (dataBytes)
      std::memcpy(t.getRawData(), src, dataBytes);
    return t;
  }
  case NpyDType::I32: {
    if (dataBytes)
      std::memcpy(t.getRawData(), src, dataBytes);
    return t;
  }
  case NpyDType::I16: {
    convertInto<int16_t>(src, t.getData<int32_t>(), numElements);
    return t;
  }
  case NpyDType::I8: {
    convertInto<int8_t>(src, t.getData<int32_t>(), numElements);
    return t;
  }
  case NpyDType::U8: {
    convertInto<uint8_t>(src, t.getData<int32_t>(), numElements);
    return t;
  }
  case NpyDType::Bool: {
    int32_t *dst = t.getData<int32_t>();
    for (int64_t i = 0; i < numElements; ++i)
      dst[i] = src[i] != 0;
    return t;
  }
  }
  return makeError(name, "unsupported dtype");
}

llvm::Expected<Tensor> mpq::readNpyFile(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (std::error_code ec = file.getError())
    return makeError(path, "cannot open .npy file: " + ec.message());
  return parseNpy((*file)->getBuffer(), path);
}

void mpq::writeNpy(const Tensor &tensor, llvm::raw_ostream &os) {
  const char *descr = "<f4";
  if (tensor.getKind() == ElementKind::I32)
    descr = "<i4";
  else if (tensor.getKind() == ElementKind::I64)
    descr = "<i8";
  std::string dict = "{'descr': '";
  dict += descr;
  dict += "', 'fortran_order': False, 'shape': (";
  for (int64_t d : tensor.getShape())
    dict += std::to_string(d) + ", ";
  if (tensor.getRank() > 1)
    dict.resize(dict.size() - 2); // "(2, 3)"; rank 1 keeps "(5, " -> "(5,"
  else if (tensor.getRank() == 1)
    dict.pop_back();
  dict += "), }";
  // Pad with spaces so that the data starts on a 64-byte boundary; the
  // header ends with '\n'.
  size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';

  os << "\x93NUMPY";
  os << static_cast<char>(1) << static_cast<char>(0);
  os << static_cast<char>(dict.size() & 0xff)
     << static_cast<char>((dict.size() >> 8) & 0xff);
  os << dict;
  os.write(static_cast<const char *>(tensor.getRawData()),
           tensor.getNumBytes());
}

llvm::Error mpq::writeNpyFile(const Tensor &tensor, StringRef path) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError(path, "cannot write: " + ec.message());
  writeNpy(tensor, os);
  os.close();
  if (os.has_error()) {
    std::error_code writeEc = os.error();
    os.clear_error();
    return makeError(path, "write failed: " + writeEc.message());
  }
  return llvm::Error::success();
}
