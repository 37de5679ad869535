//===- MPQToKernels.cpp - quantized graph to loops and microkernels -------===//
//
// Target-independent part of code generation: a static workspace plan, the
// buffer-level entry function, and one emitter per op. Integer steps follow
// mpq/Quant/IntegerSemantics.h (docs/integer-semantics.md) bit for bit; the
// only target-specific piece is the GEMM microkernel.
//
//===----------------------------------------------------------------------===//

#include "mpq/Conversion/MPQToKernels/MPQToKernels.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Quant/IntegerSemantics.h"
#include "mpq/Support/CheckedMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;
using namespace mpq;

GemmMicrokernel::~GemmMicrokernel() = default;

SmallVector<int8_t> GemmMicrokernel::packWeights(ArrayRef<int8_t> w, int64_t n,
                                                 int64_t k,
                                                 WeightFormat f) const {
  int64_t kp = llvm::alignTo(k, kAlign());
  int64_t blocks = llvm::divideCeil(n, nr()), canonBlock = nr() * kp;
  SmallVector<int8_t> canon(blocks * canonBlock, 0);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t j = 0; j < k; ++j)
      canon[(c / nr()) * canonBlock + canonicalOffset(c % nr(), j)] =
          w[c * k + j];
  int64_t fields = f.fieldsPerByte();
  if (fields == 1)
    return canon;
  // Step by step (16 * nr() canonical bytes, nr() registers), byte vector j
  // holds registers j + phi * (nr() / fields) in field phi.
  int64_t regsPerStep = nr(), stepBytes = 16 * nr();
  int64_t loads = regsPerStep / fields;
  uint8_t mask = uint8_t((1u << f.container) - 1);
  SmallVector<int8_t> out(blocks * canonBlock / fields, 0);
  for (int64_t s = 0, steps = blocks * kp / 16; s < steps; ++s)
    for (int64_t j = 0; j < loads; ++j)
      for (int64_t i = 0; i < 16; ++i) {
        uint8_t byte = 0;
        for (int64_t phi = 0; phi < fields; ++phi) {
          uint8_t v =
              uint8_t(canon[s * stepBytes + (j + phi * loads) * 16 + i]);
          byte |= uint8_t((v & mask) << (phi * f.container));
        }
        out[s * stepBytes / fields + j * 16 + i] = int8_t(byte);
      }
  return out;
}

std::pair<Value, Value> GemmMicrokernel::loadPair(ImplicitLocOpBuilder &b,
                                                  Value mem, Value at) const {
  auto v16i8 = VectorType::get({16}, b.getI8Type());
  Value next =
      b.createOrFold<arith::AddIOp>(at, arith::ConstantIndexOp::create(b, 16));
  return {vector::LoadOp::create(b, v16i8, mem, ValueRange{at}),
          vector::LoadOp::create(b, v16i8, mem, ValueRange{next})};
}

SmallVector<Value> GemmMicrokernel::loadWeightStep(ImplicitLocOpBuilder &b,
                                                   Value w, Value wBase,
                                                   Value kb,
                                                   WeightFormat f) const {
  int64_t fields = f.fieldsPerByte(), loads = nr() / fields;
  int64_t c = f.container;
  auto v16i8 = VectorType::get({16}, b.getI8Type());
  auto splat = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, v16i8,
        DenseElementsAttr::get(v16i8, b.getIntegerAttr(b.getI8Type(), v)));
  };
  // kb counts depth; a step of 16 depth is 16 * nr() / fields bytes.
  Value at = b.createOrFold<arith::AddIOp>(
      wBase, b.createOrFold<arith::MulIOp>(
                 kb, arith::ConstantIndexOp::create(b, nr() / fields)));
  SmallVector<Value> regs(nr());
  SmallVector<Value> raw;
  for (int64_t j = 0; j < loads; j += 2) {
    auto [l0, l1] =
        loadPair(b, w,
                 b.createOrFold<arith::AddIOp>(
                     at, arith::ConstantIndexOp::create(b, j * 16)));
    raw.append({l0, l1});
  }
  for (int64_t j = 0; j < loads; ++j) {
    Value l = raw[j];
    if (fields == 1) {
      regs[j] = l;
      continue;
    }
    for (int64_t phi = 0; phi < fields; ++phi) {
      int64_t up = 8 - c * (phi + 1); // moves field phi to the top bits
      Value x = up ? Value(arith::ShLIOp::create(b, l, splat(up))) : l;
      if (!f.folded)
        x = arith::ShRSIOp::create(b, x, splat(8 - c));
      else if (phi > 0) // the shift left already cleared the low bits
        x = arith::AndIOp::create(b, x, splat(int8_t(0xFF << (8 - c))));
      regs[j + phi * loads] = x;
    }
  }
  return regs;
}

namespace {

constexpr int64_t kBufferAlign = 16;

//===----------------------------------------------------------------------===//
// Shapes and element types
//===----------------------------------------------------------------------===//

/// Static shape of a tensor value, with a dynamic batch (dim 0) taken as 1:
/// the generated function runs one sample per call.
FailureOr<SmallVector<int64_t>> staticShape(Operation *op, Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t)
    return op->emitOpError("code generation needs ranked tensors");
  SmallVector<int64_t> shape(t.getShape());
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (!ShapedType::isDynamic(d))
      continue;
    if (i != 0)
      return op->emitOpError("code generation needs static shapes except "
                             "the batch dimension");
    d = 1;
  }
  // Every later size computation (element counts, byte offsets, strides)
  // relies on this bound (docs/hardening.md).
  Type e = t.getElementType();
  int64_t bytes = e.isIntOrFloat() ? (e.getIntOrFloatBitWidth() + 7) / 8 : 8;
  if (std::optional<std::string> why = mpq::checkTensorSize(
          shape, std::max<int64_t>(bytes, 1),
          std::to_string(bytes) + "-byte elements"))
    return op->emitOpError("code generation: ") << *why;
  return shape;
}

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

FailureOr<int64_t> elementBytes(Operation *op, Value v) {
  Type e = cast<ShapedType>(v.getType()).getElementType();
  if (e.isInteger(8) || e.isInteger(1)) // i1 (comparisons): one byte each
    return int64_t(1);
  if (e.isInteger(32) || e.isF32())
    return int64_t(4);
  return op->emitOpError("code generation supports i1, i8, i32 and f32 "
                         "tensors, not ")
         << e;
}

/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

//===----------------------------------------------------------------------===//
// Builder helpers
//===----------------------------------------------------------------------===//

/// Integer constant of type `t` (scalar or vector splat).
Value cst(ImplicitLocOpBuilder &b, Type t, int64_t v) {
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(
        b, vt,
        DenseElementsAttr::get(vt, b.getIntegerAttr(vt.getElementType(), v)));
  return arith::ConstantOp::create(b, t, b.getIntegerAttr(t, v));
}

Value idx(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}

Value addI(ImplicitLocOpBuilder &b, Value x, Value y) {
  return b.createOrFold<arith::AddIOp>(x, y);
}
Value mulI(ImplicitLocOpBuilder &b, Value x, int64_t c) {
  if (c == 1)
    return x;
  return b.createOrFold<arith::MulIOp>(x, idx(b, c));
}
Value addC(ImplicitLocOpBuilder &b, Value x, int64_t c) {
  if (c == 0)
    return x;
  return b.createOrFold<arith::AddIOp>(x, idx(b, c));
}

/// The same shape as `t` (scalar or vector) with element type `e`.
Type withElement(Type t, Type e) {
  if (auto vt = dyn_cast<VectorType>(t))
    return VectorType::get(vt.getShape(), e);
  return e;
}

Value clampS(ImplicitLocOpBuilder &b, Value v, int64_t lo, int64_t hi) {
  v = arith::MaxSIOp::create(b, v, cst(b, v.getType(), lo));
  return arith::MinSIOp::create(b, v, cst(b, v.getType(), hi));
}

/// scf.for over [lb, ub) with `step`; `body` builds inside the loop.
void forLoop(ImplicitLocOpBuilder &b, Value lb, Value ub, int64_t step,
             llvm::function_ref<void(Value)> body) {
  auto loop = scf::ForOp::create(b, lb, ub, idx(b, step));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  body(loop.getInductionVar());
}
void forLoop(ImplicitLocOpBuilder &b, int64_t ub,
             llvm::function_ref<void(Value)> body) {
  forLoop(b, idx(b, 0), idx(b, ub), 1, body);
}

/// Loads element `i` of an i8 code buffer as i32 (sign- or zero-extended).
Value loadCode(ImplicitLocOpBuilder &b, Value mem, Value i, bool isSigned) {
  Value v = memref::LoadOp::create(b, mem, ValueRange{i});
  if (isSigned)
    return arith::ExtSIOp::create(b, b.getI32Type(), v);
  return arith::ExtUIOp::create(b, b.getI32Type(), v);
}

void storeCode(ImplicitLocOpBuilder &b, Value v32, Value mem, Value i) {
  Value v = arith::TruncIOp::create(b, b.getI8Type(), v32);
  memref::StoreOp::create(b, v, mem, ValueRange{i});
}

/// applyMultiplier of IntegerSemantics in i64: the rounded, *unsaturated*
/// product floor((acc * mantissa + 2^(shift-1)) / 2^shift) (for shift = 0 the
/// rounding term (1 << 0) >> 1 is 0, as in the reference).
Value roundedProduct(ImplicitLocOpBuilder &b, Value acc, Value mant,
                     Value shift) {
  Type t64 = withElement(acc.getType(), b.getI64Type());
  Value p = arith::MulIOp::create(b, arith::ExtSIOp::create(b, t64, acc),
                                  arith::ExtSIOp::create(b, t64, mant));
  Value s = arith::ExtSIOp::create(b, t64, shift);
  Value rnd = arith::ShRSIOp::create(
      b, arith::ShLIOp::create(b, cst(b, t64, 1), s), cst(b, t64, 1));
  return arith::ShRSIOp::create(b, arith::AddIOp::create(b, p, rnd), s);
}

/// mpq::applyMultiplier: rounded product saturated to int32 (i32 result).
Value applyMultiplier(ImplicitLocOpBuilder &b, Value acc, Value mant,
                      Value shift) {
  Value r = clampS(b, roundedProduct(b, acc, mant, shift),
                   std::numeric_limits<int32_t>::min(),
                   std::numeric_limits<int32_t>::max());
  return arith::TruncIOp::create(b, acc.getType(), r);
}

/// mpq::requantize to an output range [lo, hi] of at most 16 bits: the
/// int32 saturation of applyMultiplier cannot change the result once the
/// zero point is added and [lo, hi] applied, so it is folded into the clamp.
Value requantize(ImplicitLocOpBuilder &b, Value acc, Value mant, Value shift,
                 int64_t zp, int64_t lo, int64_t hi) {
  Value r = roundedProduct(b, acc, mant, shift);
  r = arith::AddIOp::create(b, r, cst(b, r.getType(), zp));
  r = clampS(b, r, lo, hi);
  return arith::TruncIOp::create(b, acc.getType(), r);
}

