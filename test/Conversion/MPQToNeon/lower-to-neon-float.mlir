// RUN: mpq-opt %s --split-input-file --lower-to-neon="target=cortex-a76 to-llvm=false" | FileCheck %s
// RUN: mpq-opt %s --split-input-file --lower-to-neon="target=cortex-a76" | FileCheck %s --check-prefix=LLVM

// Float islands between mpq.dequantize and mpq.quantize whose operands are
// constants: the constants get read-only globals (no crash on a tosa.const
// without storage). Hard-swish as exporters write it: x * clamp(x + 3, 0, 6)
// * (1/6).
// CHECK-DAG: memref.global "private" constant @[[G3:model_const_[0-9]+]] : memref<1xf32> = dense<3.000000e+00> {alignment = 16 : i64}
// CHECK-DAG: memref.global "private" constant @[[G6:model_const_[0-9]+]] : memref<1xf32> = dense<0.166666672> {alignment = 16 : i64}
// The shift operand of tosa.mul is not data: no global for it.
// CHECK-NOT: memref<1xi8> = dense<0>
// CHECK-LABEL: func.func @model_run
// CHECK-DAG: %[[THREE:.*]] = memref.get_global @[[G3]] : memref<1xf32>
// CHECK-DAG: %[[SIXTH:.*]] = memref.get_global @[[G6]] : memref<1xf32>
// CHECK: memref.load %[[THREE]]
// CHECK: arith.addf
// The clamp is the executor's min(max(x, 0), 6): x < lo picks lo, hi < y
// picks hi, NaN stays.
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK: arith.mulf
// CHECK: memref.load %[[SIXTH]]
// CHECK: arith.mulf
// LLVM-DAG: llvm.mlir.global private constant @model_const_{{[0-9]+}}(dense<3.000000e+00> : tensor<1xf32>)
// LLVM-LABEL: llvm.func @model_run
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [3]>
func.func @main(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  %sixth = "tosa.const"() <{values = dense<0.166666672> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %three = "tosa.const"() <{values = dense<3.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %q = mpq.quantize %x {params = #p} : tensor<1x2x2x4xf32> -> tensor<1x2x2x4xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x2x2x4xi8> -> tensor<1x2x2x4xf32>
  %a = tosa.add %d, %three : (tensor<1x2x2x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x2x4xf32>
  %r = tosa.clamp %a {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  %m = tosa.mul %d, %r, %shift : (tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>, tensor<1xi8>) -> tensor<1x2x2x4xf32>
  %h = tosa.mul %m, %sixth, %shift : (tensor<1x2x2x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x2x4xf32>
  %q2 = mpq.quantize %h {params = #p} : tensor<1x2x2x4xf32> -> tensor<1x2x2x4xi8>
  %d2 = mpq.dequantize %q2 {params = #p} : tensor<1x2x2x4xi8> -> tensor<1x2x2x4xf32>
  return %d2 : tensor<1x2x2x4xf32>
}

// -----

// A Concat with a constant operand, on floats (through a transpose of the
// constant, as the importer writes NCHW constants) and on codes.
// CHECK-DAG: memref.global "private" constant @[[GF:model_const_[0-9]+]] : memref<4xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]>
// CHECK-DAG: memref.global "private" constant @[[GC:model_const_[0-9]+]] : memref<4xi8> = dense<[1, -2, 3, -4]>
// CHECK-LABEL: func.func @model_run
// CHECK-DAG: %[[F:.*]] = memref.get_global @[[GF]] : memref<4xf32>
// CHECK-DAG: %[[C:.*]] = memref.get_global @[[GC]] : memref<4xi8>
// CHECK: memref.load %[[F]]
// CHECK: memref.load %[[C]]
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [3]>
func.func @main(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x3xf32> {
  %k = "tosa.const"() <{values = dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>}> : () -> tensor<1x1x2x2xf32>
  %kc = "tosa.const"() <{values = dense<[[[[1], [-2]], [[3], [-4]]]]> : tensor<1x2x2x1xi8>}> : () -> tensor<1x2x2x1xi8>
  %kt = tosa.transpose %k {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x1x2x2xf32>) -> tensor<1x2x2x1xf32>
  %c = tosa.concat %x, %kt {axis = 3 : i32} : (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32>
  %q = mpq.quantize %c {params = #p} : tensor<1x2x2x2xf32> -> tensor<1x2x2x2xi8>
  %cc = tosa.concat %q, %kc {axis = 3 : i32} : (tensor<1x2x2x2xi8>, tensor<1x2x2x1xi8>) -> tensor<1x2x2x3xi8>
  %d = mpq.dequantize %cc {params = #p} : tensor<1x2x2x3xi8> -> tensor<1x2x2x3xf32>
  return %d : tensor<1x2x2x3xf32>
}

// -----

// Pooling in a float island (squeeze-excite's global average pool after a
// float hard-swish): the output is the accumulator, the window walked row
// by row; max keeps x when x > acc or x is NaN; an average multiplies the
// sum by 1 / (positions inside the input).
// CHECK-LABEL: func.func @model_run
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: memref.store %[[NINF]]
// CHECK: %[[ACC:.*]] = memref.load
// CHECK: %[[X:.*]] = memref.load
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[X]]
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]]
// CHECK: %[[TAKE:.*]] = arith.ori %[[GT]], %[[NAN]]
// CHECK: arith.select %[[TAKE]], %[[X]], %[[ACC]]
// CHECK: arith.addf
// CHECK: %[[CNT:.*]] = arith.muli
// CHECK: %[[NONEMPTY:.*]] = arith.cmpi sgt, %[[CNT]]
// CHECK: %[[CF:.*]] = arith.sitofp
// CHECK: %[[INV:.*]] = arith.divf %{{.*}}, %[[CF]] : f32
// CHECK: %[[AVG:.*]] = arith.mulf %{{.*}}, %[[INV]] : f32
// CHECK: arith.select %[[NONEMPTY]], %[[AVG]]
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [3]>
func.func @main(%x: tensor<1x4x4x8xf32>) -> tensor<1x1x1x8xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x4x4x8xf32> -> tensor<1x4x4x8xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x4x4x8xi8> -> tensor<1x4x4x8xf32>
  %m = tosa.max_pool2d %d {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x2x2x8xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.avg_pool2d %m, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x8xf32>
  %q2 = mpq.quantize %a {params = #p} : tensor<1x1x1x8xf32> -> tensor<1x1x1x8xi8>
  %d2 = mpq.dequantize %q2 {params = #p} : tensor<1x1x1x8xi8> -> tensor<1x1x1x8xf32>
  return %d2 : tensor<1x1x1x8xf32>
}

// -----

// Pow with a constant exponent of 0.5 (ONNX Sqrt as imported, in a
// LayerNorm written out): a correctly rounded square root with pow's special
// cases, as mpq::powFloat computes it.
// CHECK-LABEL: func.func @model_run
// CHECK: %[[S:.*]] = math.sqrt %[[X:.*]] : f32
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %[[X]]
// CHECK: %[[R1:.*]] = arith.select %[[NEG]], %{{.*}}, %[[S]]
// CHECK: %[[ZERO:.*]] = arith.cmpf oeq, %[[X]]
// CHECK: %[[R2:.*]] = arith.select %[[ZERO]], %{{.*}}, %[[R1]]
// CHECK: %[[MINF:.*]] = arith.cmpf oeq, %[[X]]
// CHECK: %[[R3:.*]] = arith.select %[[MINF]], %{{.*}}, %[[R2]]
// CHECK: memref.store %[[R3]]
// CHECK-NOT: math.powf
// LLVM: llvm.intr.sqrt
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [3]>
func.func @main(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %q = mpq.quantize %x {params = #p} : tensor<1x16xf32> -> tensor<1x16xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x16xi8> -> tensor<1x16xf32>
  %s = tosa.pow %d, %half : (tensor<1x16xf32>, tensor<1x1xf32>) -> tensor<1x16xf32>
  %q2 = mpq.quantize %s {params = #p} : tensor<1x16xf32> -> tensor<1x16xi8>
  %d2 = mpq.dequantize %q2 {params = #p} : tensor<1x16xi8> -> tensor<1x16xf32>
  return %d2 : tensor<1x16xf32>
}

// -----

// Log (the log-mel of an audio front end) is mpq::logFloat operation for
// operation: exponent and mantissa from the bits, the polynomial, e * ln2 in
// two parts; no libm call.
// CHECK-LABEL: func.func @model_run
// CHECK: %[[BITS:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.shrui %[[BITS]]
// CHECK: arith.andi %[[BITS]]
// CHECK: %[[M:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK: arith.cmpf olt, %[[M]]
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK: arith.cmpf uno
// CHECK-NOT: math.log
// LLVM: llvm.func @model_run
// LLVM-NOT: llvm.intr.log
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [3]>
func.func @main(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x16xf32> -> tensor<1x16xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x16xi8> -> tensor<1x16xf32>
  %l = tosa.log %d : (tensor<1x16xf32>) -> tensor<1x16xf32>
  %q2 = mpq.quantize %l {params = #p} : tensor<1x16xf32> -> tensor<1x16xi8>
  %d2 = mpq.dequantize %q2 {params = #p} : tensor<1x16xi8> -> tensor<1x16xf32>
  return %d2 : tensor<1x16xf32>
}

// -----

// A float matmul of two activations (attention's Q K^T) runs in a float
// island in the executor's order: the output row zeroed, then for each k
// in order y[j] = y[j] + a[k] * b[k][j] (a product, then a sum; no fma).
// CHECK-LABEL: func.func @model_run
// CHECK:       scf.for
// CHECK:         memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<6xf32>
// CHECK:       scf.for
// CHECK:         memref.load
// CHECK:         scf.for
// CHECK:           %[[P:.*]] = arith.mulf
// CHECK:           %[[Y:.*]] = memref.load
// CHECK:           %[[S:.*]] = arith.addf %[[Y]], %[[P]]
// CHECK:           memref.store %[[S]]
// CHECK-NOT:   math.fma
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x2x4xf32>, %z: tensor<1x4x3xf32>) -> tensor<1x2x3xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x2x4xf32> -> tensor<1x2x4xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x2x4xi8> -> tensor<1x2x4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %d, %z, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}
