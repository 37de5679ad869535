//===- MPQOps.td - mpq operations --------------------------*- tablegen -*-===//

#ifndef MPQ_DIALECT_MPQ_IR_MPQOPS_TD
#define MPQ_DIALECT_MPQ_IR_MPQOPS_TD

include "mpq/Dialect/MPQ/IR/MPQBase.td"
include "mpq/Dialect/MPQ/IR/MPQAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/CommonAttrConstraints.td"

//===----------------------------------------------------------------------===//
// Conversions between float and quantized tensors
//===----------------------------------------------------------------------===//

def MPQ_QuantizeOp : MPQ_Op<"quantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Quantize a float tensor";
  let description = [{
    `q = clamp(round_half_even(x / scale) + zero_point, qmin, qmax)` with the
    range of `params` (per channel along `params.axis`).

    ```mlir
    %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true,
           scale = [0.02], zero_point = [0]>}
           : tensor<1x28x28x1xf32> -> tensor<1x28x28x1xi8>
    ```
  }];
  let arguments = (ins MPQ_FloatTensor:$input, MPQ_QuantParamsAttr:$params);
  let results = (outs MPQ_IntTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def MPQ_DequantizeOp : MPQ_Op<"dequantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Dequantize an integer tensor to float";
  let description = [{
    `x = scale * (q - zero_point)`.

    ```mlir
    %x = mpq.dequantize %q {params = #mpq.qparams<bits = 8, is_signed = true,
           scale = [0.1], zero_point = [0]>}
           : tensor<1x10xi8> -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins MPQ_IntTensor:$input, MPQ_QuantParamsAttr:$params);
  let results = (outs MPQ_FloatTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def MPQ_RequantizeOp : MPQ_Op<"requantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Change the quantization parameters of an integer tensor";
  let description = [{
    Rescales stored values from `input_params` to `output_params`, with the
    integer rounding rule documented in docs/integer-semantics.md.

    ```mlir
    %r = mpq.requantize %acc {
           input_params = #mpq.qparams<bits = 32, is_signed = true,
             scale = [0.001], zero_point = [0]>,
           output_params = #mpq.qparams<bits = 8, is_signed = true,
             scale = [0.05], zero_point = [-128]>}
           : tensor<1x16xi32> -> tensor<1x16xi8>
    ```
  }];
  let arguments = (ins MPQ_IntTensor:$input,
                       MPQ_QuantParamsAttr:$input_params,
                       MPQ_QuantParamsAttr:$output_params);
  let results = (outs MPQ_IntTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

def MPQ_PackedConstantOp : MPQ_Op<"packed_constant", [Pure]> {
  let summary = "A constant of low-bit integers packed densely into bytes";
  let description = [{
    `data` holds the values of the result, packed as `layout` says. The result
    is the logical tensor of stored codes, one per element (sign-extended for
    signed values), so consumers see an ordinary integer tensor; code
    generators read `data` directly and unpack in registers.

    ```mlir
    %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4>,
           data = dense<[33, -1]> : tensor<2xi8>, is_signed = true}
           : tensor<1x1x1x4xi8>
    ```
  }];
  let arguments = (ins MPQ_PackingAttr:$layout,
                       AnyIntElementsAttr:$data,
                       BoolAttr:$is_signed);
  let results = (outs TensorOf<[I8]>:$output);
  let assemblyFormat = "attr-dict `:` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Unpacks `data` into one code per element of the result, row-major.
    ::llvm::SmallVector<int8_t> unpack();
  }];
}

def MPQ_MultipointWeightOp : MPQ_Op<"multipoint_weight", [Pure]> {
  let summary = "A weight written as a sum of several low-bit tensors";
  let description = [{
    `w = sum_k scale_k[c] * (q_k - zp_k[c])` over the `K` operands, with one
    `#mpq.qparams` per operand in `params` giving its per-channel
    coefficients (multipoint quantization, Liu et al. 2021; multiple
    low-precision tensors, Choukroun et al. 2019). The result is the float
    weight it stands for; a quantized op that consumes it runs one integer
    kernel per term and sums the rescaled accumulators in its epilogue.
    `points` optionally gives, per output channel, how many of the `K` terms
    that channel uses (a channel using fewer has zeros in the unused terms).

    ```mlir
    %w = mpq.multipoint_weight %q0, %q1 {params = [#p0, #p1]}
           : tensor<8x3x3x4xi8>, tensor<8x3x3x4xi8> -> tensor<8x3x3x4xf32>
    ```
  }];
  let arguments = (ins Variadic<TensorOf<[I8]>>:$terms,
                       TypedArrayAttrBase<MPQ_QuantParamsAttr,
                         "array of quantization parameters">:$params,
                       OptionalAttr<DenseI32ArrayAttr>:$points);
  let results = (outs MPQ_FloatTensor:$output);
  let assemblyFormat =
      "$terms attr-dict `:` type($terms) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantized compute
//===----------------------------------------------------------------------===//

