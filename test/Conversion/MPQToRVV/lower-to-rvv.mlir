// RUN: mpq-opt %s --split-input-file --lower-to-rvv="target=rv64gcv to-llvm=false" | FileCheck %s
// RUN: mpq-opt %s --split-input-file --lower-to-rvv="target=spacemit-x60 name=net" | FileCheck %s --check-prefix=LLVM

// rv64gcv: the VLEN-agnostic kernel. The conv's int8 weights of 127:
// products of two int8 codes are summed in int16 two at a time (2 x 128 x
// 127 <= 32767, the layer's proven span), then widened into int32, on
// scalable vectors (VLEN / 8 channels per register), in 4-row tiles. The block of 64 channels is walked in ceil(valid / vl)
// register-wide chunks; each chunk's accumulators go to a stack buffer
// that the epilogue reads in 4-channel groups. VLEN > 512 (more than one
// block per register) is refused at startup.
// CHECK: module attributes {llvm.target_triple = "riscv64-linux-gnu", mpq.codegen = {gemm = "rvv-vla-vwmacc-4/8xvl", input_names = [""], input_sizes = array<i64: 256>, max_vlen = 512 : i64, min_vlen = 128 : i64, name = "model", output_names = [""], output_sizes = array<i64: 4>, workspace_size = [[WSZ:[0-9]+]] : i64}, mpq.target = "rv64gcv"}
// CHECK-LABEL: func.func @model_run
// CHECK-SAME: (%{{.*}}: memref<256xf32>, %{{.*}}: memref<4xf32>, %{{.*}}: memref<[[WSZ]]xi8>) -> i32
// CHECK-NEXT: %[[ACC:.*]] = memref.alloca() : memref<512xi32>
// CHECK-NEXT: %[[VLENB:.*]] = llvm.inline_asm has_side_effects "csrr $0, vlenb", "=r"  : () -> i64
// CHECK-NEXT: %[[MAX:.*]] = arith.constant 64 : i64
// CHECK-NEXT: %[[OK:.*]] = arith.cmpi ule, %[[VLENB]], %[[MAX]] : i64
// CHECK-NEXT: cf.cond_br %[[OK]]
// CHECK: %[[VS:.*]] = vector.vscale
// CHECK: %[[VL:.*]] = arith.muli %[[VS]], %{{.*}} : index
// CHECK: %[[CHUNKS:.*]] = arith.ceildivui %{{.*}}, %[[VL]] : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[CHUNKS]]
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<[8]xi32>, vector<[8]xi32>, vector<[8]xi32>, vector<[8]xi32>)
// CHECK: %[[W:.*]] = arith.extsi {{.*}} : vector<[8]xi8> to vector<[8]xi16>
// CHECK: %[[A:.*]] = memref.load {{.*}} : memref<{{[0-9]+}}xi8>
// CHECK: %[[A16:.*]] = arith.extsi %[[A]] : i8 to i16
// CHECK: %[[B:.*]] = vector.broadcast %[[A16]] : i16 to vector<[8]xi16>
// CHECK: %[[P:.*]] = arith.muli %[[B]], %[[W]] : vector<[8]xi16>
// CHECK: arith.addi {{.*}} : vector<[8]xi16>
// CHECK: arith.extsi {{.*}} : vector<[8]xi16> to vector<[8]xi32>
// CHECK-NEXT: arith.addi {{.*}} : vector<[8]xi32>
// CHECK-NOT: arm_neon
// CHECK: vector.store %{{.*}}, %[[ACC]][%{{.*}}] : memref<512xi32>, vector<[8]xi32>
// CHECK: vector.load %[[ACC]][%{{.*}}] : memref<512xi32>, vector<4xi32>
// CHECK: arith.shrsi {{.*}} : vector<4xi64>
// The FC's weights of -2 (K = 256): 128 x 2 x 112 <= 32767 < 128 x 2 x
// 128, so the longest span with an exact int16 sum is 112 depths. Two
// spans, each an int16 loop over K steps of 16 and one widening, then the
// remaining 32 depths.
// CHECK: %[[C112:.*]] = arith.constant 112 : index
// CHECK: scf.for %[[S:.*]] = %{{.*}} to %{{.*}} step %[[C112]] iter_args(%{{.*}}) -> (vector<[8]xi32>)
// CHECK: %[[END:.*]] = arith.addi %[[S]], %{{.*}} : index
// CHECK: scf.for %{{.*}} = %[[S]] to %[[END]] step %{{.*}} iter_args(%{{.*}}) -> (vector<[8]xi16>)
// CHECK-COUNT-16: arith.addi {{.*}} : vector<[8]xi16>
// CHECK-NEXT: scf.yield %{{.*}} : vector<[8]xi16>
// CHECK: arith.extsi {{.*}} : vector<[8]xi16> to vector<[8]xi32>
// CHECK-NEXT: arith.addi {{.*}} : vector<[8]xi32>
// CHECK-NEXT: scf.yield %{{.*}} : vector<[8]xi32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}}) -> (vector<[8]xi16>)
// CHECK: arith.extsi {{.*}} : vector<[8]xi16> to vector<[8]xi32>
// CHECK-NEXT: arith.addi {{.*}} : vector<[8]xi32>
// CHECK: return %{{.*}} : i32
// CHECK-NOT: func.func @main