Value requantize(ImplicitLocOpBuilder &b, Value acc, FixedPointMultiplier m,
                 int64_t zp, int64_t lo, int64_t hi) {
  Type t = acc.getType();
  return requantize(b, acc, cst(b, t, m.mantissa), cst(b, t, m.shift), zp, lo,
                    hi);
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

struct Range {
  int64_t lo, hi;
};

/// Output code range of an op with a fused clamp.
template <typename OpTy> Range outputRange(OpTy op, QuantParamsAttr out) {
  return {int64_t(op.getClampMin().value_or(out.getQMin())),
          int64_t(op.getClampMax().value_or(out.getQMax()))};
}

double scaleOf(QuantParamsAttr p, int64_t c) {
  return p.getScale()[p.isPerAxis() ? c : 0];
}
int64_t zpOf(QuantParamsAttr p, int64_t c) {
  return p.getZeroPoint()[p.isPerAxis() ? c : 0];
}

/// Integer codes of a constant weight operand, row-major.
FailureOr<SmallVector<int8_t>> constantCodes(Operation *user, Value v) {
  if (auto pc = v.getDefiningOp<PackedConstantOp>())
    return pc.unpack();
  if (auto c = v.getDefiningOp<tosa::ConstOp>()) {
    auto dense = dyn_cast<DenseIntElementsAttr>(c.getValues());
    if (dense && dense.getElementType().isInteger(8)) {
      SmallVector<int8_t> codes;
      for (const APInt &x : dense.getValues<APInt>())
        codes.push_back(int8_t(x.getSExtValue()));
      return codes;
    }
  }
  return user->emitOpError("code generation needs constant i8 weights "
                           "(tosa.const or mpq.packed_constant)");
}

FailureOr<SmallVector<int32_t>> constantI32(Operation *user, Value v,
                                            int64_t n) {
  SmallVector<int32_t> out;
  if (!v)
    return SmallVector<int32_t>(n, 0);
  auto c = v.getDefiningOp<tosa::ConstOp>();
  auto dense = c ? dyn_cast<DenseIntElementsAttr>(c.getValues()) : nullptr;
  if (!dense || !dense.getElementType().isInteger(32) ||
      dense.getNumElements() != n)
    return user->emitOpError("code generation needs a constant i32 bias with "
                             "one value per output channel");
  for (const APInt &x : dense.getValues<APInt>())
    out.push_back(int32_t(x.getSExtValue()));
  return out;
}

/// One integer weight term of a conv/FC: codes minus zero points ([N][K]),
/// with its parameters.
struct WeightTerm {
  SmallVector<int8_t> codes;
  QuantParamsAttr params;
  /// Container width of the packed constant the codes come from (8 for
  /// tosa.const).
  unsigned container = 8;
};

template <typename OpTy>
FailureOr<SmallVector<WeightTerm>> weightTerms(OpTy op, int64_t n) {
  SmallVector<std::pair<Value, QuantParamsAttr>> sources;
  if (QuantParamsAttr p = op.getWeightParamsAttr()) {
    sources.push_back({op.getWeight(), p});
  } else if (auto mp =
                 op.getWeight().template getDefiningOp<MultipointWeightOp>()) {
    if (!op.getOutputParamsAttr())
      return op.emitOpError("a multipoint weight needs output_params");
    for (auto [t, a] : llvm::zip(mp.getTerms(), mp.getParams()))
      sources.push_back({t, cast<QuantParamsAttr>(a)});
  } else {
    return op.emitOpError("a float weight must come from "
                          "mpq.multipoint_weight");
  }
  SmallVector<WeightTerm> terms;
  for (auto [v, p] : sources) {
    FailureOr<SmallVector<int8_t>> codes = constantCodes(op, v);
    if (failed(codes))
      return failure();
    int64_t k = int64_t(codes->size()) / n;
    for (int64_t r = 0; r < n; ++r) {
      int64_t zp = zpOf(p, r);
      for (int64_t c = 0; c < k; ++c) {
        int64_t q = (*codes)[r * k + c] - zp;
        if (q < -128 || q > 127)
          return op.emitOpError("weight codes minus their zero point must fit "
                                "in int8 for code generation");
        (*codes)[r * k + c] = int8_t(q);
      }
    }
    unsigned container = 8;
    if (auto pc = v.template getDefiningOp<PackedConstantOp>())
      container = pc.getLayout().getContainer();
    terms.push_back({std::move(*codes), p, container});
  }
  return terms;
}

//===----------------------------------------------------------------------===//
// The lowering
//===----------------------------------------------------------------------===//

/// A tensor's storage: a 1-D memref (a workspace view, an argument or a
/// constant global) holding the tensor row-major.
struct Storage {
  Value mem;
  bool isSigned = true;
};

/// A conv (groups = 1) or FC as C[m x n] = A[m x k] * W^T.
struct GemmLayer {
  Operation *op;
  int64_t m, n, k;
  SmallVector<WeightTerm> terms;
  SmallVector<int32_t> bias;
  QuantParamsAttr in, out;
  Range range;
};

class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp entry,
           const KernelLoweringOptions &opts)
      : module(module), entry(entry), opts(opts), gemm(*opts.gemm) {}

  LogicalResult run();

