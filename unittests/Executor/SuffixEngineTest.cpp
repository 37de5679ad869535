//===- SuffixEngineTest.cpp - resuming runs with overrides ----------------===//

#include "mpq/Executor/SuffixEngine.h"
#include "mpq/InitAll.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mpq;

namespace {

// x + c1 -> relu -> + c2 (a skip of x joins at the end).
constexpr const char *kModel = R"mlir(
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c1 = "tosa.const"() <{values = dense<[[0.5, -1.0, 2.0, 0.0]]> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  %c2 = "tosa.const"() <{values = dense<[[1.0, 1.0, -3.0, 0.25]]> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  %a = tosa.add %x, %c1 : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
  %r = tosa.clamp %a {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %b = tosa.add %r, %c2 : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
  %y = tosa.add %b, %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
)mlir";

class SuffixEngineTest : public ::testing::Test {
protected:
  SuffixEngineTest() : context(makeRegistry()) {
    context.loadAllAvailableDialects();
  }
  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    registerAllMpqDialects(registry);
    return registry;
  }
  MLIRContext context;
};

TEST_F(SuffixEngineTest, OverridesMatchAModifiedModule) {
  OwningOpRef<ModuleOp> m = parseSourceString<ModuleOp>(kModel, &context);
  ASSERT_TRUE(m);
  func::FuncOp fn = m->lookupSymbol<func::FuncOp>("main");
  std::vector<float> xs;
  for (int i = 0; i < 5 * 4; ++i)
    xs.push_back(float(i % 7) - 3.0f);
  Tensor x = Tensor::fromValues<float>({5, 4}, ArrayRef<float>(xs));
  // The second add is a resume point: its live-in values are %r and %x.
  Operation *second = nullptr;
  int adds = 0;
  fn.walk([&](Operation *op) {
    if (op->getName().getStringRef() == "tosa.add" && ++adds == 2)
      second = op;
  });
  ASSERT_TRUE(second);
  FailureOr<std::unique_ptr<SuffixEngine>> e =
      SuffixEngine::create(*m, fn, x, 2, {second});
  ASSERT_TRUE(succeeded(e));
  EXPECT_EQ((*e)->getNumChunks(), 3);

  // Replace c2 in the second add, and double the first add's input.
  Tensor c2 = Tensor::fromValues<float>({1, 4}, ArrayRef<float>{2, 0, 1, 4});
  RunOverrides o;
  o.operands[&second->getOpOperand(1)] = &c2;
  EXPECT_EQ((*e)->getResumePoint(o), second);
  std::vector<float> got;
  ASSERT_TRUE(succeeded((*e)->run(o, [&](int64_t, ArrayRef<Tensor> out) {
    ArrayRef<float> v = out[0].getValues<float>();
    got.insert(got.end(), v.begin(), v.end());
    return success();
  })));
  // Ops run: the second add, the final add and the return, per chunk.
  EXPECT_EQ((*e)->getOpsRun(), 3u * 3u);

  // The same change made in the IR, run whole.
  std::string changed = kModel;
  changed.replace(changed.find("[[1.0, 1.0, -3.0, 0.25]]"), 24,
                  "[[2.0, 0.0, 1.0, 4.0]]");
  OwningOpRef<ModuleOp> m2 = parseSourceString<ModuleOp>(changed, &context);
  ASSERT_TRUE(m2);
  Executor exec(*m2);
  FailureOr<SmallVector<Tensor>> ref = exec.run("main", {x});
  ASSERT_TRUE(succeeded(ref));
  ArrayRef<float> want = (*ref)[0].getValues<float>();
  EXPECT_EQ(got, std::vector<float>(want.begin(), want.end()));

  // An operand transform at the first add resumes from the start.
  RunOverrides t;
  Operation *first = second->getOperand(0).getDefiningOp()->getOperand(0)
                         .getDefiningOp();
  t.operandTransforms[&first->getOpOperand(0)] = [](const Tensor &in) {
    Tensor out = in;
    for (int64_t i = 0; i < out.getNumElements(); ++i)
      out.getData<float>()[i] *= 2.0f;
    return out;
  };
  EXPECT_EQ((*e)->getResumePoint(t), &fn.getBody().front().front());
  ASSERT_TRUE(succeeded((*e)->run(t, [&](int64_t, ArrayRef<Tensor> out) {
    return success();
  })));
}

} // namespace
