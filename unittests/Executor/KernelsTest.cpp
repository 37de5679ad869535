//===- KernelsTest.cpp - executor kernels against naive references --------===//
//
// The im2col + GEMM convolution, the depthwise convolution, pooling and
// matmul are compared with direct loop nests on random shapes, strides,
// dilations and paddings, single- and multi-threaded.
//
//===----------------------------------------------------------------------===//

#include "mpq/Executor/Kernels.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <random>

using namespace mpq;
using namespace mpq::kernels;

namespace {

Tensor randomTensor(std::mt19937 &rng, llvm::ArrayRef<int64_t> shape) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Tensor t(ElementKind::F32, shape);
  for (float &v : t.getValues<float>())
    v = dist(rng);
  return t;
}

int64_t randomInt(std::mt19937 &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

/// Picks a random window for an input of size `in` along one dimension and
/// returns the end padding that makes the TOSA division exact.
void randomAxis(std::mt19937 &rng, int64_t in, int64_t &k, int64_t &stride,
                int64_t &dilation, int64_t &padBegin, int64_t &padEnd) {
  for (;;) {
    k = randomInt(rng, 1, 4);
    stride = randomInt(rng, 1, 3);
    dilation = randomInt(rng, 1, 3);
    padBegin = randomInt(rng, 0, k - 1);
    int64_t span = in - 1 + padBegin - (k - 1) * dilation;
    // Smallest padEnd >= 0 with span + padEnd >= 0 divisible by stride.
    padEnd = 0;
    while (span + padEnd < 0 || (span + padEnd) % stride)
      ++padEnd;
    if (padEnd <= 2 * k)
      return;
  }
}

Window2D randomWindow(std::mt19937 &rng, int64_t h, int64_t w) {
  Window2D win;
  randomAxis(rng, h, win.kernelH, win.strideY, win.dilationY, win.padTop,
             win.padBottom);
  randomAxis(rng, w, win.kernelW, win.strideX, win.dilationX, win.padLeft,
             win.padRight);
  return win;
}

Tensor allocateOutput(const Tensor &input, const Window2D &win,
                      int64_t channels) {
  llvm::SmallVector<int64_t, 4> shape;
  std::string error;
  EXPECT_TRUE(
      inferWindowOutputShape(input.getShape(), win, channels, shape, error))
      << error;
  return Tensor::createUninitialized(ElementKind::F32, shape);
}

/// The 7-loop reference convolution (NHWC, OHWI), accumulating in double.
Tensor naiveConv2d(const Tensor &x, const Tensor &w, const Tensor &b,
                   const Window2D &win, llvm::ArrayRef<int64_t> outShape) {
  int64_t n = x.getDimSize(0), h = x.getDimSize(1), wd = x.getDimSize(2),
          c = x.getDimSize(3);
  int64_t o = w.getDimSize(0), kh = w.getDimSize(1), kw = w.getDimSize(2);
  int64_t oh = outShape[1], ow = outShape[2];
  Tensor y(ElementKind::F32, outShape);
  const float *xp = x.getData<float>(), *wp = w.getData<float>(),
              *bp = b.getData<float>();
  for (int64_t in = 0; in < n; ++in)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox)
        for (int64_t oc = 0; oc < o; ++oc) {
          double acc = b.getNumElements() == 1 ? bp[0] : bp[oc];
          for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j)
              for (int64_t ic = 0; ic < c; ++ic) {
                int64_t iy = oy * win.strideY - win.padTop + i * win.dilationY;
                int64_t ix = ox * win.strideX - win.padLeft + j * win.dilationX;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
                  continue;
                acc += double(xp[((in * h + iy) * wd + ix) * c + ic]) *
                       wp[((oc * kh + i) * kw + j) * c + ic];
              }
          y.getData<float>()[((in * oh + oy) * ow + ox) * o + oc] =
              static_cast<float>(acc);
        }
  return y;
}

