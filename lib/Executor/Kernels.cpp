//===- Kernels.cpp - compute kernels of the reference executor ------------===//
//
// Convolutions are im2col + one Eigen GEMM per block of output rows: the
// output of NHWC convolution for a contiguous range of (n, oh) rows is a
// contiguous [pixels, O] row-major matrix, so every block writes straight
// into the output tensor. Blocks are sized so the im2col buffer stays within
// the L2 cache budget below while giving Eigen enough rows to be efficient
// (several images per GEMM for small feature maps).
//
//===----------------------------------------------------------------------===//

#include "mpq/Executor/Kernels.h"
#include "mpq/Support/CheckedMath.h"

#define EIGEN_DONT_PARALLELIZE
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

using namespace mpq;
using namespace mpq::kernels;

namespace {
using RowMajorMatrix =
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMatrixMap = Eigen::Map<const RowMajorMatrix>;
using MatrixMap = Eigen::Map<RowMajorMatrix>;
using ConstRowVectorMap = Eigen::Map<const Eigen::RowVectorXf>;

/// Floats of im2col buffer per GEMM block (1 MiB).
constexpr int64_t kColBudget = 1 << 18;
/// Multiply-adds a thread should get at least before another is started.
constexpr int64_t kMinMacsPerThread = 1 << 18;
} // namespace

unsigned mpq::getDefaultNumThreads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

void mpq::parallelFor(int64_t n, unsigned numThreads, int64_t minItemsPerThread,
                      llvm::function_ref<void(int64_t, int64_t)> body) {
  if (n <= 0)
    return;
  int64_t maxByWork =
      std::max<int64_t>(1, n / std::max<int64_t>(1, minItemsPerThread));
  int64_t threads = std::min<int64_t>(
      {static_cast<int64_t>(std::max(1u, numThreads)), maxByWork, n});
  if (threads == 1) {
    body(0, n);
    return;
  }
  std::vector<std::thread> workers;
  workers.reserve(threads - 1);
  for (int64_t t = 1; t < threads; ++t) {
    int64_t begin = n * t / threads, end = n * (t + 1) / threads;
    workers.emplace_back([body, begin, end] { body(begin, end); });
  }
  body(0, n / threads);
  for (std::thread &w : workers)
    w.join();
}

static int64_t macsToItems(int64_t macsPerItem) {
  return std::max<int64_t>(1, kMinMacsPerThread /
                                  std::max<int64_t>(1, macsPerItem));
}

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

bool kernels::computeWindowOutputSize(int64_t in, int64_t k, int64_t padBegin,
                                      int64_t padEnd, int64_t stride,
                                      int64_t dilation, int64_t &out) {
  if (stride <= 0 || dilation <= 0 || k <= 0 || in < 0 || padBegin < 0 ||
      padEnd < 0)
    return false;
  // Checked: huge pads or dilations must not wrap (docs/hardening.md).
  std::optional<int64_t> reach = checkedMul(k - 1, dilation);
  std::optional<int64_t> padded = checkedSum({in - 1, padBegin, padEnd});
  if (!reach || !padded)
    return false;
  int64_t span = *padded - *reach;
  if (span < 0 || span % stride != 0)
    return false;
  out = span / stride + 1;
  return true;
}

bool kernels::inferWindowOutputShape(llvm::ArrayRef<int64_t> inputShape,
                                     const Window2D &w, int64_t outChannels,
                                     llvm::SmallVectorImpl<int64_t> &outShape,
                                     std::string &error) {
  if (inputShape.size() != 4) {
    error = "expected a rank-4 NHWC input, got " + formatShape(inputShape);
    return false;
  }
  if (w.padTop < 0 || w.padBottom < 0 || w.padLeft < 0 || w.padRight < 0) {
    error = "negative padding";
    return false;
  }
  int64_t oh, ow;
  if (!computeWindowOutputSize(inputShape[1], w.kernelH, w.padTop, w.padBottom,
                               w.strideY, w.dilationY, oh) ||
      !computeWindowOutputSize(inputShape[2], w.kernelW, w.padLeft, w.padRight,
                               w.strideX, w.dilationX, ow)) {
    error = "window (kernel " + std::to_string(w.kernelH) + "x" +
            std::to_string(w.kernelW) + ", stride " +
            std::to_string(w.strideY) + "x" + std::to_string(w.strideX) +
            ", dilation " + std::to_string(w.dilationY) + "x" +
            std::to_string(w.dilationX) + ", pad [" + std::to_string(w.padTop) +
            ", " + std::to_string(w.padBottom) + ", " +
            std::to_string(w.padLeft) + ", " + std::to_string(w.padRight) +
            "]) does not fit the input " + formatShape(inputShape);
    return false;
  }
  outShape.assign({inputShape[0], oh, ow, outChannels});
  return true;
}

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

