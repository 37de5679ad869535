func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %r = tosa.clamp %x {max_val = 1.0 : f32, min_val = 0.0 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
