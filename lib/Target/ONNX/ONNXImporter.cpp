//===- ONNXImporter.cpp - ONNX to TOSA import -----------------------------===//
//
// Reads an onnx.ModelProto with Debian's libonnx protobuf and emits one
// func.func of TOSA ops. Rank-4 activations produced by Conv and pooling are
// kept NHWC (TOSA's layout) and only transposed back to NCHW where an op needs
// the ONNX logical layout (Flatten, Reshape, Softmax, Gemm, ...): the importer
// tracks each value's physical layout instead of wrapping every op in a
// transpose pair.
//
//===----------------------------------------------------------------------===//

#include "mpq/Target/ONNX/ONNXImporter.h"
#include "GraphValidation.h"
#include "mpq/InitAll.h"
#include "mpq/Support/CheckedMath.h"

#include "ConstEval.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mpq::onnximport;

namespace {

/// An SSA value with its ONNX logical shape and physical layout.
struct Val {
  Value v;
  Shape shape;       // logical (ONNX) shape; kDyn for unknown dims
  bool nhwc = false; // rank 4 only: physically NHWC
};

const int64_t kToNHWC[] = {0, 2, 3, 1};
const int64_t kToNCHW[] = {0, 3, 1, 2};

Shape physical(const Val &x) {
  if (!x.nhwc)
    return x.shape;
  Shape p;
  for (int64_t d : kToNHWC)
    p.push_back(x.shape[d]);
  return p;
}

/// The number of elements of `s`, kDyn if a dimension is dynamic. A product
/// that overflows int64 saturates to INT64_MAX, which no real tensor has and
/// every size check refuses (docs/hardening.md).
int64_t product(ArrayRef<int64_t> s) {
  if (llvm::is_contained(s, kDyn))
    return kDyn;
  std::optional<int64_t> n = mpq::checkedNumElements(s);
  return n ? *n : std::numeric_limits<int64_t>::max();
}

class Importer {
public:
  Importer(MLIRContext *ctx, StringRef fileName, const mpq::ONNXImportOptions &o)
      : ctx(ctx), b(ctx), fileName(fileName.str()), opts(o) {}

  OwningOpRef<ModuleOp> run(StringRef bytes);

private:
  // --- diagnostics -------------------------------------------------------
  Location fileLoc() { return FileLineColLoc::get(ctx, fileName, 0, 0); }
  InFlightDiagnostic nodeError(const onnx::NodeProto &n) {
    return emitError(loc) << "node '" << nodeName(n) << "' (" << n.op_type()
                          << "): ";
  }
  std::string nodeName(const onnx::NodeProto &n) {
    if (!n.name().empty())
      return n.name();
    return n.output_size() ? n.output(0) : std::string("<unnamed>");
  }

  // --- protobuf helpers --------------------------------------------------
  LogicalResult readTensor(const onnx::TensorProto &t, ConstTensor &out,
                           std::string &err);
  const onnx::AttributeProto *attr(const onnx::NodeProto &n, StringRef name);
  int64_t attrInt(const onnx::NodeProto &n, StringRef name, int64_t dflt);
  float attrFloat(const onnx::NodeProto &n, StringRef name, float dflt);
  std::string attrStr(const onnx::NodeProto &n, StringRef name,
                      StringRef dflt);
  Shape attrInts(const onnx::NodeProto &n, StringRef name, Shape dflt = {});

  // --- values ------------------------------------------------------------
  bool hasInput(const onnx::NodeProto &n, int k) {
    return n.input_size() > k && !n.input(k).empty();
  }
  const ConstTensor *getConst(const onnx::NodeProto &n, int k) {
    if (!hasInput(n, k))
      return nullptr;
    auto it = consts.find(n.input(k));
    return it == consts.end() ? nullptr : &it->second;
  }
  FailureOr<Val> get(const onnx::NodeProto &n, int k);
  void set(const onnx::NodeProto &n, int k, Val v) { vals[n.output(k)] = v; }

  // --- builders ----------------------------------------------------------
  RankedTensorType f32(ArrayRef<int64_t> s) {
    return RankedTensorType::get(s, b.getF32Type());
  }
  template <typename OpTy>
  Value make(Type type, ValueRange operands,
             ArrayRef<NamedAttribute> attrs = {}) {
    return OpTy::create(b, loc, TypeRange{type}, operands, attrs)
        ->getResult(0);
  }
  NamedAttribute named(StringRef name, Attribute a) {
    return b.getNamedAttr(name, a);
  }
  Value constF(ArrayRef<int64_t> shape, ArrayRef<float> data);
  Value constShape(ArrayRef<int64_t> values);
  Value zeroPoint() { return constF({1}, {0.0f}); }
  Value transpose(Value v, ArrayRef<int64_t> perm);
  Val toLayout(Val x, bool nhwc);
  FailureOr<Val> reshape(const onnx::NodeProto &n, Val x, Shape to);
  /// A constant broadcast-ready for an elementwise op of rank `rank`.
  Val constFor(const ConstTensor &c, int64_t rank, bool nhwc);

  // --- ops ---------------------------------------------------------------
  LogicalResult importNode(const onnx::NodeProto &n);
  LogicalResult importConv(const onnx::NodeProto &n);
  LogicalResult importPool(const onnx::NodeProto &n, bool isMax);
  LogicalResult importGlobalAveragePool(const onnx::NodeProto &n);
  LogicalResult importGemm(const onnx::NodeProto &n);
  LogicalResult importMatMul(const onnx::NodeProto &n);
  LogicalResult importBinary(const onnx::NodeProto &n);
  LogicalResult importUnary(const onnx::NodeProto &n);
  LogicalResult importClip(const onnx::NodeProto &n);
  LogicalResult importFlatten(const onnx::NodeProto &n);
  LogicalResult importReshape(const onnx::NodeProto &n);
  LogicalResult importTranspose(const onnx::NodeProto &n);
  LogicalResult importConcat(const onnx::NodeProto &n);
  LogicalResult importSoftmax(const onnx::NodeProto &n);
  LogicalResult importBatchNorm(const onnx::NodeProto &n);
  LogicalResult importConstant(const onnx::NodeProto &n);
  LogicalResult importPad(const onnx::NodeProto &n);
  LogicalResult importIdentity(const onnx::NodeProto &n);
  LogicalResult importVariadic(const onnx::NodeProto &n);
  LogicalResult importReduce(const onnx::NodeProto &n);
  LogicalResult importSqueeze(const onnx::NodeProto &n);
  LogicalResult importSlice(const onnx::NodeProto &n);
  LogicalResult importSplit(const onnx::NodeProto &n);
  LogicalResult importGather(const onnx::NodeProto &n);
  LogicalResult importCast(const onnx::NodeProto &n);
  LogicalResult importExpand(const onnx::NodeProto &n);
  LogicalResult importWhere(const onnx::NodeProto &n);
  LogicalResult importResize(const onnx::NodeProto &n);
  LogicalResult importConvTranspose(const onnx::NodeProto &n);
  LogicalResult importPadMode(const onnx::NodeProto &n, Val x,
                              ArrayRef<int64_t> pads, bool reflect);
  /// Conv, ConvTranspose and pooling on rank-3 (N, C, L) inputs, as the 2-D
  /// op on (N, C, 1, L).
  LogicalResult import1D(const onnx::NodeProto &n);
  LogicalResult importIf(const onnx::NodeProto &n);

  /// Imports one node: constant folding first, then the op importers.
  LogicalResult processNode(const onnx::NodeProto &n);
  /// Evaluates `n` on the host when its result is a constant (all inputs
  /// constant, or a Shape of a value whose shape is known). Sets `folded`.
  LogicalResult tryFold(const onnx::NodeProto &n, bool &folded);
  /// Reads a graph's initializers and Constant nodes into `consts`.
  LogicalResult readConstants(const onnx::GraphProto &g);
  /// Slices `x` (any layout) along logical axes: `begin` and `size` per
  /// logical dimension; the result keeps x's layout.
  Val sliceVal(Val x, ArrayRef<int64_t> begin, ArrayRef<int64_t> size);
  /// Applies the logical-axis permutation of a value's layout to `v`.
  Shape toPhysical(const Val &x, ArrayRef<int64_t> logical);
  /// A fresh SSA-free name for synthetic nodes.
  std::string freshName(StringRef base) {
    return (base + "__mpq" + Twine(fresh++)).str();
  }

  LogicalResult foldBatchNorms(onnx::GraphProto &g);
  /// Window arithmetic shared by Conv and pooling: ONNX pads and output size
  /// to TOSA pads (which need exact division by the stride) plus a crop of
  /// the input end where even zero end-padding overshoots.
  struct Window {
    int64_t padBegin, padEnd, crop, out;
  };
  FailureOr<Window> window(const onnx::NodeProto &n, int64_t in, int64_t k,
                           int64_t stride, int64_t dilation, int64_t pb,
                           int64_t pe, bool ceilMode);
  LogicalResult spatialPads(const onnx::NodeProto &n, ArrayRef<int64_t> in,
                            ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                            ArrayRef<int64_t> dilations, Shape &pads);
  /// Crops `x` (NHWC) at the end of H and W.
  Value cropHW(Value x, ArrayRef<int64_t> physShape, int64_t cropH,
               int64_t cropW);

  MLIRContext *ctx;
  OpBuilder b;
  std::string fileName;
  mpq::ONNXImportOptions opts;
  Location loc = UnknownLoc::get(ctx);
  int64_t opset = 0;
  llvm::StringMap<ConstTensor> consts;
  llvm::StringMap<Val> vals;
  int64_t fresh = 0;
};

//===----------------------------------------------------------------------===//
// Protobuf helpers
//===----------------------------------------------------------------------===//

LogicalResult Importer::readTensor(const onnx::TensorProto &t,
                                   ConstTensor &out, std::string &err) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL ||
      t.external_data_size() > 0) {
    err = "tensor '" + t.name() +
          "' keeps its data in an external file, which is not supported; "
          "save the model with all tensors inside the .onnx file";
    return failure();
  }
  out.shape.clear();
  for (int64_t d : t.dims()) {
    if (d < 0) {
      err = "tensor '" + t.name() + "' has a negative dimension";
      return failure();
    }
    out.shape.push_back(d);
  }
  // Before anything is allocated: dims may claim any size.
  if (std::optional<std::string> why =
          mpq::checkTensorSize(out.shape, 8, "constant")) {
    err = "tensor '" + t.name() + "': " + *why;
    return failure();
  }
  int64_t n = out.numel();
  const std::string &raw = t.raw_data();
  auto rawCount = [&](size_t eltSize) -> bool {
    if (raw.size() != size_t(n) * eltSize) {
      err = "tensor '" + t.name() + "' has " + std::to_string(raw.size()) +
            " bytes of data, expected " + std::to_string(n * eltSize);
      return false;
    }
    return true;
  };
  auto countErr = [&](int64_t got) {
    err = "tensor '" + t.name() + "' has " + std::to_string(got) +
          " values, its shape " + shapeStr(out.shape) + " needs " +
          std::to_string(n);
    return failure();
  };
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    out.isFloat = true;
    if (!raw.empty()) {
      if (!rawCount(4))
        return failure();
      out.f.resize(n);
      memcpy(out.f.data(), raw.data(), raw.size());
    } else {
      if (t.float_data_size() != n)
        return countErr(t.float_data_size());
      out.f.assign(t.float_data().begin(), t.float_data().end());
    }
    return success();
  case onnx::TensorProto::DOUBLE:
    out.isFloat = true;
    // Counts are checked before anything of size n is allocated: an empty
    // tensor may claim a shape of millions of elements.
    if (raw.empty() && t.double_data_size() != n)
      return countErr(t.double_data_size());
    if (!raw.empty() && !rawCount(8))
      return failure();
    out.f.resize(n);
    if (!raw.empty()) {
      for (int64_t k = 0; k < n; ++k) {
        double d;
        memcpy(&d, raw.data() + 8 * k, 8);
        out.f[k] = float(d);
      }
    } else {
      for (int64_t k = 0; k < n; ++k)
        out.f[k] = float(t.double_data(k));
    }
    return success();
  case onnx::TensorProto::FLOAT16: {
    // Half-precision weights (stored in int32_data or raw, 2 bytes each).
    out.isFloat = true;
    if (!raw.empty() && !rawCount(2))
      return failure();
    if (raw.empty() && t.int32_data_size() != n)
      return countErr(t.int32_data_size());
    out.f.resize(n);
    for (int64_t k = 0; k < n; ++k) {
      uint16_t h;
      if (!raw.empty())
        memcpy(&h, raw.data() + 2 * k, 2);
      else
        h = uint16_t(t.int32_data(k));
      uint32_t sign = uint32_t(h >> 15) << 31, e = (h >> 10) & 31,
               m = h & 1023;
      float v;
      if (e == 0)
        v = std::ldexp(float(m), -24);
      else if (e == 31)
        v = m ? std::numeric_limits<float>::quiet_NaN()
              : std::numeric_limits<float>::infinity();
      else
        v = std::ldexp(float(m | 1024), int(e) - 25);
      out.f[k] = sign ? -v : v;
    }
    return success();
  }
  case onnx::TensorProto::INT64:
    out.isFloat = false;
    if (!raw.empty()) {
      if (!rawCount(8))
        return failure();
      out.i.resize(n);
      memcpy(out.i.data(), raw.data(), raw.size());
    } else {
      if (t.int64_data_size() != n)
        return countErr(t.int64_data_size());
      out.i.assign(t.int64_data().begin(), t.int64_data().end());
    }
    return success();
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL: {
    out.isFloat = false;
    int dt = t.data_type();
    size_t sz = dt == onnx::TensorProto::INT32   ? 4
                : dt == onnx::TensorProto::INT16 ? 2
                                                 : 1;
    if (!raw.empty() && !rawCount(sz))
      return failure();
    if (raw.empty() && t.int32_data_size() != n)
      return countErr(t.int32_data_size());
    out.i.resize(n);
    if (!raw.empty()) {
      for (int64_t k = 0; k < n; ++k) {
        const char *p = raw.data() + sz * k;
        if (dt == onnx::TensorProto::INT32) {
          int32_t v;
          memcpy(&v, p, 4);
          out.i[k] = v;
        } else if (dt == onnx::TensorProto::INT16) {
          int16_t v;
          memcpy(&v, p, 2);
          out.i[k] = v;
        } else if (dt == onnx::TensorProto::INT8) {
          out.i[k] = int8_t(*p);
        } else {
          out.i[k] = uint8_t(*p);
        }
      }
    } else {
      for (int64_t k = 0; k < n; ++k)
        out.i[k] = t.int32_data(k);
    }
    return success();
  }
  default:
    err = "tensor '" + t.name() + "' has ONNX data type " +
          std::to_string(t.data_type()) +
          ", which is not supported (float, double and integer types are)";
    return failure();
  }
}

