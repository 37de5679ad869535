//===- Executor.h - reference interpreter for mpq modules -------*- C++ -*-===//
//
// mpq::Executor interprets one func.func of a module (the float TOSA graph the
// ONNX importer produces, and later the quantized mpq graph) on host tensors.
// It is the numeric oracle of the project: simple, deterministic, and
// checked against the function signature.
//
// Ops are executed by *op handlers* looked up by operation name in an
// OpHandlerRegistry. Adding an op never touches the interpreter core:
//
//   // MyOps.cpp
//   static LogicalResult runFoo(foo::BarOp op, ArrayRef<const Tensor *> in,
//                               MutableArrayRef<Tensor> out,
//                               const ExecContext &ctx) {
//     ... compute out[0] from *in[0] ...
//   }
//   void mpq::registerFooOpHandlers(OpHandlerRegistry &registry) {
//     registry.add<foo::BarOp, runFoo>();
//   }
//
// and call registerFooOpHandlers from OpHandlerRegistry::getDefault()
// (Executor.cpp), next to registerTosaOpHandlers. See docs/executor.md.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_EXECUTOR_EXECUTOR_H
#define MPQ_EXECUTOR_EXECUTOR_H

#include "mpq/Executor/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <memory>
#include <vector>

namespace mpq {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// Returns the storage kind of values of MLIR type `type`: f32 -> F32,
/// signless/signed/unsigned integers up to 32 bits -> I32, i64 and index ->
/// I64; for tensors, the kind of their element type; !tosa.shape -> I64.
/// Fails for anything else (f16, bf16, f64, ...).
mlir::FailureOr<ElementKind> getElementKindForType(mlir::Type type);

/// Checks that `tensor` can be a value of `type` (element kind, rank and every
/// static dimension; `?` matches anything). A !tosa.shape<n> value is a
/// rank-1 I64 tensor of n elements. On mismatch returns false and explains
/// in `error`.
bool tensorMatchesType(const Tensor &tensor, mlir::Type type,
                       std::string &error);

//===----------------------------------------------------------------------===//
// Op handlers
//===----------------------------------------------------------------------===//

/// Run-time settings handed to every op handler.
struct ExecContext {
  /// Threads a kernel may use (see parallelFor in Kernels.h).
  unsigned numThreads = 1;
};

/// Executes one operation. `operands` holds the value of every operand in
/// order (never null); the handler fills `results` (one per op result,
/// initially empty tensors) with tensors of the right kind and run-time
/// shape. On error it reports with op->emitError("mpq-run: ...") and returns
/// failure; it must never crash on malformed input.
using OpHandler = mlir::LogicalResult (*)(
    mlir::Operation *op, llvm::ArrayRef<const Tensor *> operands,
    llvm::MutableArrayRef<Tensor> results, const ExecContext &ctx);

/// Op handlers keyed by operation name ("tosa.conv2d").
class OpHandlerRegistry {
public:
  /// Registers `handler` for `opName`, replacing an earlier one.
  void add(llvm::StringRef opName, OpHandler handler) {
    handlers[opName] = handler;
  }

  /// Registers a handler taking the concrete op class:
  ///   LogicalResult fn(OpTy, ArrayRef<const Tensor *>,
  ///                    MutableArrayRef<Tensor>, const ExecContext &);
  template <typename OpTy,
            mlir::LogicalResult (*Fn)(OpTy, llvm::ArrayRef<const Tensor *>,
                                      llvm::MutableArrayRef<Tensor>,
                                      const ExecContext &)>
  void add() {
    add(OpTy::getOperationName(), &typedThunk<OpTy, Fn>);
  }

  /// Returns the handler of `opName`, or null.
  OpHandler lookup(llvm::StringRef opName) const {
    auto it = handlers.find(opName);
    return it == handlers.end() ? nullptr : it->second;
  }

  /// Returns the sorted names of every registered op.
  std::vector<std::string> getOpNames() const;

