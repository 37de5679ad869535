//===- ConstEval.cpp - Host evaluation of constant ONNX nodes -------------===//
//
// Straightforward reference implementations over ConstTensor. Sizes here are
// those of shape vectors and small parameter tensors, so clarity wins over
// speed; every index is checked against the shapes it came with.
//
//===----------------------------------------------------------------------===//

#include "ConstEval.h"
#include "mpq/Support/CheckedMath.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mpq::onnximport;

std::string mpq::onnximport::shapeStr(ArrayRef<int64_t> s) {
  std::string out = "[";
  for (size_t k = 0; k < s.size(); ++k) {
    if (k)
      out += ",";
    out += s[k] == kDyn ? "?" : std::to_string(s[k]);
  }
  return out + "]";
}

const onnx::AttributeProto *
mpq::onnximport::findAttr(const onnx::NodeProto &n, StringRef name) {
  for (const onnx::AttributeProto &a : n.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t mpq::onnximport::attrInt(const onnx::NodeProto &n, StringRef name,
                                 int64_t dflt) {
  const onnx::AttributeProto *a = findAttr(n, name);
  return a ? a->i() : dflt;
}

Shape mpq::onnximport::attrInts(const onnx::NodeProto &n, StringRef name,
                                Shape dflt) {
  const onnx::AttributeProto *a = findAttr(n, name);
  if (!a)
    return dflt;
  return Shape(a->ints().begin(), a->ints().end());
}

FailureOr<Shape> mpq::onnximport::unsqueezeShape(ArrayRef<int64_t> in,
                                                 ArrayRef<int64_t> axes,
                                                 std::string &err) {
  int64_t rank = in.size() + axes.size();
  SmallVector<bool> isNew(rank, false);
  for (int64_t a : axes) {
    int64_t ax = a < 0 ? a + rank : a;
    if (ax < 0 || ax >= rank || isNew[ax]) {
      err = "axis " + std::to_string(a) + " is out of range or repeated "
            "for an output of rank " + std::to_string(rank);
      return failure();
    }
    isNew[ax] = true;
  }
  Shape out;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    out.push_back(isNew[d] ? 1 : in[next++]);
  return out;
}

FailureOr<Shape> mpq::onnximport::squeezeShape(ArrayRef<int64_t> in,
                                               ArrayRef<int64_t> axes,
                                               std::string &err) {
  int64_t rank = in.size();
  SmallVector<bool> drop(rank, false);
  if (axes.empty()) {
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = in[d] == 1;
  }
  for (int64_t a : axes) {
    int64_t ax = a < 0 ? a + rank : a;
    if (ax < 0 || ax >= rank) {
      err = "axis " + std::to_string(a) + " is out of range for rank " +
            std::to_string(rank);
      return failure();
    }
    if (in[ax] != 1 && in[ax] != kDyn) {
      err = "cannot squeeze axis " + std::to_string(a) + " of shape " +
            shapeStr(in) + ": its size is not 1";
      return failure();
    }
    drop[ax] = true;
  }
  Shape out;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      out.push_back(in[d] == kDyn ? 1 : in[d]);
  return out;
}

FailureOr<SmallVector<SliceDim>>
mpq::onnximport::sliceDims(ArrayRef<int64_t> in, ArrayRef<int64_t> starts,
                           ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
                           ArrayRef<int64_t> steps, std::string &err) {
  int64_t rank = in.size();
  SmallVector<SliceDim> dims;
  for (int64_t d : in)
    dims.push_back({0, 1, d});
  if (starts.size() != ends.size() ||
      (!axes.empty() && axes.size() != starts.size()) ||
      (!steps.empty() && steps.size() != starts.size())) {
    err = "starts, ends, axes and steps must have the same length";
    return failure();
  }
  SmallVector<bool> seen(rank, false);
  for (size_t k = 0; k < starts.size(); ++k) {
    int64_t ax = axes.empty() ? int64_t(k) : axes[k];
    if (ax < 0)
      ax += rank;
    if (ax < 0 || ax >= rank || seen[ax]) {
      err = "slice axis out of range or repeated for rank " +
            std::to_string(rank);
      return failure();
    }
    seen[ax] = true;
    int64_t dim = in[ax];
    if (dim == kDyn) {
      err = "cannot slice dimension " + std::to_string(ax) + " of shape " +
            shapeStr(in) + ": its size is unknown";
      return failure();
    }
    int64_t step = steps.empty() ? 1 : steps[k];
    if (step == 0) {
      err = "slice step must not be 0";
      return failure();
    }
    // Starts and ends beyond int range are common (INT64_MAX for "to the
    // end"); clamp before any arithmetic.
    auto norm = [&](int64_t v) {
      if (v < 0)
        v = v < -dim ? -dim - 1 : v;
      return v < 0 ? v + dim : std::min(v, dim + 1);
    };
    int64_t s = norm(starts[k]), e = norm(ends[k]);
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
    } else {
      s = std::clamp<int64_t>(s, -1, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
    }
    int64_t count = step > 0 ? (e - s + step - 1) / step
                             : (s - e + (-step) - 1) / (-step);
    dims[ax] = {s, step, std::max<int64_t>(count, 0)};
  }
  return dims;
}

FailureOr<Shape> mpq::onnximport::splitSizes(const onnx::NodeProto &n,
                                             int64_t opset, int64_t dim,
                                             const ConstTensor *splitInput,
                                             std::string &err) {
  int64_t outs = n.output_size();
  Shape sizes;
  if (opset < 13) {
    sizes = attrInts(n, "split");
  } else if (splitInput) {
    for (int64_t k = 0; k < splitInput->numel(); ++k)
      sizes.push_back(splitInput->iAt(k));
  }
  if (!sizes.empty()) {
    if (int64_t(sizes.size()) != outs) {
      err = "split has " + std::to_string(sizes.size()) + " sizes for " +
            std::to_string(outs) + " outputs";
      return failure();
    }
    int64_t total = 0;
    for (int64_t s : sizes) {
      if (s < 0) {
        err = "negative split size";
        return failure();
      }
      total += s;
    }
    if (total != dim) {
      err = "split sizes add up to " + std::to_string(total) +
            ", the axis has " + std::to_string(dim);
      return failure();
    }
    return sizes;
  }
  if (dim == kDyn) {
    err = "the split axis must have a known size";
    return failure();
  }
  int64_t parts = attrInt(n, "num_outputs", outs);
  if (parts != outs || outs < 1) {
    err = "num_outputs does not match the number of outputs";
    return failure();
  }
  // Even split; from opset 18 the last part may be smaller.
  int64_t each = (dim + outs - 1) / outs;
  if (opset < 18 && dim % outs) {
    err = "axis of size " + std::to_string(dim) + " does not split evenly " +
          "into " + std::to_string(outs) + " parts";
    return failure();
  }
  int64_t left = dim;
  for (int64_t k = 0; k < outs; ++k) {
    sizes.push_back(std::min(each, left));
    left -= sizes.back();
  }
  return sizes;
}

//===----------------------------------------------------------------------===//
// Evaluator
//===----------------------------------------------------------------------===//

bool mpq::onnximport::isFoldable(StringRef opType) {
  static const llvm::StringSet<> ops = {
      "Identity", "Shape",  "Size",        "Gather",   "Unsqueeze",
      "Squeeze",  "Concat", "ConstantOfShape", "Cast", "CastLike",
      "Slice",    "Split",  "Equal",       "Less",     "Greater",
      "LessOrEqual", "GreaterOrEqual", "Not", "And",    "Or",
      "Where",    "Range",  "Add",         "Sub",      "Mul",
      "Div",      "Neg",    "Abs",         "Floor",    "Ceil",
      "Sqrt",     "Reshape", "Expand",     "Min",      "Max",
      "ReduceProd", "ReduceSum", "Transpose", "Tile", "Flatten",
      "Mod",      "Reciprocal", "Pow",     "Round"};
  return ops.contains(opType);
}

namespace {

Shape stridesOf(ArrayRef<int64_t> s) {
  Shape st(s.size(), 1);
  for (int64_t d = int64_t(s.size()) - 2; d >= 0; --d)
    st[d] = st[d + 1] * s[d + 1];
  return st;
}

/// Copies element `from` of `src` to element `to` of `dst` (same kind).
void copyElt(const ConstTensor &src, int64_t from, ConstTensor &dst,
             int64_t to) {
  if (src.isFloat)
    dst.f[to] = src.f[from];
  else
    dst.i[to] = src.i[from];
}

ConstTensor like(const ConstTensor &src, Shape shape) {
  ConstTensor t;
  t.shape = std::move(shape);
  t.isFloat = src.isFloat;
  if (t.isFloat)
    t.f.resize(t.numel());
  else
    t.i.resize(t.numel());
  return t;
}

/// out[idx] = src[map(idx)] where `map` turns an output multi-index into a
/// flat input offset.
template <typename Fn>
ConstTensor gatherMap(const ConstTensor &src, Shape outShape, Fn map) {
  ConstTensor out = like(src, outShape);
  int64_t n = out.numel();
  Shape idx(outShape.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    copyElt(src, map(ArrayRef<int64_t>(idx)), out, k);
    for (int64_t d = int64_t(idx.size()) - 1; d >= 0; --d) {
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

LogicalResult broadcastShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                             Shape &out, std::string &err) {
  size_t rank = std::max(a.size(), b.size());
  out.assign(rank, 1);
  for (size_t d = 0; d < rank; ++d) {
    int64_t x = d + a.size() >= rank ? a[d + a.size() - rank] : 1;
    int64_t y = d + b.size() >= rank ? b[d + b.size() - rank] : 1;
    if (x != y && x != 1 && y != 1) {
      err = "cannot broadcast " + shapeStr(a) + " with " + shapeStr(b);
      return failure();
    }
    out[d] = x == 1 ? y : x;
  }
  return success();
}

/// Flat offset into a tensor of shape `s` for output index `idx` of a
/// broadcast of rank idx.size().
int64_t bcastOffset(ArrayRef<int64_t> s, ArrayRef<int64_t> idx) {
  int64_t off = 0, stride = 1;
  for (int64_t d = int64_t(s.size()) - 1; d >= 0; --d) {
    int64_t i = idx[idx.size() - s.size() + d];
    off += (s[d] == 1 ? 0 : i) * stride;
    stride *= s[d];
  }
  return off;
}

ConstTensor toFloat(const ConstTensor &c) {
  if (c.isFloat)
    return c;
  ConstTensor t;
  t.shape = c.shape;
  t.f.assign(c.i.begin(), c.i.end());
  return t;
}

ConstTensor toInt(const ConstTensor &c, bool toBool = false) {
  ConstTensor t;
  t.isFloat = false;
  t.shape = c.shape;
  t.i.resize(c.numel());
  for (int64_t k = 0; k < c.numel(); ++k) {
    if (toBool)
      t.i[k] = c.dAt(k) != 0;
    else if (c.isFloat)
      t.i[k] = std::isfinite(c.f[k]) ? int64_t(std::trunc(c.f[k])) : 0;
    else
      t.i[k] = c.i[k];
  }
  return t;
}

/// ONNX TensorProto data types that are integers or bool.
bool isIntType(int64_t dt) {
  return dt != onnx::TensorProto::FLOAT && dt != onnx::TensorProto::DOUBLE &&
         dt != onnx::TensorProto::FLOAT16 && dt != onnx::TensorProto::BFLOAT16;
}

int64_t normAxis(int64_t a, int64_t rank, std::string &err, bool &ok) {
  int64_t ax = a < 0 ? a + rank : a;
  if (ax < 0 || ax >= rank) {
    err = "axis " + std::to_string(a) + " is out of range for rank " +
          std::to_string(rank);
    ok = false;
  }
  return ax;
}

/// Reads an axes list from attribute `name` (before `inputFrom`) or input
/// `k`.
Shape axesOf(const onnx::NodeProto &n, int64_t opset, int64_t inputFrom,
             ArrayRef<const ConstTensor *> ins, size_t k) {
  if (opset < inputFrom)
    return attrInts(n, "axes");
  Shape axes;
  if (ins.size() > k && ins[k])
    for (int64_t e = 0; e < ins[k]->numel(); ++e)
      axes.push_back(ins[k]->iAt(e));
  return axes;
}

} // namespace

LogicalResult mpq::onnximport::evaluate(const onnx::NodeProto &n,
                                        int64_t opset,
                                        ArrayRef<const ConstTensor *> ins,
                                        std::vector<ConstTensor> &outs,
                                        std::string &err) {
  StringRef op = n.op_type();
  outs.clear();
  auto in = [&](size_t k) -> const ConstTensor * {
    return k < ins.size() ? ins[k] : nullptr;
  };
  if (!in(0) && op != "Range") {
    err = "input #0 is missing";
    return failure();
  }
  const ConstTensor &x = *in(0);
  bool ok = true;

  if (op == "Identity") {
    outs.push_back(x);
    return success();
  }
  if (op == "Shape") {
    int64_t rank = x.shape.size();
    int64_t s = attrInt(n, "start", 0), e = attrInt(n, "end", rank);
    s = std::clamp<int64_t>(s < 0 ? s + rank : s, 0, rank);
    e = std::clamp<int64_t>(e < 0 ? e + rank : e, 0, rank);
    ConstTensor t;
    t.isFloat = false;
    for (int64_t d = s; d < e; ++d)
      t.i.push_back(x.shape[d]);
    t.shape = {int64_t(t.i.size())};
    outs.push_back(std::move(t));
    return success();
  }
  if (op == "Size") {
    ConstTensor t;
    t.isFloat = false;
    t.i = {x.numel()};
    outs.push_back(std::move(t));
    return success();
  }
  if (op == "Cast" || op == "CastLike") {
    bool toI, toBool;
    if (op == "Cast") {
      int64_t to = attrInt(n, "to", onnx::TensorProto::FLOAT);
      toI = isIntType(to);
      toBool = to == onnx::TensorProto::BOOL;
    } else {
      if (!in(1)) {
        err = "CastLike needs a target";
        return failure();
      }
      toI = !in(1)->isFloat;
      toBool = false;
    }
    outs.push_back(toI ? toInt(x, toBool) : toFloat(x));
    return success();
  }
  if (op == "ConstantOfShape") {
    ConstTensor t;
    for (int64_t k = 0; k < x.numel(); ++k) {
      if (x.iAt(k) < 0) {
        err = "negative dimension in the shape";
        return failure();
      }
      t.shape.push_back(x.iAt(k));
    }
    if (const onnx::AttributeProto *a = findAttr(n, "value")) {
      const onnx::TensorProto &v = a->t();
      bool isF = !isIntType(v.data_type());
      double val = 0;
      if (v.float_data_size())
        val = v.float_data(0);
      else if (v.double_data_size())
        val = v.double_data(0);
      else if (v.int64_data_size())
        val = double(v.int64_data(0));
      else if (v.int32_data_size())
        val = v.int32_data(0);
      else if (!v.raw_data().empty()) {
        const std::string &r = v.raw_data();
        switch (v.data_type()) {
        case onnx::TensorProto::FLOAT: {
          float f;
          memcpy(&f, r.data(), std::min<size_t>(4, r.size()));
          val = f;
          break;
        }
        case onnx::TensorProto::DOUBLE:
          memcpy(&val, r.data(), std::min<size_t>(8, r.size()));
          break;
        case onnx::TensorProto::INT64: {
          int64_t i = 0;
          memcpy(&i, r.data(), std::min<size_t>(8, r.size()));
          val = double(i);
          break;
        }
        case onnx::TensorProto::INT32: {
          int32_t i = 0;
          memcpy(&i, r.data(), std::min<size_t>(4, r.size()));
          val = i;
          break;
        }
        default:
          val = uint8_t(r[0]);
        }
      }
      t.isFloat = isF;
      if (isF)
        t.f.assign(t.numel(), float(val));
      else
        t.i.assign(t.numel(), int64_t(val));
    } else {
      t.f.assign(t.numel(), 0.0f);
    }
    outs.push_back(std::move(t));
    return success();
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    Shape axes = axesOf(n, opset, 13, ins, 1);
    FailureOr<Shape> s = op == "Unsqueeze"
                             ? unsqueezeShape(x.shape, axes, err)
                             : squeezeShape(x.shape, axes, err);
    if (failed(s))
      return failure();
    ConstTensor t = x;
    t.shape = *s;
    outs.push_back(std::move(t));
    return success();
  }
  if (op == "Reshape" || op == "Flatten") {
    ConstTensor t = x;
    if (op == "Flatten") {
      int64_t rank = x.shape.size();
      int64_t axis = attrInt(n, "axis", 1);
      if (axis < 0)
        axis += rank;
      if (axis < 0 || axis > rank) {
        err = "axis out of range";
        return failure();
      }
      int64_t a = 1;
      for (int64_t d = 0; d < axis; ++d)
        a *= x.shape[d];
      t.shape = {a, x.numel() / std::max<int64_t>(a, 1)};
      outs.push_back(std::move(t));
      return success();
    }
    if (!in(1)) {
      err = "missing shape";
      return failure();
    }
    Shape to;
    int infer = -1;
    for (int64_t k = 0; k < in(1)->numel(); ++k) {
      int64_t d = in(1)->iAt(k);
      if (d == 0 && !attrInt(n, "allowzero", 0))
        d = k < int64_t(x.shape.size()) ? x.shape[k] : 0;
      if (d == -1) {
        if (infer >= 0) {
          err = "more than one -1 in the target shape";
          return failure();
        }
        infer = k;
        d = 1;
      } else if (d < 0) {
        err = "invalid target dimension";
        return failure();
      }
      to.push_back(d);
    }
    std::optional<int64_t> known = mpq::checkedNumElements(to);
    if (!known) {
      err = "reshape target " + shapeStr(to) + " overflows int64";
      return failure();
    }
    if (infer >= 0 && *known)
      to[infer] = x.numel() / *known;
    std::optional<int64_t> total = mpq::checkedNumElements(to);
    if (!total || *total != x.numel()) {
      err = "cannot reshape " + shapeStr(x.shape) + " to " + shapeStr(to);
      return failure();
    }
    t.shape = to;
    outs.push_back(std::move(t));
    return success();
  }
  if (op == "Concat") {
    int64_t rank = x.shape.size();
    int64_t axis = normAxis(attrInt(n, "axis", 0), rank, err, ok);
    if (!ok)
      return failure();
    Shape outShape = x.shape;
    outShape[axis] = 0;
    bool anyFloat = false;
    for (size_t k = 0; k < ins.size(); ++k) {
      if (!ins[k] || int64_t(ins[k]->shape.size()) != rank) {
        err = "inputs must all be present and of the same rank";
        return failure();
      }
      for (int64_t d = 0; d < rank; ++d)
        if (d != axis && ins[k]->shape[d] != x.shape[d]) {
          err = "input shapes differ outside the axis";
          return failure();
        }
      outShape[axis] += ins[k]->shape[axis];
      anyFloat |= ins[k]->isFloat;
    }
    ConstTensor t;
    t.isFloat = anyFloat;
    t.shape = outShape;
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d)
      outer *= outShape[d];
    for (int64_t o = 0; o < outer; ++o)
      for (const ConstTensor *c : ins) {
        int64_t chunk = c->numel() / std::max<int64_t>(outer, 1);
        for (int64_t e = 0; e < chunk; ++e) {
          if (anyFloat)
            t.f.push_back(c->fAt(o * chunk + e));
          else
            t.i.push_back(c->i[o * chunk + e]);
        }
      }
    outs.push_back(std::move(t));
    return success();
  }
  if (op == "Gather") {
    if (!in(1)) {
      err = "missing indices";
      return failure();
    }
    const ConstTensor &idx = *in(1);
    int64_t rank = x.shape.size();
    int64_t axis = normAxis(attrInt(n, "axis", 0), rank, err, ok);
    if (!ok)
      return failure();
    int64_t dim = x.shape[axis];
    Shape outShape(x.shape.begin(), x.shape.begin() + axis);
    outShape.append(idx.shape.begin(), idx.shape.end());
    outShape.append(x.shape.begin() + axis + 1, x.shape.end());
    for (int64_t k = 0; k < idx.numel(); ++k) {
      int64_t v = idx.iAt(k);
      if (v < -dim || v >= dim) {
        err = "index " + std::to_string(v) + " is out of range for an axis "
              "of size " + std::to_string(dim);
        return failure();
      }
    }
    Shape st = stridesOf(x.shape), ist = stridesOf(idx.shape);
    int64_t ir = idx.shape.size();
    outs.push_back(gatherMap(x, outShape, [&](ArrayRef<int64_t> o) {
      int64_t flatIdx = 0;
      for (int64_t d = 0; d < ir; ++d)
        flatIdx += o[axis + d] * ist[d];
      int64_t v = idx.iAt(flatIdx);
      if (v < 0)
        v += dim;
      int64_t off = v * st[axis];
      for (int64_t d = 0; d < axis; ++d)
        off += o[d] * st[d];
      for (int64_t d = axis + 1; d < rank; ++d)
        off += o[d + ir - 1] * st[d];
      return off;
    }));
    return success();
  }
  if (op == "Slice") {
    Shape starts, ends, axes, steps;
    if (opset < 10) {
      starts = attrInts(n, "starts");
      ends = attrInts(n, "ends");
      axes = attrInts(n, "axes");
    } else {
      auto vec = [&](size_t k, Shape &v) {
        if (in(k))
          for (int64_t e = 0; e < in(k)->numel(); ++e)
            v.push_back(in(k)->iAt(e));
      };
      vec(1, starts);
      vec(2, ends);
      vec(3, axes);
      vec(4, steps);
    }
    FailureOr<SmallVector<SliceDim>> dims =
        sliceDims(x.shape, starts, ends, axes, steps, err);
    if (failed(dims))
      return failure();
    Shape outShape, st = stridesOf(x.shape);
    for (const SliceDim &d : *dims)
      outShape.push_back(d.count);
    outs.push_back(gatherMap(x, outShape, [&](ArrayRef<int64_t> o) {
      int64_t off = 0;
      for (size_t d = 0; d < o.size(); ++d)
        off += ((*dims)[d].start + o[d] * (*dims)[d].step) * st[d];
      return off;
    }));
    return success();
  }
  if (op == "Split") {
    int64_t rank = x.shape.size();
    int64_t axis = normAxis(attrInt(n, "axis", 0), rank, err, ok);
    if (!ok)
      return failure();
    FailureOr<Shape> sizes = splitSizes(n, opset, x.shape[axis], in(1), err);
    if (failed(sizes))
      return failure();
    Shape st = stridesOf(x.shape);
    int64_t begin = 0;
    for (int64_t s : *sizes) {
      Shape outShape = x.shape;
      outShape[axis] = s;
      outs.push_back(gatherMap(x, outShape, [&](ArrayRef<int64_t> o) {
        int64_t off = 0;
        for (int64_t d = 0; d < rank; ++d)
          off += (o[d] + (d == axis ? begin : 0)) * st[d];
        return off;
      }));
      begin += s;
    }
    return success();
  }
  if (op == "Transpose") {
    int64_t rank = x.shape.size();
    Shape perm = attrInts(n, "perm");
    if (perm.empty())
      for (int64_t d = rank - 1; d >= 0; --d)
        perm.push_back(d);
    if (int64_t(perm.size()) != rank) {
      err = "perm has the wrong length";
      return failure();
    }
    Shape outShape, st = stridesOf(x.shape);
    for (int64_t p : perm) {
      if (p < 0 || p >= rank) {
        err = "perm entry out of range";
        return failure();
      }
      outShape.push_back(x.shape[p]);
    }
    outs.push_back(gatherMap(x, outShape, [&](ArrayRef<int64_t> o) {
      int64_t off = 0;
      for (int64_t d = 0; d < rank; ++d)
        off += o[d] * st[perm[d]];
      return off;
    }));
    return success();
  }
  if (op == "Expand" || op == "Tile") {
    if (!in(1)) {
      err = "missing shape";
      return failure();
    }
    Shape target;
    for (int64_t k = 0; k < in(1)->numel(); ++k)
      target.push_back(in(1)->iAt(k));
    Shape outShape;
    if (op == "Expand") {
      if (failed(broadcastShape(x.shape, target, outShape, err)))
        return failure();
      ConstTensor xs = x;
      Shape s(outShape.size() - x.shape.size(), 1);
      s.append(x.shape.begin(), x.shape.end());
      outs.push_back(gatherMap(xs, outShape, [&](ArrayRef<int64_t> o) {
        return bcastOffset(s, o);
      }));
      return success();
    }
    if (target.size() != x.shape.size()) {
      err = "repeats must have one entry per dimension";
      return failure();
    }
    Shape st = stridesOf(x.shape);
    for (size_t d = 0; d < target.size(); ++d)
      outShape.push_back(x.shape[d] * target[d]);
    outs.push_back(gatherMap(x, outShape, [&](ArrayRef<int64_t> o) {
      int64_t off = 0;
      for (size_t d = 0; d < o.size(); ++d)
        off += (o[d] % x.shape[d]) * st[d];
      return off;
    }));
    return success();
  }
  if (op == "Range") {
    if (!in(0) || !in(1) || !in(2)) {
      err = "start, limit and delta are required";
      return failure();
    }
    const ConstTensor &s = *in(0), &l = *in(1), &d = *in(2);
    ConstTensor t;
    t.isFloat = s.isFloat || l.isFloat || d.isFloat;
    double delta = d.dAt(0);
    if (delta == 0) {
      err = "delta must not be 0";
      return failure();
    }
    double cnt = std::ceil((l.dAt(0) - s.dAt(0)) / delta);
    int64_t count = cnt > 0 ? int64_t(cnt) : 0;
    if (count > (int64_t(1) << 24)) {
      err = "range of " + std::to_string(count) + " elements is too large";
      return failure();
    }
    t.shape = {count};
    for (int64_t k = 0; k < count; ++k) {
      if (t.isFloat)
        t.f.push_back(float(s.dAt(0) + k * delta));
      else
        t.i.push_back(s.i[0] + k * d.i[0]);
    }
    outs.push_back(std::move(t));
    return success();
  }
  if (op == "ReduceProd" || op == "ReduceSum") {
    int64_t rank = x.shape.size();
    Shape axes = axesOf(n, opset, op == "ReduceSum" ? 13 : 18, ins, 1);
    bool keep = attrInt(n, "keepdims", 1);
    SmallVector<bool> red(rank, axes.empty());
    for (int64_t a : axes) {
      int64_t ax = normAxis(a, rank, err, ok);
      if (!ok)
        return failure();
      red[ax] = true;
    }
    if (axes.empty() && attrInt(n, "noop_with_empty_axes", 0)) {
      outs.push_back(x);
      return success();
    }
    Shape outShape, kept;
    for (int64_t d = 0; d < rank; ++d) {
      kept.push_back(red[d] ? 1 : x.shape[d]);
      if (!red[d] || keep)
        outShape.push_back(kept.back());
    }
    ConstTensor t = like(x, outShape);
    bool prod = op == "ReduceProd";
    for (int64_t k = 0; k < t.numel(); ++k) {
      if (t.isFloat)
        t.f[k] = prod;
      else
        t.i[k] = prod;
    }
    Shape st = stridesOf(kept), idx(rank, 0);
    for (int64_t k = 0; k < x.numel(); ++k) {
      int64_t o = 0;
      for (int64_t d = 0; d < rank; ++d)
        o += (red[d] ? 0 : idx[d]) * st[d];
      if (t.isFloat)
        t.f[o] = prod ? t.f[o] * x.f[k] : t.f[o] + x.f[k];
      else
        t.i[o] = prod ? t.i[o] * x.i[k] : t.i[o] + x.i[k];
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++idx[d] < x.shape[d])
          break;
        idx[d] = 0;
      }
    }
    outs.push_back(std::move(t));
    return success();
  }
  if (op == "Where") {
    if (!in(1) || !in(2)) {
      err = "Where needs three inputs";
      return failure();
    }
    const ConstTensor &a = *in(1), &b = *in(2);
    Shape s1, outShape;
    if (failed(broadcastShape(x.shape, a.shape, s1, err)) ||
        failed(broadcastShape(s1, b.shape, outShape, err)))
      return failure();
    ConstTensor t;
    t.isFloat = a.isFloat || b.isFloat;
    t.shape = outShape;
    int64_t total = t.numel();
    Shape idx(outShape.size(), 0);
    for (int64_t k = 0; k < total; ++k) {
      bool c = x.dAt(bcastOffset(x.shape, idx)) != 0;
      const ConstTensor &src = c ? a : b;
      int64_t off = bcastOffset(src.shape, idx);
      if (t.isFloat)
        t.f.push_back(src.fAt(off));
      else
        t.i.push_back(src.i[off]);
      for (int64_t d = int64_t(idx.size()) - 1; d >= 0; --d) {
        if (++idx[d] < outShape[d])
          break;
        idx[d] = 0;
      }
    }
    outs.push_back(std::move(t));
    return success();
  }

  // Elementwise unary.
  static const llvm::StringSet<> unary = {"Neg",  "Abs",  "Floor",      "Ceil",
                                          "Sqrt", "Not",  "Reciprocal", "Round"};
  if (unary.contains(op)) {
    ConstTensor t = x;
    for (int64_t k = 0; k < x.numel(); ++k) {
      if (op == "Not") {
        t.i[k] = !x.iAt(k);
      } else if (x.isFloat) {
        float v = x.f[k];
        t.f[k] = op == "Neg"          ? -v
                 : op == "Abs"        ? std::fabs(v)
                 : op == "Floor"      ? std::floor(v)
                 : op == "Ceil"       ? std::ceil(v)
                 : op == "Sqrt"       ? std::sqrt(v)
                 : op == "Reciprocal" ? 1.0f / v
                                      : std::nearbyint(v);
      } else {
        int64_t v = x.i[k];
        if (op == "Sqrt" || op == "Reciprocal") {
          err = op.str() + " of an integer tensor";
          return failure();
        }
        t.i[k] = op == "Neg" ? -v : op == "Abs" ? std::abs(v) : v;
      }
    }
    outs.push_back(std::move(t));
    return success();
  }

  // Elementwise binary (Min/Max variadic).
  static const llvm::StringSet<> binary = {
      "Add",  "Sub", "Mul", "Div",         "Equal",          "Less",
      "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Min",
      "Max",  "Mod", "Pow"};
  if (binary.contains(op)) {
    if (!in(1) && op != "Min" && op != "Max") {
      err = "needs two inputs";
      return failure();
    }
    ConstTensor acc = x;
    for (size_t k = 1; k < ins.size(); ++k) {
      if (!in(k)) {
        err = "missing input";
        return failure();
      }
      const ConstTensor &y = *in(k);
      Shape outShape;
      if (failed(broadcastShape(acc.shape, y.shape, outShape, err)))
        return failure();
      bool cmp = op == "Equal" || op == "Less" || op == "Greater" ||
                 op == "LessOrEqual" || op == "GreaterOrEqual" ||
                 op == "And" || op == "Or";
      bool fl = (acc.isFloat || y.isFloat) && !cmp;
      bool cmpF = acc.isFloat || y.isFloat;
      ConstTensor t;
      t.shape = outShape;
      t.isFloat = fl;
      int64_t total = t.numel();
      Shape idx(outShape.size(), 0);
      for (int64_t e = 0; e < total; ++e) {
        int64_t oa = bcastOffset(acc.shape, idx), ob = bcastOffset(y.shape, idx);
        if (cmp) {
          int64_t r;
          if (op == "And" || op == "Or") {
            bool p = acc.iAt(oa) != 0, q = y.iAt(ob) != 0;
            r = op == "And" ? (p && q) : (p || q);
          } else if (cmpF) {
            double p = acc.dAt(oa), q = y.dAt(ob);
            r = op == "Equal"            ? p == q
                : op == "Less"           ? p < q
                : op == "Greater"        ? p > q
                : op == "LessOrEqual"    ? p <= q
                                         : p >= q;
          } else {
            int64_t p = acc.i[oa], q = y.i[ob];
            r = op == "Equal"            ? p == q
                : op == "Less"           ? p < q
                : op == "Greater"        ? p > q
                : op == "LessOrEqual"    ? p <= q
                                         : p >= q;
          }
          t.i.push_back(r);
        } else if (fl) {
          float p = acc.fAt(oa), q = y.fAt(ob);
          float r = op == "Add"   ? p + q
                    : op == "Sub" ? p - q
                    : op == "Mul" ? p * q
                    : op == "Div" ? p / q
                    : op == "Min" ? std::min(p, q)
                    : op == "Max" ? std::max(p, q)
                    : op == "Pow" ? std::pow(p, q)
                                  : std::fmod(p, q);
          t.f.push_back(r);
        } else {
          int64_t p = acc.i[oa], q = y.i[ob];
          if ((op == "Div" || op == "Mod") && q == 0) {
            err = "integer division by zero";
            return failure();
          }
          int64_t r;
          if (op == "Add")
            r = p + q;
          else if (op == "Sub")
            r = p - q;
          else if (op == "Mul")
            r = p * q;
          else if (op == "Div")
            r = p / q;
          else if (op == "Min")
            r = std::min(p, q);
          else if (op == "Max")
            r = std::max(p, q);
          else if (op == "Pow")
            r = int64_t(std::pow(double(p), double(q)));
          else {
            // Mod without fmod: the sign follows the divisor.
            r = p % q;
            if (!attrInt(n, "fmod", 0) && r != 0 && ((r < 0) != (q < 0)))
              r += q;
          }
          t.i.push_back(r);
        }
        for (int64_t d = int64_t(idx.size()) - 1; d >= 0; --d) {
          if (++idx[d] < outShape[d])
            break;
          idx[d] = 0;
        }
      }
      acc = std::move(t);
      if (cmp)
        break;
    }
    outs.push_back(std::move(acc));
    return success();
  }
  err = "cannot evaluate op '" + op.str() + "' on constants";
  return failure();
}