namespace {
/// Geometry shared by the convolution and pooling loops.
struct Geometry {
  int64_t n, h, w, c, oh, ow;
};
} // namespace

/// Writes the im2col rows of output pixels [p, p + numPixels) (p = (n * OH +
/// oh) * OW + ow) into `col`, one row of KH*KW*C values per output pixel, zero
/// for padding.
static void im2colPixels(const float *x, const Geometry &g, const Window2D &win,
                         int64_t p, int64_t numPixels, float *col) {
  const int64_t kh = win.kernelH, kw = win.kernelW, c = g.c;
  const int64_t k = kh * kw * c;
  for (int64_t pp = 0; pp < numPixels; ++pp) {
    int64_t r = (p + pp) / g.ow, ow = (p + pp) % g.ow;
    int64_t n = r / g.oh, oh = r % g.oh;
    const float *image = x + n * g.h * g.w * c;
    float *dst = col + pp * k;
    int64_t iw0 = ow * win.strideX - win.padLeft;
    bool rowInside = win.dilationX == 1 && iw0 >= 0 && iw0 + kw <= g.w;
    for (int64_t i = 0; i < kh; ++i) {
      float *d = dst + i * kw * c;
      int64_t ih = oh * win.strideY - win.padTop + i * win.dilationY;
      if (ih < 0 || ih >= g.h) {
        std::fill_n(d, kw * c, 0.0f);
        continue;
      }
      const float *src = image + ih * g.w * c;
      if (rowInside) {
        std::copy_n(src + iw0 * c, kw * c, d);
        continue;
      }
      for (int64_t j = 0; j < kw; ++j) {
        int64_t iw = iw0 + j * win.dilationX;
        if (iw < 0 || iw >= g.w)
          std::fill_n(d + j * c, c, 0.0f);
        else
          std::copy_n(src + iw * c, c, d + j * c);
      }
    }
  }
}

void kernels::conv2d(const Tensor &input, const Tensor &weight,
                     const Tensor &bias, const Window2D &win, Tensor &output,
                     unsigned numThreads) {
  Geometry g{input.getDimSize(0), input.getDimSize(1),  input.getDimSize(2),
             input.getDimSize(3), output.getDimSize(1), output.getDimSize(2)};
  const int64_t o = weight.getDimSize(0);
  const int64_t k = win.kernelH * win.kernelW * g.c;
  const float *x = input.getData<float>();
  const float *b = bias.getData<float>();
  float *y = output.getData<float>();
  const bool biasScalar = bias.getNumElements() == 1 && o != 1;
  const bool direct = win.kernelH == 1 && win.kernelW == 1 &&
                      win.strideY == 1 && win.strideX == 1 && win.padTop == 0 &&
                      win.padBottom == 0 && win.padLeft == 0 &&
                      win.padRight == 0;
  if (g.ow == 0 || o == 0)
    return;
  if (k == 0) {
    // No input channels: the output is the bias.
    for (int64_t p = 0, e = output.getNumElements() / o; p < e; ++p)
      for (int64_t i = 0; i < o; ++i)
        y[p * o + i] = biasScalar ? b[0] : b[i];
    return;
  }

  ConstMatrixMap wm(weight.getData<float>(), o, k);
  // Output pixels per GEMM block: enough for an efficient GEMM, few enough
  // for the im2col buffer to stay in cache. The buffer holds at most
  // max(kColBudget, k) floats whatever the output width, so huge paddings
  // cannot make it explode (k is bounded by the weight's size).
  int64_t pixelsPerBlock = std::max<int64_t>(1, kColBudget / k);
  int64_t minRows = macsToItems(g.ow * k * o);

  parallelFor(g.n * g.oh, numThreads, minRows, [&](int64_t r0, int64_t r1) {
    std::vector<float> col;
    const int64_t pEnd = r1 * g.ow;
    if (!direct)
      col.resize(static_cast<size_t>(
          std::min(pixelsPerBlock, pEnd - r0 * g.ow) * k));
    for (int64_t p = r0 * g.ow; p < pEnd;) {
      int64_t pixels = std::min(pixelsPerBlock, pEnd - p);
      const float *colData;
      if (direct) {
        colData = x + p * g.c;
      } else {
        im2colPixels(x, g, win, p, pixels, col.data());
        colData = col.data();
      }
      ConstMatrixMap cm(colData, pixels, k);
      MatrixMap om(y + p * o, pixels, o);
      om.noalias() = cm * wm.transpose();
      if (biasScalar)
        om.array() += b[0];
      else
        om.rowwise() += ConstRowVectorMap(b, o);
      p += pixels;
    }
  });
}