private:
  // Planning.
  LogicalResult plan();
  FailureOr<int64_t> scratchBytes(Operation *op);
  // Emission.
  LogicalResult emit(Operation *op, ImplicitLocOpBuilder &b);
  LogicalResult emitQuantize(QuantizeOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitDequantize(DequantizeOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitRequantize(RequantizeOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitTranspose(tosa::TransposeOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitSlice(tosa::SliceOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitConcat(tosa::ConcatOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitClamp(tosa::ClampOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitMaxPool(tosa::MaxPool2dOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitAvgPool(AvgPool2dOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitAdd(AddOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitConv(Conv2DOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitDepthwise(Conv2DOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitFullyConnected(FullyConnectedOp op,
                                   ImplicitLocOpBuilder &b);
  // Float islands between mpq.dequantize and mpq.quantize (softmax).
  LogicalResult emitFloatBinary(Operation *op, ImplicitLocOpBuilder &b);
  LogicalResult emitFloatUnary(Operation *op, ImplicitLocOpBuilder &b);
  LogicalResult emitFloatReduce(Operation *op, ImplicitLocOpBuilder &b);
  LogicalResult emitFloatSelect(tosa::SelectOp op, ImplicitLocOpBuilder &b);
  LogicalResult emitPad(tosa::PadOp op, ImplicitLocOpBuilder &b);

  /// C = A * W^T for a conv (im2col tiles) or FC (rows read in place);
  /// `packA` fills the scratch tile for rows [m0, m0 + rows) and returns the
  /// memref, base and row stride to read them from.
  using PackA = llvm::function_ref<std::tuple<Value, Value, int64_t>(
      ImplicitLocOpBuilder &, Value m0, int64_t rows)>;
  LogicalResult emitGemm(const GemmLayer &layer, ImplicitLocOpBuilder &b,
                         PackA packA, Value outMem);

  Value global(ImplicitLocOpBuilder &b, StringRef kind, Type elem,
               ArrayRef<int64_t> values);
  Value globalI8(ImplicitLocOpBuilder &b, StringRef kind,
                 ArrayRef<int8_t> values);
  Value globalI32(ImplicitLocOpBuilder &b, StringRef kind,
                  ArrayRef<int32_t> values);
  /// Read-only storage for a constant tensor that an op reads as data.
  LogicalResult constantStorage(tosa::ConstOp op, ImplicitLocOpBuilder &b);
  Storage &storage(Value v) { return storageOf[root(v)]; }
  Value root(Value v) const {
    auto it = aliasOf.find(v);
    return it == aliasOf.end() ? v : it->second;
  }
  Value scratch(ImplicitLocOpBuilder &b, Operation *op, Type elem,
                int64_t count);

  ModuleOp module;
  func::FuncOp entry;
  const KernelLoweringOptions &opts;
  const GemmMicrokernel &gemm;

  SmallVector<Operation *> ops;
  /// Values that share their operand's storage (reshape), mapped to the root.
  llvm::DenseMap<Value, Value> aliasOf;
  llvm::DenseMap<Value, int64_t> offsetOf; ///< workspace byte offsets (roots)
  llvm::DenseMap<Value, int64_t> bytesOf;
  llvm::DenseMap<Operation *, int64_t> scratchOffset;
  llvm::DenseMap<Value, Storage> storageOf;
  int64_t workspaceBytes = 0;
  /// Floats per sample of each input and output (the C API takes one
  /// pointer per input and output, in order).
  SmallVector<int64_t> inputSizes, outputSizes;
  /// The roots of the returned values; each is written straight into its
  /// output buffer.
  SmallVector<Value> resultRoots;
  Value workspace;
  SmallVector<Operation *> created; ///< globals, for cleanup on failure
  int64_t globalCounter = 0;
};

/// Whether a depthwise conv takes the 8-channel vector loop nest (else the
/// scalar one, which needs an int32 accumulator row in the workspace).
bool depthwiseVectorForm(Conv2DOp op) {
  auto w = cast<RankedTensorType>(op.getWeight().getType());
  return w.getDimSize(0) % 8 == 0 && op.getOutputParamsAttr();
}

bool isConstantLike(Operation *op) {
  return isa<tosa::ConstOp, tosa::ConstShapeOp, PackedConstantOp,
             MultipointWeightOp>(op);
}

LogicalResult Lowering::plan() {
  Block &body = entry.getBody().front();
  if (entry.getNumArguments() < 1 || entry.getNumResults() < 1)
    return entry.emitOpError("code generation needs at least one input and "
                             "one output");
  auto isF32Tensor = [](Type t) {
    auto r = dyn_cast<RankedTensorType>(t);
    return r && r.getElementType().isF32();
  };
  if (!llvm::all_of(entry.getArgumentTypes(), isF32Tensor) ||
      !llvm::all_of(entry.getResultTypes(), isF32Tensor))
    return entry.emitOpError("code generation needs float32 inputs and "
                             "outputs");
  for (Value arg : body.getArguments()) {
    FailureOr<SmallVector<int64_t>> inShape = staticShape(entry, arg);
    if (failed(inShape))
      return failure();
    inputSizes.push_back(numElements(*inShape));
  }
  auto ret = cast<func::ReturnOp>(body.getTerminator());

  // Aliases and last uses.
  llvm::DenseMap<Value, int64_t> lastUse;
  for (Operation &o : body.without_terminator()) {
    int64_t i = int64_t(ops.size());
    ops.push_back(&o);
    if (isConstantLike(&o))
      continue;
    if (isa<tosa::ReshapeOp>(o))
      aliasOf[o.getResult(0)] = root(o.getOperand(0));
    for (Value v : o.getOperands())
      lastUse[root(v)] = i;
  }
  for (auto [i, result] : llvm::enumerate(ret.getOperands())) {
    Value r = root(result);
    if (!r.getDefiningOp() || isConstantLike(r.getDefiningOp()))
      return ret.emitOpError("code generation needs the result to be computed "
                             "by the function");
    // Each output buffer is written by the op that computes it.
    if (llvm::is_contained(resultRoots, r))
      return ret.emitOpError("code generation needs distinct tensors for the "
                             "outputs; result #")
             << i << " repeats an earlier one";
    resultRoots.push_back(r);
    FailureOr<SmallVector<int64_t>> outShape = staticShape(ret, result);
    if (failed(outShape))
      return failure();
    outputSizes.push_back(numElements(*outShape));
  }

  // First-fit allocation of every non-aliased, non-argument result in op
  // order; a buffer is free again after its last use.
  struct Live {
    int64_t begin, end, lastUse;
  };
  SmallVector<Live> live;
  auto allocate = [&](int64_t bytes, int64_t last) {
    bytes = llvm::alignTo(std::max<int64_t>(bytes, 1), kBufferAlign);
    llvm::sort(live,
               [](const Live &a, const Live &b) { return a.begin < b.begin; });
    int64_t at = 0;
    for (const Live &l : live) {
      if (l.begin - at >= bytes)
        break;
      at = std::max<int64_t>(at, llvm::alignTo(l.end, kBufferAlign));
    }
    live.push_back({at, at + bytes, last});
    workspaceBytes = std::max(workspaceBytes, at + bytes);
    return at;
  };
  // Each buffer is at most kMaxTensorBytes, so one more allocation cannot
  // overflow int64; the plan stops at the op that crosses the limit.
  auto checkWorkspace = [&](Operation *o) -> LogicalResult {
    if (workspaceBytes <= mpq::kMaxWorkspaceBytes)
      return success();
    return o->emitOpError("code generation: the workspace would need ")
           << workspaceBytes
           << " bytes at this op, more than the limit of 2^40 bytes";
  };
  for (auto [i, o] : llvm::enumerate(ops)) {
    int64_t now = int64_t(i);
    llvm::erase_if(live, [&](const Live &l) { return l.lastUse < now; });
    if (isConstantLike(o) || isa<tosa::ReshapeOp>(o))
      continue;
    for (Value r : o->getResults()) {
      if (llvm::is_contained(resultRoots, r))
        continue;
      FailureOr<SmallVector<int64_t>> shape = staticShape(o, r);
      FailureOr<int64_t> eb = elementBytes(o, r);
      if (failed(shape) || failed(eb))
        return failure();
      int64_t bytes = numElements(*shape) * *eb;
      bytesOf[r] = bytes;
      // A result nobody reads still needs a place to be written.
      offsetOf[r] =
          allocate(bytes, lastUse.lookup(r) > now ? lastUse.lookup(r) : now);
      if (failed(checkWorkspace(o)))
        return failure();
    }
    FailureOr<int64_t> s = scratchBytes(o);
    if (failed(s))
      return failure();
    if (*s > mpq::kMaxTensorBytes)
      return o->emitOpError("code generation: scratch of ")
             << *s << " bytes is more than the limit of 2^40 bytes";
    if (*s > 0)
      scratchOffset[o] = allocate(*s, now);
    if (failed(checkWorkspace(o)))
      return failure();
  }
  return success();
}

FailureOr<int64_t> Lowering::scratchBytes(Operation *op) {
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    auto w = cast<RankedTensorType>(conv.getWeight().getType());
    int64_t k = w.getDimSize(1) * w.getDimSize(2) * w.getDimSize(3);
    if (conv.getGroups() != 1) { // depthwise
      // The vector form keeps its accumulators in registers; the scalar one
      // needs a row of int32 accumulators.
      return depthwiseVectorForm(conv) ? int64_t(0)
                                       : int64_t(w.getDimSize(0) * 4);
    }
    return gemm.maxRows() * llvm::alignTo(k, gemm.kAlign());
  }
  if (auto pool = dyn_cast<AvgPool2dOp>(op)) // int32 sums of one pixel
    return cast<ShapedType>(pool.getInput().getType()).getDimSize(3) * 4;
  if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
    auto w = cast<RankedTensorType>(fc.getWeight().getType());
    int64_t k = w.getDimSize(1);
    if (k % gemm.kAlign() == 0)
      return int64_t(0);
    return gemm.maxRows() * llvm::alignTo(k, gemm.kAlign());
  }
  return int64_t(0);
}

Value Lowering::global(ImplicitLocOpBuilder &b, StringRef kind, Type elem,
                       ArrayRef<int64_t> values) {
  int64_t n = std::max<int64_t>(int64_t(values.size()), 1);
  auto type = MemRefType::get({n}, elem);
  auto tensorType = RankedTensorType::get({n}, elem);
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(elem.getIntOrFloatBitWidth(), uint64_t(v), true));
  if (ints.empty())
    ints.push_back(APInt(elem.getIntOrFloatBitWidth(), 0));
  std::string name = opts.symbolPrefix + "_" + kind.str() + "_" +
                     std::to_string(globalCounter++);
  OpBuilder mb(module.getContext());
  mb.setInsertionPoint(entry);
  auto g = memref::GlobalOp::create(
      mb, b.getLoc(), name, mb.getStringAttr("private"), type,
      DenseElementsAttr::get(tensorType, ints), /*constant=*/true,
      mb.getI64IntegerAttr(16));
  created.push_back(g);
  return memref::GetGlobalOp::create(b, type, name);
}

Value Lowering::globalI8(ImplicitLocOpBuilder &b, StringRef kind,
                         ArrayRef<int8_t> values) {
  SmallVector<int64_t> v(values.begin(), values.end());
  return global(b, kind, b.getI8Type(), v);
}

Value Lowering::globalI32(ImplicitLocOpBuilder &b, StringRef kind,
                          ArrayRef<int32_t> values) {
  SmallVector<int64_t> v(values.begin(), values.end());
  return global(b, kind, b.getI32Type(), v);
}

/// Whether an op reads the constant `use` refers to as a tensor (and not as
/// a weight, bias or shift that its emitter takes from the attribute).
static bool readsConstantAsData(OpOperand &use) {
  Operation *user = use.getOwner();
  if (isa<Conv2DOp, FullyConnectedOp, MultipointWeightOp>(user))
    return false;
  if (isa<tosa::MulOp, tosa::PadOp>(user) && use.getOperandNumber() == 2)
    return false; // mul's shift, pad's pad_const
  if (isa<tosa::NegateOp>(user) && use.getOperandNumber() > 0)
    return false; // zero points
  return true;
}

LogicalResult Lowering::constantStorage(tosa::ConstOp op,
                                        ImplicitLocOpBuilder &b) {
  if (llvm::none_of(op->getUses(), readsConstantAsData))
    return success();
  auto dense = dyn_cast<DenseElementsAttr>(op.getValues());
  auto type = dyn_cast<RankedTensorType>(op.getType());
  if (!dense || !type || !type.hasStaticShape() ||
      failed(elementBytes(op, op.getResult())))
    return op.emitOpError("code generation needs a dense, statically shaped "
                          "i8, i32 or f32 constant");
  int64_t n = std::max<int64_t>(type.getNumElements(), 1);
  auto flat = RankedTensorType::get({n}, type.getElementType());
  std::string name = opts.symbolPrefix + "_const_" +
                     std::to_string(globalCounter++);
  OpBuilder mb(module.getContext());
  mb.setInsertionPoint(entry);
  auto memType = MemRefType::get({n}, type.getElementType());
  auto g = memref::GlobalOp::create(
      mb, op.getLoc(), name, mb.getStringAttr("private"), memType,
      dense.reshape(flat), /*constant=*/true, mb.getI64IntegerAttr(16));
  created.push_back(g);
  storageOf[op.getResult()] = {memref::GetGlobalOp::create(b, memType, name)};
  return success();
}

Value Lowering::scratch(ImplicitLocOpBuilder &b, Operation *op, Type elem,
                        int64_t count) {
  auto type = MemRefType::get({count}, elem);
  return memref::ViewOp::create(b, type, workspace,
                                idx(b, scratchOffset.lookup(op)), ValueRange{});
}

/// Whether the codes of `v` are signed, from the parameters of the op that
/// produced them (data movement keeps its operand's).
static bool codesSigned(Value v) {
  for (int depth = 0; depth < 64; ++depth) {
    Operation *d = v.getDefiningOp();
    if (!d)
      return true;
    if (auto q = dyn_cast<QuantizeOp>(d))
      return q.getParams().getIsSigned();
    if (auto q = dyn_cast<RequantizeOp>(d))
      return q.getOutputParams().getIsSigned();
    if (auto q = dyn_cast<Conv2DOp>(d))
      return !q.getOutputParamsAttr() || q.getOutputParamsAttr().getIsSigned();
    if (auto q = dyn_cast<FullyConnectedOp>(d))
      return !q.getOutputParamsAttr() || q.getOutputParamsAttr().getIsSigned();
    if (auto q = dyn_cast<AddOp>(d))
      return q.getOutputParams().getIsSigned();
    if (auto q = dyn_cast<AvgPool2dOp>(d))
      return q.getOutputParams().getIsSigned();
    if (auto pc = dyn_cast<PackedConstantOp>(d))
      return pc.getIsSigned();
    if (d->getNumOperands() == 0)
      return true;
    v = d->getOperand(0);
  }
  return true;
}

/// Nested scf.for loops over `shape`; `body` gets the induction variables.
static void loopNest(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape,
                     llvm::function_ref<void(ArrayRef<Value>)> body,
                     SmallVector<Value> &ivs) {
  if (ivs.size() == shape.size()) {
    body(ivs);
    return;
  }
  forLoop(b, shape[ivs.size()], [&](Value iv) {
    ivs.push_back(iv);
    loopNest(b, shape, body, ivs);
    ivs.pop_back();
  });
}
static void loopNest(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape,
                     llvm::function_ref<void(ArrayRef<Value>)> body) {
  SmallVector<Value> ivs;
  loopNest(b, shape, body, ivs);
}

/// sum_d (ivs[d] + offsets[d]) * strides[d].
static Value linearIndex(ImplicitLocOpBuilder &b, ArrayRef<Value> ivs,
                         ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> offsets = {}) {
  Value acc = idx(b, 0);
  for (auto [d, iv] : llvm::enumerate(ivs)) {
    Value v = offsets.empty() ? iv : addC(b, iv, offsets[d]);
    acc = addI(b, acc, mulI(b, v, strides[d]));
  }
  return acc;
}

LogicalResult Lowering::run() {
  if (failed(plan()))
    return failure();
  MLIRContext *ctx = module.getContext();
  OpBuilder mb(ctx);
  mb.setInsertionPointAfter(entry);
  // (input..., output..., workspace) -> i32
  SmallVector<Type> argTypes;
  for (int64_t n : llvm::concat<int64_t>(inputSizes, outputSizes))
    argTypes.push_back(MemRefType::get({n}, Float32Type::get(ctx)));
  int64_t wsBytes = std::max<int64_t>(workspaceBytes, kBufferAlign);
  argTypes.push_back(MemRefType::get({wsBytes}, IntegerType::get(ctx, 8)));
  auto fnType = FunctionType::get(ctx, argTypes, {IntegerType::get(ctx, 32)});
  auto fn = func::FuncOp::create(mb, entry.getLoc(), opts.symbolPrefix + "_run",
                                 fnType);
  Block *body = fn.addEntryBlock();
  ImplicitLocOpBuilder b(entry.getLoc(), ctx);
  b.setInsertionPointToStart(body);
  int64_t numInputs = int64_t(inputSizes.size());
  workspace = body->getArguments().back();
  for (int64_t i = 0; i < numInputs; ++i)
    storageOf[entry.getArgument(i)] = {body->getArgument(i)};
  for (auto [j, r] : llvm::enumerate(resultRoots))
    storageOf[r] = {body->getArgument(numInputs + j)};
  for (Operation *op : ops)
    for (Value r : op->getResults()) {
      auto it = offsetOf.find(r);
      if (it == offsetOf.end())
        continue;
      Type e = cast<ShapedType>(r.getType()).getElementType();
      int64_t eb = e.getIntOrFloatBitWidth() <= 8 ? 1 : 4;
      auto type = MemRefType::get({bytesOf[r] / eb}, e);
      storageOf[r] = {memref::ViewOp::create(b, type, workspace,
                                             idx(b, it->second), ValueRange{})};
    }
  auto failAndClean = [&]() {
    fn.erase();
    for (Operation *g : created)
      g->erase();
    return failure();
  };
  // Constants that ops read as tensors (a float island's Add(x, 3), a
  // Concat with a constant) live in read-only globals.
  for (Operation *op : ops)
    if (auto c = dyn_cast<tosa::ConstOp>(op))
      if (failed(constantStorage(c, b)))
        return failAndClean();
  for (Value v : llvm::make_first_range(storageOf))
    storageOf[v].isSigned = codesSigned(v);

  for (Operation *op : ops) {
    if (isConstantLike(op) || isa<tosa::ReshapeOp>(op))
      continue;
    b.setLoc(op->getLoc());
    if (failed(emit(op, b)))
      return failAndClean();
  }
  func::ReturnOp::create(b, ValueRange{cst(b, b.getI32Type(), 0)});

  Builder attrs(ctx);
  // The ONNX names of the inputs and outputs (mpq.name), for the header.
  auto ioNames = [&](bool results) {
    SmallVector<Attribute> names;
    unsigned n = results ? entry.getNumResults() : entry.getNumArguments();
    for (unsigned i = 0; i < n; ++i) {
      auto name = results ? entry.getResultAttrOfType<StringAttr>(i, "mpq.name")
                          : entry.getArgAttrOfType<StringAttr>(i, "mpq.name");
      names.push_back(name ? name : attrs.getStringAttr(""));
    }
    return attrs.getArrayAttr(names);
  };
  module->setAttr(
      "mpq.codegen",
      attrs.getDictionaryAttr({
          attrs.getNamedAttr("name", attrs.getStringAttr(opts.symbolPrefix)),
          attrs.getNamedAttr("input_sizes",
                             attrs.getDenseI64ArrayAttr(inputSizes)),
          attrs.getNamedAttr("output_sizes",
                             attrs.getDenseI64ArrayAttr(outputSizes)),
          attrs.getNamedAttr("input_names", ioNames(/*results=*/false)),
          attrs.getNamedAttr("output_names", ioNames(/*results=*/true)),
          attrs.getNamedAttr("workspace_size",
                             attrs.getI64IntegerAttr(wsBytes)),
          attrs.getNamedAttr("gemm", attrs.getStringAttr(gemm.getName())),
      }));
  entry.erase();
  return success();
}

LogicalResult Lowering::emit(Operation *op, ImplicitLocOpBuilder &b) {
  if (auto o = dyn_cast<QuantizeOp>(op))
    return emitQuantize(o, b);
  if (auto o = dyn_cast<DequantizeOp>(op))
    return emitDequantize(o, b);
  if (auto o = dyn_cast<RequantizeOp>(op))
    return emitRequantize(o, b);
  if (auto o = dyn_cast<tosa::TransposeOp>(op))
    return emitTranspose(o, b);
  if (auto o = dyn_cast<tosa::SliceOp>(op))
    return emitSlice(o, b);
  if (auto o = dyn_cast<tosa::ConcatOp>(op))
    return emitConcat(o, b);
  if (auto o = dyn_cast<tosa::ClampOp>(op))
    return emitClamp(o, b);
  if (auto o = dyn_cast<tosa::MaxPool2dOp>(op))
    return emitMaxPool(o, b);
  if (auto o = dyn_cast<AvgPool2dOp>(op))
    return emitAvgPool(o, b);
  if (auto o = dyn_cast<AddOp>(op))
    return emitAdd(o, b);
  if (auto o = dyn_cast<Conv2DOp>(op))
    return o.getGroups() == 1 ? emitConv(o, b) : emitDepthwise(o, b);
  if (auto o = dyn_cast<FullyConnectedOp>(op))
    return emitFullyConnected(o, b);
  auto isF32 = [&](Value v) {
    return cast<ShapedType>(v.getType()).getElementType().isF32();
  };
  if (isa<tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::MaximumOp,
          tosa::MinimumOp, tosa::GreaterOp, tosa::GreaterEqualOp,
          tosa::EqualOp>(op) &&
      isF32(op->getOperand(0)))
    return emitFloatBinary(op, b);
  if (auto o = dyn_cast<tosa::SelectOp>(op); o && isF32(op->getResult(0)))
    return emitFloatSelect(o, b);
  if (isa<tosa::ExpOp, tosa::ReciprocalOp, tosa::SigmoidOp, tosa::AbsOp,
          tosa::NegateOp, tosa::FloorOp, tosa::CeilOp, tosa::RsqrtOp>(op) &&
      isF32(op->getResult(0)))
    return emitFloatUnary(op, b);
  if (isa<tosa::ReduceMaxOp, tosa::ReduceMinOp, tosa::ReduceSumOp>(op) &&
      isF32(op->getResult(0)))
    return emitFloatReduce(op, b);
  if (auto o = dyn_cast<tosa::PadOp>(op))
    return emitPad(o, b);
  return op->emitOpError("is not supported by code generation (supported: "
                         "mpq quantized ops, TOSA data movement on codes, "
                         "and float add/sub/mul/maximum/minimum/compare/"
                         "select/clamp/pad/exp/sigmoid/reciprocal/rsqrt/abs/"
                         "negate/floor/ceil/reduce_max/reduce_min/"
                         "reduce_sum; see docs/codegen.md)");
}

static LogicalResult requirePerTensor(Operation *op, QuantParamsAttr p,
                                      StringRef what) {
  if (p && p.isPerAxis())
    return op->emitOpError("code generation needs per-tensor ")
           << what << " parameters";
  return success();
}

LogicalResult Lowering::emitQuantize(QuantizeOp op, ImplicitLocOpBuilder &b) {
  QuantParamsAttr p = op.getParams();
  if (failed(requirePerTensor(op, p, "quantize")))
    return failure();
  Value in = storage(op.getInput()).mem, out = storage(op.getOutput()).mem;
  int64_t n = numElements(*staticShape(op, op.getInput()));
  float inv = float(1.0 / p.getScale()[0]);
  int64_t zp = p.getZeroPoint()[0];
  Type f32 = b.getF32Type();
  Value invC = arith::ConstantOp::create(b, f32, b.getF32FloatAttr(inv));
  Value zero = arith::ConstantOp::create(b, f32, b.getF32FloatAttr(0.0f));
  // Beyond +-2^30 every code saturates anyway; the bound keeps fptosi defined.
  Value big = arith::ConstantOp::create(b, f32, b.getF32FloatAttr(1.0e9f));
  Value small = arith::ConstantOp::create(b, f32, b.getF32FloatAttr(-1.0e9f));
  forLoop(b, n, [&](Value i) {
    Value x = memref::LoadOp::create(b, in, ValueRange{i});
    Value s = arith::MulFOp::create(b, x, invC);
    Value r = math::RoundEvenOp::create(b, s);
    Value nan = arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, s, s);
    r = arith::SelectOp::create(b, nan, zero, r);
    r = arith::MinimumFOp::create(b, arith::MaximumFOp::create(b, r, small),
                                  big);
    Value q = arith::FPToSIOp::create(b, b.getI32Type(), r);
    q = arith::AddIOp::create(b, q, cst(b, b.getI32Type(), zp));
    q = clampS(b, q, p.getQMin(), p.getQMax());
    storeCode(b, q, out, i);
  });
  return success();
}

LogicalResult Lowering::emitDequantize(DequantizeOp op,
                                       ImplicitLocOpBuilder &b) {
  QuantParamsAttr p = op.getParams();
  if (failed(requirePerTensor(op, p, "dequantize")))
    return failure();
  const Storage &in = storage(op.getInput());
  Value out = storage(op.getOutput()).mem;
  int64_t n = numElements(*staticShape(op, op.getInput()));
  Value scale = arith::ConstantOp::create(
      b, b.getF32Type(), b.getF32FloatAttr(float(p.getScale()[0])));
  Value zp = cst(b, b.getI32Type(), p.getZeroPoint()[0]);
  forLoop(b, n, [&](Value i) {
    Value q = loadCode(b, in.mem, i, in.isSigned);
    Value d = arith::SIToFPOp::create(b, b.getF32Type(),
                                      arith::SubIOp::create(b, q, zp));
    memref::StoreOp::create(b, arith::MulFOp::create(b, d, scale), out,
                            ValueRange{i});
  });
  return success();
}

LogicalResult Lowering::emitRequantize(RequantizeOp op,
                                       ImplicitLocOpBuilder &b) {
  QuantParamsAttr pin = op.getInputParams(), pout = op.getOutputParams();
  if (failed(requirePerTensor(op, pin, "input")) ||
      failed(requirePerTensor(op, pout, "output")))
    return failure();
  if (!cast<ShapedType>(op.getInput().getType()).getElementType().isInteger(8))
    return op.emitOpError("code generation requantizes i8 codes only");
  const Storage &in = storage(op.getInput());
  Value out = storage(op.getOutput()).mem;
  int64_t n = numElements(*staticShape(op, op.getInput()));
  FixedPointMultiplier m =
      quantizeMultiplier(pin.getScale()[0] / pout.getScale()[0]);
  Value zpIn = cst(b, b.getI32Type(), pin.getZeroPoint()[0]);
  forLoop(b, n, [&](Value i) {
    Value q =
        arith::SubIOp::create(b, loadCode(b, in.mem, i, in.isSigned), zpIn);
    storeCode(b,
              requantize(b, q, m, pout.getZeroPoint()[0], pout.getQMin(),
                         pout.getQMax()),
              out, i);
  });
  return success();
}

LogicalResult Lowering::emitTranspose(tosa::TransposeOp op,
                                      ImplicitLocOpBuilder &b) {
  SmallVector<int64_t> inShape = *staticShape(op, op.getInput1());
  SmallVector<int64_t> outShape = *staticShape(op, op.getOutput());
  ArrayRef<int32_t> perms = op.getPerms();
  SmallVector<int64_t> inStrides = stridesOf(inShape);
  SmallVector<int64_t> permuted, outStrides = stridesOf(outShape);
  for (int32_t p : perms)
    permuted.push_back(inStrides[p]);
  Value in = storage(op.getInput1()).mem, out = storage(op.getOutput()).mem;
  loopNest(b, outShape, [&](ArrayRef<Value> ivs) {
    Value v = memref::LoadOp::create(b, in,
                                     ValueRange{linearIndex(b, ivs, permuted)});
    memref::StoreOp::create(b, v, out,
                            ValueRange{linearIndex(b, ivs, outStrides)});
  });
  return success();
}

static FailureOr<SmallVector<int64_t>> constShape(Operation *op, Value v) {
  auto c = v.getDefiningOp<tosa::ConstShapeOp>();
  if (!c)
    return op->emitOpError("code generation needs constant shape operands");
  SmallVector<int64_t> out;
  for (const APInt &x : c.getValues().getValues<APInt>())
    out.push_back(x.getSExtValue());
  return out;
}

LogicalResult Lowering::emitSlice(tosa::SliceOp op, ImplicitLocOpBuilder &b) {
  FailureOr<SmallVector<int64_t>> start = constShape(op, op.getStart());
  if (failed(start))
    return failure();
  SmallVector<int64_t> inShape = *staticShape(op, op.getInput1());
  SmallVector<int64_t> outShape = *staticShape(op, op.getOutput());
  SmallVector<int64_t> inStrides = stridesOf(inShape),
                       outStrides = stridesOf(outShape);
  Value in = storage(op.getInput1()).mem, out = storage(op.getOutput()).mem;
  loopNest(b, outShape, [&](ArrayRef<Value> ivs) {
    Value v = memref::LoadOp::create(
        b, in, ValueRange{linearIndex(b, ivs, inStrides, *start)});
    memref::StoreOp::create(b, v, out,
                            ValueRange{linearIndex(b, ivs, outStrides)});
  });
  return success();
}

LogicalResult Lowering::emitConcat(tosa::ConcatOp op, ImplicitLocOpBuilder &b) {
  int64_t axis = op.getAxis();
  SmallVector<int64_t> outShape = *staticShape(op, op.getOutput());
  SmallVector<int64_t> outStrides = stridesOf(outShape);
  Value out = storage(op.getOutput()).mem;
  int64_t at = 0;
  for (Value input : op.getInput1()) {
    SmallVector<int64_t> inShape = *staticShape(op, input);
    SmallVector<int64_t> inStrides = stridesOf(inShape);
    SmallVector<int64_t> offsets(inShape.size(), 0);
    offsets[axis] = at;
    Value in = storage(input).mem;
    loopNest(b, inShape, [&](ArrayRef<Value> ivs) {
      Value v = memref::LoadOp::create(
          b, in, ValueRange{linearIndex(b, ivs, inStrides)});
      memref::StoreOp::create(
          b, v, out, ValueRange{linearIndex(b, ivs, outStrides, offsets)});
    });
    at += inShape[axis];
  }
  return success();
}

LogicalResult Lowering::emitClamp(tosa::ClampOp op, ImplicitLocOpBuilder &b) {
  Type e = cast<ShapedType>(op.getInput().getType()).getElementType();
  auto flo = dyn_cast<FloatAttr>(op.getMinValAttr());
  auto fhi = dyn_cast<FloatAttr>(op.getMaxValAttr());
  if (e.isF32() && flo && fhi) {
    // The executor's std::min(std::max(x, lo), hi): NaN propagates, and a
    // tie keeps x.
    Value in = storage(op.getInput()).mem, out = storage(op.getOutput()).mem;
    int64_t n = numElements(*staticShape(op, op.getInput()));
    Type f32 = b.getF32Type();
    Value l = arith::ConstantOp::create(
        b, f32, b.getF32FloatAttr(float(flo.getValueAsDouble())));
    Value h = arith::ConstantOp::create(
        b, f32, b.getF32FloatAttr(float(fhi.getValueAsDouble())));
    forLoop(b, n, [&](Value i) {
      Value x = memref::LoadOp::create(b, in, ValueRange{i});
      Value below = arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, x, l);
      Value y = arith::SelectOp::create(b, below, l, x);
      Value above = arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, h, y);
      memref::StoreOp::create(b, arith::SelectOp::create(b, above, h, y), out,
                              ValueRange{i});
    });
    return success();
  }
  auto lo = dyn_cast<IntegerAttr>(op.getMinValAttr());
  auto hi = dyn_cast<IntegerAttr>(op.getMaxValAttr());
  if (!lo || !hi || !e.isInteger(8))
    return op.emitOpError("code generation clamps i8 codes and float32 "
                          "values only");
  const Storage &in = storage(op.getInput());
  Value out = storage(op.getOutput()).mem;
  int64_t n = numElements(*staticShape(op, op.getInput()));
  forLoop(b, n, [&](Value i) {
    Value q = loadCode(b, in.mem, i, in.isSigned);
    storeCode(b, clampS(b, q, lo.getInt(), hi.getInt()), out, i);
  });
  return success();
}

/// 0 <= v < size, for an index value.
static Value inBounds(ImplicitLocOpBuilder &b, Value v, int64_t size) {
  Value ge = arith::CmpIOp::create(b, arith::CmpIPredicate::sge, v, idx(b, 0));
  Value lt =
      arith::CmpIOp::create(b, arith::CmpIPredicate::slt, v, idx(b, size));
  return arith::AndIOp::create(b, ge, lt);
}

/// The input rows/columns of a pooling window clipped to the input:
/// [max(o * stride - pad, 0), min(o * stride - pad + k, size)).
static std::pair<Value, Value> windowBounds(ImplicitLocOpBuilder &b, Value o,
                                            int64_t stride, int64_t pad,
                                            int64_t k, int64_t size) {
  Value start = addC(b, mulI(b, o, stride), -pad);
  Value lo = arith::MaxSIOp::create(b, start, idx(b, 0));
  Value hi = arith::MinSIOp::create(b, addC(b, start, k), idx(b, size));
  return {lo, hi};
}

LogicalResult Lowering::emitMaxPool(tosa::MaxPool2dOp op,
                                    ImplicitLocOpBuilder &b) {
  SmallVector<int64_t> in = *staticShape(op, op.getInput());
  SmallVector<int64_t> out = *staticShape(op, op.getOutput());
  Type e = cast<ShapedType>(op.getInput().getType()).getElementType();
  if (!e.isInteger(8))
    return op.emitOpError("code generation max-pools i8 codes only");
  ArrayRef<int64_t> k = op.getKernel(), s = op.getStride(), pad = op.getPad();
  const Storage &src = storage(op.getInput());
  Value dst = storage(op.getOutput()).mem;
  int64_t h = in[1], w = in[2], c = in[3];
  int64_t lowest = src.isSigned ? -128 : 0;
  loopNest(b, {out[0], out[1], out[2]}, [&](ArrayRef<Value> ivs) {
    Value base = linearIndex(b, ivs, {out[1] * out[2] * c, out[2] * c, c});
    forLoop(b, c, [&](Value ch) {
      storeCode(b, cst(b, b.getI32Type(), lowest), dst, addI(b, base, ch));
    });
    auto [y0, y1] = windowBounds(b, ivs[1], s[0], pad[0], k[0], h);
    auto [x0, x1] = windowBounds(b, ivs[2], s[1], pad[2], k[1], w);
    forLoop(b, y0, y1, 1, [&](Value iy) {
      forLoop(b, x0, x1, 1, [&](Value ix) {
        Value from = linearIndex(b, {ivs[0], iy, ix}, {h * w * c, w * c, c});
        forLoop(b, c, [&](Value ch) {
          Value o = addI(b, base, ch);
          Value cur = loadCode(b, dst, o, src.isSigned);
          Value v = loadCode(b, src.mem, addI(b, from, ch), src.isSigned);
          storeCode(b, arith::MaxSIOp::create(b, cur, v), dst, o);
        });
      });
    });
  });
  return success();
}

LogicalResult Lowering::emitAvgPool(AvgPool2dOp op, ImplicitLocOpBuilder &b) {
  QuantParamsAttr pin = op.getInputParams(), pout = op.getOutputParams();
  if (failed(requirePerTensor(op, pin, "input")) ||
      failed(requirePerTensor(op, pout, "output")))
    return failure();
  SmallVector<int64_t> in = *staticShape(op, op.getInput());
  SmallVector<int64_t> out = *staticShape(op, op.getOutput());
  ArrayRef<int64_t> k = op.getKernel(), s = op.getStride(), pad = op.getPad();
  int64_t h = in[1], w = in[2], c = in[3], oh = out[1], ow = out[2];
  // The multiplier depends on how many inputs a window covers: one per
  // output position, computed here exactly as the reference does.
  SmallVector<int32_t> mant, shift;
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t x = 0; x < ow; ++x) {
      int64_t ys = y * s[0] - pad[0], xs = x * s[1] - pad[2];
      int64_t cy = std::min(ys + k[0], h) - std::max<int64_t>(ys, 0);
      int64_t cx = std::min(xs + k[1], w) - std::max<int64_t>(xs, 0);
      FixedPointMultiplier m = averageMultiplier(
          pin.getScale()[0], pout.getScale()[0], std::max<int64_t>(cy * cx, 1));
      mant.push_back(m.mantissa);
      shift.push_back(m.shift);
    }
  Value mantG = globalI32(b, "avgm", mant),
        shiftG = globalI32(b, "avgs", shift);
  const Storage &src = storage(op.getInput());
  Value dst = storage(op.getOutput()).mem;
  Value sums = scratch(b, op, b.getI32Type(), c);
  Value zpIn = cst(b, b.getI32Type(), pin.getZeroPoint()[0]);
  loopNest(b, {out[0], oh, ow}, [&](ArrayRef<Value> ivs) {
    forLoop(b, c, [&](Value ch) {
      memref::StoreOp::create(b, cst(b, b.getI32Type(), 0), sums,
                              ValueRange{ch});
    });
    auto [y0, y1] = windowBounds(b, ivs[1], s[0], pad[0], k[0], h);
    auto [x0, x1] = windowBounds(b, ivs[2], s[1], pad[2], k[1], w);
    forLoop(b, y0, y1, 1, [&](Value iy) {
      forLoop(b, x0, x1, 1, [&](Value ix) {
        Value from = linearIndex(b, {ivs[0], iy, ix}, {h * w * c, w * c, c});
        forLoop(b, c, [&](Value ch) {
          Value v = arith::SubIOp::create(
              b, loadCode(b, src.mem, addI(b, from, ch), src.isSigned), zpIn);
          Value cur = memref::LoadOp::create(b, sums, ValueRange{ch});
          memref::StoreOp::create(b, arith::AddIOp::create(b, cur, v), sums,
                                  ValueRange{ch});
        });
      });
    });
    Value pos = linearIndex(b, {ivs[1], ivs[2]}, {ow, 1});
    Value m = memref::LoadOp::create(b, mantG, ValueRange{pos});
    Value sh = memref::LoadOp::create(b, shiftG, ValueRange{pos});
    Value base = linearIndex(b, ivs, {oh * ow * c, ow * c, c});
    forLoop(b, c, [&](Value ch) {
      Value acc = memref::LoadOp::create(b, sums, ValueRange{ch});
      storeCode(b,
                requantize(b, acc, m, sh, pout.getZeroPoint()[0],
                           pout.getQMin(), pout.getQMax()),
                dst, addI(b, base, ch));
    });
  });
  return success();
}

LogicalResult Lowering::emitAdd(AddOp op, ImplicitLocOpBuilder &b) {
  QuantParamsAttr pa = op.getLhsParams(), pb = op.getRhsParams(),
                  po = op.getOutputParams();
  if (failed(requirePerTensor(op, pa, "lhs")) ||
      failed(requirePerTensor(op, pb, "rhs")) ||
      failed(requirePerTensor(op, po, "output")))
    return failure();
  SmallVector<int64_t> sa = *staticShape(op, op.getLhs()),
                       sb = *staticShape(op, op.getRhs());
  if (sa != sb)
    return op.emitOpError("code generation adds tensors of equal shape only "
                          "(no broadcasting)");
  Range r = outputRange(op, po);
  AddParams p = makeAddParams(pa.getScale()[0], int32_t(pa.getZeroPoint()[0]),
                              pb.getScale()[0], int32_t(pb.getZeroPoint()[0]),
                              po.getScale()[0], int32_t(po.getZeroPoint()[0]),
                              int32_t(r.lo), int32_t(r.hi));
  const Storage &a = storage(op.getLhs()), &c = storage(op.getRhs());
  Value out = storage(op.getOutput()).mem;
  Type i32 = b.getI32Type();
  auto term = [&](const Storage &st, Value i, int32_t zp,
                  FixedPointMultiplier m) {
    Value x = arith::SubIOp::create(b, loadCode(b, st.mem, i, st.isSigned),
                                    cst(b, i32, zp));
    x = arith::ShLIOp::create(b, x, cst(b, i32, AddParams::kAddLeftShift));
    return applyMultiplier(b, x, cst(b, i32, m.mantissa), cst(b, i32, m.shift));
  };
  forLoop(b, numElements(sa), [&](Value i) {
    Value sum = arith::AddIOp::create(b, term(a, i, p.zpA, p.mA),
                                      term(c, i, p.zpB, p.mB));
    storeCode(b, requantize(b, sum, p.mOut, p.zpOut, p.lo, p.hi), out, i);
  });
  return success();
}

LogicalResult Lowering::emitGemm(const GemmLayer &layer,
                                 ImplicitLocOpBuilder &b, PackA packA,
                                 Value outMem) {
  int64_t n = layer.n, k = layer.k, nr = gemm.nr(), groups = nr / 4;
  int64_t kp = llvm::alignTo(k, gemm.kAlign());
  int64_t np = llvm::alignTo(n, nr);
  int64_t zpx = zpOf(layer.in, 0);
  double sx = scaleOf(layer.in, 0);
  size_t numTerms = layer.terms.size();
  bool multi = numTerms > 1;
  SmallVector<WeightFormat> formats;
  // Per term: packed weights, bias folded with -zp_x * sum(w) (wrapping
  // int32 arithmetic: the sum is exact modulo 2^32, and the true accumulator
  // fits int32), and the per-channel multipliers.
  SmallVector<Value> wMem, biasMem, mantMem, shiftMem;
  SmallVector<int64_t> wBlockBytes;
  for (auto [t, term] : llvm::enumerate(layer.terms)) {
    SmallVector<int32_t> bias(np, 0), mant(np, 0), shift(np, 0);
    SmallVector<int64_t> bound(n, 0);
    for (int64_t c = 0; c < n; ++c) {
      int64_t sum = 0, maxAbs = 0;
      for (int64_t j = 0; j < k; ++j) {
        sum += term.codes[c * k + j];
        maxAbs = std::max<int64_t>(maxAbs, std::abs(term.codes[c * k + j]));
      }
      int64_t b0 = t == 0 ? layer.bias[c] : 0;
      uint32_t adj = uint32_t(b0) - uint32_t(int64_t(zpx) * sum);
      bias[c] = int32_t(adj);
      bound[c] = std::abs(b0) + k * 255 * maxAbs; // |true accumulator|
      if (layer.out) {
        double m = sx * scaleOf(term.params, c) / scaleOf(layer.out, 0);
        FixedPointMultiplier fm = quantizeMultiplier(
            multi ? m * double(1 << kMultipointFracBits) : m);
        mant[c] = fm.mantissa;
        shift[c] = fm.shift;
      }
    }
    // Low-bit weights stay packed; with an output stage their scale factor
    // 2^(8 - container) is folded into the multiplier when the scaled
    // accumulator still fits int32 and the shift stays <= 62.
    WeightFormat fmt;
    int64_t lo = -(int64_t(1) << (term.container - 1)),
            hi = (int64_t(1) << (term.container - 1)) - 1;
    if (term.container < 8 &&
        llvm::all_of(term.codes, [&](int8_t v) { return v >= lo && v <= hi; }))
      fmt.container = term.container;
    if (fmt.container < 8 && layer.out) {
      int64_t factorLog = 8 - fmt.container;
      fmt.folded = llvm::all_of(llvm::seq<int64_t>(0, n), [&](int64_t c) {
        return (bound[c] << factorLog) < (int64_t(1) << 31) &&
               (mant[c] == 0 || shift[c] + factorLog <= 62);
      });
      if (fmt.folded)
        for (int64_t c = 0; c < n; ++c) {
          bias[c] = int32_t(uint32_t(bias[c]) << factorLog);
          if (mant[c])
            shift[c] += int32_t(factorLog);
        }
    }
    wMem.push_back(globalI8(b, "w", gemm.packWeights(term.codes, n, k, fmt)));
    wBlockBytes.push_back(gemm.blockBytes(k, fmt));
    formats.push_back(fmt);
    biasMem.push_back(globalI32(b, "bias", bias));
    mantMem.push_back(globalI32(b, "mant", mant));
    shiftMem.push_back(globalI32(b, "shift", shift));
  }
  bool rawOut = !layer.out;
  int64_t zpOut = layer.out ? zpOf(layer.out, 0) : 0;
  auto v4i32 = VectorType::get({4}, b.getI32Type());
  auto v4i8 = VectorType::get({4}, b.getI8Type());
  auto v4i64 = VectorType::get({4}, b.getI64Type());

  auto block = [&](Value m0, int64_t rows, Value aMem, Value aBase,
                   int64_t aStride, Value nb, int64_t valid) {
    SmallVector<SmallVector<Value>> accs;
    for (size_t t = 0; t < numTerms; ++t)
      accs.push_back(gemm.emitTile(b, aMem, aBase, aStride, rows, wMem[t],
                                   mulI(b, nb, wBlockBytes[t]), kp,
                                   formats[t]));
    Value c0 = mulI(b, nb, nr);
    for (int64_t g = 0; g < groups && 4 * g < valid; ++g) {
      Value ch = addC(b, c0, 4 * g);
      SmallVector<Value> bias, mant, shift;
      for (size_t t = 0; t < numTerms; ++t) {
        bias.push_back(vector::LoadOp::create(b, v4i32, biasMem[t], ch));
        if (!rawOut) {
          mant.push_back(vector::LoadOp::create(b, v4i32, mantMem[t], ch));
          shift.push_back(vector::LoadOp::create(b, v4i32, shiftMem[t], ch));
        }
      }
      for (int64_t r = 0; r < rows; ++r) {
        Value y;
        if (rawOut) {
          y = arith::AddIOp::create(b, accs[0][r * groups + g], bias[0]);
        } else if (!multi) {
          Value a = arith::AddIOp::create(b, accs[0][r * groups + g], bias[0]);
          y = requantize(b, a, mant[0], shift[0], zpOut, layer.range.lo,
                         layer.range.hi);
        } else {
          Value sum = cst(b, v4i64, 0);
          for (size_t t = 0; t < numTerms; ++t) {
            Value a =
                arith::AddIOp::create(b, accs[t][r * groups + g], bias[t]);
            sum = arith::AddIOp::create(
                b, sum,
                arith::ExtSIOp::create(
                    b, v4i64, applyMultiplier(b, a, mant[t], shift[t])));
          }
          sum = arith::ShRSIOp::create(
              b,
              arith::AddIOp::create(
                  b, sum,
                  cst(b, v4i64, int64_t(1) << (kMultipointFracBits - 1))),
              cst(b, v4i64, kMultipointFracBits));
          sum = arith::AddIOp::create(b, sum, cst(b, v4i64, zpOut));
          y = arith::TruncIOp::create(
              b, v4i32, clampS(b, sum, layer.range.lo, layer.range.hi));
        }
        Value at = addI(b, mulI(b, addC(b, m0, r), n), ch);
        Value stored = rawOut ? y : arith::TruncIOp::create(b, v4i8, y);
        int64_t lanes = std::min<int64_t>(4, valid - 4 * g);
        if (lanes == 4) {
          vector::StoreOp::create(b, stored, outMem, ValueRange{at});
          continue;
        }
        for (int64_t l = 0; l < lanes; ++l)
          memref::StoreOp::create(
              b, vector::ExtractOp::create(b, stored, ArrayRef<int64_t>{l}),
              outMem, ValueRange{addC(b, at, l)});
      }
    }
  };
  auto tile = [&](Value m0, int64_t rows) {
    auto [aMem, aBase, aStride] = packA(b, m0, rows);
    int64_t full = n / nr;
    if (full > 0)
      forLoop(b, idx(b, 0), idx(b, full), 1,
              [&](Value nb) { block(m0, rows, aMem, aBase, aStride, nb, nr); });
    if (n % nr)
      block(m0, rows, aMem, aBase, aStride, idx(b, full), n % nr);
  };
  int64_t mr = gemm.maxRows(), fullRows = layer.m / mr * mr;
  if (fullRows > 0)
    forLoop(b, idx(b, 0), idx(b, fullRows), mr,
            [&](Value m0) { tile(m0, mr); });
  if (layer.m % mr)
    tile(idx(b, fullRows), layer.m % mr);
  return success();
}

/// The GEMM view of a conv (groups = 1) or FC: operands checked, weight
/// terms and bias read from their constants.
template <typename OpTy>
static FailureOr<GemmLayer> gemmLayer(OpTy op, int64_t m, int64_t n,
                                      int64_t k) {
  GemmLayer layer{op, m, n, k};
  FailureOr<SmallVector<WeightTerm>> terms = weightTerms(op, n);
  FailureOr<SmallVector<int32_t>> bias = constantI32(op, op.getBias(), n);
  if (failed(terms) || failed(bias))
    return failure();
  layer.terms = std::move(*terms);
  layer.bias = std::move(*bias);
  layer.in = op.getInputParams();
  layer.out = op.getOutputParamsAttr();
  if (layer.out)
    layer.range = outputRange(op, layer.out);
  return layer;
}

template <typename OpTy> static LogicalResult checkGemmOperands(OpTy op) {
  if (failed(requirePerTensor(op, op.getInputParams(), "input")) ||
      failed(requirePerTensor(op, op.getOutputParamsAttr(), "output")))
    return failure();
  if (!op.getInputParams().getIsSigned())
    return op.emitOpError("code generation needs signed activation codes "
                          "(the quantizer's unsigned ranges are signed codes "
                          "with zero point -128)");
  return success();
}

LogicalResult Lowering::emitConv(Conv2DOp op, ImplicitLocOpBuilder &b) {
  if (failed(checkGemmOperands(op)))
    return failure();
  SmallVector<int64_t> in = *staticShape(op, op.getInput());
  SmallVector<int64_t> out = *staticShape(op, op.getOutput());
  auto wt = cast<RankedTensorType>(op.getWeight().getType());
  int64_t h = in[1], w = in[2], c = in[3];
  int64_t o = wt.getDimSize(0), kh = wt.getDimSize(1), kw = wt.getDimSize(2);
  int64_t oh = out[1], ow = out[2];
  if (in[0] != 1)
    return op.emitOpError("code generation runs one sample per call");
  ArrayRef<int64_t> pad = op.getPad(), st = op.getStride(),
                    dil = op.getDilation();
  FailureOr<GemmLayer> gl = gemmLayer(op, oh * ow, o, kh * kw * c);
  if (failed(gl))
    return failure();
  const GemmLayer &layer = *gl;
  Value src = storage(op.getInput()).mem;
  int64_t zpx = zpOf(layer.in, 0);
  int64_t kp = llvm::alignTo(layer.k, gemm.kAlign());
  bool direct = kh == 1 && kw == 1 && st[0] == 1 && st[1] == 1 &&
                llvm::all_of(pad, [](int64_t p) { return p == 0; }) &&
                c % gemm.kAlign() == 0;
  Value tileMem =
      direct ? Value() : scratch(b, op, b.getI8Type(), gemm.maxRows() * kp);
  auto packA = [&](ImplicitLocOpBuilder &b, Value m0,
                   int64_t rows) -> std::tuple<Value, Value, int64_t> {
    if (direct)
      return {src, mulI(b, m0, c), c};
    // im2col of `rows` output pixels into the tile; padding holds the input
    // zero point (it then contributes nothing), the K tail zeros.
    Value zp = cst(b, b.getI32Type(), zpx);
    forLoop(b, rows, [&](Value r) {
      Value m = addI(b, m0, r);
      Value oy = arith::DivUIOp::create(b, m, idx(b, ow));
      Value ox = arith::RemUIOp::create(b, m, idx(b, ow));
      Value rowBase = mulI(b, r, kp);
      forLoop(b, kh, [&](Value ky) {
        forLoop(b, kw, [&](Value kx) {
          Value iy = addI(b, addC(b, mulI(b, oy, st[0]), -pad[0]),
                          mulI(b, ky, dil[0]));
          Value ix = addI(b, addC(b, mulI(b, ox, st[1]), -pad[2]),
                          mulI(b, kx, dil[1]));
          Value ok =
              arith::AndIOp::create(b, inBounds(b, iy, h), inBounds(b, ix, w));
          Value to = addI(b, rowBase, mulI(b, addI(b, mulI(b, ky, kw), kx), c));
          auto ifOp = scf::IfOp::create(b, TypeRange{}, ok, /*else=*/true);
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(&ifOp.getThenRegion().front());
            Value from = mulI(b, addI(b, mulI(b, iy, w), ix), c);
            forLoop(b, c, [&](Value ch) {
              Value v =
                  memref::LoadOp::create(b, src, ValueRange{addI(b, from, ch)});
              memref::StoreOp::create(b, v, tileMem,
                                      ValueRange{addI(b, to, ch)});
            });
            b.setInsertionPointToStart(&ifOp.getElseRegion().front());
            forLoop(b, c, [&](Value ch) {
              storeCode(b, zp, tileMem, addI(b, to, ch));
            });
          }
        });
      });
      forLoop(b, idx(b, layer.k), idx(b, kp), 1, [&](Value j) {
        storeCode(b, cst(b, b.getI32Type(), 0), tileMem, addI(b, rowBase, j));
      });
    });
    return {tileMem, idx(b, 0), kp};
  };
  return emitGemm(layer, b, packA, storage(op.getOutput()).mem);
}

LogicalResult Lowering::emitFullyConnected(FullyConnectedOp op,
                                           ImplicitLocOpBuilder &b) {
  if (failed(checkGemmOperands(op)))
    return failure();
  SmallVector<int64_t> in = *staticShape(op, op.getInput());
  auto wt = cast<RankedTensorType>(op.getWeight().getType());
  int64_t n = wt.getDimSize(0), k = wt.getDimSize(1);
  FailureOr<GemmLayer> gl = gemmLayer(op, in[0], n, k);
  if (failed(gl))
    return failure();
  const GemmLayer &layer = *gl;
  Value src = storage(op.getInput()).mem;
  int64_t kp = llvm::alignTo(k, gemm.kAlign());
  bool direct = k == kp;
  Value rowsMem =
      direct ? Value() : scratch(b, op, b.getI8Type(), gemm.maxRows() * kp);
  auto packA = [&](ImplicitLocOpBuilder &b, Value m0,
                   int64_t rows) -> std::tuple<Value, Value, int64_t> {
    if (direct)
      return {src, mulI(b, m0, k), k};
    forLoop(b, rows, [&](Value r) {
      Value from = mulI(b, addI(b, m0, r), k), to = mulI(b, r, kp);
      forLoop(b, kp, [&](Value j) {
        Value inK =
            arith::CmpIOp::create(b, arith::CmpIPredicate::slt, j, idx(b, k));
        Value safe = arith::SelectOp::create(b, inK, j, idx(b, 0));
        Value v =
            memref::LoadOp::create(b, src, ValueRange{addI(b, from, safe)});
        Value zero = cst(b, b.getI8Type(), 0);
        memref::StoreOp::create(b, arith::SelectOp::create(b, inK, v, zero),
                                rowsMem, ValueRange{addI(b, to, j)});
      });
    });
    return {rowsMem, idx(b, 0), kp};
  };
  return emitGemm(layer, b, packA, storage(op.getOutput()).mem);
}

/// 8 depthwise weights (vector<8xi8>, sign-extended codes) of one tap from
/// `mem` at byte `at`: 8 bytes, or 8 / (8 / container) bytes of packed
/// fields (low bits first), unpacked with shifts and put back in channel
/// order with shuffles.
static Value loadDepthwiseWeights(ImplicitLocOpBuilder &b, Value mem, Value at,
                                  unsigned container) {
  int64_t fields = 8 / container, bytes = 8 / fields;
  auto type = VectorType::get({bytes}, b.getI8Type());
  Value v = vector::LoadOp::create(b, type, mem, ValueRange{at});
  if (fields == 1)
    return v;
  SmallVector<Value> f;
  for (int64_t phi = 0; phi < fields; ++phi) {
    int64_t up = 8 - container * (phi + 1);
    Value x = up ? Value(arith::ShLIOp::create(b, v, cst(b, type, up))) : v;
    f.push_back(arith::ShRSIOp::create(b, x, cst(b, type, 8 - container)));
  }
  // Concatenate the fields (field phi, byte j at phi * bytes + j), then
  // channel j * fields + phi takes field phi of byte j.
  if (fields == 4) {
    SmallVector<int64_t> id4 = {0, 1, 2, 3};
    Value lo = vector::ShuffleOp::create(b, f[0], f[1], id4);
    Value hi = vector::ShuffleOp::create(b, f[2], f[3], id4);
    f = {lo, hi};
  }
  SmallVector<int64_t> mask;
  for (int64_t ch = 0; ch < 8; ++ch) {
    int64_t byte = ch / fields, phi = ch % fields;
    mask.push_back(phi * bytes + byte);
  }
  return vector::ShuffleOp::create(b, f[0], f[1], mask);
}

LogicalResult Lowering::emitDepthwise(Conv2DOp op, ImplicitLocOpBuilder &b) {
  SmallVector<int64_t> in = *staticShape(op, op.getInput());
  SmallVector<int64_t> out = *staticShape(op, op.getOutput());
  auto wt = cast<RankedTensorType>(op.getWeight().getType());
  int64_t h = in[1], w = in[2], c = in[3];
  int64_t o = wt.getDimSize(0), kh = wt.getDimSize(1), kw = wt.getDimSize(2);
  if (op.getGroups() != c || o != c || wt.getDimSize(3) != 1)
    return op.emitOpError("code generation supports groups = 1 and "
                          "depthwise convolution (groups = channels = "
                          "outputs), not groups = ")
           << op.getGroups();
  if (!op.getWeightParamsAttr())
    return op.emitOpError("code generation does not support multipoint "
                          "weights on depthwise convolution yet");
  QuantParamsAttr pin = op.getInputParams(), pout = op.getOutputParamsAttr();
  if (failed(requirePerTensor(op, pin, "input")) ||
      failed(requirePerTensor(op, pout, "output")))
    return failure();
  FailureOr<SmallVector<WeightTerm>> terms = weightTerms(op, o);
  FailureOr<SmallVector<int32_t>> bias = constantI32(op, op.getBias(), o);
  if (failed(terms) || failed(bias))
    return failure();
  // Weights as [tap][channel], so the channel loop is contiguous.
  const SmallVector<int8_t> &codes = (*terms)[0].codes;
  SmallVector<int8_t> taps(kh * kw * c);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t t = 0; t < kh * kw; ++t)
      taps[t * c + ch] = codes[ch * kh * kw + t];
  SmallVector<int32_t> mant(c), shift(c);
  if (pout)
    for (int64_t ch = 0; ch < c; ++ch) {
      FixedPointMultiplier m = quantizeMultiplier(
          scaleOf(pin, 0) * scaleOf((*terms)[0].params, ch) / scaleOf(pout, 0));
      mant[ch] = m.mantissa;
      shift[ch] = m.shift;
    }
  // The vector form keeps low-bit weights packed: per tap, channels
  // row-major, 8 / container channels per byte (low bits first).
  unsigned container = (*terms)[0].container;
  bool vectorForm = depthwiseVectorForm(op);
  int64_t fieldLo = -(int64_t(1) << (container - 1)),
          fieldHi = (int64_t(1) << (container - 1)) - 1;
  if (!vectorForm ||
      llvm::any_of(taps, [&](int8_t v) { return v < fieldLo || v > fieldHi; }))
    container = 8;
  int64_t fields = 8 / container;
  SmallVector<int8_t> stored = taps;
  if (fields > 1) {
    stored.assign(taps.size() / fields, 0);
    for (size_t i = 0; i < taps.size(); ++i)
      stored[i / fields] =
          int8_t(uint8_t(stored[i / fields]) |
                 uint8_t((uint8_t(taps[i]) & ((1u << container) - 1))
                         << ((i % fields) * container)));
  }
  Value wMem = globalI8(b, "dw", stored), biasMem = globalI32(b, "bias", *bias);
  Value mantMem = globalI32(b, "mant", mant),
        shiftMem = globalI32(b, "shift", shift);
  const Storage &src = storage(op.getInput());
  Value dst = storage(op.getOutput()).mem;
  Range range = pout ? outputRange(op, pout) : Range{0, 0};
  ArrayRef<int64_t> pad = op.getPad(), st = op.getStride(),
                    dil = op.getDilation();
  if (vectorForm) {
    // Vector form: 8 channels at a time, accumulators in registers through
    // the (unrolled) taps; 8x8 -> 16-bit products (|x - zp| <= 255,
    // |w| <= 128) widened into two int32x4 accumulators.
    auto v8i8 = VectorType::get({8}, b.getI8Type());
    auto v8i16 = VectorType::get({8}, b.getI16Type());
    auto v4i32 = VectorType::get({4}, b.getI32Type());
    auto v4i8 = VectorType::get({4}, b.getI8Type());
    Value zp16 = cst(b, v8i16, zpOf(pin, 0));
    // Channel blocks outside, pixels inside: a block's weights (one register
    // per tap, unpacked once), bias and multipliers stay in registers for
    // all output pixels.
    forLoop(b, c / 8, [&](Value cb) {
      Value c0 = mulI(b, cb, 8);
      SmallVector<Value> tapWeights;
      for (int64_t t = 0; t < kh * kw; ++t)
        tapWeights.push_back(arith::ExtSIOp::create(
            b, v8i16,
            loadDepthwiseWeights(
                b, wMem,
                addC(b, b.createOrFold<arith::DivUIOp>(c0, idx(b, fields)),
                     t * c / fields),
                container)));
      SmallVector<Value> bias, mant, shift;
      for (int64_t half = 0; half < 2; ++half) {
        Value ch = addC(b, c0, 4 * half);
        bias.push_back(
            vector::LoadOp::create(b, v4i32, biasMem, ValueRange{ch}));
        mant.push_back(
            vector::LoadOp::create(b, v4i32, mantMem, ValueRange{ch}));
        shift.push_back(
            vector::LoadOp::create(b, v4i32, shiftMem, ValueRange{ch}));
      }
      loopNest(b, {out[0], out[1], out[2]}, [&](ArrayRef<Value> ivs) {
        SmallVector<Value> acc = bias;
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t kx = 0; kx < kw; ++kx) {
            Value iy = addC(b, mulI(b, ivs[1], st[0]), ky * dil[0] - pad[0]);
            Value ix = addC(b, mulI(b, ivs[2], st[1]), kx * dil[1] - pad[2]);
            Value ok = arith::AndIOp::create(b, inBounds(b, iy, h),
                                             inBounds(b, ix, w));
            auto ifOp = scf::IfOp::create(b, TypeRange{v4i32, v4i32}, ok,
                                          /*else=*/true);
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(&ifOp.getThenRegion().front());
            Value from = addI(
                b, linearIndex(b, {ivs[0], iy, ix}, {h * w * c, w * c, c}), c0);
            Value x =
                vector::LoadOp::create(b, v8i8, src.mem, ValueRange{from});
            x = src.isSigned ? Value(arith::ExtSIOp::create(b, v8i16, x))
                             : Value(arith::ExtUIOp::create(b, v8i16, x));
            x = arith::SubIOp::create(b, x, zp16);
            Value p = arith::MulIOp::create(b, x, tapWeights[ky * kw + kx]);
            SmallVector<Value> next;
            for (int64_t half = 0; half < 2; ++half) {
              Value part = vector::ExtractStridedSliceOp::create(
                  b, p, ArrayRef<int64_t>{half * 4}, ArrayRef<int64_t>{4},
                  ArrayRef<int64_t>{1});
              next.push_back(arith::AddIOp::create(
                  b, acc[half], arith::ExtSIOp::create(b, v4i32, part)));
            }
            scf::YieldOp::create(b, next);
            b.setInsertionPointToStart(&ifOp.getElseRegion().front());
            scf::YieldOp::create(b, acc);
            acc = {ifOp.getResult(0), ifOp.getResult(1)};
          }
        Value base = addI(b,
                          linearIndex(b, {ivs[0], ivs[1], ivs[2]},
                                      {out[1] * out[2] * c, out[2] * c, c}),
                          c0);
        for (int64_t half = 0; half < 2; ++half) {
          Value y = requantize(b, acc[half], mant[half], shift[half],
                               zpOf(pout, 0), range.lo, range.hi);
          vector::StoreOp::create(b, arith::TruncIOp::create(b, v4i8, y), dst,
                                  ValueRange{addC(b, base, 4 * half)});
        }
      });
    });
    return success();
  }
  Value acc = scratch(b, op, b.getI32Type(), c);
  Value zpx = cst(b, b.getI32Type(), zpOf(pin, 0));
  loopNest(b, {out[0], out[1], out[2]}, [&](ArrayRef<Value> ivs) {
    forLoop(b, c, [&](Value ch) {
      memref::StoreOp::create(
          b, memref::LoadOp::create(b, biasMem, ValueRange{ch}), acc,
          ValueRange{ch});
    });
    forLoop(b, kh, [&](Value ky) {
      forLoop(b, kw, [&](Value kx) {
        Value iy = addI(b, addC(b, mulI(b, ivs[1], st[0]), -pad[0]),
                        mulI(b, ky, dil[0]));
        Value ix = addI(b, addC(b, mulI(b, ivs[2], st[1]), -pad[2]),
                        mulI(b, kx, dil[1]));
        Value ok =
            arith::AndIOp::create(b, inBounds(b, iy, h), inBounds(b, ix, w));
        auto ifOp = scf::IfOp::create(b, TypeRange{}, ok, /*else=*/false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
        Value from = linearIndex(b, {ivs[0], iy, ix}, {h * w * c, w * c, c});
        Value tap = mulI(b, addI(b, mulI(b, ky, kw), kx), c);
        forLoop(b, c, [&](Value ch) {
          Value x = arith::SubIOp::create(
              b, loadCode(b, src.mem, addI(b, from, ch), src.isSigned), zpx);
          Value wv = loadCode(b, wMem, addI(b, tap, ch), true);
          Value cur = memref::LoadOp::create(b, acc, ValueRange{ch});
          memref::StoreOp::create(
              b, arith::AddIOp::create(b, cur, arith::MulIOp::create(b, x, wv)),
              acc, ValueRange{ch});
        });
      });
    });
    Value base = linearIndex(b, ivs, {out[1] * out[2] * c, out[2] * c, c});
    forLoop(b, c, [&](Value ch) {
      Value a = memref::LoadOp::create(b, acc, ValueRange{ch});
      Value at = addI(b, base, ch);
      if (!pout) {
        memref::StoreOp::create(b, a, dst, ValueRange{at});
        return;
      }
      Value m = memref::LoadOp::create(b, mantMem, ValueRange{ch});
      Value sh = memref::LoadOp::create(b, shiftMem, ValueRange{ch});
      storeCode(b, requantize(b, a, m, sh, zpOf(pout, 0), range.lo, range.hi),
                dst, at);
    });
  });
  return success();
}

/// mpq::expFloat, operation for operation (see IntegerSemantics.h).
static Value emitExpFloat(ImplicitLocOpBuilder &b, Value x) {
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  auto fc = [&](float v) -> Value {
    return arith::ConstantOp::create(b, f32, b.getF32FloatAttr(v));
  };
  using C = ExpConstants;
  Value nan = arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, x, x);
  // The special cases are selected at the end; the main path runs on a
  // finite, in-range stand-in so that every conversion is defined.
  Value xc = arith::SelectOp::create(b, nan, fc(0.0f), x);
  xc = arith::MinimumFOp::create(
      b, arith::MaximumFOp::create(b, xc, fc(C::kMinInput)), fc(C::kMaxInput));
  Value kf =
      math::RoundEvenOp::create(b, arith::MulFOp::create(b, xc, fc(C::kLog2e)));
  Value r =
      arith::SubFOp::create(b, xc, arith::MulFOp::create(b, kf, fc(C::kLn2Hi)));
  r = arith::SubFOp::create(b, r, arith::MulFOp::create(b, kf, fc(C::kLn2Lo)));
  Value p = fc(C::kPoly[0]);
  for (int i = 1; i < 6; ++i)
    p = arith::AddFOp::create(b, arith::MulFOp::create(b, p, r),
                              fc(C::kPoly[i]));
  Value y = arith::MulFOp::create(b, p, arith::MulFOp::create(b, r, r));
  y = arith::AddFOp::create(b, arith::AddFOp::create(b, y, r), fc(1.0f));
  Value k = arith::FPToSIOp::create(b, i32, kf);
  Value k1 = arith::ShRSIOp::create(b, k, cst(b, i32, 1));
  Value k2 = arith::SubIOp::create(b, k, k1);
  auto pow2 = [&](Value e) -> Value {
    Value bits = arith::ShLIOp::create(
        b, arith::AddIOp::create(b, e, cst(b, i32, 127)), cst(b, i32, 23));
    return arith::BitcastOp::create(b, f32, bits);
  };
  y = arith::MulFOp::create(b, arith::MulFOp::create(b, y, pow2(k1)), pow2(k2));
  Value big =
      arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, x, fc(C::kMaxInput));
  Value small =
      arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, x, fc(C::kMinInput));
  y = arith::SelectOp::create(b, big,
                              fc(std::numeric_limits<float>::infinity()), y);
  y = arith::SelectOp::create(b, small, fc(0.0f), y);
  return arith::SelectOp::create(b, nan, x, y);
}

