//===- NpyTest.cpp - .npy reader and writer tests -------------------------===//

#include "mpq/Executor/Npy.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace mpq;

namespace {

std::string serialize(const Tensor &t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  writeNpy(t, os);
  return s;
}

/// Builds a .npy file by hand: version, header dict, raw data.
std::string makeNpy(const std::string &dict, const std::string &data,
                    int major = 1) {
  std::string header = dict;
  size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  std::string s = "\x93NUMPY";
  s += static_cast<char>(major);
  s += '\0';
  size_t n = header.size();
  s += static_cast<char>(n & 0xff);
  s += static_cast<char>((n >> 8) & 0xff);
  if (major != 1) {
    s += '\0';
    s += '\0';
  }
  return s + header + data;
}

template <typename T> std::string bytesOf(std::initializer_list<T> values) {
  std::string s(values.size() * sizeof(T), '\0');
  std::memcpy(s.data(), values.begin(), s.size());
  return s;
}

std::string errorOf(llvm::Expected<Tensor> t) {
  if (t)
    return "";
  return llvm::toString(t.takeError());
}

} // namespace

TEST(Npy, RoundTripF32) {
  Tensor t = Tensor::fromValues<float>({2, 3}, {1.5f, -2, 3, 4e10f, -0.0f, 7});
  llvm::Expected<Tensor> r = parseNpy(serialize(t), "t");
  ASSERT_TRUE(static_cast<bool>(r)) << llvm::toString(r.takeError());
  EXPECT_EQ(r->getKind(), ElementKind::F32);
  EXPECT_EQ(r->getShape(), t.getShape());
  EXPECT_EQ(0, std::memcmp(r->getRawData(), t.getRawData(), t.getNumBytes()));
}

TEST(Npy, RoundTripI32) {
  Tensor t = Tensor::fromValues<int32_t>({4}, {-1, 0, 2147483647, -7});
  llvm::Expected<Tensor> r = parseNpy(serialize(t), "t");
  ASSERT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r->getKind(), ElementKind::I32);
  EXPECT_EQ(r->getValues<int32_t>(), t.getValues<int32_t>());
}

TEST(Npy, RoundTripI64) {
  Tensor t = Tensor::fromValues<int64_t>({1, 2, 1}, {int64_t(1) << 40, -3});
  llvm::Expected<Tensor> r = parseNpy(serialize(t), "t");
  ASSERT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r->getKind(), ElementKind::I64);
  EXPECT_EQ(r->getShape(), t.getShape());
  EXPECT_EQ(r->getValues<int64_t>(), t.getValues<int64_t>());
}

TEST(Npy, RoundTripScalarAndEmpty) {
  Tensor scalar = Tensor::fromValues<float>({}, {42});
  llvm::Expected<Tensor> r = parseNpy(serialize(scalar), "s");
  ASSERT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r->getRank(), 0);
  EXPECT_EQ(r->getData<float>()[0], 42);

  Tensor empty(ElementKind::F32, {0, 5});
  llvm::Expected<Tensor> e = parseNpy(serialize(empty), "e");
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_EQ(e->getShape(), llvm::ArrayRef<int64_t>({0, 5}));
}

TEST(Npy, HeaderIsAlignedAndNumpyShaped) {
  std::string s = serialize(Tensor(ElementKind::F32, {5}));
  size_t headerLen = static_cast<uint8_t>(s[8]) |
                     (static_cast<size_t>(static_cast<uint8_t>(s[9])) << 8);
  EXPECT_EQ((10 + headerLen) % 64, 0u);
  EXPECT_NE(s.find("'shape': (5,)"), std::string::npos);
  EXPECT_NE(s.find("'descr': '<f4'"), std::string::npos);
  EXPECT_EQ(s[10 + headerLen - 1], '\n');
}

