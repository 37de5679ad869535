func.func @main(%x: tensor<?xf32>) -> tensor<?xf32> {
  %p = tosa.const_shape {values = dense<[4611686018427387904, 4611686018427387904]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %c = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.pad %x, %p, %c : (tensor<?xf32>, !tosa.shape<2>, tensor<1xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
