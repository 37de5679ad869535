// RUN: mpq-opt %s --split-input-file --lower-to-neon="target=cortex-a76 to-llvm=false" | FileCheck %s --check-prefix=SDOT
// RUN: mpq-opt %s --split-input-file --lower-to-neon="target=cortex-a710 to-llvm=false" | FileCheck %s --check-prefix=SMMLA
// RUN: mpq-opt %s --split-input-file --lower-to-neon="target=cortex-a53 to-llvm=false" | FileCheck %s --check-prefix=SMULL
// RUN: mpq-opt %s --split-input-file --lower-to-neon="target=cortex-a76 name=net" | FileCheck %s --check-prefix=LLVM

// A quantize -> 1x1 conv -> FC -> dequantize model becomes one buffer-level
// function over the caller's workspace, with the microkernel of the target.
// SDOT: module attributes {llvm.target_triple = "aarch64-linux-gnu", mpq.codegen = {gemm = "neon-sdot-6x8c4", input_size = 256 : i64, name = "model", output_size = 4 : i64, workspace_size = [[WSZ:[0-9]+]] : i64}, mpq.target = "cortex-a76"}
// SDOT-DAG: memref.global "private" constant @model_w_{{[0-9]+}} : memref<256xi8> = dense<{{.*}}> {alignment = 16 : i64}
// SDOT-DAG: memref.global "private" constant @model_bias_{{[0-9]+}} : memref<16xi32>
// SDOT-LABEL: func.func @model_run
// SDOT-SAME: (%[[IN:.*]]: memref<256xf32>, %[[OUT:.*]]: memref<4xf32>, %[[WS:.*]]: memref<[[WSZ]]xi8>) -> i32
// SDOT: memref.view %[[WS]]
// SDOT: math.roundeven
// SDOT: scf.for {{.*}} iter_args
// SDOT: vector.load {{.*}} : memref<{{[0-9]+}}xi8>, vector<16xi8>
// SDOT: vector.shuffle
// SDOT: arm_neon.intr.sdot {{.*}} : vector<16xi8>, vector<16xi8> to vector<4xi32>
// SDOT-NOT: arm_neon.intr.smmla
// SDOT: arith.shrsi {{.*}} : vector<4xi64>
// SDOT: vector.store {{.*}} : memref<{{[0-9]+}}xi8>, vector<4xi8>
// SDOT: memref.store {{.*}}, %[[OUT]]
// SDOT: return %{{.*}} : i32
// SDOT-NOT: func.func @main

// SMMLA: gemm = "neon-smmla-4x16c8"
// SMMLA-LABEL: func.func @model_run
// SMMLA: arm_neon.intr.smmla {{.*}} : vector<16xi8> to vector<4xi32>
// SMMLA-NOT: arm_neon.intr.sdot

// SMULL: gemm = "neon-smull-sadalp-2x16c4"
// SMULL-LABEL: func.func @model_run
// SMULL: arm_neon.intr.smull {{.*}} : vector<8xi8> to vector<8xi16>
// SMULL: llvm.call_intrinsic "llvm.aarch64.neon.saddlp.v4i32.v8i16"
// SMULL: llvm.call_intrinsic "llvm.aarch64.neon.addp.v4i32"
// SMULL-NOT: arm_neon.intr.sdot

// The LLVM dialect result: bare pointers, constant globals, no memrefs.
// LLVM: llvm.mlir.global private constant @net_w_{{[0-9]+}}
// LLVM-LABEL: llvm.func @net_run
// LLVM-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// LLVM: arm_neon.intr.sdot
// LLVM-NOT: memref.
// LLVM-NOT: scf.
func.func @main(%x: tensor<?x4x4x16xf32>) -> tensor<?x4xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-3]>} : tensor<?x4x4x16xf32> -> tensor<?x4x4x16xi8>
  %w = "tosa.const"() <{values = dense<3> : tensor<16x1x1x16xi8>}> : () -> tensor<16x1x1x16xi8>
  %b = "tosa.const"() <{values = dense<100> : tensor<16xi32>}> : () -> tensor<16xi32>
  %c = mpq.conv2d %q, %w, %b {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-3]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.01], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [-128]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1, clamp_min = -128} : (tensor<?x4x4x16xi8>, tensor<16x1x1x16xi8>, tensor<16xi32>) -> tensor<?x4x4x16xi8>
  %s = tosa.const_shape {values = dense<[-1, 256]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %c, %s : (tensor<?x4x4x16xi8>, !tosa.shape<2>) -> tensor<?x256xi8>
  %fw = "tosa.const"() <{values = dense<-2> : tensor<4x256xi8>}> : () -> tensor<4x256xi8>
  %y = mpq.fully_connected %f, %fw {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [-128]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.01], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : (tensor<?x256xi8>, tensor<4x256xi8>) -> tensor<?x4xi8>
  %d = mpq.dequantize %y {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : tensor<?x4xi8> -> tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}