//===----------------------------------------------------------------------===//
// depthwise_conv2d
//===----------------------------------------------------------------------===//

void kernels::depthwiseConv2d(const Tensor &input, const Tensor &weight,
                              const Tensor &bias, const Window2D &win,
                              Tensor &output, unsigned numThreads) {
  Geometry g{input.getDimSize(0), input.getDimSize(1),  input.getDimSize(2),
             input.getDimSize(3), output.getDimSize(1), output.getDimSize(2)};
  const int64_t m = weight.getDimSize(3);
  const int64_t cm = g.c * m;
  const float *x = input.getData<float>();
  const float *w = weight.getData<float>();
  const float *b = bias.getData<float>();
  float *y = output.getData<float>();
  const bool biasScalar = bias.getNumElements() == 1 && cm != 1;
  int64_t minRows = macsToItems(g.ow * win.kernelH * win.kernelW * cm);

  parallelFor(g.n * g.oh, numThreads, minRows, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t n = r / g.oh, oh = r % g.oh;
      const float *image = x + n * g.h * g.w * g.c;
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        float *acc = y + (r * g.ow + ow) * cm;
        if (biasScalar)
          std::fill_n(acc, cm, b[0]);
        else
          std::copy_n(b, cm, acc);
        for (int64_t i = 0; i < win.kernelH; ++i) {
          int64_t ih = oh * win.strideY - win.padTop + i * win.dilationY;
          if (ih < 0 || ih >= g.h)
            continue;
          for (int64_t j = 0; j < win.kernelW; ++j) {
            int64_t iw = ow * win.strideX - win.padLeft + j * win.dilationX;
            if (iw < 0 || iw >= g.w)
              continue;
            const float *xp = image + (ih * g.w + iw) * g.c;
            const float *wp = w + (i * win.kernelW + j) * cm;
            if (m == 1) {
              for (int64_t c = 0; c < g.c; ++c)
                acc[c] += xp[c] * wp[c];
            } else {
              for (int64_t c = 0; c < g.c; ++c) {
                float xv = xp[c];
                for (int64_t q = 0; q < m; ++q)
                  acc[c * m + q] += xv * wp[c * m + q];
              }
            }
          }
        }
      }
    }
  });
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <bool IsMax, typename T>
static void pool2d(const Tensor &input, const Window2D &win, Tensor &output,
                   unsigned numThreads) {
  Geometry g{input.getDimSize(0), input.getDimSize(1),  input.getDimSize(2),
             input.getDimSize(3), output.getDimSize(1), output.getDimSize(2)};
  const T *x = input.getData<T>();
  T *y = output.getData<T>();
  int64_t minRows = macsToItems(g.ow * win.kernelH * win.kernelW * g.c);

  parallelFor(g.n * g.oh, numThreads, minRows, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t n = r / g.oh, oh = r % g.oh;
      const T *image = x + n * g.h * g.w * g.c;
      int64_t ih0 = oh * win.strideY - win.padTop;
      int64_t ihBegin = std::max<int64_t>(ih0, 0);
      int64_t ihEnd = std::min<int64_t>(ih0 + win.kernelH, g.h);
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        T *acc = y + (r * g.ow + ow) * g.c;
        int64_t iw0 = ow * win.strideX - win.padLeft;
        int64_t iwBegin = std::max<int64_t>(iw0, 0);
        int64_t iwEnd = std::min<int64_t>(iw0 + win.kernelW, g.w);
        T init = T(0);
        if constexpr (IsMax)
          init = std::numeric_limits<T>::has_infinity
                     ? -std::numeric_limits<T>::infinity()
                     : std::numeric_limits<T>::lowest();
        std::fill_n(acc, g.c, init);
        for (int64_t ih = ihBegin; ih < ihEnd; ++ih) {
          for (int64_t iw = iwBegin; iw < iwEnd; ++iw) {
            const T *xp = image + (ih * g.w + iw) * g.c;
            for (int64_t c = 0; c < g.c; ++c) {
              if constexpr (IsMax && std::is_floating_point_v<T>)
                acc[c] = (xp[c] > acc[c] || std::isnan(xp[c])) ? xp[c] : acc[c];
              else if constexpr (IsMax)
                acc[c] = std::max(acc[c], xp[c]);
              else
                acc[c] += xp[c];
            }
          }
        }
        if constexpr (!IsMax) {
          int64_t count = std::max<int64_t>(0, ihEnd - ihBegin) *
                          std::max<int64_t>(0, iwEnd - iwBegin);
          if (count > 0) {
            float inv = 1.0f / static_cast<float>(count);
            for (int64_t c = 0; c < g.c; ++c)
              acc[c] *= inv;
          }
        }
      }
    }
  });
}