const onnx::AttributeProto *Importer::attr(const onnx::NodeProto &n,
                                           StringRef name) {
  for (const onnx::AttributeProto &a : n.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}
int64_t Importer::attrInt(const onnx::NodeProto &n, StringRef name,
                          int64_t dflt) {
  const onnx::AttributeProto *a = attr(n, name);
  return a ? a->i() : dflt;
}
float Importer::attrFloat(const onnx::NodeProto &n, StringRef name,
                          float dflt) {
  const onnx::AttributeProto *a = attr(n, name);
  return a ? a->f() : dflt;
}
std::string Importer::attrStr(const onnx::NodeProto &n, StringRef name,
                              StringRef dflt) {
  const onnx::AttributeProto *a = attr(n, name);
  return a ? a->s() : dflt.str();
}
Shape Importer::attrInts(const onnx::NodeProto &n, StringRef name,
                         Shape dflt) {
  const onnx::AttributeProto *a = attr(n, name);
  if (!a)
    return dflt;
  return Shape(a->ints().begin(), a->ints().end());
}

//===----------------------------------------------------------------------===//
// Values and builders
//===----------------------------------------------------------------------===//

Value Importer::constF(ArrayRef<int64_t> shape, ArrayRef<float> data) {
  auto type = f32(shape);
  auto attr = DenseElementsAttr::get(type, data);
  return make<tosa::ConstOp>(type, {}, {named("values", attr)});
}

Value Importer::constShape(ArrayRef<int64_t> values) {
  auto type = tosa::shapeType::get(ctx, values.size());
  auto attr = DenseIntElementsAttr::get(
      RankedTensorType::get({int64_t(values.size())}, b.getIndexType()),
      values);
  return make<tosa::ConstShapeOp>(type, {}, {named("values", attr)});
}

Value Importer::transpose(Value v, ArrayRef<int64_t> perm) {
  auto in = cast<RankedTensorType>(v.getType());
  Shape out;
  SmallVector<int32_t> p;
  for (int64_t d : perm) {
    out.push_back(in.getDimSize(d));
    p.push_back(int32_t(d));
  }
  return make<tosa::TransposeOp>(f32(out), {v},
                                 {named("perms", b.getDenseI32ArrayAttr(p))});
}

Val Importer::toLayout(Val x, bool nhwc) {
  if (x.shape.size() != 4 || x.nhwc == nhwc)
    return x;
  x.v = transpose(x.v, nhwc ? ArrayRef<int64_t>(kToNHWC)
                            : ArrayRef<int64_t>(kToNCHW));
  x.nhwc = nhwc;
  return x;
}

FailureOr<Val> Importer::get(const onnx::NodeProto &n, int k) {
  if (!hasInput(n, k)) {
    nodeError(n) << "input #" << k << " is missing";
    return failure();
  }
  const std::string &name = n.input(k);
  auto it = vals.find(name);
  if (it != vals.end())
    return it->second;
  auto c = consts.find(name);
  if (c != consts.end()) {
    std::vector<float> data(c->second.numel());
    for (size_t e = 0; e < data.size(); ++e)
      data[e] = c->second.fAt(e);
    Val v{constF(c->second.shape, data), c->second.shape, false};
    vals[name] = v;
    return v;
  }
  nodeError(n) << "input '" << name
               << "' is neither a graph input, an initializer nor the "
                  "output of an earlier node";
  return failure();
}

FailureOr<Val> Importer::reshape(const onnx::NodeProto &n, Val x, Shape to) {
  x = toLayout(x, false);
  int dyn = llvm::count(to, kDyn);
  if (dyn > 1) {
    nodeError(n) << "cannot reshape " << shapeStr(x.shape) << " to "
                 << shapeStr(to) << ": more than one unknown dimension";
    return failure();
  }
  if (physical(x) == ArrayRef<int64_t>(to))
    return Val{x.v, to, false};
  Shape shapeArg(to);
  for (int64_t &d : shapeArg)
    if (d == kDyn)
      d = -1;
  Value r = make<tosa::ReshapeOp>(f32(to), {x.v, constShape(shapeArg)});
  return Val{r, to, false};
}

Val Importer::constFor(const ConstTensor &c, int64_t rank, bool nhwc) {
  Shape s(rank - c.shape.size(), 1);
  s.append(c.shape.begin(), c.shape.end());
  std::vector<float> data(c.numel());
  for (size_t e = 0; e < data.size(); ++e)
    data[e] = c.fAt(e);
  if (!nhwc || rank != 4)
    return Val{constF(s, data), s, false};
  // Permute NCHW data to NHWC on the host.
  Shape p = {s[0], s[2], s[3], s[1]};
  std::vector<float> out(data.size());
  for (int64_t i0 = 0; i0 < s[0]; ++i0)
    for (int64_t i1 = 0; i1 < s[1]; ++i1)
      for (int64_t i2 = 0; i2 < s[2]; ++i2)
        for (int64_t i3 = 0; i3 < s[3]; ++i3)
          out[((i0 * s[2] + i2) * s[3] + i3) * s[1] + i1] =
              data[((i0 * s[1] + i1) * s[2] + i2) * s[3] + i3];
  return Val{constF(p, out), s, true};
}

//===----------------------------------------------------------------------===//
// Window arithmetic
//===----------------------------------------------------------------------===//

FailureOr<Importer::Window>
Importer::window(const onnx::NodeProto &n, int64_t in, int64_t k,
                 int64_t stride, int64_t dilation, int64_t pb, int64_t pe,
                 bool ceilMode) {
  int64_t eff = (k - 1) * dilation + 1;
  int64_t span = in + pb + pe - eff;
  if (span < 0) {
    nodeError(n) << "kernel of extent " << eff
                 << " does not fit the padded input of size " << in + pb + pe;
    return failure();
  }
  int64_t out = span / stride + 1;
  if (ceilMode && span % stride) {
    ++out;
    // The last window must start inside the input or the begin padding.
    if ((out - 1) * stride >= in + pb)
      --out;
  }
  // TOSA wants (in - 1 + pb + pe' - (k-1)*d) divisible by the stride; the
  // end padding that gives exactly `out` windows:
  int64_t peNew = (out - 1) * stride + eff - in - pb;
  Window w{pb, peNew, 0, out};
  if (peNew < 0) {
    w.padEnd = 0;
    w.crop = -peNew;
  }
  return w;
}

LogicalResult Importer::spatialPads(const onnx::NodeProto &n,
                                    ArrayRef<int64_t> in,
                                    ArrayRef<int64_t> kernel,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> dilations, Shape &pads) {
  std::string autoPad = attrStr(n, "auto_pad", "NOTSET");
  size_t r = in.size();
  if (autoPad == "NOTSET") {
    pads = attrInts(n, "pads", Shape(2 * r, 0));
    if (pads.size() != 2 * r)
      return nodeError(n) << "pads needs " << 2 * r << " entries, got "
                          << pads.size();
    if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
      return nodeError(n) << "negative pads are not supported";
    return success();
  }
  pads.assign(2 * r, 0);
  if (autoPad == "VALID")
    return success();
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return nodeError(n) << "unknown auto_pad '" << autoPad << "'";
  for (size_t d = 0; d < r; ++d) {
    int64_t out = (in[d] + strides[d] - 1) / strides[d];
    int64_t eff = (kernel[d] - 1) * dilations[d] + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * strides[d] + eff - in[d]);
    int64_t small = total / 2, big = total - small;
    pads[d] = autoPad == "SAME_UPPER" ? small : big;
    pads[d + r] = autoPad == "SAME_UPPER" ? big : small;
  }
  return success();
}

Value Importer::cropHW(Value x, ArrayRef<int64_t> phys, int64_t cropH,
                       int64_t cropW) {
  if (!cropH && !cropW)
    return x;
  Shape size = {phys[0] == kDyn ? -1 : phys[0], phys[1] - cropH,
                phys[2] - cropW, phys[3]};
  Shape out = {phys[0], phys[1] - cropH, phys[2] - cropW, phys[3]};
  return make<tosa::SliceOp>(
      f32(out), {x, constShape({0, 0, 0, 0}), constShape(size)});
}

//===----------------------------------------------------------------------===//
// Op importers
//===----------------------------------------------------------------------===//

/// Emits tosa.mul's zero shift operand.
static Value mulShift(OpBuilder &b, Location loc) {
  auto t = RankedTensorType::get({1}, b.getI8Type());
  return tosa::ConstOp::create(
      b, loc, TypeRange{t}, ValueRange{},
      {b.getNamedAttr("values",
                      DenseElementsAttr::get(t, ArrayRef<int8_t>{0}))})
      ->getResult(0);
}

LogicalResult Importer::importConv(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  if (xIn->shape.size() != 4)
    return nodeError(n) << "only 2-D convolution (rank-4 input) is supported, "
                           "got input of shape "
                        << shapeStr(xIn->shape);
  const ConstTensor *w = getConst(n, 1);
  if (!w)
    return nodeError(n) << "weights '" << n.input(1)
                        << "' must be a constant initializer";
  const ConstTensor *bias = getConst(n, 2);
  if (hasInput(n, 2) && !bias)
    return nodeError(n) << "bias '" << n.input(2) << "' must be constant";
  if (w->shape.size() != 4)
    return nodeError(n) << "weights must be rank 4, got "
                        << shapeStr(w->shape);
  int64_t o = w->shape[0], cg = w->shape[1], kh = w->shape[2],
          kw = w->shape[3];
  int64_t groups = attrInt(n, "group", 1);
  Val x = toLayout(*xIn, true);
  int64_t nb = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  if (c == kDyn || h == kDyn || wd == kDyn)
    return nodeError(n) << "channel and spatial dimensions must be known, got "
                        << shapeStr(x.shape);
  if (groups < 1 || c % groups || o % groups || cg != c / groups)
    return nodeError(n) << "weights " << shapeStr(w->shape) << " with group="
                        << groups << " do not match " << c
                        << " input channels";
  Shape kernel = attrInts(n, "kernel_shape", {kh, kw});
  if (kernel != Shape({kh, kw}))
    return nodeError(n) << "kernel_shape " << shapeStr(kernel)
                        << " disagrees with the weights";
  Shape strides = attrInts(n, "strides", {1, 1});
  Shape dil = attrInts(n, "dilations", {1, 1});
  if (strides.size() != 2 || dil.size() != 2 ||
      llvm::any_of(strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dil, [](int64_t s) { return s < 1; }))
    return nodeError(n) << "strides and dilations need two positive entries";
  Shape pads;
  if (failed(spatialPads(n, {h, wd}, {kh, kw}, strides, dil, pads)))
    return failure();
  FailureOr<Window> wy = window(n, h, kh, strides[0], dil[0], pads[0],
                                pads[2], false);
  FailureOr<Window> wx = window(n, wd, kw, strides[1], dil[1], pads[1],
                                pads[3], false);
  if (failed(wy) || failed(wx))
    return failure();
  Shape phys = physical(x);
  Value input = cropHW(x.v, phys, wy->crop, wx->crop);
  int64_t hIn = h - wy->crop, wIn = wd - wx->crop;

  std::vector<float> biasData(o, 0.0f);
  if (bias) {
    if (bias->numel() != o)
      return nodeError(n) << "bias has " << bias->numel() << " values for "
                          << o << " output channels";
    for (int64_t k = 0; k < o; ++k)
      biasData[k] = bias->fAt(k);
  }
  auto attrs = [&] {
    return SmallVector<NamedAttribute>{
        named("pad", b.getDenseI64ArrayAttr({wy->padBegin, wy->padEnd,
                                             wx->padBegin, wx->padEnd})),
        named("stride", b.getDenseI64ArrayAttr(strides)),
        named("dilation", b.getDenseI64ArrayAttr(dil)),
        named("acc_type", TypeAttr::get(b.getF32Type()))};
  };
  Shape outShape = {nb, wy->out, wx->out, o};
  auto wAt = [&](int64_t oo, int64_t ci, int64_t y, int64_t xx) {
    return w->fAt(((oo * cg + ci) * kh + y) * kw + xx);
  };
  Value result;
  if (groups == 1) {
    std::vector<float> ohwi(o * kh * kw * c);
    for (int64_t oo = 0; oo < o; ++oo)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t xx = 0; xx < kw; ++xx)
          for (int64_t ci = 0; ci < c; ++ci)
            ohwi[((oo * kh + y) * kw + xx) * c + ci] = wAt(oo, ci, y, xx);
    result = make<tosa::Conv2DOp>(
        f32(outShape),
        {input, constF({o, kh, kw, c}, ohwi), constF({o}, biasData),
         zeroPoint(), zeroPoint()},
        attrs());
  } else if (groups == c) {
    int64_t m = o / c;
    std::vector<float> hwcm(kh * kw * c * m);
    for (int64_t y = 0; y < kh; ++y)
      for (int64_t xx = 0; xx < kw; ++xx)
        for (int64_t ci = 0; ci < c; ++ci)
          for (int64_t mm = 0; mm < m; ++mm)
            hwcm[((y * kw + xx) * c + ci) * m + mm] =
                wAt(ci * m + mm, 0, y, xx);
    result = make<tosa::DepthwiseConv2DOp>(
        f32(outShape),
        {input, constF({kh, kw, c, m}, hwcm), constF({o}, biasData),
         zeroPoint(), zeroPoint()},
        attrs());
  } else {
    // General grouped convolution: one conv per group, concatenated.
    int64_t og = o / groups;
    SmallVector<Value> parts;
    for (int64_t g = 0; g < groups; ++g) {
      Value slice = make<tosa::SliceOp>(
          f32({nb, hIn, wIn, cg}),
          {input, constShape({0, 0, 0, g * cg}),
           constShape({nb == kDyn ? -1 : nb, hIn, wIn, cg})});
      std::vector<float> ohwi(og * kh * kw * cg);
      for (int64_t oo = 0; oo < og; ++oo)
        for (int64_t y = 0; y < kh; ++y)
          for (int64_t xx = 0; xx < kw; ++xx)
            for (int64_t ci = 0; ci < cg; ++ci)
              ohwi[((oo * kh + y) * kw + xx) * cg + ci] =
                  wAt(g * og + oo, ci, y, xx);
      parts.push_back(make<tosa::Conv2DOp>(
          f32({nb, wy->out, wx->out, og}),
          {slice, constF({og, kh, kw, cg}, ohwi),
           constF({og}, ArrayRef<float>(biasData).slice(g * og, og)),
           zeroPoint(), zeroPoint()},
          attrs()));
    }
    result = make<tosa::ConcatOp>(f32(outShape), parts,
                                  {named("axis", b.getI32IntegerAttr(3))});
  }
  set(n, 0, Val{result, {nb, o, wy->out, wx->out}, true});
  return success();
}