/// The executor's propagatingMax for floats: NaN if either is NaN, else
/// a > b ? a : b (so max(-0, +0) is the second operand, as there).
static Value floatMax(ImplicitLocOpBuilder &b, Value a, Value c) {
  Value gt = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, a, c);
  Value m = arith::SelectOp::create(b, gt, a, c);
  Value nan = arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, a, c);
  Value qnan = arith::ConstantOp::create(
      b, b.getF32Type(),
      b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN()));
  return arith::SelectOp::create(b, nan, qnan, m);
}

/// The executor's propagatingMin for floats: NaN if either is NaN, else
/// a < b ? a : b.
static Value floatMin(ImplicitLocOpBuilder &b, Value a, Value c) {
  Value lt = arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, a, c);
  Value m = arith::SelectOp::create(b, lt, a, c);
  Value nan = arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, a, c);
  Value qnan = arith::ConstantOp::create(
      b, b.getF32Type(),
      b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN()));
  return arith::SelectOp::create(b, nan, qnan, m);
}

/// Row-major strides of an operand broadcast to the result: a size-1
/// dimension has stride 0.
static SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> st = stridesOf(shape);
  for (auto [d, s] : llvm::enumerate(shape))
    if (s == 1)
      st[d] = 0;
  return st;
}