void kernels::maxPool2d(const Tensor &input, const Window2D &window,
                        Tensor &output, unsigned numThreads) {
  // Quantized codes (I32) pool exactly: the maximum of codes is the code of
  // the maximum.
  if (input.getKind() == ElementKind::I32)
    pool2d<true, int32_t>(input, window, output, numThreads);
  else
    pool2d<true, float>(input, window, output, numThreads);
}

void kernels::avgPool2d(const Tensor &input, const Window2D &window,
                        Tensor &output, unsigned numThreads) {
  pool2d<false, float>(input, window, output, numThreads);
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

void kernels::matmul(const Tensor &a, const Tensor &b, Tensor &output,
                     unsigned numThreads) {
  const int64_t n = a.getDimSize(0), h = a.getDimSize(1), c = a.getDimSize(2);
  const int64_t w = b.getDimSize(2);
  const bool broadcastB = b.getDimSize(0) == 1;
  const float *ap = a.getData<float>();
  const float *bp = b.getData<float>();
  float *yp = output.getData<float>();
  if (h == 0 || w == 0)
    return;
  if (c == 0) {
    std::fill_n(yp, output.getNumElements(), 0.0f);
    return;
  }
  // A fixed order that generated code reproduces bit for bit (float
  // islands, docs/codegen.md): y[i][j] = ((0 + a[i][0] b[0][j]) + a[i][1]
  // b[1][j]) + ..., every product rounded before its sum (no fused
  // multiply-add). The loop over j vectorizes without reordering.
  parallelFor(
      n * h, numThreads, macsToItems(c * w), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          const float *arow = ap + r * c;
          const float *bm = bp + (broadcastB ? 0 : r / h) * c * w;
          float *y = yp + r * w;
          std::fill_n(y, w, 0.0f);
          for (int64_t k = 0; k < c; ++k) {
            const float av = arow[k];
            const float *brow = bm + k * w;
            for (int64_t j = 0; j < w; ++j) {
              const float p = av * brow[j];
              y[j] = y[j] + p;
            }
          }
        }
      });
}
