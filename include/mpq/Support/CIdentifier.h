//===- CIdentifier.h - names that become C symbols --------------*- C++ -*-===//
//
// The --name prefix of generated code becomes C symbols (`NAME_run`) and
// macros (`NAME_INPUT_SIZE`, the include guard) in model.h, so it must be a
// C identifier; C keywords are refused too, so the prefix reads as a name.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_SUPPORT_CIDENTIFIER_H
#define MPQ_SUPPORT_CIDENTIFIER_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mpq {

/// Empty when `name` may prefix the generated C symbols, otherwise a
/// sentence saying why not (the name printed with C escapes).
inline std::string checkCSymbolPrefix(llvm::StringRef name) {
  static constexpr llvm::StringLiteral keywords[] = {
      "alignas",       "alignof",       "auto",         "bool",
      "break",         "case",          "char",         "const",
      "constexpr",     "continue",      "default",      "do",
      "double",        "else",          "enum",         "extern",
      "false",         "float",         "for",          "goto",
      "if",            "inline",        "int",          "long",
      "nullptr",       "register",      "restrict",     "return",
      "short",         "signed",        "sizeof",       "static",
      "static_assert", "struct",        "switch",       "thread_local",
      "true",          "typedef",       "typeof",       "typeof_unqual",
      "union",         "unsigned",      "void",         "volatile",
      "while",         "_Alignas",      "_Alignof",     "_Atomic",
      "_BitInt",       "_Bool",         "_Complex",     "_Decimal128",
      "_Decimal32",    "_Decimal64",    "_Generic",     "_Imaginary",
      "_Noreturn",     "_Static_assert", "_Thread_local"};
  std::string quoted;
  {
    llvm::raw_string_ostream os(quoted);
    os << "'";
    llvm::printEscapedString(name, os);
    os << "'";
  }
  if (name.empty())
    return "the name must not be empty";
  if (!llvm::isAlpha(name.front()) && name.front() != '_')
    return "the name " + quoted +
           " must start with a letter or '_' (it prefixes C symbols)";
  for (char c : name)
    if (!llvm::isAlnum(c) && c != '_')
      return "the name " + quoted +
             " is not a C identifier (letters, digits and '_' only; it "
             "prefixes C symbols)";
  if (llvm::is_contained(keywords, name))
    return "the name " + quoted + " is a C keyword";
  return "";
}

} // namespace mpq

#endif // MPQ_SUPPORT_CIDENTIFIER_H