LogicalResult Lowering::emitFloatSelect(tosa::SelectOp op,
                                        ImplicitLocOpBuilder &b) {
  SmallVector<int64_t> so = *staticShape(op, op.getResult());
  SmallVector<SmallVector<int64_t>> strides;
  for (Value v : op->getOperands()) {
    SmallVector<int64_t> s = *staticShape(op, v);
    if (s.size() != so.size())
      return op.emitOpError("code generation broadcasts operands of equal "
                            "rank only");
    strides.push_back(broadcastStrides(s));
  }
  if (!cast<ShapedType>(op.getOperand(0).getType())
           .getElementType()
           .isInteger(1))
    return op.emitOpError("code generation needs an i1 predicate");
  Value p = storage(op.getOperand(0)).mem, x = storage(op.getOperand(1)).mem,
        y = storage(op.getOperand(2)).mem, out = storage(op.getResult()).mem;
  SmallVector<int64_t> stO = stridesOf(so);
  loopNest(b, so, [&](ArrayRef<Value> ivs) {
    auto load = [&](Value mem, ArrayRef<int64_t> st) -> Value {
      return memref::LoadOp::create(b, mem,
                                    ValueRange{linearIndex(b, ivs, st)});
    };
    Value r = arith::SelectOp::create(b, load(p, strides[0]),
                                      load(x, strides[1]), load(y, strides[2]));
    memref::StoreOp::create(b, r, out, ValueRange{linearIndex(b, ivs, stO)});
  });
  return success();
}

