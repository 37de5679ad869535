func.func @main(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %p = tosa.const_shape {values = dense<[0, 1048576, 0, 1048576]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %c = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.pad %x, %p, %c : (tensor<?x?xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
