func.func @main(%x: tensor<3x5xf32>) -> tensor<3x1xf32> {
  %r = tosa.reduce_max %x {axis = 1 : i32} : (tensor<3x5xf32>) -> tensor<3x1xf32>
  return %r : tensor<3x1xf32>
}