Tensor naiveDepthwise(const Tensor &x, const Tensor &w, const Tensor &b,
                      const Window2D &win, llvm::ArrayRef<int64_t> outShape) {
  int64_t n = x.getDimSize(0), h = x.getDimSize(1), wd = x.getDimSize(2),
          c = x.getDimSize(3);
  int64_t kh = w.getDimSize(0), kw = w.getDimSize(1), m = w.getDimSize(3);
  int64_t oh = outShape[1], ow = outShape[2];
  Tensor y(ElementKind::F32, outShape);
  const float *xp = x.getData<float>(), *wp = w.getData<float>(),
              *bp = b.getData<float>();
  for (int64_t in = 0; in < n; ++in)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox)
        for (int64_t ic = 0; ic < c; ++ic)
          for (int64_t q = 0; q < m; ++q) {
            double acc = b.getNumElements() == 1 ? bp[0] : bp[ic * m + q];
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                int64_t iy = oy * win.strideY - win.padTop + i * win.dilationY;
                int64_t ix = ox * win.strideX - win.padLeft + j * win.dilationX;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
                  continue;
                acc += double(xp[((in * h + iy) * wd + ix) * c + ic]) *
                       wp[((i * kw + j) * c + ic) * m + q];
              }
            y.getData<float>()[((in * oh + oy) * ow + ox) * c * m + ic * m +
                               q] = static_cast<float>(acc);
          }
  return y;
}

/// Naive pooling; padding positions are skipped (never win a max, excluded
/// from the average's divisor).
Tensor naivePool(const Tensor &x, const Window2D &win,
                 llvm::ArrayRef<int64_t> outShape, bool isMax) {
  int64_t n = x.getDimSize(0), h = x.getDimSize(1), wd = x.getDimSize(2),
          c = x.getDimSize(3);
  int64_t oh = outShape[1], ow = outShape[2];
  Tensor y(ElementKind::F32, outShape);
  for (int64_t in = 0; in < n; ++in)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox)
        for (int64_t ic = 0; ic < c; ++ic) {
          double acc = isMax ? -INFINITY : 0.0;
          int64_t count = 0;
          for (int64_t i = 0; i < win.kernelH; ++i)
            for (int64_t j = 0; j < win.kernelW; ++j) {
              int64_t iy = oy * win.strideY - win.padTop + i;
              int64_t ix = ox * win.strideX - win.padLeft + j;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
                continue;
              double v = x.getData<float>()[((in * h + iy) * wd + ix) * c + ic];
              acc = isMax ? std::max(acc, v) : acc + v;
              ++count;
            }
          if (!isMax && count)
            acc /= count;
          y.getData<float>()[((in * oh + oy) * ow + ox) * c + ic] =
              static_cast<float>(acc);
        }
  return y;
}

void expectClose(const Tensor &actual, const Tensor &expected, double tol,
                 const std::string &what) {
  ASSERT_EQ(actual.getShape(), expected.getShape()) << what;
  for (int64_t i = 0; i < actual.getNumElements(); ++i) {
    double a = actual.getData<float>()[i], e = expected.getData<float>()[i];
    if (std::isinf(e) && a == e)
      continue;
    ASSERT_LE(std::fabs(a - e), tol * std::max(1.0, std::fabs(e)))
        << what << " at element " << i << ": " << a << " vs " << e;
  }
}

std::string describe(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> w,
                     const Window2D &win, unsigned threads) {
  return "input " + formatShape(in) + " weight " + formatShape(w) + " kernel " +
         std::to_string(win.kernelH) + "x" + std::to_string(win.kernelW) +
         " stride " + std::to_string(win.strideY) + "x" +
         std::to_string(win.strideX) + " dilation " +
         std::to_string(win.dilationY) + "x" + std::to_string(win.dilationX) +
         " pad " + std::to_string(win.padTop) + "," +
         std::to_string(win.padBottom) + "," + std::to_string(win.padLeft) +
         "," + std::to_string(win.padRight) + " threads " +
         std::to_string(threads);
}

} // namespace

