// Two inputs and two outputs (multi-io.test): output 0 is an FC of input a,
// written into its buffer and read again afterwards; output 1 joins an FC of
// the codes of both inputs with the square of output 0.
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [3]>
#q = #mpq.qparams<bits = 8, is_signed = true, scale = [0.4], zero_point = [-2]>
#w = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.01], zero_point = [0]>
func.func @main(%a: tensor<?x16xf32> {mpq.name = "a"}, %b: tensor<?x4xf32> {mpq.name = "b"}) -> (tensor<?x8xf32> {mpq.name = "first"}, tensor<?x14xf32> {mpq.name = "second"}) {
  %w = "tosa.const"() <{values = dense<[[  79, -106,  -82,  -67,  -81,   77,   94,   21, -117, -103,  -43,  -17,   31,   -5,  -60,  -87],
 [  49,   60, -119,  -99,  -12,  -28,   99,    4,  -20,  -18,   42,   22,  -83,   61,   65,  116],
 [  73,  -55,  -46,   38,   38,   50,   94,  -53,  112, -127, -108,  121,  113,  -51,  -92,  -47],
 [-117,  100,   41,   22,  -65,   -7,  -79,   70,   -7, -120,  -63,   53,    5,  -32,  -63, -104],
 [  28,   41,    5,  110,  109,  -75,   28,   33,  -64,  -51,   -3,   62,  -53,   57,   39,  -72],
 [ -29,   84,   87,   40, -126,   47,  -70,   82,  105,  -18,  117,   66,  -44,   97,  -29, -101],
 [  24,   89,   40,  -27,  103,   -5,  -29,  -90,  -73,   51,   76,  -53,   33,   95,  -90,  -57],
 [   6,   16,  -26,  -26,  -95,   29,  110,  -77,   76,  -82, -116,   63,  -81,   64,  -43,   17]]> : tensor<8x16xi8>}> : () -> tensor<8x16xi8>
  %bias = "tosa.const"() <{values = dense<[ 460,  320,  193, -247,   54,  -19,  369, -158]> : tensor<8xi32>}> : () -> tensor<8xi32>
  %w2 = "tosa.const"() <{values = dense<[[ 112,  107,   -6,  -75,  -64,   89,   23,  -84,   98,  118,  120,   32,  121,   27,    0,  120,   27,   73,  -41,   74],
 [ 121, -114,    9,  -33, -114, -106,  -59,  -78,   55,  -73,   32,   91,   -1,  -95, -111,  -52,  -22,   -2,  -50,   89],
 [  17,  119,  111,   53, -121,  -73,   63,   11,  113,   53,   82, -114,  -52,   46,   34,  -34,  -87,   23, -105,   43],
 [  77,   43, -111,    6,  -50,   14,   46,  -77, -118,   -1,   31,  -96,  108,   -5,  119,    9,   58,   70,   -1,  -27],
 [  43, -123,   30,    7,  -89,  -75, -119,   62,   47,  -28,  116,  -30,  -49,  104, -107,  -27, -121,  -39,   58,  -39],
 [  -2,   -5, -112, -104,  -51,   12, -109,  107,   91,   16,   59,   62, -125,  114, -115,   87,   85,   62,  -93,   80]]> : tensor<6x20xi8>}> : () -> tensor<6x20xi8>
  %qa = mpq.quantize %a {params = #p} : tensor<?x16xf32> -> tensor<?x16xi8>
  %fa = mpq.fully_connected %qa, %w, %bias {input_params = #p, weight_params = #w, output_params = #q} : (tensor<?x16xi8>, tensor<8x16xi8>, tensor<8xi32>) -> tensor<?x8xi8>
  %da = mpq.dequantize %fa {params = #q} : tensor<?x8xi8> -> tensor<?x8xf32>
  %qb = mpq.quantize %b {params = #p} : tensor<?x4xf32> -> tensor<?x4xi8>
  %cat = tosa.concat %qa, %qb {axis = 1 : i32} : (tensor<?x16xi8>, tensor<?x4xi8>) -> tensor<?x20xi8>
  %fb = mpq.fully_connected %cat, %w2 {input_params = #p, weight_params = #w, output_params = #q} : (tensor<?x20xi8>, tensor<6x20xi8>) -> tensor<?x6xi8>
  %db = mpq.dequantize %fb {params = #q} : tensor<?x6xi8> -> tensor<?x6xf32>
  %zero = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %sq = tosa.mul %da, %da, %zero : (tensor<?x8xf32>, tensor<?x8xf32>, tensor<1xi8>) -> tensor<?x8xf32>
  %out1 = tosa.concat %db, %sq {axis = 1 : i32} : (tensor<?x6xf32>, tensor<?x8xf32>) -> tensor<?x14xf32>
  return %da, %out1 : tensor<?x8xf32>, tensor<?x14xf32>
}
