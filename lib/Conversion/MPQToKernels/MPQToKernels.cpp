//===- MPQToKernels.cpp - workspace plan, entry function, op dispatch ----===//

#include "Lowering.h"
#include "mpq/Support/CheckedMath.h"

using namespace mlir;
using namespace mpq;
using namespace mpq::kernels;
using namespace mpq::lowering;

//===----------------------------------------------------------------------===//
// Shapes and element types
//===----------------------------------------------------------------------===//

/// Static shape of a tensor value, with a dynamic batch (dim 0) taken as 1:
/// the generated function runs one sample per call.
FailureOr<SmallVector<int64_t>> lowering::staticShape(Operation *op, Value v) {
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

int64_t lowering::numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

FailureOr<int64_t> lowering::elementBytes(Operation *op, Value v) {
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
SmallVector<int64_t> lowering::stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// Integer codes of a constant weight operand, row-major.
FailureOr<SmallVector<int8_t>> lowering::constantCodes(Operation *user, Value v) {
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

FailureOr<SmallVector<int32_t>> lowering::constantI32(Operation *user, Value v,
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

bool lowering::depthwiseVectorForm(Conv2DOp op) {
  auto w = cast<RankedTensorType>(op.getWeight().getType());
  return w.getDimSize(0) % 8 == 0 && op.getOutputParamsAttr();
}

bool lowering::isConstantLike(Operation *op) {
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
  auto isF32 = [&](Value v) {
    return cast<ShapedType>(v.getType()).getElementType().isF32();
  };
  if (isa<tosa::MaxPool2dOp, tosa::AvgPool2dOp>(op) &&
      isF32(op->getResult(0)))
    return emitFloatPool(op, b);
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
  if (isa<tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::MaximumOp,
          tosa::MinimumOp, tosa::GreaterOp, tosa::GreaterEqualOp,
          tosa::EqualOp>(op) &&
      isF32(op->getOperand(0)))
    return emitFloatBinary(op, b);
  if (auto o = dyn_cast<tosa::SelectOp>(op); o && isF32(op->getResult(0)))
    return emitFloatSelect(o, b);
  if (isa<tosa::ExpOp, tosa::LogOp, tosa::ReciprocalOp, tosa::SigmoidOp,
          tosa::AbsOp, tosa::NegateOp, tosa::FloorOp, tosa::CeilOp,
          tosa::RsqrtOp>(op) &&
      isF32(op->getResult(0)))
    return emitFloatUnary(op, b);
  if (isa<tosa::ReduceMaxOp, tosa::ReduceMinOp, tosa::ReduceSumOp>(op) &&
      isF32(op->getResult(0)))
    return emitFloatReduce(op, b);
  if (auto o = dyn_cast<tosa::PadOp>(op))
    return emitPad(o, b);
  if (auto o = dyn_cast<tosa::PowOp>(op); o && isF32(o.getOutput()))
    return emitFloatPow(o, b);
  if (auto o = dyn_cast<tosa::MatMulOp>(op); o && isF32(o.getResult()))
    return emitFloatMatMul(o, b);
  return op->emitOpError("is not supported by code generation (supported: "
                         "mpq quantized ops, TOSA data movement on codes, "
                         "and float add/sub/mul/maximum/minimum/compare/"
                         "select/clamp/pad/exp/log/sigmoid/reciprocal/"
                         "rsqrt/abs/negate/floor/ceil/reduce_max/"
                         "reduce_min/reduce_sum/max_pool2d/avg_pool2d/matmul, "
                         "pow with exponent 0.5; see docs/codegen.md)");
}

LogicalResult lowering::requirePerTensor(Operation *op, QuantParamsAttr p,
                                      StringRef what) {
  if (p && p.isPerAxis())
    return op->emitOpError("code generation needs per-tensor ")
           << what << " parameters";
  return success();
}

LogicalResult mpq::lowerToKernels(ModuleOp module,
                                  const KernelLoweringOptions &options) {
  auto entry = module.lookupSymbol<func::FuncOp>(options.entry);
  if (!entry)
    return module.emitError("no function @") << options.entry << " to lower";
  if (!entry.getBody().hasOneBlock())
    return entry.emitOpError("code generation needs a single-block function");
  if (!options.gemm)
    return module.emitError("no GEMM microkernel selected");
  if (options.gemm->activationEncoding() != ActivationEncoding::S8)
    return module.emitError("the GEMM driver hands kernels signed int8 "
                            "activations only");
  Lowering lowering(module, entry, options);
  return lowering.run();
}