TEST(ParallelFor, CoversEveryItemOnce) {
  for (int64_t n : {0, 1, 2, 3, 7, 100, 1001}) {
    for (unsigned threads : {1u, 2u, 3u, 8u}) {
      std::vector<std::atomic<int>> hits(n);
      parallelFor(n, threads, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
          ++hits[i];
      });
      for (int64_t i = 0; i < n; ++i)
        ASSERT_EQ(hits[i].load(), 1) << "n=" << n << " threads=" << threads;
    }
  }
}

TEST(Kernels, WindowOutputSize) {
  int64_t out;
  EXPECT_TRUE(computeWindowOutputSize(28, 3, 1, 1, 1, 1, out));
  EXPECT_EQ(out, 28);
  EXPECT_TRUE(computeWindowOutputSize(28, 2, 0, 0, 2, 1, out));
  EXPECT_EQ(out, 14);
  EXPECT_FALSE(computeWindowOutputSize(28, 3, 0, 0, 2, 1, out)); // 25 % 2
  EXPECT_FALSE(computeWindowOutputSize(2, 5, 0, 0, 1, 1, out));  // too small
  EXPECT_TRUE(computeWindowOutputSize(9, 3, 1, 1, 2, 2, out));
  EXPECT_EQ(out, 4);
}

TEST(Kernels, Conv2dMatchesNaiveOnRandomShapes) {
  std::mt19937 rng(42);
  for (int iter = 0; iter < 60; ++iter) {
    int64_t n = randomInt(rng, 1, 3), h = randomInt(rng, 1, 12),
            w = randomInt(rng, 1, 12), c = randomInt(rng, 1, 9),
            o = randomInt(rng, 1, 9);
    Window2D win = randomWindow(rng, h, w);
    Tensor x = randomTensor(rng, {n, h, w, c});
    Tensor wt = randomTensor(rng, {o, win.kernelH, win.kernelW, c});
    Tensor b = randomTensor(rng, {iter % 4 == 0 ? 1 : o});
    Tensor y = allocateOutput(x, win, o);
    Tensor ref = naiveConv2d(x, wt, b, win, y.getShape());
    for (unsigned threads : {1u, 2u}) {
      conv2d(x, wt, b, win, y, threads);
      expectClose(y, ref, 1e-5,
                  describe(x.getShape(), wt.getShape(), win, threads));
    }
  }
}

TEST(Kernels, Conv2dDirectAndLargePaths) {
  std::mt19937 rng(7);
  // 1x1, stride 1, unpadded: the direct GEMM path.
  {
    Window2D win;
    Tensor x = randomTensor(rng, {3, 5, 7, 16});
    Tensor wt = randomTensor(rng, {8, 1, 1, 16});
    Tensor b = randomTensor(rng, {8});
    Tensor y = allocateOutput(x, win, 8);
    conv2d(x, wt, b, win, y, 2);
    expectClose(y, naiveConv2d(x, wt, b, win, y.getShape()), 1e-5, "1x1");
  }
  // Batch 1 with many output rows and a large K: several GEMM blocks, split
  // over rows between threads.
  {
    Window2D win;
    win.kernelH = win.kernelW = 5;
    win.padTop = win.padBottom = win.padLeft = win.padRight = 2;
    Tensor x = randomTensor(rng, {1, 40, 33, 24});
    Tensor wt = randomTensor(rng, {20, 5, 5, 24});
    Tensor b = randomTensor(rng, {20});
    Tensor y = allocateOutput(x, win, 20);
    Tensor ref = naiveConv2d(x, wt, b, win, y.getShape());
    for (unsigned threads : {1u, 2u, 5u}) {
      conv2d(x, wt, b, win, y, threads);
      expectClose(y, ref, 2e-5, "large, threads " + std::to_string(threads));
    }
  }
}

