func.func @main(%x: tensor<?xf32>) -> tensor<?x?xf32> {
  %s = tosa.const_shape {values = dense<[4611686018427387905, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %0 = tosa.reshape %x, %s : (tensor<?xf32>, !tosa.shape<2>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
