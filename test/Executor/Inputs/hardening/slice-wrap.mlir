func.func @main(%x: tensor<?xf32>) -> tensor<?xf32> {
  %start = tosa.const_shape {values = dense<[1]> : tensor<1xindex>} : () -> !tosa.shape<1>
  %size = tosa.const_shape {values = dense<[9223372036854775807]> : tensor<1xindex>} : () -> !tosa.shape<1>
  %0 = tosa.slice %x, %start, %size : (tensor<?xf32>, !tosa.shape<1>, !tosa.shape<1>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
