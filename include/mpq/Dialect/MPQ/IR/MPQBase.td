//===- MPQBase.td - mpq dialect definition -----------------*- tablegen -*-===//
//
// The mpq dialect holds only what upstream MLIR has no words for: bit-widths
// of 2..8, per-channel bit-widths, packed low-bit weights, multipoint weights
// and the quantized compute ops that consume them. The float graph is TOSA.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_DIALECT_MPQ_IR_MPQBASE_TD
#define MPQ_DIALECT_MPQ_IR_MPQBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def MPQ_Dialect : Dialect {
  let name = "mpq";
  let cppNamespace = "::mpq";
  let summary = "Mixed-precision low-bit quantization";
  let description = [{
    Quantization parameters with bit-widths of 2 to 8 (per tensor, per output
    channel, and per-channel bit-widths), densely packed low-bit weight
    constants, multipoint weights (sums of several low-bit tensors with
    per-channel coefficients) and the quantized integer ops that consume them.
    Quantized values are carried in ordinary signless integer tensors (`i8`
    for 2..8-bit values, `i32` for accumulators and biases); their meaning is
    given by a `#mpq.qparams` attribute on the op that produces or consumes
    them.
  }];
  let useDefaultAttributePrinterParser = 1;
  // The discardable mpq.* attributes (MPQInterfaces.h) are checked here.
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Registers the attributes (in MPQAttrs.cpp, next to their storage).
    void registerAttributes();
  }];
}

class MPQ_Op<string mnemonic, list<Trait> traits = []>
    : Op<MPQ_Dialect, mnemonic, traits>;

class MPQ_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<MPQ_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

/// Integer tensor types that hold quantized values.
def MPQ_IntTensor : TensorOf<[I8, I16, I32]>;
def MPQ_FloatTensor : TensorOf<[F32]>;

#endif // MPQ_DIALECT_MPQ_IR_MPQBASE_TD
