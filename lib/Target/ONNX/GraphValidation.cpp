//===- GraphValidation.cpp - ONNX graph checks before import --------------===//
//
// Invalid graphs used to be accepted with a silent meaning (the last of two
// nodes writing one name won, a negative dimension became the dynamic
// batch, an input that is also an initializer vanished from the signature
// whatever its declared shape). These checks refuse them before any IR is
// built, so nothing is written.
//
//===----------------------------------------------------------------------===//

#include "GraphValidation.h"

#include "mpq/Support/CheckedMath.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include <string>

using namespace mlir;

namespace {

std::string dimsStr(ArrayRef<int64_t> dims) {
  std::string s = "[";
  for (size_t k = 0; k < dims.size(); ++k) {
    if (k)
      s += ",";
    s += dims[k] == ShapedType::kDynamic ? "?" : std::to_string(dims[k]);
  }
  return s + "]";
}

/// Bytes per element the importer stores for an ONNX tensor data type.
int64_t storedElementBytes(int32_t dataType) {
  switch (dataType) {
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::DOUBLE:
    return 8;
  default:
    return 4;
  }
}

std::string nodeLabel(const onnx::NodeProto &n, int index) {
  std::string name =
      n.name().empty() ? n.op_type() + "#" + std::to_string(index) : n.name();
  return "node '" + name + "' (" + n.op_type() + ")";
}

Location nodeLoc(const onnx::NodeProto &n, int index, Location fileLoc) {
  std::string name =
      n.name().empty() ? n.op_type() + "#" + std::to_string(index) : n.name();
  return NameLoc::get(StringAttr::get(fileLoc.getContext(), name), fileLoc);
}

} // namespace

LogicalResult mpq::validateONNXGraph(const onnx::ModelProto &model,
                                     Location fileLoc) {
  // Opset range: an explicit default-domain version must be 1..21 (an
  // absent one means 1, as ONNX specifies for old files).
  for (const onnx::OperatorSetIdProto &o : model.opset_import()) {
    if (!o.domain().empty() && o.domain() != "ai.onnx")
      continue;
    if (o.version() < kMinONNXOpset)
      return emitError(fileLoc)
             << "ONNX opset " << o.version() << " is not valid (supported: "
             << kMinONNXOpset << ".." << kMaxONNXOpset << ")";
  }

  const onnx::GraphProto &g = model.graph();

  // Initializers: unique names, non-negative dimensions, sizes within the
  // single-tensor limit (checked before anything is allocated).
  llvm::StringMap<const onnx::TensorProto *> initializers;
  for (const onnx::TensorProto &t : g.initializer()) {
    if (!initializers.try_emplace(t.name(), &t).second)
      return emitError(fileLoc) << "initializer '" << t.name()
                                << "' is defined more than once";
    SmallVector<int64_t> dims(t.dims().begin(), t.dims().end());
    if (std::optional<std::string> why = checkTensorSize(
            dims, storedElementBytes(t.data_type()), "initializer data"))
      return emitError(fileLoc) << "initializer '" << t.name() << "': " << *why;
  }

  // Graph inputs: unique names, no negative dimensions; an input that is
  // also an initializer keeps the initializer's value (see
  // docs/hardening.md) and must be declared with its type and shape.
  llvm::StringMap<int> inputs;
  for (auto [k, in] : llvm::enumerate(g.input())) {
    if (!inputs.try_emplace(in.name(), int(k)).second)
      return emitError(fileLoc) << "graph input '" << in.name()
                                << "' is listed more than once";
    if (!in.type().has_tensor_type())
      continue; // the importer reports non-tensor inputs
    const onnx::TypeProto::Tensor &tt = in.type().tensor_type();
    SmallVector<int64_t> dims;
    if (tt.has_shape()) {
      for (auto [d, dim] : llvm::enumerate(tt.shape().dim())) {
        if (dim.has_dim_value() && dim.dim_value() < 0)
          return emitError(fileLoc)
                 << "graph input '" << in.name() << "' has dimension " << d
                 << " = " << dim.dim_value()
                 << "; dimensions must be non-negative (use a symbolic "
                    "dim_param for a dynamic batch)";
        dims.push_back(dim.has_dim_value() ? dim.dim_value()
                                           : ShapedType::kDynamic);
      }
      SmallVector<int64_t> staticDims;
      for (int64_t d : dims)
        staticDims.push_back(d == ShapedType::kDynamic ? 1 : d);
      if (std::optional<std::string> why =
              checkTensorSize(staticDims, 4, "f32"))
        return emitError(fileLoc)
               << "graph input '" << in.name() << "': " << *why;
    }
    auto init = initializers.find(in.name());
    if (init == initializers.end())
      continue;
    const onnx::TensorProto &t = *init->second;
    if (tt.elem_type() != onnx::TensorProto::UNDEFINED &&
        tt.elem_type() != t.data_type())
      return emitError(fileLoc)
             << "graph input '" << in.name()
             << "' is also an initializer, but is declared with ONNX type "
             << tt.elem_type() << " and the initializer has type "
             << t.data_type();
    if (!tt.has_shape())
      continue;
    SmallVector<int64_t> initDims(t.dims().begin(), t.dims().end());
    bool same = dims.size() == initDims.size();
    for (size_t d = 0; same && d < dims.size(); ++d)
      same = dims[d] == ShapedType::kDynamic || dims[d] == initDims[d];
    if (!same)
      return emitError(fileLoc)
             << "graph input '" << in.name() << "' is declared "
             << dimsStr(dims) << " but its initializer (default value) has "
             << "shape " << dimsStr(initDims);
  }

  // Node outputs: each name is written once, and never names a graph input
  // or an initializer (ONNX graphs are in SSA form).
  llvm::StringMap<int> producers;
  for (auto [k, n] : llvm::enumerate(g.node())) {
    int index = int(k);
    for (const std::string &out : n.output()) {
      if (out.empty())
        continue; // an omitted optional output
      Location loc = nodeLoc(n, index, fileLoc);
      auto [it, inserted] = producers.try_emplace(out, index);
      if (!inserted)
        return emitError(loc)
               << nodeLabel(n, index) << " writes output '" << out
               << "', which " << nodeLabel(g.node(it->second), it->second)
               << " already produces";
      if (inputs.count(out))
        return emitError(loc) << nodeLabel(n, index) << " writes output '"
                              << out << "', which is a graph input";
      if (initializers.count(out))
        return emitError(loc) << nodeLabel(n, index) << " writes output '"
                              << out << "', which is an initializer";
    }
  }
  return success();
}
