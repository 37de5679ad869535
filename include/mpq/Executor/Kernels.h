//===- Kernels.h - compute kernels of the reference executor ----*- C++ -*-===//
//
// MLIR-free f32 kernels for the heavy ops (convolutions, pooling, matmul) and
// the thread helper they share. Op handlers validate shapes and attributes,
// allocate the output with the shape returned by the infer*Shape helpers and
// call these; unit tests call them directly.
//
// Threading model: every kernel takes `numThreads` and splits its outermost
// independent loop (output rows over the whole batch, n * OH + oh) into
// contiguous ranges, one per thread, via parallelFor. Eigen itself is kept
// single-threaded inside each range. Small problems run on the calling
// thread.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_EXECUTOR_KERNELS_H
#define MPQ_EXECUTOR_KERNELS_H

#include "mpq/Executor/Tensor.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace mpq {

/// Returns std::thread::hardware_concurrency(), at least 1.
unsigned getDefaultNumThreads();

/// Runs body(begin, end) over contiguous sub-ranges of [0, n) on up to
/// `numThreads` threads (the calling thread takes the first range). Uses
/// fewer threads when there are fewer than `minItemsPerThread` items per
/// thread. `body` is called once per range, never per item.
void parallelFor(int64_t n, unsigned numThreads, int64_t minItemsPerThread,
                 llvm::function_ref<void(int64_t begin, int64_t end)> body);

namespace kernels {

/// Window parameters of a 2-D convolution or pooling (TOSA order).
struct Window2D {
  int64_t kernelH = 1, kernelW = 1;
  int64_t padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
  int64_t strideY = 1, strideX = 1;
  int64_t dilationY = 1, dilationX = 1;
};

/// Computes the output size of one spatial dimension,
/// (in - 1 + padBegin + padEnd - (k - 1) * dilation) / stride + 1; returns
/// false if it is not positive or the division is not exact.
bool computeWindowOutputSize(int64_t in, int64_t k, int64_t padBegin,
                             int64_t padEnd, int64_t stride, int64_t dilation,
                             int64_t &out);

/// Infers the NHWC output shape of a convolution or pooling from the NHWC
/// input shape, the window and the number of output channels. Returns false
/// with a message in `error` if the window does not fit.
bool inferWindowOutputShape(llvm::ArrayRef<int64_t> inputShape,
                            const Window2D &window, int64_t outChannels,
                            llvm::SmallVectorImpl<int64_t> &outputShape,
                            std::string &error);

/// tosa.conv2d on f32: input [N,H,W,C], weight [O,KH,KW,C] (OHWI), bias [O]
/// or [1]; `output` is preallocated [N,OH,OW,O]. im2col + Eigen GEMM (a
/// direct GEMM for 1x1, stride-1, unpadded convolutions).
void conv2d(const Tensor &input, const Tensor &weight, const Tensor &bias,
            const Window2D &window, Tensor &output, unsigned numThreads);

/// tosa.depthwise_conv2d on f32: input [N,H,W,C], weight [KH,KW,C,M], bias
/// [C*M] or [1]; `output` is preallocated [N,OH,OW,C*M], channel c*M+m.
void depthwiseConv2d(const Tensor &input, const Tensor &weight,
                     const Tensor &bias, const Window2D &window, Tensor &output,
                     unsigned numThreads);

/// tosa.max_pool2d on f32 (padding is -inf, i.e. never selected; NaN
/// propagates). `output` is preallocated [N,OH,OW,C].
void maxPool2d(const Tensor &input, const Window2D &window, Tensor &output,
               unsigned numThreads);

/// tosa.avg_pool2d on f32; the divisor is the number of valid (non-padding)
/// input elements in each window. `output` is preallocated [N,OH,OW,C].
void avgPool2d(const Tensor &input, const Window2D &window, Tensor &output,
               unsigned numThreads);

/// tosa.matmul on f32: a [N,H,C] x b [N,C,W] -> output [N,H,W]
/// (preallocated). A batch of 1 in `b` is broadcast over a's batch.
void matmul(const Tensor &a, const Tensor &b, Tensor &output,
            unsigned numThreads);

} // namespace kernels
} // namespace mpq

#endif // MPQ_EXECUTOR_KERNELS_H