LogicalResult Importer::importPool(const onnx::NodeProto &n, bool isMax) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  if (xIn->shape.size() != 4)
    return nodeError(n) << "only 2-D pooling (rank-4 input) is supported, got "
                        << shapeStr(xIn->shape);
  if (n.output_size() > 1 && !n.output(1).empty())
    return nodeError(n) << "the Indices output is not supported";
  Shape kernel = attrInts(n, "kernel_shape");
  if (kernel.size() != 2)
    return nodeError(n) << "kernel_shape needs two entries";
  Shape dil = attrInts(n, "dilations", {1, 1});
  if (dil != Shape({1, 1}))
    return nodeError(n) << "dilated pooling is not supported";
  if (attrInt(n, "storage_order", 0) != 0)
    return nodeError(n) << "storage_order=1 is not supported";
  Shape strides = attrInts(n, "strides", {1, 1});
  if (strides.size() != 2 ||
      llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return nodeError(n) << "strides need two positive entries";
  bool ceilMode = attrInt(n, "ceil_mode", 0) != 0;
  bool countPad = attrInt(n, "count_include_pad", 0) != 0;
  Val x = toLayout(*xIn, true);
  int64_t nb = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  if (c == kDyn || h == kDyn || wd == kDyn)
    return nodeError(n) << "channel and spatial dimensions must be known";
  Shape pads;
  if (failed(spatialPads(n, {h, wd}, kernel, strides, dil, pads)))
    return failure();
  Value input = x.v;
  Shape phys = physical(x);
  if (!isMax && countPad && llvm::any_of(pads, [](int64_t p) { return p; })) {
    // Padding counts in the average: pad with zeros explicitly.
    phys = {nb, h + pads[0] + pads[2], wd + pads[1] + pads[3], c};
    input = make<tosa::PadOp>(
        f32(phys), {input,
                    constShape({0, 0, pads[0], pads[2], pads[1], pads[3], 0,
                                0}),
                    constF({1}, {0.0f})});
    h = phys[1];
    wd = phys[2];
    pads.assign(4, 0);
  }
  FailureOr<Window> wy =
      window(n, h, kernel[0], strides[0], 1, pads[0], pads[2], ceilMode);
  FailureOr<Window> wx =
      window(n, wd, kernel[1], strides[1], 1, pads[1], pads[3], ceilMode);
  if (failed(wy) || failed(wx))
    return failure();
  if (wy->padBegin >= kernel[0] || wy->padEnd >= kernel[0] ||
      wx->padBegin >= kernel[1] || wx->padEnd >= kernel[1])
    return nodeError(n) << "padding must be smaller than the kernel";
  input = cropHW(input, phys, wy->crop, wx->crop);
  Shape outShape = {nb, wy->out, wx->out, c};
  SmallVector<NamedAttribute> attrs = {
      named("kernel", b.getDenseI64ArrayAttr(kernel)),
      named("stride", b.getDenseI64ArrayAttr(strides)),
      named("pad", b.getDenseI64ArrayAttr(
                       {wy->padBegin, wy->padEnd, wx->padBegin, wx->padEnd}))};
  Value r;
  if (isMax) {
    r = make<tosa::MaxPool2dOp>(f32(outShape), {input}, attrs);
  } else {
    attrs.push_back(named("acc_type", TypeAttr::get(b.getF32Type())));
    r = make<tosa::AvgPool2dOp>(f32(outShape),
                                {input, zeroPoint(), zeroPoint()}, attrs);
  }
  set(n, 0, Val{r, {nb, c, wy->out, wx->out}, true});
  return success();
}

LogicalResult Importer::importGlobalAveragePool(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  Shape s = xIn->shape;
  if (s.size() < 3)
    return nodeError(n) << "input must have spatial dimensions";
  if (llvm::any_of(ArrayRef<int64_t>(s).drop_front(1),
                   [](int64_t d) { return d == kDyn; }))
    return nodeError(n) << "channel and spatial dimensions must be known";
  if (s.size() == 4) {
    Val x = toLayout(*xIn, true);
    Shape outShape = {s[0], 1, 1, s[1]};
    Value r = make<tosa::AvgPool2dOp>(
        f32(outShape), {x.v, zeroPoint(), zeroPoint()},
        {named("kernel", b.getDenseI64ArrayAttr({s[2], s[3]})),
         named("stride", b.getDenseI64ArrayAttr({1, 1})),
         named("pad", b.getDenseI64ArrayAttr({0, 0, 0, 0})),
         named("acc_type", TypeAttr::get(b.getF32Type()))});
    set(n, 0, Val{r, {s[0], s[1], 1, 1}, true});
    return success();
  }
  // Other ranks: sum over each spatial axis, then scale.
  Val x = toLayout(*xIn, false);
  Value v = x.v;
  Shape cur = s;
  int64_t count = 1;
  for (size_t d = 2; d < s.size(); ++d) {
    cur[d] = 1;
    count *= s[d];
    v = make<tosa::ReduceSumOp>(f32(cur), {v},
                                {named("axis", b.getI32IntegerAttr(d))});
  }
  Shape ones(s.size(), 1);
  Value scale = constF(ones, {1.0f / float(count)});
  Value r = make<tosa::MulOp>(f32(cur), {v, scale, mulShift(b, loc)});
  set(n, 0, Val{r, cur, false});
  return success();
}

LogicalResult Importer::importGemm(const onnx::NodeProto &n) {
  FailureOr<Val> aIn = get(n, 0);
  if (failed(aIn))
    return failure();
  Val a = toLayout(*aIn, false);
  if (a.shape.size() != 2)
    return nodeError(n) << "A must be rank 2, got " << shapeStr(a.shape);
  bool transA = attrInt(n, "transA", 0), transB = attrInt(n, "transB", 0);
  float alpha = attrFloat(n, "alpha", 1.0f), beta = attrFloat(n, "beta", 1.0f);
  if (transA) {
    a.v = transpose(a.v, {1, 0});
    a.shape = {a.shape[1], a.shape[0]};
  }
  int64_t m = a.shape[0], k = a.shape[1];
  if (k == kDyn)
    return nodeError(n) << "the reduction dimension must be known";
  Value bMat; // [1, K, N]
  int64_t nn;
  if (const ConstTensor *bc = getConst(n, 1)) {
    if (bc->shape.size() != 2)
      return nodeError(n) << "B must be rank 2, got " << shapeStr(bc->shape);
    int64_t bk = transB ? bc->shape[1] : bc->shape[0];
    nn = transB ? bc->shape[0] : bc->shape[1];
    if (bk != k)
      return nodeError(n) << "A has " << k << " columns, B has " << bk
                          << " rows";
    std::vector<float> kn(k * nn);
    for (int64_t r = 0; r < k; ++r)
      for (int64_t col = 0; col < nn; ++col)
        kn[r * nn + col] =
            alpha * (transB ? bc->fAt(col * k + r) : bc->fAt(r * nn + col));
    bMat = constF({1, k, nn}, kn);
    alpha = 1.0f;
  } else {
    FailureOr<Val> bIn = get(n, 1);
    if (failed(bIn))
      return failure();
    Val bv = toLayout(*bIn, false);
    if (bv.shape.size() != 2 || llvm::is_contained(bv.shape, kDyn))
      return nodeError(n) << "B must be a rank-2 tensor of known shape";
    if (transB) {
      bv.v = transpose(bv.v, {1, 0});
      bv.shape = {bv.shape[1], bv.shape[0]};
    }
    if (bv.shape[0] != k)
      return nodeError(n) << "A has " << k << " columns, B has "
                          << bv.shape[0] << " rows";
    nn = bv.shape[1];
    FailureOr<Val> r = reshape(n, bv, {1, k, nn});
    if (failed(r))
      return failure();
    bMat = r->v;
  }
  FailureOr<Val> a3 = reshape(n, a, {1, m, k});
  if (failed(a3))
    return failure();
  Value mm = make<tosa::MatMulOp>(f32({1, m, nn}),
                                  {a3->v, bMat, zeroPoint(), zeroPoint()});
  FailureOr<Val> y = reshape(n, Val{mm, {1, m, nn}, false}, {m, nn});
  if (failed(y))
    return failure();
  if (alpha != 1.0f)
    y->v = make<tosa::MulOp>(f32({m, nn}),
                             {y->v, constF({1, 1}, {alpha}), mulShift(b, loc)});
  if (hasInput(n, 2)) {
    // C broadcasts one way to [M, N]: each of its (right-aligned) dims is 1
    // or equal to the output's.
    Shape cs;
    if (const ConstTensor *cc = getConst(n, 2))
      cs = cc->shape;
    else if (vals.count(n.input(2)))
      cs = vals[n.input(2)].shape;
    if (cs.size() > 2)
      return nodeError(n) << "C must have rank at most 2";
    Shape c2(2 - cs.size(), 1);
    c2.append(cs.begin(), cs.end());
    Shape y2 = {m, nn};
    for (int d = 0; d < 2; ++d)
      if (c2[d] != 1 && c2[d] != kDyn && y2[d] != kDyn && c2[d] != y2[d])
        return nodeError(n) << "C of shape " << shapeStr(cs)
                            << " does not broadcast to " << shapeStr(y2);
    Value cv;
    if (const ConstTensor *cc = getConst(n, 2)) {
      if (cc->shape.size() > 2)
        return nodeError(n) << "C must have rank at most 2";
      ConstTensor scaled = *cc;
      scaled.isFloat = true;
      scaled.f.resize(cc->numel());
      for (int64_t e = 0; e < cc->numel(); ++e)
        scaled.f[e] = beta * cc->fAt(e);
      cv = constFor(scaled, 2, false).v;
    } else {
      FailureOr<Val> cIn = get(n, 2);
      if (failed(cIn))
        return failure();
      Val c = toLayout(*cIn, false);
      if (c.shape.size() > 2)
        return nodeError(n) << "C must have rank at most 2";
      Shape s2(2 - c.shape.size(), 1);
      s2.append(c.shape.begin(), c.shape.end());
      FailureOr<Val> c2 = reshape(n, c, s2);
      if (failed(c2))
        return failure();
      cv = c2->v;
      if (beta != 1.0f)
        cv = make<tosa::MulOp>(f32(s2),
                               {cv, constF({1, 1}, {beta}), mulShift(b, loc)});
    }
    y->v = make<tosa::AddOp>(f32({m, nn}), {y->v, cv});
  }
  set(n, 0, *y);
  return success();
}

LogicalResult Importer::importMatMul(const onnx::NodeProto &n) {
  FailureOr<Val> aIn = get(n, 0), bIn = get(n, 1);
  if (failed(aIn) || failed(bIn))
    return failure();
  Val a = toLayout(*aIn, false), bv = toLayout(*bIn, false);
  Shape as = a.shape, bs = bv.shape;
  bool aVec = as.size() == 1, bVec = bs.size() == 1;
  if (aVec)
    as.insert(as.begin(), 1);
  if (bVec)
    bs.push_back(1);
  if (as.size() < 2 || bs.size() < 2)
    return nodeError(n) << "operands must have rank at least 1";
  int64_t m = as[as.size() - 2], k = as.back(), kb = bs[bs.size() - 2],
          nn = bs.back();
  if (k == kDyn || kb == kDyn || nn == kDyn)
    return nodeError(n) << "inner and column dimensions must be known";
  if (k != kb)
    return nodeError(n) << "cannot multiply " << shapeStr(aIn->shape) << " by "
                        << shapeStr(bIn->shape);
  Shape aBatch(as.begin(), as.end() - 2), bBatch(bs.begin(), bs.end() - 2);
  Shape outShape;
  Value r;
  if (bBatch.empty() || product(bBatch) == 1) {
    // Fold A's batch into rows: [1, batch*M, K] x [1, K, N].
    int64_t rows = product(aBatch) == kDyn || m == kDyn
                       ? kDyn
                       : product(aBatch) * m;
    FailureOr<Val> a3 = reshape(n, a, {1, rows, k});
    FailureOr<Val> b3 = reshape(n, bv, {1, k, nn});
    if (failed(a3) || failed(b3))
      return failure();
    r = make<tosa::MatMulOp>(f32({1, rows, nn}),
                             {a3->v, b3->v, zeroPoint(), zeroPoint()});
    outShape = aBatch.size() >= bBatch.size() ? aBatch : bBatch;
    if (aBatch.size() < bBatch.size())
      outShape = Shape(bBatch.size() - aBatch.size(), 1),
      outShape.append(aBatch.begin(), aBatch.end());
    outShape.push_back(m);
    outShape.push_back(nn);
    FailureOr<Val> y = reshape(n, Val{r, {1, rows, nn}, false}, outShape);
    if (failed(y))
      return failure();
    r = y->v;
  } else {
    if (aBatch != bBatch)
      return nodeError(n) << "broadcasting batch dimensions "
                          << shapeStr(aBatch) << " and " << shapeStr(bBatch)
                          << " is not supported";
    int64_t batch = product(aBatch);
    FailureOr<Val> a3 = reshape(n, a, {batch, m, k});
    FailureOr<Val> b3 = reshape(n, bv, {batch, k, nn});
    if (failed(a3) || failed(b3))
      return failure();
    r = make<tosa::MatMulOp>(f32({batch, m, nn}),
                             {a3->v, b3->v, zeroPoint(), zeroPoint()});
    outShape = aBatch;
    outShape.push_back(m);
    outShape.push_back(nn);
    FailureOr<Val> y = reshape(n, Val{r, {batch, m, nn}, false}, outShape);
    if (failed(y))
      return failure();
    r = y->v;
  }
  Shape finalShape = outShape;
  if (aVec)
    finalShape.erase(finalShape.end() - 2);
  if (bVec)
    finalShape.pop_back();
  if (finalShape != outShape) {
    FailureOr<Val> y = reshape(n, Val{r, outShape, false}, finalShape);
    if (failed(y))
      return failure();
    r = y->v;
  }
  set(n, 0, Val{r, finalShape, false});
  return success();
}

LogicalResult Importer::importBinary(const onnx::NodeProto &n) {
  const std::string &op = n.op_type();
  if (n.input_size() != 2)
    return nodeError(n) << "expects two inputs";
  // Shapes of both operands (constants or values).
  Shape s[2];
  const ConstTensor *c[2];
  Val v[2];
  for (int k = 0; k < 2; ++k) {
    c[k] = vals.count(n.input(k)) ? nullptr : getConst(n, k);
    if (c[k]) {
      s[k] = c[k]->shape;
      continue;
    }
    FailureOr<Val> x = get(n, k);
    if (failed(x))
      return failure();
    v[k] = *x;
    s[k] = x->shape;
  }
  size_t rank = std::max(s[0].size(), s[1].size());
  Shape out(rank);
  for (size_t d = 0; d < rank; ++d) {
    auto dimOf = [&](int k) {
      int64_t off = int64_t(d) - int64_t(rank - s[k].size());
      return off < 0 ? int64_t(1) : s[k][off];
    };
    int64_t x = dimOf(0), y = dimOf(1);
    if (x == 1)
      out[d] = y;
    else if (y == 1 || x == y)
      out[d] = x;
    else if (x == kDyn || y == kDyn)
      out[d] = x == kDyn ? y : x;
    else
      return nodeError(n) << "cannot broadcast " << shapeStr(s[0]) << " with "
                          << shapeStr(s[1]);
  }
  bool nhwc = rank == 4 && ((!c[0] && v[0].nhwc) || (!c[1] && v[1].nhwc));
  Value operands[2];
  ConstTensor recip;
  if (op == "Div" && c[1]) {
    // Division by a constant (x * relu6(x + 3) / 6): multiply by its
    // reciprocal.
    recip = *c[1];
    recip.isFloat = true;
    recip.f.resize(recip.numel());
    for (int64_t e = 0; e < recip.numel(); ++e)
      recip.f[e] = 1.0f / c[1]->fAt(e);
    c[1] = &recip;
  }
  for (int k = 0; k < 2; ++k) {
    if (c[k]) {
      operands[k] = constFor(*c[k], rank, nhwc).v;
      continue;
    }
    Val x = v[k];
    if (x.shape.size() < rank) {
      Shape padded(rank - x.shape.size(), 1);
      padded.append(x.shape.begin(), x.shape.end());
      FailureOr<Val> r = reshape(n, x, padded);
      if (failed(r))
        return failure();
      x = *r;
    }
    operands[k] = toLayout(x, nhwc).v;
  }
  Val res{Value(), out, nhwc};
  Type t = f32(physical(res));
  if (op == "Add" || op == "Sum")
    res.v = make<tosa::AddOp>(t, {operands[0], operands[1]});
  else if (op == "Sub")
    res.v = make<tosa::SubOp>(t, {operands[0], operands[1]});
  else if (op == "Max")
    res.v = make<tosa::MaximumOp>(t, {operands[0], operands[1]});
  else if (op == "Min")
    res.v = make<tosa::MinimumOp>(t, {operands[0], operands[1]});
  else if (op == "Pow" && c[1] && c[1]->numel() == 1 && c[1]->fAt(0) == 2.0f)
    res.v =
        make<tosa::MulOp>(t, {operands[0], operands[0], mulShift(b, loc)});
  else if (op == "Pow")
    res.v = make<tosa::PowOp>(t, {operands[0], operands[1]});
  else if (op == "Div" && !c[1])
    res.v = make<tosa::MulOp>(
        t, {operands[0],
            make<tosa::ReciprocalOp>(operands[1].getType(), {operands[1]}),
            mulShift(b, loc)});
  else
    res.v =
        make<tosa::MulOp>(t, {operands[0], operands[1], mulShift(b, loc)});
  set(n, 0, res);
  return success();
}

