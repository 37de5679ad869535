//===- Executor.cpp - reference interpreter for mpq modules ---------------===//
//
// The interpreter core: signature checks, the op loop, constant caching and
// liveness. It knows no op semantics besides func.return; everything else is
// an op handler from the registry.
//
//===----------------------------------------------------------------------===//

#include "mpq/Executor/Executor.h"
#include "mpq/Executor/Kernels.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <chrono>

using namespace mlir;
using namespace mpq;

static std::string typeToString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

FailureOr<ElementKind> mpq::getElementKindForType(Type type) {
  if (auto shaped = llvm::dyn_cast<ShapedType>(type))
    type = shaped.getElementType();
  if (llvm::isa<tosa::shapeType>(type) || type.isIndex())
    return ElementKind::I64;
  if (type.isF32())
    return ElementKind::F32;
  if (auto intType = llvm::dyn_cast<IntegerType>(type)) {
    if (intType.getWidth() <= 32)
      return ElementKind::I32;
    if (intType.getWidth() == 64)
      return ElementKind::I64;
  }
  return failure();
}

bool mpq::tensorMatchesType(const Tensor &tensor, Type type,
                            std::string &error) {
  if (auto shape = llvm::dyn_cast<tosa::shapeType>(type)) {
    if (tensor.getKind() == ElementKind::I64 && tensor.getRank() == 1 &&
        tensor.getDimSize(0) == shape.getRank())
      return true;
    error = "got " + tensor.getTypeString() + " for " + typeToString(type);
    return false;
  }
  FailureOr<ElementKind> kind = getElementKindForType(type);
  if (failed(kind)) {
    error = "type " + typeToString(type) + " is not supported by mpq-run";
    return false;
  }
  if (tensor.getKind() != *kind) {
    error = "has element type " + stringifyElementKind(tensor.getKind()).str() +
            " but " + typeToString(type) + " needs " +
            stringifyElementKind(*kind).str();
    return false;
  }
  auto ranked = llvm::dyn_cast<RankedTensorType>(type);
  if (!ranked)
    return true;
  if (ranked.getRank() != tensor.getRank()) {
    error = "has shape " + formatShape(tensor.getShape()) + " (rank " +
            std::to_string(tensor.getRank()) + ") but " + typeToString(type) +
            " has rank " + std::to_string(ranked.getRank());
    return false;
  }
  for (auto [i, d] : llvm::enumerate(ranked.getShape())) {
    if (ShapedType::isDynamic(d) || d == tensor.getDimSize(i))
      continue;
    error = "has shape " + formatShape(tensor.getShape()) + " but " +
            typeToString(type) + " needs dimension " + std::to_string(i) +
            " to be " + std::to_string(d);
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// OpHandlerRegistry
//===----------------------------------------------------------------------===//

std::vector<std::string> OpHandlerRegistry::getOpNames() const {
  std::vector<std::string> names;
  for (const auto &entry : handlers)
    names.push_back(entry.getKey().str());
  llvm::sort(names);
  return names;
}

const OpHandlerRegistry &OpHandlerRegistry::getDefault() {
  static const OpHandlerRegistry registry = [] {
    OpHandlerRegistry r;
    registerTosaOpHandlers(r);
    registerMPQOpHandlers(r);
    // New dialects: add their register*OpHandlers(r) call here.
    return r;
  }();
  return registry;
}

//===----------------------------------------------------------------------===//
// Executor
//===----------------------------------------------------------------------===//

/// Per-function precomputed information.
struct Executor::FunctionPlan {
  /// Values to free after each op (their last use, or no use at all).
  llvm::DenseMap<Operation *, SmallVector<Value, 2>> release;
};

Executor::Executor(ModuleOp module, const OpHandlerRegistry &registry)
    : module(module), registry(registry) {
  ctx.numThreads = getDefaultNumThreads();
}

Executor::~Executor() = default;

void Executor::printProfile(llvm::raw_ostream &os) const {
  std::vector<std::pair<double, std::string>> rows;
  double total = 0;
  for (const auto &entry : profile) {
    rows.emplace_back(entry.getValue().second, entry.getKey().str());
    total += entry.getValue().second;
  }
  llvm::sort(rows, [](const auto &a, const auto &b) { return a > b; });
  os << llvm::format("%-28s %8s %10s %6s\n", "op", "calls", "seconds", "%");
  for (const auto &[seconds, name] : rows)
    os << llvm::format("%-28s %8lld %10.4f %5.1f%%\n", name.c_str(),
                       static_cast<long long>(profile.lookup(name).first),
                       seconds, total > 0 ? 100 * seconds / total : 0.0);
  os << llvm::format("%-28s %8s %10.4f\n", "total", "", total);
}

FailureOr<func::FuncOp> Executor::lookupFunction(StringRef name) {
  if (auto func = module.lookupSymbol<func::FuncOp>(name))
    return func;
  std::string available;
  for (auto func : module.getOps<func::FuncOp>())
    available += (available.empty() ? "" : ", ") + ("@" + func.getName()).str();
  InFlightDiagnostic diag = module.emitError() << "mpq-run: no function named '"
                                               << name << "' in the module";
  if (!available.empty())
    diag << " (it has " << available << ")";
  return diag;
}

LogicalResult Executor::verifyInputs(func::FuncOp func,
                                     ArrayRef<Tensor> inputs) {
  FunctionType type = func.getFunctionType();
  if (inputs.size() != type.getNumInputs())
    return func.emitError()
           << "mpq-run: @" << func.getName() << " takes " << type.getNumInputs()
           << " input(s) but " << inputs.size() << " were given";
  for (auto [i, input] : llvm::enumerate(inputs)) {
    std::string error;
    if (tensorMatchesType(input, type.getInput(i), error))
      continue;
    InFlightDiagnostic diag = func.emitError() << "mpq-run: input #" << i;
    if (auto name = func.getArgAttrOfType<StringAttr>(i, "mpq.name"))
      diag << " ('" << name.getValue() << "')";
    diag << " of @" << func.getName() << " " << error;
    return diag;
  }
  return success();
}

const Executor::FunctionPlan &Executor::getPlan(func::FuncOp func) {
  std::unique_ptr<FunctionPlan> &plan = plans[func.getOperation()];
  if (plan)
    return *plan;
  plan = std::make_unique<FunctionPlan>();
  Block &block = func.getBody().front();
  llvm::DenseMap<Value, Operation *> lastUse;
  for (Operation &op : block)
    for (Value v : op.getOperands())
      lastUse[v] = &op;
  for (Operation &op : block) {
    if (op.hasTrait<OpTrait::IsTerminator>())
      continue;
    for (Value r : op.getResults()) {
      auto it = lastUse.find(r);
      Operation *at = it == lastUse.end() ? &op : it->second;
      if (!at->hasTrait<OpTrait::IsTerminator>())
        plan->release[at].push_back(r);
    }
  }
  return *plan;
}

FailureOr<SmallVector<Tensor>> Executor::run(StringRef entry,
                                             ArrayRef<Tensor> inputs) {
  FailureOr<func::FuncOp> func = lookupFunction(entry);
  if (failed(func))
    return failure();
  return run(*func, inputs);
}

FailureOr<SmallVector<Tensor>> Executor::run(func::FuncOp func,
                                             ArrayRef<Tensor> inputs) {
  if (func.isExternal())
    return func.emitError() << "mpq-run: @" << func.getName()
                            << " is a declaration without a body";
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "mpq-run: @" << func.getName()
                            << " has several blocks; only single-block "
                               "functions are supported";
  if (failed(verifyInputs(func, inputs)))
    return failure();

  Block &block = func.getBody().front();
  llvm::DenseMap<Value, const Tensor *> env;
  for (auto [arg, input] : llvm::zip(block.getArguments(), inputs)) {
    env[arg] = &input;
    if (observer)
      observer(arg, input);
  }
  return execute(func, block.begin(), std::move(env), nullptr);
}

Operation *RunOverrides::getFirstAffectedOp(Block &block) const {
  for (Operation &op : block) {
    for (OpOperand &use : op.getOpOperands())
      if (operands.count(&use) || operandTransforms.count(&use))
        return &op;
    for (Value r : op.getResults())
      if (resultTransforms.count(r))
        return &op;
  }
  return nullptr;
}

FailureOr<SmallVector<Tensor>> Executor::runFrom(func::FuncOp func,
                                                 Operation *start,
                                                 const ValueCache &liveIn,
                                                 const RunOverrides &overrides,
                                                 ArrayRef<RunCapture> captures) {
  if (func.isExternal() || !func.getBody().hasOneBlock() ||
      start->getBlock() != &func.getBody().front())
    return func.emitError() << "mpq-run: cannot resume @" << func.getName()
                            << " at an op outside its single block";
  llvm::DenseMap<Value, const Tensor *> env;
  for (const auto &[v, t] : liveIn)
    env[v] = &t;
  return execute(func, Block::iterator(start), std::move(env), &overrides,
                 captures);
}

void Executor::copyConstantsFrom(const Executor &other) {
  for (const auto &[op, results] : other.constantResults)
    if (!constantResults.count(op))
      constantResults[op] =
          std::make_unique<SmallVector<Tensor>>(*results);
}

FailureOr<SmallVector<Tensor>>
Executor::execute(func::FuncOp func, Block::iterator begin,
                  llvm::DenseMap<Value, const Tensor *> env,
                  const RunOverrides *overrides,
                  ArrayRef<RunCapture> captures) {
  const FunctionPlan &plan = getPlan(func);
  Block &block = func.getBody().front();

  // Value -> tensor. Tensors are owned by `owned` (intermediates),
  // `constantResults` (cached constants), the caller (inputs, live-in
  // values) or `transformed` (overridden operands).
  llvm::DenseMap<Value, std::unique_ptr<Tensor>> owned;
  llvm::DenseSet<Value> constants;
  SmallVector<std::unique_ptr<Tensor>, 2> transformed;
  bool resumed = begin != block.begin();

  SmallVector<const Tensor *, 8> operands;
  for (Operation &op : llvm::make_range(begin, block.end())) {
    for (const RunCapture &c : captures) {
      if (c.at != &op)
        continue;
      for (Value v : c.values)
        if (auto it = env.find(v); it != env.end() && !constants.contains(v))
          (*c.into)[v] = *it->second;
    }
    // Gather the operands.
    operands.clear();
    transformed.clear();
    bool allConstant = true;
    for (auto [i, v] : llvm::enumerate(op.getOperands())) {
      auto it = env.find(v);
      if (it == env.end() && resumed) {
        // A constant computed before the resume point.
        Operation *def = v.getDefiningOp();
        auto cached = def ? constantResults.find(def) : constantResults.end();
        if (cached != constantResults.end()) {
          env[v] = &(*cached->second)[cast<OpResult>(v).getResultNumber()];
          constants.insert(v);
          it = env.find(v);
        }
      }
      if (it == env.end())
        return op.emitError()
               << "mpq-run: operand #" << i
               << " is not defined in the function body (values from "
                  "enclosing regions are not supported)";
      operands.push_back(it->second);
      allConstant &= constants.contains(v);
      if (!overrides)
        continue;
      OpOperand *use = &op.getOpOperand(i);
      if (auto r = overrides->operands.find(use);
          r != overrides->operands.end()) {
        operands.back() = r->second;
        allConstant = false;
      }
      if (auto t = overrides->operandTransforms.find(use);
          t != overrides->operandTransforms.end()) {
        transformed.push_back(
            std::make_unique<Tensor>(t->second(*operands.back())));
        operands.back() = transformed.back().get();
        allConstant = false;
      }
    }

    if (auto ret = llvm::dyn_cast<func::ReturnOp>(op)) {
      SmallVector<Tensor> outputs;
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        bool usedLater =
            llvm::is_contained(ret.getOperands().drop_front(i + 1), v);
        auto it = owned.find(v);
        if (it != owned.end() && !usedLater)
          outputs.push_back(std::move(*it->second));
        else
          outputs.push_back(*operands[i]);
      }
      return outputs;
    }

    // Results of pure ops computed from constants only are computed once.
    bool cacheable =
        allConstant && op.getNumRegions() == 0 && isMemoryEffectFree(&op) &&
        !(overrides && llvm::any_of(op.getResults(), [&](Value r) {
          return overrides->resultTransforms.count(r);
        }));
    if (cacheable) {
      auto cached = constantResults.find(&op);
      if (cached != constantResults.end()) {
        for (auto [r, t] : llvm::zip(op.getResults(), *cached->second)) {
          env[r] = &t;
          constants.insert(r);
        }
        continue;
      }
    }

    OpHandler handler = registry.lookup(op.getName().getStringRef());
    if (!handler)
      return op.emitError()
             << "mpq-run: unsupported op '" << op.getName() << "'";
    SmallVector<Tensor, 1> results(op.getNumResults());
    auto start = std::chrono::steady_clock::now();
    if (failed(handler(&op, operands, results, ctx)))
      return failure();
    if (profiling) {
      auto &entry = profile[op.getName().getStringRef()];
      ++entry.first;
      entry.second += std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - start)
                          .count();
    }
    if (overrides)
      for (auto [i, r] : llvm::enumerate(op.getResults()))
        if (auto t = overrides->resultTransforms.find(r);
            t != overrides->resultTransforms.end()) {
          t->second(results[i]);
          cacheable = false;
        }
    for (auto [i, r] : llvm::enumerate(op.getResults())) {
      std::string error;
      if (!tensorMatchesType(results[i], r.getType(), error))
        return op.emitError() << "mpq-run: result #" << i << " " << error
                              << " (the op's operands do not fit its "
                                 "declared result type)";
    }

    if (cacheable) {
      auto &slot = constantResults[&op];
      slot = std::make_unique<SmallVector<Tensor>>(
          std::make_move_iterator(results.begin()),
          std::make_move_iterator(results.end()));
      for (auto [r, t] : llvm::zip(op.getResults(), *slot)) {
        env[r] = &t;
        constants.insert(r);
      }
    } else {
      for (auto [r, t] : llvm::zip(op.getResults(), results)) {
        auto &ptr = owned[r];
        ptr = std::make_unique<Tensor>(std::move(t));
        env[r] = ptr.get();
        if (observer)
          observer(r, *ptr);
      }
    }

    if (stopCondition && stopCondition())
      return SmallVector<Tensor>();

    // Free intermediates that are dead now.
    auto rel = plan.release.find(&op);
    if (rel != plan.release.end()) {
      for (Value v : rel->second) {
        env.erase(v);
        owned.erase(v);
      }
    }
  }
  return func.emitError() << "mpq-run: @" << func.getName()
                          << " does not end with func.return";
}