LogicalResult Lowering::emitPad(tosa::PadOp op, ImplicitLocOpBuilder &b) {
  FailureOr<SmallVector<int64_t>> padding = constShape(op, op.getPadding());
  if (failed(padding))
    return failure();
  // The fill value: a constant of the element type (codes or floats).
  auto padConst = op.getPadConst().getDefiningOp<tosa::ConstOp>();
  auto dense =
      padConst ? dyn_cast<DenseElementsAttr>(padConst.getValues()) : nullptr;
  Type e = cast<ShapedType>(op.getInput1().getType()).getElementType();
  if (!dense || dense.getNumElements() != 1 ||
      !(e.isF32() || e.isInteger(8)))
    return op.emitOpError("code generation pads i8 codes or float32 values "
                          "with a constant pad_const");
  SmallVector<int64_t> inShape = *staticShape(op, op.getInput1());
  SmallVector<int64_t> outShape = *staticShape(op, op.getOutput());
  SmallVector<int64_t> low;
  for (size_t d = 0; d < inShape.size(); ++d) {
    if ((*padding)[2 * d] < 0 || (*padding)[2 * d + 1] < 0)
      return op.emitOpError("code generation needs non-negative padding");
    low.push_back((*padding)[2 * d]);
  }
  Value fill =
      e.isF32()
          ? Value(arith::ConstantOp::create(
                b, e,
                b.getF32FloatAttr(
                    (*dense.getValues<APFloat>().begin()).convertToFloat())))
          : cst(b, e, (*dense.getValues<APInt>().begin()).getSExtValue());
  Value in = storage(op.getInput1()).mem, out = storage(op.getOutput()).mem;
  // Fill everything, then copy the input into its box.
  forLoop(b, numElements(outShape), [&](Value i) {
    memref::StoreOp::create(b, fill, out, ValueRange{i});
  });
  SmallVector<int64_t> inStrides = stridesOf(inShape),
                       outStrides = stridesOf(outShape);
  loopNest(b, inShape, [&](ArrayRef<Value> ivs) {
    Value v = memref::LoadOp::create(
        b, in, ValueRange{linearIndex(b, ivs, inStrides)});
    memref::StoreOp::create(
        b, v, out, ValueRange{linearIndex(b, ivs, outStrides, low)});
  });
  return success();
}