  /// The registry with every handler mpq ships (TOSA, and the mpq dialect
  /// once it has handlers). Built once, on first use.
  static const OpHandlerRegistry &getDefault();

private:
  template <typename OpTy,
            mlir::LogicalResult (*Fn)(OpTy, llvm::ArrayRef<const Tensor *>,
                                      llvm::MutableArrayRef<Tensor>,
                                      const ExecContext &)>
  static mlir::LogicalResult
  typedThunk(mlir::Operation *op, llvm::ArrayRef<const Tensor *> operands,
             llvm::MutableArrayRef<Tensor> results, const ExecContext &ctx) {
    return Fn(llvm::cast<OpTy>(op), operands, results, ctx);
  }

  llvm::StringMap<OpHandler> handlers;
};

/// Registers the handlers of the TOSA ops mpq-run supports (TosaOps.cpp).
void registerTosaOpHandlers(OpHandlerRegistry &registry);

/// Registers the handlers of the mpq dialect's ops (MPQOps.cpp), which follow
/// mpq/Quant/IntegerSemantics.h bit for bit.
void registerMPQOpHandlers(OpHandlerRegistry &registry);

//===----------------------------------------------------------------------===//
// Executor
//===----------------------------------------------------------------------===//

/// Called with each SSA value and its tensor while a function runs (see
/// Executor::setObserver).
using ValueObserver = std::function<void(mlir::Value, const Tensor &)>;

/// What a run changes without touching the IR (Executor::runFrom): a
/// precision search evaluates many variants of one module this way.
struct RunOverrides {
  /// A tensor an op reads instead of an operand's value (e.g. a layer's
  /// replaced weights), keyed by the operand.
  llvm::DenseMap<mlir::OpOperand *, const Tensor *> operands;
  /// A function applied to an operand's value before its op reads it (e.g.
  /// fake-quantizing a layer's input).
  llvm::DenseMap<mlir::OpOperand *, std::function<Tensor(const Tensor &)>>
      operandTransforms;
  /// A function applied to a result right after its op computed it.
  llvm::DenseMap<mlir::Value, std::function<void(Tensor &)>> resultTransforms;
  bool empty() const {
    return operands.empty() && operandTransforms.empty() &&
           resultTransforms.empty();
  }
  /// The first op of `block` these overrides touch (null if none).
  mlir::Operation *getFirstAffectedOp(mlir::Block &block) const;
};

/// Values of a function computed earlier, from which a run can resume.
using ValueCache = llvm::DenseMap<mlir::Value, Tensor>;

/// Values a run copies out just before op `at` executes: the state from
/// which a later run can resume at `at` (Executor::runFrom). Values that are
/// cached constants are not copied (a resumed run finds them in the
/// executor's constant cache).
struct RunCapture {
  mlir::Operation *at = nullptr;
  llvm::ArrayRef<mlir::Value> values;
  ValueCache *into = nullptr;
};

/// Interprets functions of one module. Ops are executed in order, keeping
/// a map from SSA value to tensor; shapes come from the actual inputs (result
/// types may contain `?`), and every result is checked against its declared
/// type. Values are freed after their last use.
///
/// Results of side-effect-free ops whose operands are all constants
/// (tosa.const, tosa.const_shape, and anything computed only from them) are
/// computed once and cached for later run() calls; the module must not be
/// modified while an Executor on it is alive.
///
/// Errors are reported through the MLIR diagnostic engine of the module's
/// context (with the location of the offending op or function) and make
/// run() fail.
class Executor {
public:
  explicit Executor(mlir::ModuleOp module, const OpHandlerRegistry &registry =
                                               OpHandlerRegistry::getDefault());
  ~Executor();

  /// Threads kernels may use (default: std::thread::hardware_concurrency()).
  void setNumThreads(unsigned numThreads) {
    ctx.numThreads = numThreads ? numThreads : 1;
  }
  unsigned getNumThreads() const { return ctx.numThreads; }