TEST(Npy, ReadsEveryDType) {
  struct Case {
    const char *descr;
    std::string data;
    ElementKind kind;
    std::vector<double> expected;
  };
  Case cases[] = {
      {"<f8", bytesOf<double>({1.25, -2.5}), ElementKind::F32, {1.25, -2.5}},
      {"<i8", bytesOf<int64_t>({-5, 6}), ElementKind::I64, {-5, 6}},
      {"<i4", bytesOf<int32_t>({-5, 6}), ElementKind::I32, {-5, 6}},
      {"<i2", bytesOf<int16_t>({-300, 301}), ElementKind::I32, {-300, 301}},
      {"|i1", bytesOf<int8_t>({-128, 127}), ElementKind::I32, {-128, 127}},
      {"|u1", bytesOf<uint8_t>({255, 1}), ElementKind::I32, {255, 1}},
      {"|b1", bytesOf<uint8_t>({1, 0}), ElementKind::I32, {1, 0}},
  };
  for (const Case &c : cases) {
    std::string dict = std::string("{'descr': '") + c.descr +
                       "', 'fortran_order': False, 'shape': (2,), }";
    llvm::Expected<Tensor> t = parseNpy(makeNpy(dict, c.data), c.descr);
    ASSERT_TRUE(static_cast<bool>(t))
        << c.descr << ": " << llvm::toString(t.takeError());
    EXPECT_EQ(t->getKind(), c.kind) << c.descr;
    ASSERT_EQ(t->getNumElements(), 2) << c.descr;
    EXPECT_EQ(t->getAsDouble(0), c.expected[0]) << c.descr;
    EXPECT_EQ(t->getAsDouble(1), c.expected[1]) << c.descr;
  }
}

TEST(Npy, ReadsVersions2And3) {
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }";
  for (int major : {2, 3}) {
    llvm::Expected<Tensor> t =
        parseNpy(makeNpy(dict, bytesOf<float>({3, 4}), major), "v");
    ASSERT_TRUE(static_cast<bool>(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->getShape(), llvm::ArrayRef<int64_t>({1, 2}));
    EXPECT_EQ(t->getData<float>()[1], 4);
  }
}

TEST(Npy, Errors) {
  std::string ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  EXPECT_NE(errorOf(parseNpy("PK\x03\x04 zip", "z")).find("bad magic"),
            std::string::npos);
  EXPECT_NE(errorOf(parseNpy(makeNpy(ok, bytesOf<float>({1, 2}), 4), "v"))
                .find("unsupported .npy format version 4.0"),
            std::string::npos);
  EXPECT_NE(errorOf(parseNpy(makeNpy("{'descr': '<f4', 'fortran_order': "
                                     "True, 'shape': (2,), }",
                                     bytesOf<float>({1, 2})),
                             "f"))
                .find("Fortran-order"),
            std::string::npos);
  EXPECT_NE(errorOf(parseNpy(makeNpy("{'descr': '<c8', 'fortran_order': "
                                     "False, 'shape': (2,), }",
                                     std::string(16, '\0')),
                             "c"))
                .find("unsupported dtype '<c8'"),
            std::string::npos);
  EXPECT_NE(errorOf(parseNpy(makeNpy("{'descr': '>f4', 'fortran_order': "
                                     "False, 'shape': (2,), }",
                                     std::string(8, '\0')),
                             "b"))
                .find("big-endian"),
            std::string::npos);
  std::string truncated =
      errorOf(parseNpy(makeNpy(ok, bytesOf<float>({1})), "short.npy"));
  EXPECT_NE(truncated.find("short.npy: truncated data"), std::string::npos)
      << truncated;
  EXPECT_NE(truncated.find("needs 8 bytes, found 4"), std::string::npos)
      << truncated;
  EXPECT_NE(errorOf(parseNpy(makeNpy(ok, "").substr(0, 20), "h"))
                .find("truncated .npy header"),
            std::string::npos);
  EXPECT_NE(errorOf(readNpyFile("/nonexistent/dir/x.npy"))
                .find("cannot open .npy file"),
            std::string::npos);
}

TEST(Npy, FileRoundTrip) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("mpq-npy", "npy", path));
  Tensor t = Tensor::fromValues<int64_t>({3}, {7, 8, 9});
  ASSERT_FALSE(llvm::errorToBool(writeNpyFile(t, path)));
  llvm::Expected<Tensor> r = readNpyFile(path);
  llvm::sys::fs::remove(path);
  ASSERT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r->getValues<int64_t>(), t.getValues<int64_t>());
}