LogicalResult Lowering::emitFloatBinary(Operation *op,
                                        ImplicitLocOpBuilder &b) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  SmallVector<int64_t> sa = *staticShape(op, lhs), sb = *staticShape(op, rhs);
  SmallVector<int64_t> so = *staticShape(op, op->getResult(0));
  if (sa.size() != so.size() || sb.size() != so.size())
    return op->emitOpError("code generation broadcasts operands of equal "
                           "rank only");
  if (auto mul = dyn_cast<tosa::MulOp>(op))
    if (!cast<ShapedType>(lhs.getType()).getElementType().isF32())
      return op->emitOpError("code generation multiplies float tensors only");
  // Broadcast: a size-1 dimension has stride 0.
  auto bstrides = [&](ArrayRef<int64_t> shape) {
    SmallVector<int64_t> st = stridesOf(shape);
    for (auto [d, s] : llvm::enumerate(shape))
      if (s == 1)
        st[d] = 0;
    return st;
  };
  SmallVector<int64_t> stA = bstrides(sa), stB = bstrides(sb),
                       stO = stridesOf(so);
  Value a = storage(lhs).mem, c = storage(rhs).mem,
        out = storage(op->getResult(0)).mem;
  loopNest(b, so, [&](ArrayRef<Value> ivs) {
    Value x =
        memref::LoadOp::create(b, a, ValueRange{linearIndex(b, ivs, stA)});
    Value y =
        memref::LoadOp::create(b, c, ValueRange{linearIndex(b, ivs, stB)});
    Value r;
    if (isa<tosa::AddOp>(op))
      r = arith::AddFOp::create(b, x, y);
    else if (isa<tosa::SubOp>(op))
      r = arith::SubFOp::create(b, x, y);
    else if (isa<tosa::MulOp>(op))
      r = arith::MulFOp::create(b, x, y);
    else if (isa<tosa::MaximumOp>(op))
      r = floatMax(b, x, y);
    else if (isa<tosa::MinimumOp>(op))
      r = floatMin(b, x, y);
    else if (isa<tosa::GreaterOp>(op)) // false on NaN, as x > y in C++
      r = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, x, y);
    else if (isa<tosa::GreaterEqualOp>(op))
      r = arith::CmpFOp::create(b, arith::CmpFPredicate::OGE, x, y);
    else
      r = arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, x, y);
    memref::StoreOp::create(b, r, out, ValueRange{linearIndex(b, ivs, stO)});
  });
  return success();
}