  /// Installs `newObserver` (null to remove). During run() it is called on
  /// the calling thread, in execution order, for every function argument and
  /// every op result right after the value is computed (before it can be
  /// freed). Cached constants (tosa.const and values computed only from
  /// constants) are not observed. Calibration uses this to record activation
  /// ranges.
  void setObserver(ValueObserver newObserver) {
    observer = std::move(newObserver);
  }

  /// Installs `stop` (null to remove): checked after every op; once it
  /// returns true, run() stops and returns no outputs. A caller that only
  /// observes values early in the function (GPTQ measuring one layer's
  /// input) skips the rest.
  void setStopCondition(std::function<bool()> stop) {
    stopCondition = std::move(stop);
  }

  /// Accumulates wall-clock time per op name while enabled.
  void setProfiling(bool enable) { profiling = enable; }
  /// Prints the accumulated per-op times, most expensive first.
  void printProfile(llvm::raw_ostream &os) const;

  /// Returns the function named `name`, or emits an error and fails.
  mlir::FailureOr<mlir::func::FuncOp> lookupFunction(llvm::StringRef name);

  /// Checks the number, element kinds, ranks and static dimensions of
  /// `inputs` against the signature of `func`; emits an error on mismatch.
  mlir::LogicalResult verifyInputs(mlir::func::FuncOp func,
                                   llvm::ArrayRef<Tensor> inputs);

  /// Runs `func` on `inputs` (in argument order) and returns its results.
  mlir::FailureOr<llvm::SmallVector<Tensor>> run(mlir::func::FuncOp func,
                                                 llvm::ArrayRef<Tensor> inputs);

  /// Runs the function named `entry`.
  mlir::FailureOr<llvm::SmallVector<Tensor>> run(llvm::StringRef entry,
                                                 llvm::ArrayRef<Tensor> inputs);

  /// Runs the ops of `func` from `start` (an op of its body) to the return,
  /// with `overrides` applied. A value defined before `start` is read from
  /// `liveIn`, else from the constants this executor cached in an earlier
  /// run; any other is an error. Changing the layers after `start` thus
  /// costs the share of the function after it.
  /// `captures` copy values out of the run on the way (see RunCapture).
  mlir::FailureOr<llvm::SmallVector<Tensor>>
  runFrom(mlir::func::FuncOp func, mlir::Operation *start,
          const ValueCache &liveIn,
          const RunOverrides &overrides = RunOverrides(),
          llvm::ArrayRef<RunCapture> captures = {});

  /// Copies the constant results `other` has cached (for an executor of
  /// the same module that resumes runs without having run the function
  /// from its start, e.g. one per worker thread).
  void copyConstantsFrom(const Executor &other);
  /// Whether any constant result is cached.
  bool hasCachedConstants() const { return !constantResults.empty(); }

private:
  struct FunctionPlan;
  const FunctionPlan &getPlan(mlir::func::FuncOp func);
  /// The interpreter loop from `begin`; `env` holds the values available.
  mlir::FailureOr<llvm::SmallVector<Tensor>>
  execute(mlir::func::FuncOp func, mlir::Block::iterator begin,
          llvm::DenseMap<mlir::Value, const Tensor *> env,
          const RunOverrides *overrides,
          llvm::ArrayRef<RunCapture> captures = {});

  mlir::ModuleOp module;
  const OpHandlerRegistry &registry;
  ExecContext ctx;
  bool profiling = false;
  ValueObserver observer;
  std::function<bool()> stopCondition;
  /// Op name -> (calls, seconds).
  llvm::StringMap<std::pair<int64_t, double>> profile;
  /// Liveness information per function.
  llvm::DenseMap<mlir::Operation *, std::unique_ptr<FunctionPlan>> plans;
  /// Results of constant ops (and ops computed only from constants); boxed
  /// so that their addresses survive rehashing.
  llvm::DenseMap<mlir::Operation *, std::unique_ptr<llvm::SmallVector<Tensor>>>
      constantResults;
};

} // namespace mpq

#endif // MPQ_EXECUTOR_EXECUTOR_H
