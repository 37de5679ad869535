// A conv and a fully-connected layer with no output channels.
func.func @main(%x: tensor<?x2x2x1xi8>, %f: tensor<?x4xi8>) -> (tensor<?x2x2x0xi8>, tensor<?x0xi8>) {
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 8, container = 8>, data = dense<> : tensor<0xi8>, is_signed = true} : tensor<0x1x1x1xi8>
  %0 = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [1.0], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [1.0], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [1.0], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<?x2x2x1xi8>, tensor<0x1x1x1xi8>) -> tensor<?x2x2x0xi8>
  %v = mpq.packed_constant {layout = #mpq.packing<bits = 8, container = 8>, data = dense<> : tensor<0xi8>, is_signed = true} : tensor<0x4xi8>
  %1 = mpq.fully_connected %f, %v {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [1.0], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [1.0], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [1.0], zero_point = [0]>} : (tensor<?x4xi8>, tensor<0x4xi8>) -> tensor<?x0xi8>
  return %0, %1 : tensor<?x2x2x0xi8>, tensor<?x0xi8>
}