LogicalResult Lowering::emitFloatUnary(Operation *op, ImplicitLocOpBuilder &b) {
  Value in = storage(op->getOperand(0)).mem,
        out = storage(op->getResult(0)).mem;
  int64_t n = numElements(*staticShape(op, op->getResult(0)));
  Value one =
      arith::ConstantOp::create(b, b.getF32Type(), b.getF32FloatAttr(1.0f));
  forLoop(b, n, [&](Value i) {
    Value x = memref::LoadOp::create(b, in, ValueRange{i});
    Value r;
    if (isa<tosa::ExpOp>(op))
      r = emitExpFloat(b, x);
    else if (isa<tosa::ReciprocalOp>(op))
      r = arith::DivFOp::create(b, one, x);
    else if (isa<tosa::SigmoidOp>(op)) // 1 / (1 + expFloat(-x))
      r = arith::DivFOp::create(
          b, one,
          arith::AddFOp::create(
              b, one, emitExpFloat(b, arith::NegFOp::create(b, x))));
    else if (isa<tosa::AbsOp>(op))
      r = math::AbsFOp::create(b, x);
    else if (isa<tosa::NegateOp>(op))
      r = arith::NegFOp::create(b, x);
    else if (isa<tosa::FloorOp>(op))
      r = math::FloorOp::create(b, x);
    else if (isa<tosa::CeilOp>(op))
      r = math::CeilOp::create(b, x);
    else // rsqrt: 1 / sqrt(x), both correctly rounded
      r = arith::DivFOp::create(b, one, math::SqrtOp::create(b, x));
    memref::StoreOp::create(b, r, out, ValueRange{i});
  });
  return success();
}

LogicalResult Lowering::emitFloatReduce(Operation *op,
                                        ImplicitLocOpBuilder &b) {
  Value input = op->getOperand(0);
  SmallVector<int64_t> shape = *staticShape(op, input);
  auto axisAttr = op->getAttrOfType<IntegerAttr>("axis");
  int64_t axis = axisAttr ? axisAttr.getInt() : -1;
  if (axis < 0 || axis >= int64_t(shape.size()))
    return op->emitOpError("code generation needs a reduction axis in range");
  int64_t outer = numElements(ArrayRef<int64_t>(shape).take_front(axis));
  int64_t len = shape[axis];
  int64_t inner = numElements(ArrayRef<int64_t>(shape).drop_front(axis + 1));
  bool isMax = isa<tosa::ReduceMaxOp>(op), isMin = isa<tosa::ReduceMinOp>(op);
  Value in = storage(input).mem, out = storage(op->getResult(0)).mem;
  float inf = std::numeric_limits<float>::infinity();
  Value init = arith::ConstantOp::create(
      b, b.getF32Type(),
      b.getF32FloatAttr(isMax ? -inf : isMin ? inf : 0.0f));
  // In the executor's order: for each output element, over the axis from 0.
  loopNest(b, {outer, inner}, [&](ArrayRef<Value> ivs) {
    Value base = addI(b, mulI(b, ivs[0], len * inner), ivs[1]);
    auto loop = scf::ForOp::create(
        b, idx(b, 0), idx(b, len), idx(b, 1), ValueRange{init},
        [&](OpBuilder &ob, Location loc, Value a, ValueRange acc) {
          ImplicitLocOpBuilder ib(loc, ob);
          Value v = memref::LoadOp::create(
              ib, in, ValueRange{addI(ib, base, mulI(ib, a, inner))});
          Value r = isMax   ? floatMax(ib, acc[0], v)
                    : isMin ? floatMin(ib, acc[0], v)
                            : Value(arith::AddFOp::create(ib, acc[0], v));
          scf::YieldOp::create(ib, r);
        });
    memref::StoreOp::create(
        b, loop.getResult(0), out,
        ValueRange{addI(b, mulI(b, ivs[0], inner), ivs[1])});
  });
  return success();
}

} // namespace

LogicalResult mpq::lowerToKernels(ModuleOp module,
                                  const KernelLoweringOptions &options) {
  auto entry = module.lookupSymbol<func::FuncOp>(options.entry);
  if (!entry)
    return module.emitError("no function @") << options.entry << " to lower";
  if (!entry.getBody().hasOneBlock())
    return entry.emitOpError("code generation needs a single-block function");
  if (!options.gemm)
    return module.emitError("no GEMM microkernel selected");
  Lowering lowering(module, entry, options);
  return lowering.run();
}