def MPQ_Conv2DOp : MPQ_Op<"conv2d", [Pure]> {
  let summary = "Quantized 2-D convolution, NHWC input, OHWI weights";
  let description = [{
    Integer convolution with int32 accumulation. `input` is NHWC, `weight` is
    `[O, KH, KW, C/groups]` (groups = C is depthwise), `bias` is int32 `[O]`
    in units of `input_scale * weight_scale[o]`. `pad` is
    `[top, bottom, left, right]` (TOSA's order). The weight is either an
    integer tensor described by `weight_params`, or the result of
    `mpq.multipoint_weight` (then `weight_params` is absent). With
    `output_params` the accumulators are requantized to them and clamped to
    `[clamp_min, clamp_max]` (stored codes; a fused Relu/Clip); without, the
    result is the raw int32 accumulator.

    ```mlir
    %y = mpq.conv2d %x, %w, %b {input_params = #in, weight_params = #w,
           output_params = #out, pad = array<i64: 1, 1, 1, 1>,
           stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1}
         : (tensor<1x28x28x1xi8>, tensor<16x3x3x1xi8>, tensor<16xi32>)
           -> tensor<1x28x28x16xi8>
    ```
  }];
  let arguments = (ins MPQ_IntTensor:$input,
                       AnyRankedTensor:$weight,
                       Optional<TensorOf<[I32]>>:$bias,
                       MPQ_QuantParamsAttr:$input_params,
                       OptionalAttr<MPQ_QuantParamsAttr>:$weight_params,
                       OptionalAttr<MPQ_QuantParamsAttr>:$output_params,
                       DenseI64ArrayAttr:$pad,
                       DenseI64ArrayAttr:$stride,
                       DenseI64ArrayAttr:$dilation,
                       DefaultValuedAttr<I64Attr, "1">:$groups,
                       OptionalAttr<I64Attr>:$clamp_min,
                       OptionalAttr<I64Attr>:$clamp_max);
  let results = (outs MPQ_IntTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    `(` type($input) `,` type($weight) (`,` type($bias)^)? `)`
    `->` type($output)
  }];
  let hasVerifier = 1;
}

def MPQ_FullyConnectedOp : MPQ_Op<"fully_connected", [Pure]> {
  let summary = "Quantized fully-connected layer: y = x * W^T + b";
  let description = [{
    `input` is `[N..., K]` (rank 2 or more: every index of the leading
    dimensions is one row, as a linear layer over the last axis), `weight`
    is `[M, K]` (integer with `weight_params`, or a `mpq.multipoint_weight`),
    `bias` is int32 `[M]`; the result is `[N..., M]`. Requantization and
    clamp as for `mpq.conv2d`.

    ```mlir
    %y = mpq.fully_connected %x, %w, %b {input_params = #in,
           weight_params = #w, output_params = #out}
         : (tensor<1x64xi8>, tensor<10x64xi8>, tensor<10xi32>) -> tensor<1x10xi8>
    ```
  }];
  let arguments = (ins MPQ_IntTensor:$input,
                       AnyRankedTensor:$weight,
                       Optional<TensorOf<[I32]>>:$bias,
                       MPQ_QuantParamsAttr:$input_params,
                       OptionalAttr<MPQ_QuantParamsAttr>:$weight_params,
                       OptionalAttr<MPQ_QuantParamsAttr>:$output_params,
                       OptionalAttr<I64Attr>:$clamp_min,
                       OptionalAttr<I64Attr>:$clamp_max);
  let results = (outs MPQ_IntTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    `(` type($input) `,` type($weight) (`,` type($bias)^)? `)`
    `->` type($output)
  }];
  let hasVerifier = 1;
}

def MPQ_AddOp : MPQ_Op<"add", [Pure]> {
  let summary = "Quantized elementwise addition with rescaling";
  let description = [{
    Adds two quantized tensors with (possibly) different scales, as a
    residual connection needs. Each operand is shifted left by 20 bits,
    rescaled to a common scale `2 * max(s_lhs, s_rhs)`, summed in int32, and
    requantized to `output_params`, clamped to `[clamp_min, clamp_max]` (a
    fused Relu). Operands broadcast as in TOSA (equal rank, size-1 dims).
    docs/integer-semantics.md gives the exact rule.

    ```mlir
    %y = mpq.add %a, %b {lhs_params = #a, rhs_params = #b, output_params = #y}
         : (tensor<1x7x7x32xi8>, tensor<1x7x7x32xi8>) -> tensor<1x7x7x32xi8>
    ```
  }];
  let arguments = (ins MPQ_IntTensor:$lhs, MPQ_IntTensor:$rhs,
                       MPQ_QuantParamsAttr:$lhs_params,
                       MPQ_QuantParamsAttr:$rhs_params,
                       MPQ_QuantParamsAttr:$output_params,
                       OptionalAttr<I64Attr>:$clamp_min,
                       OptionalAttr<I64Attr>:$clamp_max);
  let results = (outs MPQ_IntTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)`
    `->` type($output)
  }];
  let hasVerifier = 1;
}

def MPQ_AvgPool2dOp : MPQ_Op<"avg_pool2d", [Pure]> {
  let summary = "Quantized 2-D average pooling, NHWC";
  let description = [{
    Sums `q - zp_in` over each window in int32 (padding excluded, as TOSA and
    ONNX's default), then requantizes with the multiplier
    `s_in / (s_out * count)` where `count` is the number of input elements in
    the window. `pad` is `[top, bottom, left, right]`.

    ```mlir
    %y = mpq.avg_pool2d %x {kernel = array<i64: 7, 7>, stride = array<i64: 1, 1>,
           pad = array<i64: 0, 0, 0, 0>, input_params = #in, output_params = #out}
         : tensor<1x7x7x64xi8> -> tensor<1x1x1x64xi8>
    ```
  }];
  let arguments = (ins MPQ_IntTensor:$input,
                       DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$stride,
                       DenseI64ArrayAttr:$pad,
                       MPQ_QuantParamsAttr:$input_params,
                       MPQ_QuantParamsAttr:$output_params);
  let results = (outs MPQ_IntTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // MPQ_DIALECT_MPQ_IR_MPQOPS_TD
