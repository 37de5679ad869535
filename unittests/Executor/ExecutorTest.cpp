//===- ExecutorTest.cpp - interpreter core tests --------------------------===//
//
// The Executor API: running parsed modules, signature checks, constant
// caching across runs, diagnostics instead of crashes, and extending the op
// registry with a custom handler.
//
//===----------------------------------------------------------------------===//

#include "mpq/Executor/Executor.h"
#include "mpq/Executor/HandlerUtils.h"
#include "mpq/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir;
using namespace mpq;

namespace {

class ExecutorTest : public ::testing::Test {
protected:
  ExecutorTest() : context(makeRegistry()) {
    context.loadAllAvailableDialects();
    context.printOpOnDiagnostic(false);
  }

  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    registerAllMpqDialects(registry);
    return registry;
  }

  OwningOpRef<ModuleOp> parse(StringRef source) {
    return parseSourceString<ModuleOp>(source, &context);
  }

  /// Collects diagnostics instead of printing them.
  std::string captureErrors(llvm::function_ref<void()> fn) {
    std::string messages;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      messages += diag.str() + "\n";
      return success();
    });
    fn();
    return messages;
  }

  MLIRContext context;
};

constexpr const char *kAffine = R"mlir(
func.func @main(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %w = "tosa.const"() {values = dense<[[2.0, 3.0, 4.0]]> : tensor<1x3xf32>} : () -> tensor<1x3xf32>
  %b = "tosa.const"() {values = dense<1.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %w, %shift : (tensor<?x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<?x3xf32>
  %1 = tosa.add %0, %b : (tensor<?x3xf32>, tensor<1x1xf32>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
)mlir";

} // namespace

TEST_F(ExecutorTest, RunsAndCachesConstants) {
  OwningOpRef<ModuleOp> module = parse(kAffine);
  ASSERT_TRUE(module);
  Executor executor(*module);
  for (int64_t batch : {1, 4, 2}) {
    std::vector<float> values(batch * 3, 1.0f);
    Tensor x = Tensor::fromValues<float>({batch, 3}, values);
    FailureOr<SmallVector<Tensor>> out = executor.run("main", {x});
    ASSERT_TRUE(succeeded(out));
    ASSERT_EQ(out->size(), 1u);
    const Tensor &y = out->front();
    ASSERT_EQ(y.getShape(), llvm::ArrayRef<int64_t>({batch, 3}));
    for (int64_t r = 0; r < batch; ++r) {
      EXPECT_EQ(y.getData<float>()[r * 3 + 0], 3.0f);
      EXPECT_EQ(y.getData<float>()[r * 3 + 2], 5.0f);
    }
  }
}

TEST_F(ExecutorTest, ReportsSignatureMismatches) {
  OwningOpRef<ModuleOp> module = parse(kAffine);
  ASSERT_TRUE(module);
  Executor executor(*module);
  Tensor good(ElementKind::F32, {2, 3});
  Tensor wrongDim(ElementKind::F32, {2, 4});
  Tensor wrongKind(ElementKind::I32, {2, 3});
  std::string errors = captureErrors([&] {
    EXPECT_TRUE(failed(executor.run("main", {})));
    EXPECT_TRUE(failed(executor.run("main", {good, good})));
    EXPECT_TRUE(failed(executor.run("main", {wrongDim})));
    EXPECT_TRUE(failed(executor.run("main", {wrongKind})));
    EXPECT_TRUE(failed(executor.run("nope", {good})));
  });
  EXPECT_NE(errors.find("takes 1 input(s) but 0 were given"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("takes 1 input(s) but 2 were given"),
            std::string::npos);
  EXPECT_NE(errors.find("needs dimension 1 to be 3"), std::string::npos);
  EXPECT_NE(errors.find("has element type i32"), std::string::npos);
  EXPECT_NE(errors.find("no function named 'nope'"), std::string::npos);
}

TEST_F(ExecutorTest, UnsupportedOpFailsWithoutCrashing) {
  OwningOpRef<ModuleOp> module = parse(R"mlir(
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.sin %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
)mlir");
  ASSERT_TRUE(module);
  Executor executor(*module);
  Tensor x(ElementKind::F32, {4});
  std::string errors =
      captureErrors([&] { EXPECT_TRUE(failed(executor.run("main", {x}))); });
  EXPECT_NE(errors.find("mpq-run: unsupported op 'tosa.sin'"),
            std::string::npos)
      << errors;
}

/// A handler a later dialect could register: tosa.sin on f32.
static LogicalResult runSin(Operation *op, ArrayRef<const Tensor *> operands,
                            MutableArrayRef<Tensor> results,
                            const ExecContext &) {
  const Tensor &x = *operands[0];
  if (failed(checkKind(op, x, ElementKind::F32, "input")))
    return failure();
  Tensor y = Tensor::createUninitialized(ElementKind::F32, x.getShape());
  for (int64_t i = 0; i < x.getNumElements(); ++i)
    y.getData<float>()[i] = std::sin(x.getData<float>()[i]);
  results[0] = std::move(y);
  return success();
}

TEST_F(ExecutorTest, CustomRegistryAddsOps) {
  OwningOpRef<ModuleOp> module = parse(R"mlir(
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = tosa.sin %x : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
)mlir");
  ASSERT_TRUE(module);
  OpHandlerRegistry registry = OpHandlerRegistry::getDefault();
  EXPECT_EQ(registry.lookup("tosa.sin"), nullptr);
  registry.add("tosa.sin", runSin);
  Executor executor(*module, registry);
  FailureOr<SmallVector<Tensor>> out =
      executor.run("main", {Tensor::fromValues<float>({2}, {0.0f, 1.0f})});
  ASSERT_TRUE(succeeded(out));
  EXPECT_FLOAT_EQ(out->front().getData<float>()[1], std::sin(1.0f));
}

TEST_F(ExecutorTest, HandlerShapeErrorsAreDiagnostics) {
  // The verifier cannot see run-time shapes: a reshape that does not fit the
  // actual input must be an error, not a crash.
  OwningOpRef<ModuleOp> module = parse(R"mlir(
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %s = tosa.const_shape {values = dense<[-1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %0 = tosa.reshape %x, %s : (tensor<?x4xf32>, !tosa.shape<2>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
)mlir");
  ASSERT_TRUE(module);
  Executor executor(*module);
  std::string errors = captureErrors([&] {
    EXPECT_TRUE(
        failed(executor.run("main", {Tensor(ElementKind::F32, {1, 4})})));
  });
  EXPECT_NE(errors.find("cannot reshape 1x4"), std::string::npos) << errors;
  FailureOr<SmallVector<Tensor>> ok =
      executor.run("main", {Tensor(ElementKind::F32, {3, 4})});
  ASSERT_TRUE(succeeded(ok));
  EXPECT_EQ(ok->front().getShape(), llvm::ArrayRef<int64_t>({4, 3}));
}

TEST_F(ExecutorTest, ElementKinds) {
  MLIRContext &ctx = context;
  EXPECT_EQ(*getElementKindForType(Float32Type::get(&ctx)), ElementKind::F32);
  EXPECT_EQ(*getElementKindForType(IntegerType::get(&ctx, 1)),
            ElementKind::I32);
  EXPECT_EQ(*getElementKindForType(IntegerType::get(&ctx, 8)),
            ElementKind::I32);
  EXPECT_EQ(*getElementKindForType(IntegerType::get(&ctx, 64)),
            ElementKind::I64);
  EXPECT_TRUE(failed(getElementKindForType(Float16Type::get(&ctx))));
}

TEST_F(ExecutorTest, ObserverSeesArgumentsAndActivations) {
  OwningOpRef<ModuleOp> module = parse(kAffine);
  ASSERT_TRUE(module);
  Executor executor(*module);
  std::vector<std::pair<std::string, std::string>> seen;
  executor.setObserver([&](Value v, const Tensor &t) {
    std::string name = llvm::isa<BlockArgument>(v)
                           ? "arg"
                           : v.getDefiningOp()->getName().getStringRef().str();
    seen.emplace_back(name, t.getTypeString());
  });
  Tensor x(ElementKind::F32, {2, 3});
  ASSERT_TRUE(succeeded(executor.run("main", {x})));
  // Constants are not observed; the argument and both activations are.
  std::vector<std::pair<std::string, std::string>> expected = {
      {"arg", "2x3xf32"}, {"tosa.mul", "2x3xf32"}, {"tosa.add", "2x3xf32"}};
  EXPECT_EQ(seen, expected);
  seen.clear();
  executor.setObserver(nullptr);
  ASSERT_TRUE(succeeded(executor.run("main", {x})));
  EXPECT_TRUE(seen.empty());
}