TEST(Kernels, DepthwiseMatchesNaiveOnRandomShapes) {
  std::mt19937 rng(43);
  for (int iter = 0; iter < 60; ++iter) {
    int64_t n = randomInt(rng, 1, 3), h = randomInt(rng, 1, 12),
            w = randomInt(rng, 1, 12), c = randomInt(rng, 1, 8),
            m = randomInt(rng, 1, 3);
    Window2D win = randomWindow(rng, h, w);
    Tensor x = randomTensor(rng, {n, h, w, c});
    Tensor wt = randomTensor(rng, {win.kernelH, win.kernelW, c, m});
    Tensor b = randomTensor(rng, {iter % 5 == 0 ? 1 : c * m});
    Tensor y = allocateOutput(x, win, c * m);
    Tensor ref = naiveDepthwise(x, wt, b, win, y.getShape());
    for (unsigned threads : {1u, 2u}) {
      depthwiseConv2d(x, wt, b, win, y, threads);
      expectClose(y, ref, 1e-5,
                  describe(x.getShape(), wt.getShape(), win, threads));
    }
  }
}

TEST(Kernels, PoolingMatchesNaiveOnRandomShapes) {
  std::mt19937 rng(44);
  for (int iter = 0; iter < 60; ++iter) {
    int64_t n = randomInt(rng, 1, 2), h = randomInt(rng, 1, 10),
            w = randomInt(rng, 1, 10), c = randomInt(rng, 1, 5);
    Window2D win = randomWindow(rng, h, w);
    win.dilationY = win.dilationX = 1;
    // Re-derive the end padding for dilation 1; keep padding below the
    // kernel as TOSA requires.
    auto fix = [](int64_t in, int64_t k, int64_t s, int64_t &p0, int64_t &p1) {
      p0 = std::min(p0, k - 1);
      p1 = 0;
      while (in - 1 + p0 + p1 - (k - 1) < 0 || (in - 1 + p0 + p1 - (k - 1)) % s)
        ++p1;
    };
    fix(h, win.kernelH, win.strideY, win.padTop, win.padBottom);
    fix(w, win.kernelW, win.strideX, win.padLeft, win.padRight);
    Tensor x = randomTensor(rng, {n, h, w, c});
    Tensor y = allocateOutput(x, win, c);
    std::string what = describe(x.getShape(), {}, win, 2);
    maxPool2d(x, win, y, 2);
    expectClose(y, naivePool(x, win, y.getShape(), true), 0, "max " + what);
    avgPool2d(x, win, y, 2);
    expectClose(y, naivePool(x, win, y.getShape(), false), 1e-6, "avg " + what);
  }
}

TEST(Kernels, PoolingEdgeCases) {
  // Padding never wins a max of negative values, and is excluded from the
  // average: a 3x3 window with one padding row and column on a 2x2 input.
  Tensor x = Tensor::fromValues<float>({1, 2, 2, 1}, {-1, -2, -3, -4});
  Window2D win;
  win.kernelH = win.kernelW = 3;
  win.padTop = win.padLeft = 1;
  win.strideY = win.strideX = 2;
  Tensor y = allocateOutput(x, win, 1);
  ASSERT_EQ(y.getShape(), llvm::ArrayRef<int64_t>({1, 1, 1, 1}));
  maxPool2d(x, win, y, 1);
  EXPECT_EQ(y.getData<float>()[0], -1);
  avgPool2d(x, win, y, 1);
  EXPECT_EQ(y.getData<float>()[0], -2.5);

  // Windows at the corners see one element: the average is that element.
  Window2D corner;
  corner.kernelH = corner.kernelW = 2;
  corner.padTop = corner.padLeft = corner.padBottom = corner.padRight = 1;
  Tensor z = allocateOutput(x, corner, 1);
  ASSERT_EQ(z.getShape(), llvm::ArrayRef<int64_t>({1, 3, 3, 1}));
  avgPool2d(x, corner, z, 2);
  EXPECT_EQ(z.getData<float>()[0], -1);
  EXPECT_EQ(z.getData<float>()[2], -2);
  EXPECT_EQ(z.getData<float>()[4], -2.5);
  EXPECT_EQ(z.getData<float>()[8], -4);

  // NaN propagates through max pooling.
  Tensor nan = Tensor::fromValues<float>(
      {1, 1, 2, 1}, {1.0f, std::numeric_limits<float>::quiet_NaN()});
  Window2D row;
  row.kernelW = 2;
  Tensor r = allocateOutput(nan, row, 1);
  maxPool2d(nan, row, r, 1);
  EXPECT_TRUE(std::isnan(r.getData<float>()[0]));
}