LogicalResult Importer::importUnary(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  Val x = *xIn;
  Type t = f32(physical(x));
  const std::string &op = n.op_type();
  Shape ones(physical(x).size(), 1);
  auto clamp = [&](Value v, float lo, float hi) {
    return make<tosa::ClampOp>(t, {v},
                               {named("min_val", b.getF32FloatAttr(lo)),
                                named("max_val", b.getF32FloatAttr(hi))});
  };
  Value r;
  if (op == "Relu") {
    r = clamp(x.v, 0.0f, std::numeric_limits<float>::max());
  } else if (op == "Sigmoid") {
    r = make<tosa::SigmoidOp>(t, {x.v});
  } else if (op == "LeakyRelu") {
    float alpha = attrFloat(n, "alpha", 0.01f);
    Value scaled = make<tosa::MulOp>(
        t, {x.v, constF(ones, {alpha}), mulShift(b, loc)});
    Value pos = make<tosa::GreaterEqualOp>(
        RankedTensorType::get(physical(x), b.getI1Type()),
        {x.v, constF(ones, {0.0f})});
    r = make<tosa::SelectOp>(t, {pos, x.v, scaled});
  } else if (op == "HardSwish" || op == "HardSigmoid") {
    float alpha = attrFloat(n, "alpha", op == "HardSwish" ? 1.0f / 6 : 0.2f);
    float beta = attrFloat(n, "beta", 0.5f);
    if (op == "HardSwish")
      alpha = 1.0f / 6, beta = 0.5f;
    Value lin = make<tosa::AddOp>(
        t, {make<tosa::MulOp>(t, {x.v, constF(ones, {alpha}),
                                  mulShift(b, loc)}),
            constF(ones, {beta})});
    Value gate = clamp(lin, 0.0f, 1.0f);
    r = op == "HardSigmoid"
            ? gate
            : make<tosa::MulOp>(t, {x.v, gate, mulShift(b, loc)});
  } else if (op == "Tanh") {
    r = make<tosa::TanhOp>(t, {x.v});
  } else if (op == "Exp") {
    r = make<tosa::ExpOp>(t, {x.v});
  } else if (op == "Log") {
    r = make<tosa::LogOp>(t, {x.v});
  } else if (op == "Erf") {
    r = make<tosa::ErfOp>(t, {x.v});
  } else if (op == "Abs") {
    r = make<tosa::AbsOp>(t, {x.v});
  } else if (op == "Floor") {
    r = make<tosa::FloorOp>(t, {x.v});
  } else if (op == "Ceil") {
    r = make<tosa::CeilOp>(t, {x.v});
  } else if (op == "Reciprocal") {
    r = make<tosa::ReciprocalOp>(t, {x.v});
  } else if (op == "Sqrt") {
    r = make<tosa::PowOp>(t, {x.v, constF(ones, {0.5f})});
  } else if (op == "Neg") {
    r = make<tosa::NegateOp>(t, {x.v, zeroPoint(), zeroPoint()});
  } else if (op == "Softplus") {
    // log(1 + exp(x)); exact enough for the float path, an island anyway.
    r = make<tosa::LogOp>(
        t, {make<tosa::AddOp>(t, {make<tosa::ExpOp>(t, {x.v}),
                                  constF(ones, {1.0f})})});
  } else {
    return nodeError(n) << "unsupported op";
  }
  set(n, 0, Val{r, x.shape, x.nhwc});
  return success();
}

LogicalResult Importer::importClip(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
  if (opset < 11) {
    lo = attrFloat(n, "min", lo);
    hi = attrFloat(n, "max", hi);
  } else {
    if ((hasInput(n, 1) && !getConst(n, 1)) ||
        (hasInput(n, 2) && !getConst(n, 2))) {
      // Computed bounds (e.g. max(x) - 80 dB): maximum, then minimum.
      std::string acc = n.input(0);
      for (int k = 1; k <= 2; ++k) {
        if (!hasInput(n, k))
          continue;
        onnx::NodeProto step = n;
        step.set_op_type(k == 1 ? "Max" : "Min");
        step.clear_input();
        step.clear_attribute();
        step.add_input(acc);
        step.add_input(n.input(k));
        bool last = k == 2 || !hasInput(n, 2);
        step.set_output(0, last ? n.output(0) : freshName(n.output(0)));
        if (failed(importBinary(step)))
          return failure();
        acc = step.output(0);
      }
      return success();
    }
    for (int k = 1; k <= 2; ++k) {
      if (!hasInput(n, k))
        continue;
      const ConstTensor *c = getConst(n, k);
      if (!c || c->numel() != 1)
        return nodeError(n) << (k == 1 ? "min" : "max")
                            << " must be a constant scalar";
      (k == 1 ? lo : hi) = c->fAt(0);
    }
  }
  Val x = *xIn;
  Value r = make<tosa::ClampOp>(f32(physical(x)), {x.v},
                                {named("min_val", b.getF32FloatAttr(lo)),
                                 named("max_val", b.getF32FloatAttr(hi))});
  set(n, 0, Val{r, x.shape, x.nhwc});
  return success();
}

