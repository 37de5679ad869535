//===- MPQInterfaces.td - mpq op interfaces ----------------*- tablegen -*-===//

#ifndef MPQ_DIALECT_MPQ_IR_MPQINTERFACES_TD
#define MPQ_DIALECT_MPQ_IR_MPQINTERFACES_TD

include "mlir/IR/OpBase.td"

def QuantizableLayerOpInterface : OpInterface<"QuantizableLayerOpInterface"> {
  let cppNamespace = "::mpq";
  let description = [{
    A float op that mpq quantizes as one layer: a weighted op (convolution,
    depthwise convolution, or the importer's fully-connected form around
    `tosa.matmul`) whose weights are constant. Passes that enumerate layers
    (calibration, quantization, precision assignment) ask this interface
    for the layer's input, weight, bias and output instead of walking
    producers themselves. The models are attached to the TOSA ops as
    external models (registerQuantizableLayerExternalModels).

    `isQuantizableLayer` is false when the op has the right kind but not
    the form mpq quantizes (e.g. a `tosa.matmul` of two activations); the
    other methods may then return null values.
  }];
  let methods = [
    InterfaceMethod<"Whether this op is a layer mpq quantizes (constant "
                    "weights, recognised form).",
                    "bool", "isQuantizableLayer">,
    InterfaceMethod<"The float activation the layer reads.",
                    "::mlir::Value", "getLayerInput">,
    InterfaceMethod<"The constant float weight (a tosa.const result).",
                    "::mlir::Value", "getLayerWeight">,
    InterfaceMethod<"The constant float bias, or null.",
                    "::mlir::Value", "getLayerBias">,
    InterfaceMethod<"The float value the layer produces (after its bias; "
                    "before a Relu/Clip that quantization fuses).",
                    "::mlir::Value", "getLayerOutput">,
    InterfaceMethod<"Number of output channels (the per-channel axis).",
                    "int64_t", "getNumOutputChannels">,
    InterfaceMethod<"Number of weights.", "int64_t", "getNumWeights">,
    InterfaceMethod<"Multiply-accumulates per sample (static shapes; 0 "
                    "when unknown).",
                    "int64_t", "getMACsPerSample">,
  ];
}

#endif // MPQ_DIALECT_MPQ_IR_MPQINTERFACES_TD
