//===- MPQAttrs.td - mpq attributes ------------------------*- tablegen -*-===//

#ifndef MPQ_DIALECT_MPQ_IR_MPQATTRS_TD
#define MPQ_DIALECT_MPQ_IR_MPQATTRS_TD

include "mpq/Dialect/MPQ/IR/MPQBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

/// An f64 array printed so that it parses back to the same doubles (the
/// stripped form of DenseF64ArrayAttr prints 6 significant digits).
def MPQ_ExactF64ArrayParameter
    : AttrParameter<"::mlir::DenseF64ArrayAttr", "f64 values"> {
  let printer = [{ ::mpq::printExactF64Array($_printer, $_self) }];
}

def MPQ_QuantParamsAttr : MPQ_Attr<"QuantParams", "qparams"> {
  let summary = "Quantization parameters of one tensor";
  let description = [{
    Maps stored integers `q` to real values `r = scale * (q - zero_point)`.

    - `bits`: value width, 2..8 for weights and activations, 16 or 32 for
      accumulators and biases. Values are stored in a signless integer tensor
      at least that wide.
    - `is_signed`: signed range `[-2^(b-1), 2^(b-1)-1]` or unsigned `[0, 2^b-1]`.
    - `narrow`: for signed values, drop the most negative code so the range is
      symmetric `[-(2^(b-1)-1), 2^(b-1)-1]` (used for weights, so that sums of
      quantized tensors stay symmetric).
    - `scale` and `zero_point`: one entry per tensor (`axis` = -1) or one per
      slice along `axis` (per output channel).
    - `channel_bits`: optional per-channel bit-widths (class-based
      quantization); each at most `bits`, one per slice along `axis`.

    ```mlir
    #mpq.qparams<bits = 8, is_signed = true, scale = [0.05],
                 zero_point = [-3]>
    #mpq.qparams<bits = 4, is_signed = true, narrow = true,
                 scale = [0.1, 0.2], zero_point = [0, 0],
                 axis = 0, channel_bits = [4, 2]>
    ```
  }];
  let parameters = (ins
    "unsigned":$bits,
    "bool":$is_signed,
    DefaultValuedParameter<"bool", "false">:$narrow,
    MPQ_ExactF64ArrayParameter:$scale,
    "::mlir::DenseI64ArrayAttr":$zero_point,
    DefaultValuedParameter<"int64_t", "-1">:$axis,
    OptionalParameter<"::mlir::DenseI32ArrayAttr">:$channel_bits
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Smallest and largest stored code of the full `bits` range.
    int64_t getQMin() const;
    int64_t getQMax() const;
    /// Range of channel `c` (its own width when `channel_bits` is set).
    int64_t getQMin(int64_t c) const;
    int64_t getQMax(int64_t c) const;
    /// Bit-width of channel `c`.
    unsigned getBitsOf(int64_t c) const;
    bool isPerAxis() const { return getAxis() >= 0; }
    int64_t getNumScales() const { return getScale().size(); }
  }];
}

def MPQ_PackingAttr : MPQ_Attr<"Packing", "packing"> {
  let summary = "How low-bit values are packed into bytes";
  let description = [{
    Values of `bits` bits (2..8) are stored in fields of `container` bits
    (2, 4 or 8; 3-bit values sit in 4-bit fields), fields filled into bytes
    from the least significant bit up, in row-major order of the logical
    tensor. Signed values are stored as two's complement in the field.
    `panel` optionally names a panel tiling `[rows, depth]` of the
    two-dimensional view `[dim0, product of the other dims]` used by a
    microkernel: the weights are then stored panel by panel, each panel
    row-major, with the last panel padded with zeros. An empty `panel`
    means plain row-major.

    ```mlir
    #mpq.packing<bits = 3, container = 4>
    #mpq.packing<bits = 4, container = 4, panel = [16, 4]>
    ```
  }];
  let parameters = (ins
    "unsigned":$bits,
    "unsigned":$container,
    OptionalParameter<"::mlir::DenseI64ArrayAttr">:$panel
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of bytes needed to hold a tensor of the given shape.
    int64_t getPackedBytes(::llvm::ArrayRef<int64_t> shape) const;
    /// Packs one code per element (row-major, of `shape`) into bytes. Codes
    /// are truncated to `container` bits (two's complement for signed).
    ::llvm::SmallVector<int8_t> pack(::llvm::ArrayRef<int8_t> codes,
                                     ::llvm::ArrayRef<int64_t> shape) const;
    /// Inverse of `pack`: one code per element, sign-extended if `isSigned`.
    ::llvm::SmallVector<int8_t> unpack(::llvm::ArrayRef<uint8_t> bytes,
                                       ::llvm::ArrayRef<int64_t> shape,
                                       bool isSigned) const;
    /// Index of the field that holds element (row, col) of the 2-D view
    /// [shape[0], numel / shape[0]].
    int64_t getFieldIndex(int64_t row, int64_t col, int64_t depth) const;
  }];
}

def MPQ_PrecisionAttr : MPQ_Attr<"Precision", "precision"> {
  let summary = "A precision decision for one op";
  let description = [{
    Attached to a float op by a precision-assignment pass and honoured by
    quantization: the weight and activation bit-widths, optionally one weight
    bit-width per output channel, and the number of multipoint terms
    (`points`, 1 = ordinary quantization).

    ```mlir
    #mpq.precision<weight_bits = 4, act_bits = 8>
    #mpq.precision<weight_bits = 4, act_bits = 8,
                   channel_bits = [8, 4, 4, 2]>
    ```
  }];
  let parameters = (ins
    "unsigned":$weight_bits,
    "unsigned":$act_bits,
    OptionalParameter<"::mlir::DenseI32ArrayAttr">:$channel_bits,
    DefaultValuedParameter<"unsigned", "1">:$points
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def MPQ_CalibrationAttr : MPQ_Attr<"Calibration", "calibration"> {
  let summary = "Calibration statistics of one activation tensor";
  let description = [{
    Recorded by `--mpq-calibrate` for each tensor that feeds a quantized op:
    the observed range `range = [min, max]`, and for every bit-width 2..8 the clip
    range `[lo[b-2], hi[b-2]]` that `method` chose (min/max, a percentile, or
    the MMSE clip), so precision assignment can try any width without
    running calibration again. `non_negative` marks tensors that are never
    negative (after Relu/Clip), which are quantized unsigned.

    ```mlir
    #mpq.calibration<method = "mmse", range = [-0.81, 2.02],
                     non_negative = false, lo = [...], hi = [...]>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"calibration method">:$method,
    MPQ_ExactF64ArrayParameter:$range,
    "bool":$non_negative,
    MPQ_ExactF64ArrayParameter:$lo,
    MPQ_ExactF64ArrayParameter:$hi
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Clip range chosen for `bits` (2..8).
    double getLoFor(unsigned bits) const { return getLo()[bits - 2]; }
    double getHiFor(unsigned bits) const { return getHi()[bits - 2]; }
    double getMin() const { return getRange()[0]; }
    double getMax() const { return getRange()[1]; }
  }];
}

#endif // MPQ_DIALECT_MPQ_IR_MPQATTRS_TD