// The LLVM dialect result: bare pointers, constant globals, no memrefs, no
// target intrinsics (the RISC-V backend selects vwmacc/vwadd). spacemit-x60
// declares vlen 256: 32 channels per register, and the function first reads
// vlenb and returns 2 (computing nothing) when it is below 32 bytes.
// LLVM: mpq.codegen = {gemm = "rvv-vwmacc-4/8x32", {{.*}}min_vlen = 256 : i64
// LLVM-SAME: mpq.target = "spacemit-x60"
// LLVM-LABEL: llvm.func @net_run
// LLVM-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// LLVM-DAG: %[[MIN:.*]] = llvm.mlir.constant(32 : i64) : i64
// LLVM-DAG: %[[ERR:.*]] = llvm.mlir.constant(2 : i32) : i32
// LLVM: %[[VLENB:.*]] = llvm.inline_asm has_side_effects "csrr $0, vlenb", "=r"  : () -> i64
// LLVM-NEXT: %[[OK:.*]] = llvm.icmp "uge" %[[VLENB]], %[[MIN]] : i64
// LLVM-NEXT: llvm.cond_br %[[OK]], ^{{.*}}, ^[[FAIL:bb[0-9]+]](%[[ERR]] : i32)
// LLVM: llvm.sext {{.*}} : vector<32xi16> to vector<32xi32>
// LLVM-NOT: memref.
// LLVM-NOT: scf.
// LLVM-NOT: arm_neon
func.func @main(%x: tensor<?x4x4x16xf32>) -> tensor<?x4xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-3]>} : tensor<?x4x4x16xf32> -> tensor<?x4x4x16xi8>
  %w = "tosa.const"() <{values = dense<127> : tensor<16x1x1x16xi8>}> : () -> tensor<16x1x1x16xi8>
  %b = "tosa.const"() <{values = dense<100> : tensor<16xi32>}> : () -> tensor<16xi32>
  %c = mpq.conv2d %q, %w, %b {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-3]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.01], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [-128]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1, clamp_min = -128} : (tensor<?x4x4x16xi8>, tensor<16x1x1x16xi8>, tensor<16xi32>) -> tensor<?x4x4x16xi8>
  %s = tosa.const_shape {values = dense<[-1, 256]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %c, %s : (tensor<?x4x4x16xi8>, !tosa.shape<2>) -> tensor<?x256xi8>
  %fw = "tosa.const"() <{values = dense<-2> : tensor<4x256xi8>}> : () -> tensor<4x256xi8>
  %y = mpq.fully_connected %f, %fw {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [-128]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.01], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : (tensor<?x256xi8>, tensor<4x256xi8>) -> tensor<?x4xi8>
  %d = mpq.dequantize %y {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : tensor<?x4xi8> -> tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}

// -----

// 4-bit packed weights stay packed (a 64-channel block of 32 weights: 1024
// bytes) and are sign-extended in registers (shift left, arithmetic shift
// right: no folded factor, which would take the int16 headroom). The
// weights (1 and 2) bound the sum over all 32 depths by 128 x 48 <= 32767:
// one span covers K, so the int16 sums are carried across the K steps and
// widened once, after the loop.
// CHECK: memref.global "private" constant @model_w_{{[0-9]+}} : memref<1024xi8>
// CHECK-LABEL: func.func @model_run
// CHECK: scf.for {{.*}} iter_args(%{{.*}}) -> (vector<[8]xi16>)
// CHECK: arith.shli {{.*}} : vector<[8]xi8>
// CHECK: arith.shrsi {{.*}} : vector<[8]xi8>
// CHECK-COUNT-16: arith.addi {{.*}} : vector<[8]xi16>
// CHECK-NEXT: scf.yield %{{.*}} : vector<[8]xi16>
// CHECK-NEXT: }
// CHECK-NEXT: arith.extsi {{.*}} : vector<[8]xi16> to vector<[8]xi32>
// CHECK-NEXT: vector.store
// LLVM-LABEL: llvm.func @net_run
func.func @main(%x: tensor<1x32xf32>) -> tensor<1x16xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : tensor<1x32xf32> -> tensor<1x32xi8>
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4>, data = dense<33> : tensor<256xi8>, is_signed = true} : tensor<16x32xi8>
  %y = mpq.fully_connected %q, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>, weight_params = #mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : (tensor<1x32xi8>, tensor<16x32xi8>) -> tensor<1x16xi8>
  %d = mpq.dequantize %y {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : tensor<1x16xi8> -> tensor<1x16xf32>
  return %d : tensor<1x16xf32>
}

