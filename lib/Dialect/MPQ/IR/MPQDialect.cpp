//===- MPQDialect.cpp - mpq dialect ---------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQDialect.h"
#include "mpq/Dialect/MPQ/IR/MPQAttrs.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mpq;

#include "mpq/Dialect/MPQ/IR/MPQOpsDialect.cpp.inc"

void MPQDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "mpq/Dialect/MPQ/IR/MPQOps.cpp.inc"
      >();
  registerAttributes();
}