TEST(Kernels, MatmulMatchesNaive) {
  std::mt19937 rng(45);
  for (auto [n, h, c, w, nb] :
       {std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t>{2, 3, 4, 5, 2},
        {1, 300, 70, 33, 1},
        {3, 17, 1, 9, 1},
        {1, 1, 64, 10, 1}}) {
    Tensor a = randomTensor(rng, {n, h, c});
    Tensor b = randomTensor(rng, {nb, c, w});
    Tensor ref(ElementKind::F32, {n, h, w});
    for (int64_t i = 0; i < n; ++i)
      for (int64_t r = 0; r < h; ++r)
        for (int64_t q = 0; q < w; ++q) {
          double acc = 0;
          for (int64_t k = 0; k < c; ++k)
            acc += double(a.getData<float>()[(i * h + r) * c + k]) *
                   b.getData<float>()[((nb == 1 ? 0 : i) * c + k) * w + q];
          ref.getData<float>()[(i * h + r) * w + q] = static_cast<float>(acc);
        }
    for (unsigned threads : {1u, 2u}) {
      Tensor y = Tensor::createUninitialized(ElementKind::F32, {n, h, w});
      matmul(a, b, y, threads);
      expectClose(y, ref, 1e-5, "matmul " + formatShape(a.getShape()));
    }
  }
}

TEST(Tensor, SliceAndConcatDim0) {
  Tensor t = Tensor::fromValues<int32_t>({3, 2}, {1, 2, 3, 4, 5, 6});
  Tensor a = t.sliceDim0(0, 1), b = t.sliceDim0(1, 3);
  EXPECT_EQ(b.getShape(), llvm::ArrayRef<int64_t>({2, 2}));
  std::string error;
  Tensor joined = Tensor::concatDim0({a, b}, error);
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_EQ(joined.getValues<int32_t>(), t.getValues<int32_t>());
  Tensor other(ElementKind::I32, {1, 3});
  Tensor bad = Tensor::concatDim0({a, other}, error);
  EXPECT_FALSE(error.empty());
}

TEST(Tensor, CopyMoveAndReuse) {
  Tensor t = Tensor::fromValues<float>({2}, {1, 2});
  Tensor copy = t;
  copy.getData<float>()[0] = 5;
  EXPECT_EQ(t.getData<float>()[0], 1);
  Tensor moved = std::move(copy);
  EXPECT_EQ(moved.getData<float>()[0], 5);
  EXPECT_EQ(copy.getNumElements(), 0);
  // Large buffers are recycled; a fresh zero-initialised tensor is zero even
  // when it reuses a dirty buffer.
  {
    Tensor big(ElementKind::F32, {1 << 16});
    std::fill_n(big.getData<float>(), big.getNumElements(), 3.0f);
  }
  Tensor zero(ElementKind::F32, {1 << 16});
  for (float v : zero.getValues<float>())
    ASSERT_EQ(v, 0.0f);
  EXPECT_FALSE(zero.reshape({3}));
  EXPECT_TRUE(zero.reshape({256, 256}));
}
