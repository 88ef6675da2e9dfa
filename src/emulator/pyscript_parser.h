// Internal to the emulator layer: the recursive-descent parser of the Python subset
// (pyscript.h). Statements are parsed in pyscript_parser.cc, expressions (with Python's
// precedence) in pyscript_expr.cc. Constructs outside the subset are named in an "unsupported
// construct" error at their line, never skipped.
#pragma once

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/pyscript.h"

namespace chainlab::emulator::pyscript {

inline constexpr std::array<std::string_view, 35> kKeywords = {
    "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
    "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
    "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
    "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};

inline bool is_keyword(std::string_view s) {
  return std::find(kKeywords.begin(), kKeywords.end(), s) != kKeywords.end();
}

inline ExprPtr make_expr(ExprKind kind, int line) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->line = line;
  return e;
}

inline StmtPtr make_stmt(StmtKind kind, int line) {
  auto s = std::make_unique<Stmt>();
  s->kind = kind;
  s->line = line;
  return s;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& source, const Limits& limits)
      : toks_(std::move(tokens)), source_(source), limits_(limits) {}

  Result<Module> module() {
    Module m;
    while (peek().kind != TokenKind::kEnd) {
      if (peek().kind == TokenKind::kNewline) {
        ++pos_;
        continue;
      }
      if (peek().kind == TokenKind::kIndent) {
        return error("unexpected indent");
      }
      CL_RETURN_IF_ERROR(statement_into(m.body));
    }
    return m;
  }

 private:
  // Guards recursion: every nested expression or block level counts.
  class Depth {
   public:
    explicit Depth(Parser& p) : p_(p) { ++p_.depth_; }
    ~Depth() { --p_.depth_; }
    Depth(const Depth&) = delete;
    Depth& operator=(const Depth&) = delete;
    // "<what> nested too deeply" past the nesting limit.
    Status check(std::string_view what) const {
      if (p_.depth_ > p_.limits_.max_depth * 4) {
        return p_.error(fmt::format("{} nested too deeply", what));
      }
      return ok_status();
    }

   private:
    Parser& p_;
  };

  const Token& peek(size_t k = 0) const {
    size_t i = std::min(pos_ + k, toks_.size() - 1);
    return toks_[i];
  }
  bool op(std::string_view o, size_t k = 0) const {
    return peek(k).kind == TokenKind::kOp && peek(k).text == o;
  }
  bool kw(std::string_view w, size_t k = 0) const {
    return peek(k).kind == TokenKind::kName && peek(k).text == w;
  }
  int line() const { return peek().line; }

  Error error(std::string_view message) const { return script_error(source_, line(), message); }
  Error unsupported(std::string_view what) const {
    return error(fmt::format("unsupported construct: {}", what));
  }
  std::string describe(const Token& t) const {
    switch (t.kind) {
      case TokenKind::kNewline:
        return "end of line";
      case TokenKind::kIndent:
        return "indent";
      case TokenKind::kDedent:
        return "dedent";
      case TokenKind::kEnd:
        return "end of file";
      case TokenKind::kString:
        return "a string";
      default:
        return fmt::format("'{}'", t.text);
    }
  }
  Status expect_op(std::string_view o, std::string_view context) {
    if (!op(o)) {
      return error(fmt::format("expected '{}' {}, found {}", o, context, describe(peek())));
    }
    ++pos_;
    return ok_status();
  }
  Result<std::string> expect_name(std::string_view context) {
    if (peek().kind != TokenKind::kName || is_keyword(peek().text)) {
      return error(fmt::format("expected a name {}, found {}", context, describe(peek())));
    }
    return toks_[pos_++].text;
  }

  Result<ExprPtr> or_test() { return bool_op("or"); }

  // Statements (pyscript_parser.cc).
  Status statement_into(Block& out);
  static Status push(Block& out, Result<StmtPtr> s);
  Status simple_statements(Block& out);
  Result<Block> block();
  Result<StmtPtr> small_statement();
  Result<StmtPtr> print_statement();
  Result<std::string> dotted_name();
  Result<std::string> optional_as();
  // A statement of `kind` at the current line, its keyword consumed.
  StmtPtr keyword_stmt(StmtKind kind);
  // item() once, then once more after each comma: `import a, b as c`, `with x as y, z`.
  Status comma_separated(const std::function<Status()>& item);
  Result<StmtPtr> import_statement();
  Result<StmtPtr> from_import();
  Status check_target(const Expr& e, std::string_view action) const;
  Result<StmtPtr> expression_statement();
  Result<StmtPtr> if_statement();
  Status optional_else(Stmt& s);
  // A while or for statement `s` from its `value` on: the block, then an optional else block.
  Result<StmtPtr> loop_rest(StmtPtr s, Result<ExprPtr> value);
  Result<StmtPtr> while_statement();
  Result<StmtPtr> for_statement();
  // `a, b` in `for a, b in ...`: bitwise-or level expressions (no `in` comparisons).
  Result<ExprPtr> target_list();
  Result<StmtPtr> try_statement();
  Result<StmtPtr> with_statement();
  Result<StmtPtr> decorated();
  Result<StmtPtr> definition(std::vector<ExprPtr> decorators);
  Status parameters(Stmt& s);

  // Expressions (pyscript_expr.cc).
  // Sets the height of a node whose children are in place; too tall a tree is an error (its
  // evaluation and destruction recurse once per level).
  Status grown(Expr& e) const;
  // `a, b, c` (a tuple) or a single test.
  Result<ExprPtr> testlist();
  // `x, y, ...` of item()s as a tuple, a single one as it is; a trailing comma ends the tuple
  // where ends() is true (testlist, target_list).
  Result<ExprPtr> comma_list(const std::function<Result<ExprPtr>()>& item,
                             const std::function<bool()>& ends);
  Result<ExprPtr> test();
  // A test, unless `for` follows it: a comprehension, unsupported as `what`.
  Result<ExprPtr> test_before_for(std::string_view what);
  Result<ExprPtr> bool_op(std::string_view which);
  Result<ExprPtr> not_test();
  // The comparison operator at the cursor ("" if none); advances past it.
  std::string comparison_op();
  Result<ExprPtr> comparison();
  // Binary operators by precedence level: | ^ & (<< >>) (+ -) (* / // % @).
  Result<ExprPtr> binary(int level);
  Result<ExprPtr> factor();
  Result<ExprPtr> atom_expr();
  // `i`, `a, b` or a slice `lo:hi:step` (each part optional).
  Result<ExprPtr> subscript_index();
  Status arguments(Expr& call);
  Result<ExprPtr> number_literal(const Token& t);
  // `(...)`, `[...]`, `{...}`: the elements up to `close`; a trailing comma is allowed.
  Status elements(Expr& into, std::string_view close, bool& saw_comma);
  Result<ExprPtr> dict_or_set(int ln);
  Result<ExprPtr> atom();

  std::vector<Token> toks_;
  const std::string& source_;
  const Limits& limits_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace chainlab::emulator::pyscript
