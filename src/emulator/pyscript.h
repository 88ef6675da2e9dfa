// Internal to the emulator layer: a parser for the small subset of Python that son-emu topology
// scripts are written in (sonemu_import.h reads them WITHOUT running them). It produces a syntax
// tree; sonemu_eval.cc walks it.
//
// Accepted: modules of import / from-import, assignments (chained, tuple targets, augmented), def
// (defaults, *args, **kwargs, annotations ignored), class, decorators, if/elif/else, for/while
// (with else), try/except/else/finally, with, return, pass, break, continue, global, raise, del,
// assert, Python 2 `print x, y`; expressions of literals (numbers, strings with r/u/b prefixes and
// implicit concatenation, None/True/False, lists, tuples, dicts), names, attributes, subscripts,
// calls with positional, keyword, *iterable and **mapping arguments, arithmetic, comparisons,
// and/or/not and `a if c else b`, slices `a[1:]`. Everything else (lambda, comprehensions,
// f-strings, set literals, yield, async, nonlocal, exec) is "unsupported construct: <what>".
//
// Errors are "<source>:<line>: <message>". Bounded input: size, tokens, bracket and block nesting
// (Limits); NUL bytes, invalid UTF-8 and non-ASCII outside strings and comments are refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace chainlab::emulator::pyscript {

struct Limits {
  size_t max_bytes = 1u << 20;  // son-emu's largest example is ~7 KB
  size_t max_tokens = 200'000;
  int max_depth = 48;  // brackets, blocks and nested expressions, each
};

enum class TokenKind { kName, kNumber, kString, kOp, kNewline, kIndent, kDedent, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // names, operators, number literals; for strings the decoded value
  int line = 0;
  bool bytes = false;  // a b"..." literal
};

// Splits `text` into tokens (Python's rules for indentation, continuation lines and brackets).
Result<std::vector<Token>> tokenize(std::string_view text, const std::string& source,
                                    const Limits& limits);

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

enum class ExprKind {
  kNone,
  kBool,
  kInt,
  kFloat,
  kStr,
  kName,       // text
  kAttribute,  // items[0].text
  kSubscript,  // items[0][items[1]]
  kCall,       // items[0](items[1..], keywords)
  kUnary,      // text ("-", "+", "~", "not") items[0]
  kBinary,     // items[0] text items[1]: + - * / // % ** << >> & | ^
  kBoolOp,     // items[0] text ("and", "or") items[1]
  kCompare,    // items[0] ops[0] items[1] ops[1] items[2] ...
  kIfExp,      // items[0] if items[1] else items[2]
  kList,
  kTuple,
  kDict,     // items: key0, value0, key1, value1, ...
  kSlice,    // only as a subscript: items[0]:items[1]:items[2], each may be null
  kStarred,  // only as a call argument: *items[0] (a keyword named "**" is **mapping)
};

struct Keyword {
  std::string name;
  ExprPtr value;
};

struct Expr {
  ExprKind kind = ExprKind::kNone;
  int line = 0;
  int height = 1;  // of the tree below (bounded by the parser: evaluating it recurses)
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  std::string text;  // string value, name, attribute, operator
  std::vector<ExprPtr> items;
  std::vector<std::string> ops;  // kCompare: "<", "==", "in", "not in", "is", "is not", ...
  std::vector<Keyword> keywords;
};

enum class StmtKind {
  kExpr,        // value
  kAssign,      // targets[0] = targets[1] = ... = value
  kAugAssign,   // targets[0] text= value
  kImport,      // names
  kFromImport,  // from text import names (text may start with dots; a name "*" is a star import)
  kDef,         // text(params) body, decorators
  kClass,       // text(bases) body, decorators
  kIf,          // if value: body else: orelse (elif: a nested kIf in orelse)
  kFor,         // for targets[0] in value: body else: orelse
  kWhile,       // while value: body else: orelse
  kTry,         // body, handlers, orelse, finalbody
  kWith,        // with items: body
  kReturn,      // value (may be null)
  kPass,
  kBreak,
  kContinue,
  kGlobal,  // names[i].name
  kRaise,   // value (may be null)
  kDel,     // targets
  kAssert,  // value
  kPrint,   // Python 2 print statement: targets are the printed values
};

struct Param {
  std::string name;
  ExprPtr default_value;  // null: required
  int star = 0;           // 1: *args, 2: **kwargs
};

struct ImportName {
  std::string name;  // dotted ("emuvim.dcemulator.net") or "*"
  std::string as;    // "" when absent
};

struct Handler {
  int line = 0;
  ExprPtr type;  // null for a bare except
  std::string as;
  Block body;
};

struct WithItem {
  ExprPtr context;
  ExprPtr target;  // null when there is no "as"
};

struct Stmt {
  StmtKind kind = StmtKind::kPass;
  int line = 0;
  std::string text;
  std::vector<ExprPtr> targets;
  ExprPtr value;
  std::vector<Param> params;
  std::vector<ExprPtr> decorators;
  std::vector<ExprPtr> bases;
  std::vector<ImportName> names;
  std::vector<Handler> handlers;
  std::vector<WithItem> items;
  Block body;
  Block orelse;
  Block finalbody;
};

struct Module {
  Block body;
};

// Parses a whole script. The fuzz-friendly entry point: any input gives a Module or an Error.
Result<Module> parse(std::string_view text, const std::string& source, const Limits& limits = {});

// "line 12" style helper for messages: "<source>:<line>: <message>".
Error script_error(const std::string& source, int line, std::string_view message);

}  // namespace chainlab::emulator::pyscript
