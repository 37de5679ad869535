//===- LayerQuantizerAgreementTest.cpp - search codes = compiled codes ----===//
//
// The precision search's loss evaluator and --mpq-quantize quantize a layer
// through the same mpq::quantizeLayer call: the codes the search measured
// are the codes the compiled module holds. With round-to-nearest every layer
// agrees; with measured rounding (auto, gptq) the first layer does (later
// layers see their inputs through the quantized layers before them when
// compiled, through float ones in the search).
//
//===----------------------------------------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Executor/Npy.h"
#include "mpq/InitAll.h"
#include "mpq/Precision/LossEvaluator.h"
#include "mpq/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <functional>
#include <random>

using namespace mlir;
using namespace mpq;
using namespace mpq::precision;

namespace {

/// A dense literal of `shape` with normal(0, scale) values.
std::string denseOf(std::mt19937 &rng, ArrayRef<int64_t> shape, float scale) {
  std::normal_distribution<float> g(0.0f, scale);
  std::function<std::string(unsigned)> build = [&](unsigned dim) {
    std::string s = "[";
    for (int64_t i = 0; i < shape[dim]; ++i) {
      if (i)
        s += ", ";
      s += dim + 1 == shape.size() ? std::to_string(g(rng)) : build(dim + 1);
    }
    return s + "]";
  };
  return "dense<" + build(0) + ">";
}

/// conv (6 filters 3x3x2, pad 1) -> relu -> flatten -> fully connected
/// (6*6*6 -> 5), random weights.
std::string makeModel() {
  std::mt19937 rng(3);
  std::string w = denseOf(rng, {6, 3, 3, 2}, 0.4f);
  std::string b = denseOf(rng, {6}, 0.1f);
  std::string fw = denseOf(rng, {1, 216, 5}, 0.1f);
  std::string fb = denseOf(rng, {1, 5}, 0.1f);
  return R"mlir(
func.func @main(%x: tensor<?x6x6x2xf32>) -> tensor<?x5xf32> {
  %w = "tosa.const"() <{values = )mlir" +
         w + R"mlir( : tensor<6x3x3x2xf32>}> : () -> tensor<6x3x3x2xf32>
  %b = "tosa.const"() <{values = )mlir" +
         b + R"mlir( : tensor<6xf32>}> : () -> tensor<6xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<?x6x6x2xf32>, tensor<6x3x3x2xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x6x6x6xf32>
  %r = tosa.clamp %c {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} : (tensor<?x6x6x6xf32>) -> tensor<?x6x6x6xf32>
  %s2 = tosa.const_shape {values = dense<[1, -1, 216]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f3 = tosa.reshape %r, %s2 : (tensor<?x6x6x6xf32>, !tosa.shape<3>) -> tensor<1x?x216xf32>
  %fw = "tosa.const"() <{values = )mlir" +
         fw + R"mlir( : tensor<1x216x5xf32>}> : () -> tensor<1x216x5xf32>
  %m = tosa.matmul %f3, %fw, %zp, %zp : (tensor<1x?x216xf32>, tensor<1x216x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x5xf32>
  %s3 = tosa.const_shape {values = dense<[-1, 5]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y2 = tosa.reshape %m, %s3 : (tensor<1x?x5xf32>, !tosa.shape<2>) -> tensor<?x5xf32>
  %fb = "tosa.const"() <{values = )mlir" +
         fb + R"mlir( : tensor<1x5xf32>}> : () -> tensor<1x5xf32>
  %y = tosa.add %y2, %fb : (tensor<?x5xf32>, tensor<1x5xf32>) -> tensor<?x5xf32>
  return %y : tensor<?x5xf32>
}
)mlir";
}

class LayerQuantizerAgreement : public ::testing::Test {
protected:
  LayerQuantizerAgreement() : context(makeRegistry()) {
    context.loadAllAvailableDialects();
    context.printOpOnDiagnostic(false);
  }

  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    registerAllMpqDialects(registry);
    return registry;
  }

  void SetUp() override {
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> x(48 * 6 * 6 * 2);
    for (float &v : x)
      v = u(rng);
    data = Tensor::fromValues<float>({48, 6, 6, 2}, x);
    llvm::SmallString<128> path;
    ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("agree", "npy", path));
    dataPath = path.str().str();
    ASSERT_FALSE(bool(writeNpyFile(data, dataPath)));
  }

  void TearDown() override { llvm::sys::fs::remove(dataPath); }

  /// The float module, folded and calibrated on `data`.
  OwningOpRef<ModuleOp> calibrated() {
    OwningOpRef<ModuleOp> m =
        parseSourceString<ModuleOp>(makeModel(), &context);
    EXPECT_TRUE(m);
    PassManager pm(&context);
    MPQCalibratePassOptions c;
    c.data = dataPath;
    pm.addPass(createMPQCalibratePass(c));
    EXPECT_TRUE(succeeded(pm.run(*m)));
    return m;
  }

  /// The weight codes of every quantized layer of `m`, in order.
  static std::vector<std::vector<int8_t>> compiledCodes(ModuleOp m) {
    std::vector<std::vector<int8_t>> out;
    m.walk([&](Operation *op) {
      if (!isa<Conv2DOp, FullyConnectedOp>(op))
        return;
      Value w = op->getOperand(1);
      if (auto packed = w.getDefiningOp<PackedConstantOp>()) {
        SmallVector<int8_t> codes = packed.unpack();
        out.emplace_back(codes.begin(), codes.end());
      } else if (auto c = w.getDefiningOp<tosa::ConstOp>()) {
        auto attr = cast<DenseElementsAttr>(c.getValues());
        out.emplace_back(attr.getValues<int8_t>().begin(),
                         attr.getValues<int8_t>().end());
      }
    });
    return out;
  }

  /// Runs the agreement check at weight widths `bits` (per layer).
  void check(WeightRounding rounding, ArrayRef<unsigned> bits,
             unsigned agreeingLayers) {
    OwningOpRef<ModuleOp> m = calibrated();
    func::FuncOp fn = m->lookupSymbol<func::FuncOp>("main");
    LayerQuantOptions opts;
    opts.rounding = rounding;
    FailureOr<std::unique_ptr<FakeQuantEvaluator>> e =
        FakeQuantEvaluator::create(*m, fn, data, std::nullopt, LossKind::KL, 16,
                                   opts);
    ASSERT_TRUE(succeeded(e));
    ASSERT_EQ((*e)->getNumLayers(), bits.size());
    std::vector<const LayerQuantResult *> searched;
    for (unsigned l = 0; l < bits.size(); ++l) {
      FailureOr<const LayerQuantResult *> r =
          (*e)->quantizedLayer(l, bits[l], 8);
      ASSERT_TRUE(succeeded(r));
      // Auto measured its candidates on the sampled patches.
      EXPECT_EQ((*r)->outputError.has_value(),
                rounding == WeightRounding::Auto);
      searched.push_back(*r);
    }
    // The layout the search would write, then --mpq-quantize.
    for (auto [l, layer] : llvm::enumerate(getQuantizableLayers(fn)))
      setPrecision(layer, PrecisionAttr::get(&context, bits[l], 8,
                                             DenseI32ArrayAttr(), 1));
    PassManager pm(&context);
    MPQQuantizePassOptions q;
    q.rounding = rounding;
    if (rounding != WeightRounding::Nearest)
      q.data = dataPath;
    pm.addPass(createMPQQuantizePass(q));
    ASSERT_TRUE(succeeded(pm.run(*m)));
    std::vector<std::vector<int8_t>> compiled = compiledCodes(*m);
    ASSERT_EQ(compiled.size(), bits.size());
    for (unsigned l = 0; l < agreeingLayers; ++l)
      EXPECT_EQ(compiled[l], searched[l]->codes) << "layer " << l;
  }

  MLIRContext context;
  Tensor data;
  std::string dataPath;
};

} // namespace

TEST_F(LayerQuantizerAgreement, NearestEveryLayer) {
  check(WeightRounding::Nearest, {4, 3}, 2);
  check(WeightRounding::Nearest, {2, 8}, 2);
}

TEST_F(LayerQuantizerAgreement, AutoFirstLayer) {
  check(WeightRounding::Auto, {2, 4}, 1);
  check(WeightRounding::Auto, {3, 3}, 1);
}

TEST_F(LayerQuantizerAgreement, GptqFirstLayer) {
  check(WeightRounding::GPTQ, {3, 4}, 1);
}