LogicalResult Importer::importFlatten(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  int64_t rank = xIn->shape.size();
  int64_t axis = attrInt(n, "axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return nodeError(n) << "axis " << attrInt(n, "axis", 1)
                        << " is out of range for rank " << rank;
  ArrayRef<int64_t> s = xIn->shape;
  FailureOr<Val> r =
      reshape(n, *xIn, {product(s.take_front(axis)), product(s.drop_front(axis))});
  if (failed(r))
    return failure();
  set(n, 0, *r);
  return success();
}

LogicalResult Importer::importReshape(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  const ConstTensor *sc = getConst(n, 1);
  if (!sc)
    return nodeError(n) << "the target shape '"
                        << (hasInput(n, 1) ? n.input(1) : "")
                        << "' must be a constant; computed shapes cannot be "
                           "resolved";
  if (sc->isFloat || sc->shape.size() != 1)
    return nodeError(n) << "the target shape must be a 1-D int64 tensor, got "
                        << (sc->isFloat ? "float " : "") << "shape "
                        << shapeStr(sc->shape);
  bool allowZero = attrInt(n, "allowzero", 0) != 0;
  ArrayRef<int64_t> in = xIn->shape;
  Shape to;
  int inferAt = -1;
  for (int64_t k = 0; k < sc->numel(); ++k) {
    int64_t d = sc->iAt(k);
    if (d == 0 && !allowZero) {
      if (k >= int64_t(in.size()))
        return nodeError(n) << "shape entry 0 at " << k
                            << " has no input dimension to copy";
      d = in[k];
    } else if (d == -1) {
      if (inferAt >= 0)
        return nodeError(n) << "more than one -1 in the target shape";
      inferAt = k;
    } else if (d < 0) {
      return nodeError(n) << "invalid target dimension " << d;
    } else if (d == 0) {
      return nodeError(n) << "empty (zero-sized) tensors are not supported";
    }
    to.push_back(d);
  }
  int64_t total = product(in);
  if (inferAt >= 0) {
    Shape rest(to);
    rest.erase(rest.begin() + inferAt);
    int64_t known = product(rest);
    if (total == kDyn || known == kDyn) {
      to[inferAt] = kDyn;
    } else {
      if (known == 0 || total % known)
        return nodeError(n) << "cannot reshape " << shapeStr(in) << " to "
                            << shapeStr(to);
      to[inferAt] = total / known;
    }
  } else if (total != kDyn && product(to) != kDyn && product(to) != total) {
    return nodeError(n) << "cannot reshape " << shapeStr(in) << " ("
                        << total << " elements) to " << shapeStr(to);
  }
  FailureOr<Val> r = reshape(n, *xIn, to);
  if (failed(r))
    return failure();
  set(n, 0, *r);
  return success();
}

LogicalResult Importer::importTranspose(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  int64_t rank = xIn->shape.size();
  Shape perm = attrInts(n, "perm");
  if (perm.empty())
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  Shape sorted(perm);
  llvm::sort(sorted);
  for (int64_t d = 0; d < rank; ++d)
    if (int64_t(sorted.size()) != rank || sorted[d] != d)
      return nodeError(n) << "perm " << shapeStr(perm)
                          << " is not a permutation of rank " << rank;
  Shape out, phys;
  for (int64_t d : perm) {
    out.push_back(xIn->shape[d]);
    phys.push_back(xIn->nhwc ? kToNCHW[d] : d);
  }
  Value r = transpose(xIn->v, phys);
  set(n, 0, Val{r, out, false});
  return success();
}

LogicalResult Importer::importConcat(const onnx::NodeProto &n) {
  if (n.input_size() < 1)
    return nodeError(n) << "needs at least one input";
  SmallVector<Val> ins;
  for (int k = 0; k < n.input_size(); ++k) {
    FailureOr<Val> x = get(n, k);
    if (failed(x))
      return failure();
    ins.push_back(*x);
  }
  int64_t rank = ins[0].shape.size();
  int64_t axis = attrInt(n, "axis", rank > 1 ? 1 : 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return nodeError(n) << "axis out of range for rank " << rank;
  bool nhwc = rank == 4 && llvm::all_of(ins, [](const Val &v) {
                return v.nhwc || v.v.getDefiningOp<tosa::ConstOp>();
              }) && llvm::any_of(ins, [](const Val &v) { return v.nhwc; });
  Shape out = ins[0].shape;
  out[axis] = 0;
  SmallVector<Value> operands;
  for (Val &x : ins) {
    if (int64_t(x.shape.size()) != rank)
      return nodeError(n) << "inputs have different ranks";
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && x.shape[d] != out[d] && x.shape[d] != kDyn &&
          out[d] != kDyn)
        return nodeError(n) << "input shapes " << shapeStr(ins[0].shape)
                            << " and " << shapeStr(x.shape)
                            << " differ outside the axis";
    out[axis] = (out[axis] == kDyn || x.shape[axis] == kDyn)
                    ? kDyn
                    : out[axis] + x.shape[axis];
    operands.push_back(toLayout(x, nhwc).v);
  }
  Val res{Value(), out, nhwc};
  int64_t physAxis = nhwc ? (axis == 0 ? 0 : axis == 1 ? 3 : axis - 1) : axis;
  res.v = make<tosa::ConcatOp>(f32(physical(res)), operands,
                               {named("axis", b.getI32IntegerAttr(physAxis))});
  set(n, 0, res);
  return success();
}

LogicalResult Importer::importSoftmax(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  Val x = toLayout(*xIn, false);
  int64_t rank = x.shape.size();
  int64_t axis = attrInt(n, "axis", opset < 13 ? 1 : -1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return nodeError(n) << "axis out of range for rank " << rank;
  Shape orig = x.shape;
  if (opset < 13 && axis != rank - 1) {
    // Before opset 13 Softmax works on the 2-D coercion at `axis`.
    ArrayRef<int64_t> s = orig;
    FailureOr<Val> r = reshape(
        n, x, {product(s.take_front(axis)), product(s.drop_front(axis))});
    if (failed(r))
      return failure();
    x = *r;
    axis = 1;
  }
  Shape s = x.shape, reduced = x.shape;
  if (s[axis] == kDyn)
    return nodeError(n) << "the softmax axis must have a known size";
  reduced[axis] = 1;
  auto ax = named("axis", b.getI32IntegerAttr(axis));
  Value mx = make<tosa::ReduceMaxOp>(f32(reduced), {x.v}, {ax});
  Value e = make<tosa::ExpOp>(f32(s), {make<tosa::SubOp>(f32(s), {x.v, mx})});
  Value sum = make<tosa::ReduceSumOp>(f32(reduced), {e}, {ax});
  Value r = make<tosa::MulOp>(
      f32(s), {e, make<tosa::ReciprocalOp>(f32(reduced), {sum}),
               mulShift(b, loc)});
  Val res{r, s, false};
  if (s != orig) {
    FailureOr<Val> back = reshape(n, res, orig);
    if (failed(back))
      return failure();
    res = *back;
  }
  set(n, 0, res);
  return success();
}

LogicalResult Importer::importBatchNorm(const onnx::NodeProto &n) {
  if (attrInt(n, "training_mode", 0) != 0 ||
      (n.output_size() > 1 &&
       llvm::any_of(llvm::drop_begin(n.output()),
                    [](const std::string &o) { return !o.empty(); })))
    return nodeError(n) << "training mode (running statistics outputs) is "
                           "not supported";
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  const ConstTensor *p[4];
  for (int k = 0; k < 4; ++k)
    if (!(p[k] = getConst(n, k + 1)))
      return nodeError(n) << "scale, bias, mean and variance must be "
                             "constants";
  Val x = *xIn;
  int64_t rank = x.shape.size();
  if (rank < 2 || x.shape[1] == kDyn)
    return nodeError(n) << "the channel dimension must be known";
  int64_t c = x.shape[1];
  for (int k = 0; k < 4; ++k)
    if (p[k]->numel() != c)
      return nodeError(n) << "parameter " << k + 1 << " has "
                          << p[k]->numel() << " values for " << c
                          << " channels";
  float eps = attrFloat(n, "epsilon", 1e-5f);
  ConstTensor mulC, addC;
  Shape cs(rank, 1);
  cs[1] = c;
  mulC.shape = addC.shape = cs;
  for (int64_t k = 0; k < c; ++k) {
    float a = p[0]->fAt(k) / std::sqrt(p[3]->fAt(k) + eps);
    mulC.f.push_back(a);
    addC.f.push_back(p[1]->fAt(k) - p[2]->fAt(k) * a);
  }
  Type t = f32(physical(x));
  Value scaled = make<tosa::MulOp>(
      t, {x.v, constFor(mulC, rank, x.nhwc).v, mulShift(b, loc)});
  Value r = make<tosa::AddOp>(t, {scaled, constFor(addC, rank, x.nhwc).v});
  set(n, 0, Val{r, x.shape, x.nhwc});
  return success();
}

LogicalResult Importer::importConstant(const onnx::NodeProto &n) {
  if (n.attribute_size() != 1)
    return nodeError(n) << "expects exactly one value attribute";
  const onnx::AttributeProto &a = n.attribute(0);
  ConstTensor c;
  if (a.name() == "value") {
    std::string err;
    if (failed(readTensor(a.t(), c, err)))
      return nodeError(n) << err;
  } else if (a.name() == "value_float") {
    c.f = {a.f()};
  } else if (a.name() == "value_floats") {
    c.shape = {a.floats_size()};
    c.f.assign(a.floats().begin(), a.floats().end());
  } else if (a.name() == "value_int") {
    c.isFloat = false;
    c.i = {a.i()};
  } else if (a.name() == "value_ints") {
    c.isFloat = false;
    c.shape = {a.ints_size()};
    c.i.assign(a.ints().begin(), a.ints().end());
  } else {
    return nodeError(n) << "value attribute '" << a.name()
                        << "' is not supported";
  }
  consts[n.output(0)] = std::move(c);
  return success();
}

LogicalResult Importer::importPad(const onnx::NodeProto &n) {
  std::string mode = attrStr(n, "mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return nodeError(n) << "pad mode '" << mode
                        << "' is not supported (constant, reflect and edge "
                           "are)";
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  Val x = toLayout(*xIn, false);
  int64_t rank = x.shape.size();
  Shape pads;
  float value = 0.0f;
  if (opset < 11) {
    pads = attrInts(n, "pads");
    value = attrFloat(n, "value", 0.0f);
  } else {
    const ConstTensor *pc = getConst(n, 1);
    if (!pc)
      return nodeError(n) << "pads must be a constant";
    for (int64_t k = 0; k < pc->numel(); ++k)
      pads.push_back(pc->iAt(k));
    if (hasInput(n, 2)) {
      const ConstTensor *vc = getConst(n, 2);
      if (!vc || vc->numel() != 1)
        return nodeError(n) << "constant_value must be a constant scalar";
      value = vc->fAt(0);
    }
    if (hasInput(n, 3)) {
      const ConstTensor *axes = getConst(n, 3);
      if (!axes)
        return nodeError(n) << "axes must be a constant";
      Shape full(2 * rank, 0);
      int64_t na = axes->numel();
      if (int64_t(pads.size()) != 2 * na)
        return nodeError(n) << "pads needs two entries per axis";
      for (int64_t k = 0; k < na; ++k) {
        int64_t ax = axes->iAt(k) < 0 ? axes->iAt(k) + rank : axes->iAt(k);
        if (ax < 0 || ax >= rank)
          return nodeError(n) << "axis out of range";
        full[ax] = pads[k];
        full[ax + rank] = pads[k + na];
      }
      pads = full;
    }
  }
  if (int64_t(pads.size()) != 2 * rank)
    return nodeError(n) << "pads needs " << 2 * rank << " entries, got "
                        << pads.size();
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return nodeError(n) << "negative pads (cropping) are not supported";
  if (mode != "constant")
    return importPadMode(n, x, pads, mode == "reflect");
  Shape out = x.shape, tosaPads;
  for (int64_t d = 0; d < rank; ++d) {
    if (out[d] != kDyn) {
      std::optional<int64_t> padded =
          mpq::checkedSum({out[d], pads[d], pads[d + rank]});
      if (!padded)
        return nodeError(n) << "pads [" << pads[d] << ", " << pads[d + rank]
                            << "] of dimension " << d
                            << " overflow 64-bit size arithmetic";
      out[d] = *padded;
    }
    tosaPads.push_back(pads[d]);
    tosaPads.push_back(pads[d + rank]);
  }
  Value r = make<tosa::PadOp>(
      f32(out), {x.v, constShape(tosaPads), constF({1}, {value})});
  set(n, 0, Val{r, out, false});
  return success();
}

LogicalResult Importer::importIdentity(const onnx::NodeProto &n) {
  if (n.op_type() == "Dropout") {
    if (n.output_size() > 1 && !n.output(1).empty())
      return nodeError(n) << "the mask output is not supported";
    if (const ConstTensor *tm = getConst(n, 2))
      if (tm->numel() == 1 && tm->iAt(0) != 0)
        return nodeError(n) << "training mode is not supported";
    if (opset < 7 && attrInt(n, "is_test", 0) == 0)
      return nodeError(n) << "training mode is not supported";
  }
  if (!vals.count(n.input(0))) {
    if (const ConstTensor *c = getConst(n, 0)) {
      consts[n.output(0)] = *c;
      return success();
    }
  }
  FailureOr<Val> x = get(n, 0);
  if (failed(x))
    return failure();
  set(n, 0, *x);
  return success();
}

//===----------------------------------------------------------------------===//
// Ops added for exported real-world models
//===----------------------------------------------------------------------===//

Shape Importer::toPhysical(const Val &x, ArrayRef<int64_t> logical) {
  if (!x.nhwc)
    return Shape(logical);
  Shape p;
  for (int64_t d : kToNHWC)
    p.push_back(logical[d]);
  return p;
}

Val Importer::sliceVal(Val x, ArrayRef<int64_t> begin,
                       ArrayRef<int64_t> size) {
  Shape pb = toPhysical(x, begin), ps = toPhysical(x, size);
  Shape sizeArg(ps);
  for (int64_t &d : sizeArg)
    if (d == kDyn)
      d = -1;
  Value r = make<tosa::SliceOp>(f32(ps),
                                {x.v, constShape(pb), constShape(sizeArg)});
  return Val{r, Shape(size), x.nhwc};
}

LogicalResult Importer::importVariadic(const onnx::NodeProto &n) {
  const std::string &op = n.op_type();
  if (n.input_size() < 1)
    return nodeError(n) << "needs at least one input";
  if (n.input_size() == 1 && op != "Mean") {
    onnx::NodeProto id = n;
    id.set_op_type("Identity");
    return importIdentity(id);
  }
  // Fold left: acc = op(acc, input k), through synthetic two-input nodes.
  std::string acc = n.input(0);
  for (int k = 1; k < n.input_size(); ++k) {
    onnx::NodeProto step = n;
    step.set_op_type(op == "Mean" ? "Sum" : op);
    step.clear_input();
    step.add_input(acc);
    step.add_input(n.input(k));
    bool last = k + 1 == n.input_size() && op != "Mean";
    step.set_output(0, last ? n.output(0) : freshName(n.output(0)));
    if (failed(importBinary(step)))
      return failure();
    acc = step.output(0);
  }
  if (op == "Mean") {
    std::string scale = freshName(n.output(0));
    ConstTensor c;
    c.f = {1.0f / float(n.input_size())};
    consts[scale] = c;
    onnx::NodeProto step = n;
    step.set_op_type("Mul");
    step.clear_input();
    step.add_input(acc);
    step.add_input(scale);
    return importBinary(step);
  }
  return success();
}

LogicalResult Importer::importReduce(const onnx::NodeProto &n) {
  const std::string &op = n.op_type();
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  int64_t rank = xIn->shape.size();
  // Axes moved from an attribute to an input in opset 13 (ReduceSum) and
  // 18 (the others).
  bool axesInput = opset >= (op == "ReduceSum" ? 13 : 18);
  Shape axes;
  if (axesInput && hasInput(n, 1)) {
    const ConstTensor *a = getConst(n, 1);
    if (!a)
      return nodeError(n) << "axes must be a constant";
    for (int64_t k = 0; k < a->numel(); ++k)
      axes.push_back(a->iAt(k));
  } else if (!axesInput) {
    axes = attrInts(n, "axes");
  }
  bool keep = attrInt(n, "keepdims", 1) != 0;
  if (axes.empty() && attrInt(n, "noop_with_empty_axes", 0)) {
    set(n, 0, *xIn);
    return success();
  }
  SmallVector<bool> red(rank, axes.empty());
  for (int64_t a : axes) {
    int64_t ax = a < 0 ? a + rank : a;
    if (ax < 0 || ax >= rank)
      return nodeError(n) << "axis " << a << " is out of range for rank "
                          << rank;
    red[ax] = true;
  }
  Val x = keep ? *xIn : toLayout(*xIn, false);
  Shape cur = x.shape;
  int64_t count = 1;
  Value v = x.v;
  for (int64_t d = 0; d < rank; ++d) {
    if (!red[d])
      continue;
    if (cur[d] == kDyn)
      return nodeError(n) << "cannot reduce dimension " << d << " of shape "
                          << shapeStr(x.shape) << ": its size is unknown";
    count *= cur[d];
    cur[d] = 1;
    int64_t phys = x.nhwc ? kToNCHW[0] : d;
    if (x.nhwc)
      for (int64_t p = 0; p < 4; ++p)
        if (kToNHWC[p] == d)
          phys = p;
    Shape ps = toPhysical(x, cur);
    auto ax = named("axis", b.getI32IntegerAttr(phys));
    if (op == "ReduceMax")
      v = make<tosa::ReduceMaxOp>(f32(ps), {v}, {ax});
    else if (op == "ReduceMin")
      v = make<tosa::ReduceMinOp>(f32(ps), {v}, {ax});
    else if (op == "ReduceProd")
      v = make<tosa::ReduceProductOp>(f32(ps), {v}, {ax});
    else
      v = make<tosa::ReduceSumOp>(f32(ps), {v}, {ax});
  }
  Shape ps = toPhysical(x, cur);
  if (op == "ReduceMean")
    v = make<tosa::MulOp>(
        f32(ps), {v, constF(Shape(rank, 1), {1.0f / float(count)}),
                  mulShift(b, loc)});
  Val res{v, cur, x.nhwc};
  if (!keep) {
    Shape out;
    for (int64_t d = 0; d < rank; ++d)
      if (!red[d])
        out.push_back(cur[d]);
    FailureOr<Val> r = reshape(n, res, out);
    if (failed(r))
      return failure();
    res = *r;
  }
  set(n, 0, res);
  return success();
}

LogicalResult Importer::importSqueeze(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  Shape axes;
  if (opset < 13) {
    axes = attrInts(n, "axes");
  } else if (hasInput(n, 1)) {
    const ConstTensor *a = getConst(n, 1);
    if (!a)
      return nodeError(n) << "axes must be a constant";
    for (int64_t k = 0; k < a->numel(); ++k)
      axes.push_back(a->iAt(k));
  }
  std::string err;
  FailureOr<Shape> out = n.op_type() == "Squeeze"
                             ? squeezeShape(xIn->shape, axes, err)
                             : unsqueezeShape(xIn->shape, axes, err);
  if (failed(out))
    return nodeError(n) << err;
  if (n.op_type() == "Squeeze" && axes.empty() &&
      llvm::is_contained(xIn->shape, kDyn))
    return nodeError(n) << "squeezing every unit dimension of "
                        << shapeStr(xIn->shape)
                        << " needs known dimensions";
  FailureOr<Val> r = reshape(n, *xIn, *out);
  if (failed(r))
    return failure();
  set(n, 0, *r);
  return success();
}

LogicalResult Importer::importSlice(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  Shape starts, ends, axes, steps;
  if (opset < 10) {
    starts = attrInts(n, "starts");
    ends = attrInts(n, "ends");
    axes = attrInts(n, "axes");
  } else {
    for (int k = 1; k <= 4; ++k) {
      if (!hasInput(n, k))
        continue;
      const ConstTensor *c = getConst(n, k);
      if (!c)
        return nodeError(n) << "starts, ends, axes and steps must be "
                               "constants";
      Shape &v = k == 1 ? starts : k == 2 ? ends : k == 3 ? axes : steps;
      for (int64_t e = 0; e < c->numel(); ++e)
        v.push_back(c->iAt(e));
    }
  }
  // A symbolic batch dimension may only be sliced whole.
  Shape known = xIn->shape;
  int64_t rank = known.size();
  SmallVector<bool> isNamed(rank, false);
  for (size_t k = 0; k < starts.size(); ++k) {
    int64_t a = axes.empty() ? int64_t(k) : axes[k];
    a = a < 0 ? a + rank : a;
    if (a >= 0 && a < rank)
      isNamed[a] = true;
  }
  for (int64_t d = 0; d < rank; ++d)
    if (known[d] == kDyn && !isNamed[d])
      known[d] = 1; // placeholder; restored below
  std::string err;
  FailureOr<SmallVector<SliceDim>> dims =
      sliceDims(known, starts, ends, axes, steps, err);
  if (failed(dims))
    return nodeError(n) << err;
  Val x = *xIn;
  Shape begin, size;
  for (int64_t d = 0; d < rank; ++d) {
    SliceDim sd = (*dims)[d];
    if (xIn->shape[d] == kDyn && !isNamed[d])
      sd = {0, 1, kDyn};
    if (sd.count == 0)
      return nodeError(n) << "the slice is empty; empty (zero-sized) tensors "
                             "are not supported";
    if (sd.step < 0) {
      // Reverse the axis, then walk it forwards.
      int64_t dim = xIn->shape[d];
      int64_t phys = d;
      if (x.nhwc)
        for (int64_t p = 0; p < 4; ++p)
          if (kToNHWC[p] == d)
            phys = p;
      x.v = make<tosa::ReverseOp>(x.v.getType(), {x.v},
                                  {named("axis", b.getI32IntegerAttr(phys))});
      sd = {dim - 1 - sd.start, -sd.step, sd.count};
    }
    (*dims)[d] = sd;
  }
  // Contiguous part first, then strides via reshape.
  for (int64_t d = 0; d < rank; ++d) {
    SliceDim sd = (*dims)[d];
    begin.push_back(sd.count == kDyn ? 0 : sd.start);
    int64_t span = sd.count == kDyn ? kDyn : (sd.count - 1) * sd.step + 1;
    size.push_back(span);
  }
  if (begin != Shape(rank, 0) || size != x.shape)
    x = sliceVal(x, begin, size);
  for (int64_t d = 0; d < rank; ++d) {
    SliceDim sd = (*dims)[d];
    if (sd.step == 1 || sd.count == kDyn)
      continue;
    // Take every step-th element: pad the axis to count*step, view it as
    // [count, step], keep index 0 of the step axis.
    if (llvm::count(x.shape, kDyn) > 0 && x.shape[0] == kDyn && d == 0)
      return nodeError(n) << "strided slicing of the batch dimension";
    x = toLayout(x, false);
    int64_t full = sd.count * sd.step;
    if (x.shape[d] < full) {
      Shape padShape = x.shape, tosaPads;
      padShape[d] = full;
      for (int64_t e = 0; e < rank; ++e) {
        tosaPads.push_back(0);
        tosaPads.push_back(e == d ? full - x.shape[d] : 0);
      }
      x.v = make<tosa::PadOp>(
          f32(padShape), {x.v, constShape(tosaPads), constF({1}, {0.0f})});
      x.shape = padShape;
    }
    Shape split(x.shape.begin(), x.shape.begin() + d);
    split.push_back(sd.count);
    split.push_back(sd.step);
    split.append(x.shape.begin() + d + 1, x.shape.end());
    FailureOr<Val> r = reshape(n, x, split);
    if (failed(r))
      return failure();
    Shape b0(split.size(), 0), s0(split);
    s0[d + 1] = 1;
    Val taken = sliceVal(*r, b0, s0);
    Shape out = x.shape;
    out[d] = sd.count;
    FailureOr<Val> back = reshape(n, taken, out);
    if (failed(back))
      return failure();
    x = *back;
  }
  set(n, 0, x);
  return success();
}

LogicalResult Importer::importSplit(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  int64_t rank = xIn->shape.size();
  int64_t axis = attrInt(n, "axis", 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return nodeError(n) << "axis out of range for rank " << rank;
  const ConstTensor *sc = opset >= 13 ? getConst(n, 1) : nullptr;
  if (opset >= 13 && hasInput(n, 1) && !sc)
    return nodeError(n) << "split sizes must be a constant";
  std::string err;
  FailureOr<Shape> sizes = splitSizes(n, opset, xIn->shape[axis], sc, err);
  if (failed(sizes))
    return nodeError(n) << err;
  if (xIn->shape[axis] == kDyn)
    return nodeError(n) << "the split axis must have a known size";
  int64_t at = 0;
  for (int k = 0; k < n.output_size(); ++k) {
    int64_t len = (*sizes)[k];
    if (len == 0)
      return nodeError(n) << "empty (zero-sized) outputs are not supported";
    Shape begin(rank, 0), size = xIn->shape;
    begin[axis] = at;
    size[axis] = len;
    at += len;
    if (n.output(k).empty())
      continue;
    set(n, k, sliceVal(*xIn, begin, size));
  }
  return success();
}

LogicalResult Importer::importGather(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  const ConstTensor *idx = getConst(n, 1);
  if (!idx)
    return nodeError(n) << "indices '" << n.input(1)
                        << "' must be a constant (a gather with computed "
                           "indices is not supported)";
  int64_t rank = xIn->shape.size();
  int64_t axis = attrInt(n, "axis", 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return nodeError(n) << "axis out of range for rank " << rank;
  int64_t dim = xIn->shape[axis];
  if (dim == kDyn)
    return nodeError(n) << "cannot gather along dimension " << axis
                        << " of shape " << shapeStr(xIn->shape)
                        << ": its size is unknown";
  if (idx->numel() == 0)
    return nodeError(n) << "empty (zero-sized) tensors are not supported";
  Shape ids;
  for (int64_t k = 0; k < idx->numel(); ++k) {
    int64_t v = idx->iAt(k);
    if (v < -dim || v >= dim)
      return nodeError(n) << "index " << v << " is out of range for an "
                          << "axis of size " << dim;
    ids.push_back(v < 0 ? v + dim : v);
  }
  // One slice per run of consecutive indices, concatenated.
  SmallVector<Val> parts;
  for (size_t k = 0; k < ids.size();) {
    size_t e = k + 1;
    while (e < ids.size() && ids[e] == ids[e - 1] + 1)
      ++e;
    Shape begin(rank, 0), size = xIn->shape;
    begin[axis] = ids[k];
    size[axis] = int64_t(e - k);
    parts.push_back(sliceVal(*xIn, begin, size));
    k = e;
  }
  Val g = parts[0];
  if (parts.size() > 1) {
    Shape out = xIn->shape;
    out[axis] = int64_t(ids.size());
    int64_t phys = axis;
    if (g.nhwc)
      for (int64_t p = 0; p < 4; ++p)
        if (kToNHWC[p] == axis)
          phys = p;
    SmallVector<Value> vs;
    for (Val &p : parts)
      vs.push_back(p.v);
    g = Val{make<tosa::ConcatOp>(f32(toPhysical(g, out)), vs,
                                 {named("axis", b.getI32IntegerAttr(phys))}),
            out, g.nhwc};
  }
  Shape out(xIn->shape.begin(), xIn->shape.begin() + axis);
  out.append(idx->shape.begin(), idx->shape.end());
  out.append(xIn->shape.begin() + axis + 1, xIn->shape.end());
  if (out != g.shape) {
    FailureOr<Val> r = reshape(n, g, out);
    if (failed(r))
      return failure();
    g = *r;
  }
  set(n, 0, g);
  return success();
}

static const char *onnxTypeName(int64_t t) {
  switch (t) {
  case onnx::TensorProto::FLOAT:
    return "float32";
  case onnx::TensorProto::UINT8:
    return "uint8";
  case onnx::TensorProto::INT8:
    return "int8";
  case onnx::TensorProto::UINT16:
    return "uint16";
  case onnx::TensorProto::INT16:
    return "int16";
  case onnx::TensorProto::INT32:
    return "int32";
  case onnx::TensorProto::INT64:
    return "int64";
  case onnx::TensorProto::STRING:
    return "string";
  case onnx::TensorProto::BOOL:
    return "bool";
  case onnx::TensorProto::FLOAT16:
    return "float16";
  case onnx::TensorProto::DOUBLE:
    return "float64";
  case onnx::TensorProto::UINT32:
    return "uint32";
  case onnx::TensorProto::UINT64:
    return "uint64";
  case onnx::TensorProto::BFLOAT16:
    return "bfloat16";
  default:
    return "an unsupported element type";
  }
}

LogicalResult Importer::importCast(const onnx::NodeProto &n) {
  int64_t to = attrInt(n, "to", onnx::TensorProto::FLOAT);
  if (n.op_type() == "CastLike") {
    // The target's type: a value here is float.
    const ConstTensor *c = getConst(n, 1);
    to = c && !c->isFloat ? onnx::TensorProto::INT64
                          : onnx::TensorProto::FLOAT;
  }
  if (to != onnx::TensorProto::FLOAT && to != onnx::TensorProto::DOUBLE &&
      to != onnx::TensorProto::FLOAT16)
    return nodeError(n) << "cast of a computed float tensor to "
                        << onnxTypeName(to)
                        << " is not supported (mpq imports float networks; "
                           "only shape arithmetic may be integer)";
  FailureOr<Val> x = get(n, 0);
  if (failed(x))
    return failure();
  set(n, 0, *x);
  return success();
}

LogicalResult Importer::importExpand(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  const ConstTensor *sc = getConst(n, 1);
  if (!sc)
    return nodeError(n) << "the target shape must be a constant";
  Shape target;
  for (int64_t k = 0; k < sc->numel(); ++k)
    target.push_back(sc->iAt(k));
  Val x = toLayout(*xIn, false);
  size_t rank = std::max(target.size(), x.shape.size());
  Shape xs(rank - x.shape.size(), 1), ts(rank - target.size(), 1);
  xs.append(x.shape.begin(), x.shape.end());
  ts.append(target.begin(), target.end());
  Shape out(rank), mult(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (xs[d] != 1 && ts[d] != 1 && xs[d] != ts[d])
      return nodeError(n) << "cannot expand " << shapeStr(x.shape) << " to "
                          << shapeStr(target);
    out[d] = xs[d] == 1 ? ts[d] : xs[d];
    if (out[d] == kDyn && xs[d] != kDyn)
      return nodeError(n) << "expanding to an unknown size";
    mult[d] = xs[d] == 1 ? ts[d] : 1;
    if (xs[d] == kDyn)
      mult[d] = 1;
  }
  if (xs != x.shape) {
    FailureOr<Val> r = reshape(n, x, xs);
    if (failed(r))
      return failure();
    x = *r;
  }
  if (out != xs)
    x = Val{make<tosa::TileOp>(f32(out), {x.v, constShape(mult)}), out,
            false};
  set(n, 0, x);
  return success();
}

LogicalResult Importer::importWhere(const onnx::NodeProto &n) {
  const ConstTensor *c = getConst(n, 0);
  if (!c)
    return nodeError(n) << "the condition must be a constant";
  bool allTrue = true, allFalse = true;
  for (int64_t k = 0; k < c->numel(); ++k) {
    bool v = c->iAt(k) != 0;
    allTrue &= v;
    allFalse &= !v;
  }
  if (!allTrue && !allFalse)
    return nodeError(n) << "a condition that selects element by element is "
                           "not supported (only a uniform constant one)";
  // The output broadcasts all three; with a uniform condition that is the
  // chosen input expanded to the broadcast shape.
  int pick = allTrue ? 1 : 2;
  FailureOr<Val> x = get(n, pick);
  if (failed(x))
    return failure();
  set(n, 0, *x);
  return success();
}

/// Smallest rational n/d (d <= 4096) equal to `v` within 1e-6 relative.
static bool rationalOf(double v, int64_t &num, int64_t &den) {
  for (int64_t d = 1; d <= 4096; ++d) {
    double nv = v * d;
    double r = std::round(nv);
    if (r >= 1 && std::fabs(nv - r) <= 1e-6 * nv) {
      num = int64_t(r);
      den = d;
      return true;
    }
  }
  return false;
}

LogicalResult Importer::importResize(const onnx::NodeProto &n) {
  const std::string &op = n.op_type();
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  if (xIn->shape.size() != 4)
    return nodeError(n) << "only rank-4 (NCHW) inputs are supported, got "
                        << shapeStr(xIn->shape);
  Shape in = xIn->shape;
  if (in[1] == kDyn || in[2] == kDyn || in[3] == kDyn)
    return nodeError(n) << "channel and spatial dimensions must be known";
  std::string mode = attrStr(n, "mode", "nearest");
  std::string coord = "asymmetric", nearestMode = "floor";
  if (op == "Resize" && opset >= 11) {
    coord = attrStr(n, "coordinate_transformation_mode", "half_pixel");
    nearestMode = attrStr(n, "nearest_mode", "round_prefer_floor");
    if (attrInt(n, "antialias", 0))
      return nodeError(n) << "antialias is not supported";
    if (attr(n, "axes"))
      return nodeError(n) << "the axes attribute is not supported";
    std::string policy = attrStr(n, "keep_aspect_ratio_policy", "stretch");
    if (policy != "stretch")
      return nodeError(n) << "keep_aspect_ratio_policy '" << policy
                          << "' is not supported";
  }
  bool linear = mode == "linear" || mode == "bilinear";
  if (!linear && mode != "nearest")
    return nodeError(n) << "mode '" << mode
                        << "' is not supported (nearest and linear are)";
  // Scales (float) or sizes (int64), per NCHW dimension.
  double scales[4] = {1, 1, 1, 1};
  Shape out = in;
  bool fromSizes = false;
  if (op == "Upsample" && opset < 9) {
    Shape none;
    const onnx::AttributeProto *a = attr(n, "scales");
    if (!a || a->floats_size() != 4)
      return nodeError(n) << "scales needs four entries";
    for (int d = 0; d < 4; ++d)
      scales[d] = a->floats(d);
  } else {
    int scalesAt = op == "Upsample" || opset < 11 ? 1 : 2;
    const ConstTensor *sc = getConst(n, scalesAt);
    const ConstTensor *sz =
        op == "Resize" && opset >= 11 ? getConst(n, 3) : nullptr;
    if (sc && sc->numel() == 0)
      sc = nullptr;
    if (!sc && !sz)
      return nodeError(n) << "scales or sizes must be a constant";
    if (sz) {
      if (sz->numel() != 4)
        return nodeError(n) << "sizes needs four entries";
      fromSizes = true;
      for (int d = 0; d < 4; ++d) {
        out[d] = sz->iAt(d);
        scales[d] = in[d] == kDyn ? 1.0 : double(out[d]) / double(in[d]);
      }
      if (in[0] == kDyn)
        out[0] = kDyn;
    } else {
      if (sc->numel() != 4)
        return nodeError(n) << "scales needs four entries";
      for (int d = 0; d < 4; ++d)
        scales[d] = sc->fAt(d);
    }
  }
  if (scales[0] != 1.0 || scales[1] != 1.0)
    return nodeError(n) << "only the spatial dimensions may be resized";
  if (!fromSizes)
    for (int d = 2; d < 4; ++d)
      out[d] = int64_t(std::floor(double(in[d]) * scales[d]));
  if (out[2] < 1 || out[3] < 1)
    return nodeError(n) << "the output would be empty";
  // Per spatial axis: TOSA's in = (out * d + offset) / n, chosen so that
  // TOSA's round-half-up nearest (or its bilinear weights) gives ONNX's
  // result.
  int64_t scaleArg[4], offsetArg[2], borderArg[2];
  for (int a = 0; a < 2; ++a) {
    int64_t ih = in[2 + a], oh = out[2 + a];
    int64_t num, den;
    if (fromSizes || !rationalOf(scales[2 + a], num, den)) {
      int64_t g = std::gcd(oh, ih);
      num = oh / g;
      den = ih / g;
    }
    int64_t off = 0;
    std::string cm = coord;
    if (cm == "pytorch_half_pixel")
      cm = oh > 1 ? "half_pixel" : "asymmetric";
    if (cm == "half_pixel") {
      // (o + 1/2) * d/n - 1/2 = (2 o d + d - n) / (2 n)
      off = den - num;
      num *= 2;
      den *= 2;
    } else if (cm == "align_corners") {
      if (oh == 1 || ih == 1) {
        num = 1;
        den = 1;
      } else {
        int64_t g = std::gcd(oh - 1, ih - 1);
        num = (oh - 1) / g;
        den = (ih - 1) / g;
      }
    } else if (cm != "asymmetric") {
      return nodeError(n) << "coordinate_transformation_mode '" << coord
                          << "' is not supported";
    }
    if (!linear) {
      // TOSA rounds half up; shift by half a unit (on a doubled grid) for
      // the other rounding modes. Coordinates are multiples of 1/n.
      if (nearestMode == "floor") {
        off = 2 * off - num;
      } else if (nearestMode == "round_prefer_floor") {
        off = 2 * off - 1;
      } else if (nearestMode == "ceil") {
        off = 2 * off + num - 1;
      } else if (nearestMode == "round_prefer_ceil") {
        off = 2 * off;
      } else {
        return nodeError(n) << "nearest_mode '" << nearestMode
                            << "' is not supported";
      }
      num *= 2;
      den *= 2;
    }
    scaleArg[2 * a] = num;
    scaleArg[2 * a + 1] = den;
    offsetArg[a] = off;
    borderArg[a] = (oh - 1) * den - (ih - 1) * num + off;
  }
  Val x = toLayout(*xIn, true);
  Shape outPhys = {out[0], out[2], out[3], out[1]};
  Value r = make<tosa::ResizeOp>(
      f32(outPhys),
      {x.v, constShape(scaleArg), constShape(offsetArg),
       constShape(borderArg)},
      {named("mode", tosa::ResizeModeAttr::get(
                         ctx, linear ? tosa::ResizeMode::BILINEAR
                                     : tosa::ResizeMode::NEAREST_NEIGHBOR))});
  set(n, 0, Val{r, out, true});
  return success();
}

LogicalResult Importer::importConvTranspose(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  if (xIn->shape.size() != 4)
    return nodeError(n) << "only 1-D and 2-D transposed convolution are "
                           "supported, got input of shape "
                        << shapeStr(xIn->shape);
  const ConstTensor *w = getConst(n, 1);
  if (!w || w->shape.size() != 4)
    return nodeError(n) << "weights must be a rank-4 constant";
  const ConstTensor *bias = getConst(n, 2);
  if (hasInput(n, 2) && !bias)
    return nodeError(n) << "bias must be a constant";
  if (attrInt(n, "group", 1) != 1)
    return nodeError(n) << "grouped transposed convolution is not supported";
  if (attrInts(n, "dilations", {1, 1}) != Shape({1, 1}))
    return nodeError(n) << "dilated transposed convolution is not supported";
  if (attr(n, "output_shape"))
    return nodeError(n) << "the output_shape attribute is not supported "
                           "(give pads and output_padding)";
  std::string autoPad = attrStr(n, "auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID")
    return nodeError(n) << "auto_pad '" << autoPad << "' is not supported";
  Val x = toLayout(*xIn, true);
  int64_t nb = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  if (c == kDyn || h == kDyn || wd == kDyn)
    return nodeError(n) << "channel and spatial dimensions must be known";
  int64_t ci = w->shape[0], o = w->shape[1], kh = w->shape[2],
          kw = w->shape[3];
  if (ci != c)
    return nodeError(n) << "weights " << shapeStr(w->shape) << " do not match "
                        << c << " input channels";
  Shape strides = attrInts(n, "strides", {1, 1});
  Shape pads = autoPad == "VALID" ? Shape(4, 0)
                                  : attrInts(n, "pads", Shape(4, 0));
  Shape opad = attrInts(n, "output_padding", {0, 0});
  if (strides.size() != 2 || pads.size() != 4 || opad.size() != 2 ||
      llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return nodeError(n) << "strides, pads or output_padding have the wrong "
                           "number of entries";
  int64_t outPad[4] = {-pads[0], -pads[2] + opad[0], -pads[1],
                       -pads[3] + opad[1]};
  if (outPad[0] <= -kh || outPad[1] <= -kh || outPad[2] <= -kw ||
      outPad[3] <= -kw)
    return nodeError(n) << "pads must be smaller than the kernel";
  int64_t oh = (h - 1) * strides[0] + outPad[0] + outPad[1] + kh;
  int64_t ow = (wd - 1) * strides[1] + outPad[2] + outPad[3] + kw;
  if (oh < 1 || ow < 1)
    return nodeError(n) << "the output would be empty";
  std::vector<float> ohwi(o * kh * kw * c), biasData(o, 0.0f);
  for (int64_t oo = 0; oo < o; ++oo)
    for (int64_t y = 0; y < kh; ++y)
      for (int64_t xx = 0; xx < kw; ++xx)
        for (int64_t cc = 0; cc < c; ++cc)
          ohwi[((oo * kh + y) * kw + xx) * c + cc] =
              w->fAt(((cc * o + oo) * kh + y) * kw + xx);
  if (bias) {
    if (bias->numel() != o)
      return nodeError(n) << "bias has " << bias->numel() << " values for "
                          << o << " output channels";
    for (int64_t k = 0; k < o; ++k)
      biasData[k] = bias->fAt(k);
  }
  Value r = make<tosa::TransposeConv2DOp>(
      f32({nb, oh, ow, o}),
      {x.v, constF({o, kh, kw, c}, ohwi), constF({o}, biasData), zeroPoint(),
       zeroPoint()},
      {named("out_pad", b.getDenseI64ArrayAttr(outPad)),
       named("stride", b.getDenseI64ArrayAttr(strides)),
       named("acc_type", TypeAttr::get(b.getF32Type()))});
  set(n, 0, Val{r, {nb, o, oh, ow}, true});
  return success();
}

LogicalResult Importer::importPadMode(const onnx::NodeProto &n, Val x,
                                      ArrayRef<int64_t> pads, bool reflect) {
  int64_t rank = x.shape.size();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t before = pads[d], after = pads[d + rank];
    if (!before && !after)
      continue;
    int64_t dim = x.shape[d];
    if (dim == kDyn)
      return nodeError(n) << "cannot pad dimension " << d << " of shape "
                          << shapeStr(x.shape) << ": its size is unknown";
    if (reflect && (before >= dim || after >= dim))
      return nodeError(n) << "reflect padding of " << std::max(before, after)
                          << " needs a dimension larger than " << dim;
    auto row = [&](int64_t i) {
      Shape begin(rank, 0), size = x.shape;
      begin[d] = i;
      size[d] = 1;
      return sliceVal(x, begin, size).v;
    };
    SmallVector<Value> parts;
    for (int64_t k = before; k >= 1; --k)
      parts.push_back(row(reflect ? k : 0));
    parts.push_back(x.v);
    for (int64_t k = 1; k <= after; ++k)
      parts.push_back(row(reflect ? dim - 1 - k : dim - 1));
    Shape out = x.shape;
    out[d] += before + after;
    int64_t phys = d;
    if (x.nhwc)
      for (int64_t p = 0; p < 4; ++p)
        if (kToNHWC[p] == d)
          phys = p;
    x = Val{make<tosa::ConcatOp>(f32(toPhysical(x, out)), parts,
                                 {named("axis", b.getI32IntegerAttr(phys))}),
            out, x.nhwc};
  }
  set(n, 0, x);
  return success();
}

LogicalResult Importer::import1D(const onnx::NodeProto &n) {
  FailureOr<Val> xIn = get(n, 0);
  if (failed(xIn))
    return failure();
  Val x = toLayout(*xIn, false);
  Shape s4 = {x.shape[0], x.shape[1], 1, x.shape[2]};
  FailureOr<Val> x4 = reshape(n, x, s4);
  if (failed(x4))
    return failure();
  onnx::NodeProto m = n;
  std::string xName = freshName(n.input(0));
  vals[xName] = *x4;
  m.set_input(0, xName);
  std::string outName = freshName(n.output(0));
  m.set_output(0, outName);
  // Weights gain a unit height.
  bool isConv = n.op_type() == "Conv" || n.op_type() == "ConvTranspose";
  if (isConv) {
    const ConstTensor *w = getConst(n, 1);
    if (!w || w->shape.size() != 3)
      return nodeError(n) << "weights must be a rank-3 constant for a 1-D "
                             "convolution";
    ConstTensor w4 = *w;
    w4.shape = {w->shape[0], w->shape[1], 1, w->shape[2]};
    std::string wName = freshName(n.input(1));
    consts[wName] = std::move(w4);
    m.set_input(1, wName);
  }
  // Attributes: prepend the unit height.
  for (onnx::AttributeProto &a : *m.mutable_attribute()) {
    StringRef name = a.name();
    auto ints = Shape(a.ints().begin(), a.ints().end());
    auto setInts = [&](ArrayRef<int64_t> v) {
      a.clear_ints();
      for (int64_t e : v)
        a.add_ints(e);
    };
    if (name == "kernel_shape" || name == "strides" || name == "dilations" ||
        name == "output_padding") {
      if (ints.size() != 1)
        return nodeError(n) << name << " needs one entry for a 1-D input";
      setInts({name == "output_padding" ? 0 : 1, ints[0]});
    } else if (name == "pads") {
      if (ints.size() != 2)
        return nodeError(n) << "pads needs two entries for a 1-D input";
      setInts({0, ints[0], 0, ints[1]});
    } else if (name == "output_shape") {
      return nodeError(n) << "the output_shape attribute is not supported";
    }
  }
  LogicalResult r = n.op_type() == "Conv"            ? importConv(m)
                    : n.op_type() == "ConvTranspose" ? importConvTranspose(m)
                                                     : importPool(m, n.op_type() == "MaxPool");
  if (failed(r))
    return failure();
  Val y = toLayout(vals[outName], false);
  FailureOr<Val> y3 = reshape(n, y, {y.shape[0], y.shape[1], y.shape[3]});
  if (failed(y3))
    return failure();
  set(n, 0, *y3);
  return success();
}

LogicalResult Importer::importIf(const onnx::NodeProto &n) {
  const ConstTensor *c = getConst(n, 0);
  if (!c || c->numel() != 1)
    return nodeError(n) << "the condition '" << n.input(0)
                        << "' is not a constant; If is supported only when "
                           "its condition is known at import (fix the "
                           "input shapes with --input-shape)";
  const onnx::AttributeProto *branch =
      attr(n, c->iAt(0) ? "then_branch" : "else_branch");
  if (!branch || !branch->has_g())
    return nodeError(n) << "missing branch graph";
  const onnx::GraphProto &g = branch->g();
  if (g.output_size() != n.output_size())
    return nodeError(n) << "the branch has " << g.output_size()
                        << " outputs, the node " << n.output_size();
  Location outer = loc;
  if (failed(readConstants(g)))
    return failure();
  for (const onnx::NodeProto &m : g.node())
    if (failed(processNode(m)))
      return failure();
  loc = outer;
  for (int k = 0; k < n.output_size(); ++k) {
    const std::string &from = g.output(k).name();
    if (auto it = consts.find(from); it != consts.end()) {
      ConstTensor copy = it->second;
      consts[n.output(k)] = std::move(copy);
    } else if (auto v = vals.find(from); v != vals.end()) {
      Val copy = v->second;
      vals[n.output(k)] = copy;
    } else {
      return nodeError(n) << "branch output '" << from
                          << "' is not produced";
    }
  }
  return success();
}

LogicalResult Importer::tryFold(const onnx::NodeProto &n, bool &folded) {
  folded = false;
  const std::string &op = n.op_type();
  if ((op == "Shape" || op == "Size") && hasInput(n, 0) &&
      !consts.count(n.input(0))) {
    FailureOr<Val> x = get(n, 0);
    if (failed(x))
      return failure();
    int64_t rank = x->shape.size();
    int64_t s = 0, e = rank;
    if (op == "Shape") {
      s = attrInt(n, "start", 0);
      e = attrInt(n, "end", rank);
      s = std::clamp<int64_t>(s < 0 ? s + rank : s, 0, rank);
      e = std::clamp<int64_t>(e < 0 ? e + rank : e, 0, rank);
    }
    for (int64_t d = s; d < e; ++d)
      if (x->shape[d] == kDyn)
        return nodeError(n) << "needs dimension " << d << " of '"
                            << n.input(0) << "' (shape "
                            << shapeStr(x->shape)
                            << "), which is symbolic; give the input sizes "
                               "with --input-shape NAME=D0xD1x...";
    ConstTensor t;
    t.isFloat = false;
    if (op == "Size") {
      t.i = {product(x->shape)};
    } else {
      for (int64_t d = s; d < e; ++d)
        t.i.push_back(x->shape[d]);
      t.shape = {int64_t(t.i.size())};
    }
    consts[n.output(0)] = std::move(t);
    folded = true;
    return success();
  }
  // A node missing its data input is reported by importNode.
  if (!isFoldable(op) || !hasInput(n, 0))
    return success();
  SmallVector<const ConstTensor *> ins;
  for (int k = 0; k < n.input_size(); ++k) {
    if (n.input(k).empty()) {
      ins.push_back(nullptr);
      continue;
    }
    auto it = consts.find(n.input(k));
    if (it == consts.end())
      return success(); // real dataflow
    ins.push_back(&it->second);
  }
  if (ins.empty())
    return success();
  std::vector<ConstTensor> outs;
  std::string err;
  if (failed(evaluate(n, opset, ins, outs, err)))
    return nodeError(n) << err;
  if (outs.size() < size_t(n.output_size()))
    return nodeError(n) << "evaluation produced too few outputs";
  for (int k = 0; k < n.output_size(); ++k)
    if (!n.output(k).empty())
      consts[n.output(k)] = std::move(outs[k]);
  folded = true;
  return success();
}

LogicalResult Importer::readConstants(const onnx::GraphProto &g) {
  std::string err;
  for (const onnx::TensorProto &t : g.initializer()) {
    ConstTensor c;
    if (failed(readTensor(t, c, err)))
      return emitError(loc) << "initializer: " << err;
    consts[t.name()] = std::move(c);
  }
  for (const onnx::SparseTensorProto &t : g.sparse_initializer())
    return emitError(loc) << "sparse initializer '" << t.values().name()
                          << "' is not supported";
  Location outer = loc;
  for (const onnx::NodeProto &n : g.node())
    if (n.op_type() == "Constant" && n.output_size() == 1) {
      loc = NameLoc::get(b.getStringAttr(nodeName(n)), fileLoc());
      if (failed(importConstant(n)))
        return failure();
    }
  loc = outer;
  return success();
}

LogicalResult Importer::processNode(const onnx::NodeProto &n) {
  if (n.op_type() == "Constant")
    return success(); // read by readConstants
  loc = NameLoc::get(b.getStringAttr(nodeName(n)), fileLoc());
  if (n.output_size() < 1)
    return nodeError(n) << "has no outputs";
  if (!n.domain().empty() && n.domain() != "ai.onnx")
    return nodeError(n) << "operator domain '" << n.domain()
                        << "' is not supported";
  bool folded;
  if (failed(tryFold(n, folded)))
    return failure();
  if (folded)
    return success();
  return importNode(n);
}

//===----------------------------------------------------------------------===//
// BatchNormalization folding
//===----------------------------------------------------------------------===//

LogicalResult Importer::foldBatchNorms(onnx::GraphProto &g) {
  llvm::StringMap<int> uses;
  llvm::StringMap<int> producer;
  for (const onnx::NodeProto &n : g.node())
    for (const std::string &in : n.input())
      ++uses[in];
  for (const onnx::ValueInfoProto &o : g.output())
    ++uses[o.name()];
  for (int k = 0; k < g.node_size(); ++k)
    for (const std::string &out : g.node(k).output())
      producer[out] = k;
  std::vector<bool> drop(g.node_size(), false);
  for (int k = 0; k < g.node_size(); ++k) {
    const onnx::NodeProto &bn = g.node(k);
    if (bn.op_type() != "BatchNormalization" || bn.input_size() != 5 ||
        attrInt(bn, "training_mode", 0) || bn.output_size() != 1)
      continue;
    auto pIt = producer.find(bn.input(0));
    if (pIt == producer.end() || uses[bn.input(0)] != 1)
      continue;
    onnx::NodeProto *prod = g.mutable_node(pIt->second);
    bool isConv = prod->op_type() == "Conv";
    bool isGemm = prod->op_type() == "Gemm";
    if (!isConv && !isGemm)
      continue;
    const ConstTensor *w = getConst(*prod, 1);
    const ConstTensor *bias = getConst(*prod, 2);
    if (!w || w->shape.size() != (isConv ? 4u : 2u) ||
        (hasInput(*prod, 2) && !bias))
      continue;
    const ConstTensor *p[4];
    bool ok = true;
    for (int i = 0; i < 4; ++i)
      ok &= (p[i] = getConst(bn, i + 1)) != nullptr;
    if (!ok)
      continue;
    bool transB = isGemm && attrInt(*prod, "transB", 0);
    if (isGemm && attrInt(*prod, "transA", 0))
      continue;
    int64_t c = isConv ? w->shape[0] : (transB ? w->shape[0] : w->shape[1]);
    if (llvm::any_of(p, [&](const ConstTensor *t) { return t->numel() != c; }))
      continue;
    float beta = isGemm ? attrFloat(*prod, "beta", 1.0f) : 1.0f;
    if (bias && bias->numel() != c && bias->numel() != 1)
      continue;
    float eps = attrFloat(bn, "epsilon", 1e-5f);
    ConstTensor nw = *w, nb;
    nw.isFloat = true;
    nw.f.resize(w->numel());
    nb.shape = {c};
    int64_t per = w->numel() / c;
    for (int64_t ch = 0; ch < c; ++ch) {
      float a = p[0]->fAt(ch) / std::sqrt(p[3]->fAt(ch) + eps);
      float b0 = bias ? beta * bias->fAt(bias->numel() == 1 ? 0 : ch) : 0.0f;
      nb.f.push_back((b0 - p[2]->fAt(ch)) * a + p[1]->fAt(ch));
      for (int64_t e = 0; e < per; ++e) {
        int64_t idx = (isConv || transB) ? ch * per + e : e * c + ch;
        nw.f[idx] = w->fAt(idx) * a;
      }
    }
    std::string tag = "__bnfold_" + std::to_string(k);
    std::string wName = prod->input(1) + tag, bName = prod->input(0) + tag +
                                                       "_bias";
    consts[wName] = std::move(nw);
    consts[bName] = std::move(nb);
    prod->set_input(1, wName);
    if (prod->input_size() < 3)
      prod->add_input(bName);
    else
      prod->set_input(2, bName);
    if (isGemm) {
      onnx::AttributeProto *betaAttr = nullptr;
      for (onnx::AttributeProto &a : *prod->mutable_attribute())
        if (a.name() == "beta")
          betaAttr = &a;
      if (betaAttr)
        betaAttr->set_f(1.0f);
    }
    prod->set_output(0, bn.output(0));
    drop[k] = true;
  }
  // Remove folded BatchNormalization nodes.
  onnx::GraphProto kept;
  for (int k = 0; k < g.node_size(); ++k)
    if (!drop[k])
      *kept.add_node() = g.node(k);
  g.mutable_node()->Swap(kept.mutable_node());
  return success();
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

LogicalResult Importer::importNode(const onnx::NodeProto &n) {
  const std::string &op = n.op_type();
  if (!n.domain().empty() && n.domain() != "ai.onnx")
    return nodeError(n) << "operator domain '" << n.domain()
                        << "' is not supported";
  // Required inputs (optional ones may be absent or empty).
  int required = llvm::StringSwitch<int>(op)
                     .Cases({"Conv", "Gemm", "MatMul", "Add", "Sub", "Mul",
                             "Reshape", "Div", "Pow", "Gather", "Expand",
                             "ConvTranspose"},
                            2)
                     .Case("Where", 3)
                     .Case("BatchNormalization", 5)
                     .Case("Pad", opset >= 11 ? 2 : 1)
                     .Case("Slice", opset >= 10 ? 3 : 1)
                     .Default(1);
  for (int k = 0; k < required; ++k)
    if (!hasInput(n, k))
      return nodeError(n) << "needs " << required
                          << (required == 1 ? " input" : " inputs")
                          << "; input #" << k << " is missing";
  // Before opset 7, binary ops broadcast only with `broadcast = 1`, aligning
  // the second operand at `axis`; without `axis` that is the trailing
  // alignment numpy uses. (`consumed_inputs` was an optimisation hint.)
  if (opset < 7 && (op == "Add" || op == "Sub" || op == "Mul") &&
      attr(n, "axis"))
    return nodeError(n) << "legacy (opset < 7) broadcasting along 'axis' is "
                           "not supported";
  // Recurrent and looping ops: unrolling them is not implemented (a
  // documented choice, docs/conformance.md).
  if (op == "LSTM" || op == "GRU" || op == "RNN" || op == "Loop" ||
      op == "Scan")
    return nodeError(n) << "'" << op
                        << "' is not supported: recurrent and loop ops "
                           "are not unrolled; export the model with the "
                           "recurrence outside the graph";
  bool rank3 = false;
  if ((op == "Conv" || op == "ConvTranspose" || op == "MaxPool" ||
       op == "AveragePool") &&
      hasInput(n, 0)) {
    auto v = vals.find(n.input(0));
    rank3 = v != vals.end() && v->second.shape.size() == 3;
  }
  if (rank3)
    return import1D(n);
  if (op == "MaxPool" || op == "AveragePool")
    return importPool(n, op == "MaxPool");
  // Max/Min/Sum with two inputs broadcast like any binary op; other arities,
  // and Mean, are folded pairwise.
  if ((op == "Max" || op == "Min" || op == "Sum") && n.input_size() == 2)
    return importBinary(n);
  using Handler = LogicalResult (Importer::*)(const onnx::NodeProto &);
  static const llvm::StringMap<Handler> kHandlers = [] {
    llvm::StringMap<Handler> m;
    auto add = [&](std::initializer_list<StringRef> ops, Handler h) {
      for (StringRef o : ops)
        m[o] = h;
    };
    add({"Conv"}, &Importer::importConv);
    add({"ConvTranspose"}, &Importer::importConvTranspose);
    add({"Max", "Min", "Sum", "Mean"}, &Importer::importVariadic);
    add({"Add", "Sub", "Mul", "Div", "Pow"}, &Importer::importBinary);
    add({"Relu", "Sigmoid", "LeakyRelu", "HardSwish", "HardSigmoid", "Tanh",
         "Exp", "Log", "Erf", "Abs", "Floor", "Ceil", "Reciprocal", "Sqrt",
         "Neg", "Softplus"},
        &Importer::importUnary);
    add({"ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd"},
        &Importer::importReduce);
    add({"Squeeze", "Unsqueeze"}, &Importer::importSqueeze);
    add({"Slice"}, &Importer::importSlice);
    add({"Split"}, &Importer::importSplit);
    add({"Gather"}, &Importer::importGather);
    add({"Cast", "CastLike"}, &Importer::importCast);
    add({"Expand"}, &Importer::importExpand);
    add({"Where"}, &Importer::importWhere);
    add({"Resize", "Upsample"}, &Importer::importResize);
    add({"If"}, &Importer::importIf);
    add({"GlobalAveragePool"}, &Importer::importGlobalAveragePool);
    add({"Gemm"}, &Importer::importGemm);
    add({"MatMul"}, &Importer::importMatMul);
    add({"Clip"}, &Importer::importClip);
    add({"Flatten"}, &Importer::importFlatten);
    add({"Reshape"}, &Importer::importReshape);
    add({"Transpose"}, &Importer::importTranspose);
    add({"Concat"}, &Importer::importConcat);
    add({"Softmax"}, &Importer::importSoftmax);
    add({"BatchNormalization"}, &Importer::importBatchNorm);
    add({"Constant"}, &Importer::importConstant);
    add({"Identity", "Dropout"}, &Importer::importIdentity);
    add({"Pad"}, &Importer::importPad);
    return m;
  }();
  auto h = kHandlers.find(op);
  if (h != kHandlers.end())
    return (this->*(h->second))(n);
  return nodeError(n) << "unsupported op type '" << op << "'";
}

OwningOpRef<ModuleOp> Importer::run(StringRef bytes) {
  loc = fileLoc();
  onnx::ModelProto model;
  if (bytes.size() > size_t(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(bytes.data(), int(bytes.size()))) {
    emitError(loc) << "not a valid ONNX model: the protobuf could not be "
                      "parsed (truncated or not an ONNX file)";
    return {};
  }
  if (!model.has_graph() || model.ir_version() <= 0) {
    emitError(loc) << "not a valid ONNX model: missing "
                   << (model.has_graph() ? "ir_version" : "graph");
    return {};
  }
  // Unique names, inputs versus initializers, dimensions, sizes and the
  // opset range, before any IR is built (docs/hardening.md, class 9).
  if (failed(mpq::validateONNXGraph(model, loc)))
    return {};
  for (const onnx::OperatorSetIdProto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset == 0)
    opset = 1;
  if (opset > 21) {
    emitError(loc) << "ONNX opset " << opset
                   << " is not supported (up to 21 is)";
    return {};
  }
  onnx::GraphProto graph = model.graph();

  // Initializers and Constant nodes are needed before BN folding looks at
  // parameters.
  if (failed(readConstants(graph)))
    return {};
  loc = fileLoc();
  if (opts.foldBatchNorm && failed(foldBatchNorms(graph)))
    return {};

  // Signature: graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  size_t shapesUsed = 0;
  for (const onnx::ValueInfoProto &in : graph.input()) {
    if (consts.count(in.name()))
      continue;
    const onnx::TypeProto &tp = in.type();
    if (!tp.has_tensor_type()) {
      emitError(loc) << "graph input '" << in.name()
                     << "' is not a tensor";
      return {};
    }
    if (tp.tensor_type().elem_type() != onnx::TensorProto::FLOAT) {
      emitError(loc) << "graph input '" << in.name() << "' has element type "
                     << onnxTypeName(tp.tensor_type().elem_type())
                     << "; only float32 inputs are supported (mpq imports "
                        "float networks)";
      return {};
    }
    if (!tp.tensor_type().has_shape()) {
      emitError(loc) << "graph input '" << in.name()
                     << "' has no shape; its rank cannot be resolved";
      return {};
    }
    Shape s;
    for (const auto &d : tp.tensor_type().shape().dim()) {
      if (d.has_dim_value() && d.dim_value() >= 0)
        s.push_back(d.dim_value());
      else
        s.push_back(kDyn);
    }
    if (auto given = opts.inputShapes.find(in.name());
        given != opts.inputShapes.end()) {
      const SmallVector<int64_t> &g = given->second;
      if (g.size() != s.size()) {
        emitError(loc) << "--input-shape " << in.name() << "=" << shapeStr(g)
                       << " has rank " << g.size() << ", the model declares "
                       << shapeStr(s);
        return {};
      }
      for (size_t d = 0; d < s.size(); ++d) {
        if (s[d] != kDyn && g[d] != kDyn && s[d] != g[d]) {
          emitError(loc) << "--input-shape " << in.name() << "="
                         << shapeStr(g) << " disagrees with the model's "
                         << shapeStr(s) << " in dimension " << d;
          return {};
        }
        if (g[d] != kDyn)
          s[d] = g[d];
      }
      ++shapesUsed;
    }
    if (llvm::is_contained(s, 0)) {
      emitError(loc) << "graph input '" << in.name() << "' has shape "
                     << shapeStr(s)
                     << "; empty (zero-sized) tensors are not supported";
      return {};
    }
    if (llvm::count(s, kDyn) > 1 ||
        (llvm::is_contained(s, kDyn) && s[0] != kDyn)) {
      emitError(loc) << "graph input '" << in.name() << "' has shape "
                     << shapeStr(s)
                     << "; only the first (batch) dimension may be "
                        "symbolic: give the sizes with --input-shape "
                     << in.name() << "=D0xD1x...";
      return {};
    }
    argTypes.push_back(f32(s));
    argNames.push_back(in.name());
  }
  if (shapesUsed != opts.inputShapes.size()) {
    for (const auto &[name, shape] : opts.inputShapes)
      if (!llvm::is_contained(argNames, name)) {
        std::string names;
        for (const std::string &a : argNames)
          names += (names.empty() ? "'" : ", '") + a + "'";
        emitError(loc) << "--input-shape names '" << name
                       << "', which is not a graph input (inputs: " << names
                       << ")";
        return {};
      }
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());
  b.setInsertionPointToEnd(module->getBody());
  auto fn = func::FuncOp::create(b, fileLoc(), opts.entryName,
                                 b.getFunctionType(argTypes, {}));
  Block *body = fn.addEntryBlock();
  for (auto [k, arg] : llvm::enumerate(body->getArguments())) {
    fn.setArgAttr(k, "mpq.name", b.getStringAttr(argNames[k]));
    vals[argNames[k]] =
        Val{arg, Shape(cast<RankedTensorType>(arg.getType()).getShape()),
            false};
  }
  b.setInsertionPointToEnd(body);

  for (const onnx::NodeProto &n : graph.node()) {
    if (failed(processNode(n)))
      return {};
    // Every value the node defined must have a shape the rest of mpq can
    // size: no negative dimension, no overflow, at most kMaxTensorBytes.
    for (const std::string &out : n.output()) {
      auto it = vals.find(out);
      if (it == vals.end())
        continue;
      Shape dims;
      for (int64_t d : it->second.shape)
        dims.push_back(d == kDyn ? 1 : d);
      if (std::optional<std::string> why =
              mpq::checkTensorSize(dims, 4, "f32"))
        return (nodeError(n) << "output '" << out << "' of shape "
                             << shapeStr(it->second.shape) << ": " << *why,
                nullptr);
    }
  }
  loc = fileLoc();
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    Val v;
    if (vals.count(out.name())) {
      v = vals[out.name()];
    } else if (consts.count(out.name())) {
      const ConstTensor &c = consts[out.name()];
      std::vector<float> data(c.numel());
      for (size_t e = 0; e < data.size(); ++e)
        data[e] = c.fAt(e);
      v = Val{constF(c.shape, data), c.shape, false};
    } else {
      emitError(loc) << "graph output '" << out.name()
                     << "' is not produced by any node";
      return {};
    }
    v = toLayout(v, false);
    results.push_back(v.v);
    resultTypes.push_back(v.v.getType());
  }
  func::ReturnOp::create(b, loc, results);
  fn.setType(b.getFunctionType(argTypes, resultTypes));
  for (auto [k, out] : llvm::enumerate(graph.output()))
    fn.setResultAttr(k, "mpq.name", b.getStringAttr(out.name()));

  if (failed(verify(*module))) {
    emitError(loc) << "internal error: the imported module does not verify; "
                      "please report this model";
    return {};
  }
  return module;
}

} // namespace

OwningOpRef<ModuleOp> mpq::importONNXModel(StringRef bytes, StringRef fileName,
                                           MLIRContext *context,
                                           const ONNXImportOptions &options) {
  context->loadDialect<func::FuncDialect, tosa::TosaDialect>();
  Importer importer(context, fileName, options);
  return importer.run(bytes);
}

LogicalResult mpq::parseInputShape(StringRef spec, ONNXImportOptions &options,
                                   std::string &err) {
  auto [name, dims] = spec.rsplit('=');
  if (name.empty() || dims.empty() || !spec.contains('=')) {
    err = "--input-shape '" + spec.str() +
          "' must be NAME=D0xD1x... (e.g. x=1x3x48x192)";
    return failure();
  }
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    if (p == "?" || p == "-1") {
      shape.push_back(ShapedType::kDynamic);
    } else if (p.getAsInteger(10, d) || d < 1) {
      err = "--input-shape '" + spec.str() + "': dimension '" + p.str() +
            "' is not a positive integer (or '?')";
      return failure();
    } else {
      shape.push_back(d);
    }
  }
  if (options.inputShapes.count(name.str())) {
    err = "--input-shape gives '" + name.str() + "' twice";
    return failure();
  }
  options.inputShapes[name.str()] = shape;
  return success();
}

void mpq::registerONNXImportTranslation() {
  static llvm::cl::list<std::string> inputShapes(
      "input-shape",
      llvm::cl::desc("with --import-onnx: the shape of a graph input, "
                     "NAME=D0xD1x... ('?' keeps a dimension symbolic); "
                     "repeatable"),
      llvm::cl::value_desc("NAME=D0xD1x..."));
  static TranslateToMLIRRegistration reg(
      "import-onnx", "import an ONNX model (.onnx protobuf) as TOSA",
      [](llvm::SourceMgr &sourceMgr, MLIRContext *ctx) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buf =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        mpq::ONNXImportOptions options;
        for (const std::string &spec : inputShapes) {
          std::string err;
          if (failed(mpq::parseInputShape(spec, options, err))) {
            emitError(UnknownLoc::get(ctx)) << err;
            return nullptr;
          }
        }
        OwningOpRef<ModuleOp> m = mpq::importONNXModel(
            buf->getBuffer(), buf->getBufferIdentifier(), ctx, options);
        return OwningOpRef<Operation *>(m.release());
      },
      [](DialectRegistry &registry) { mpq::registerAllMpqDialects(registry); });
}