// -----

// Depthwise takes the kernel's vector width (depthwiseLanes): 32 channels
// run as two blocks of 16 on rv64gcv (16-byte vectors, one register at
// VLEN 128), products in int16, one int32 accumulator group per block,
// requantized 16 lanes at a time; spacemit-x60 takes all 32 at once.
// CHECK-LABEL: func.func @model_run
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C2]]
// CHECK: vector.load {{.*}} : memref<{{[0-9]+}}xi8>, vector<16xi8>
// CHECK: scf.if {{.*}} -> (vector<16xi32>)
// CHECK: arith.muli {{.*}} : vector<16xi16>
// CHECK: arith.extsi {{.*}} : vector<16xi16> to vector<16xi32>
// CHECK: arith.extsi {{.*}} : vector<16xi32> to vector<16xi64>
// CHECK: vector.store {{.*}} : memref<{{[0-9]+}}xi8>, vector<16xi8>
// LLVM-LABEL: llvm.func @net_run
// LLVM: llvm.sext {{.*}} : vector<32xi32> to vector<32xi64>
func.func @main(%x: tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-3]>} : tensor<1x4x4x32xf32> -> tensor<1x4x4x32xi8>
  %w = "tosa.const"() <{values = dense<5> : tensor<32x3x3x1xi8>}> : () -> tensor<32x3x3x1xi8>
  %c = mpq.conv2d %q, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-3]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.01], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 32} : (tensor<1x4x4x32xi8>, tensor<32x3x3x1xi8>) -> tensor<1x4x4x32xi8>
  %d = mpq.dequantize %c {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4x4x32xi8> -> tensor<1x4x4x32xf32>
  return %d : tensor<1x4x4x32xf32>
}
