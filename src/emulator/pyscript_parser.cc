// Statements of the Python-subset parser (pyscript_parser.h) and the parse() entry point.
#include <string>
#include <utility>
#include <vector>

#include "emulator/pyscript_parser.h"

namespace chainlab::emulator::pyscript {

// ---- statements ----
Status Parser::statement_into(Block& out) {
  Depth depth(*this);
  CL_RETURN_IF_ERROR(depth.check("statements"));
  const Token& t = peek();
  if (t.kind == TokenKind::kName) {
    if (t.text == "if" || t.text == "while") {
      return push(out, t.text == "if" ? if_statement() : while_statement());
    }
    if (t.text == "for") {
      return push(out, for_statement());
    }
    if (t.text == "try") {
      return push(out, try_statement());
    }
    if (t.text == "with") {
      return push(out, with_statement());
    }
    if (t.text == "def" || t.text == "class") {
      return push(out, definition({}));
    }
    if (t.text == "async") {
      return unsupported("async");
    }
  }
  if (op("@")) {
    return push(out, decorated());
  }
  return simple_statements(out);
}

Status Parser::push(Block& out, Result<StmtPtr> s) {
  if (!s.ok()) {
    return std::move(s).error();
  }
  out.push_back(std::move(s).value());
  return ok_status();
}

Status Parser::simple_statements(Block& out) {
  while (true) {
    CL_RETURN_IF_ERROR(push(out, small_statement()));
    if (op(";")) {
      ++pos_;
      if (peek().kind == TokenKind::kNewline) {
        break;
      }
      continue;
    }
    break;
  }
  if (peek().kind != TokenKind::kNewline) {
    return error(fmt::format("expected end of line, found {}", describe(peek())));
  }
  ++pos_;
  return ok_status();
}

Result<Block> Parser::block() {
  CL_RETURN_IF_ERROR(expect_op(":", "before a block"));
  Block body;
  if (peek().kind != TokenKind::kNewline) {
    CL_RETURN_IF_ERROR(simple_statements(body));
    return body;
  }
  ++pos_;
  if (peek().kind != TokenKind::kIndent) {
    return error("expected an indented block");
  }
  ++pos_;
  while (peek().kind != TokenKind::kDedent && peek().kind != TokenKind::kEnd) {
    CL_RETURN_IF_ERROR(statement_into(body));
  }
  ++pos_;
  return body;
}

Result<StmtPtr> Parser::small_statement() {
  const Token& t = peek();
  int ln = t.line;
  if (t.kind == TokenKind::kName) {
    const std::string& w = t.text;
    if (w == "pass" || w == "break" || w == "continue") {
      ++pos_;
      return make_stmt(w == "pass"    ? StmtKind::kPass
                       : w == "break" ? StmtKind::kBreak
                                      : StmtKind::kContinue,
                       ln);
    }
    if (w == "return" || w == "raise") {
      ++pos_;
      auto s = make_stmt(w == "return" ? StmtKind::kReturn : StmtKind::kRaise, ln);
      if (peek().kind != TokenKind::kNewline && !op(";")) {
        CL_ASSIGN_OR_RETURN(s->value, testlist());
        if (w == "raise" && kw("from")) {
          ++pos_;
          CL_ASSIGN_OR_RETURN(ExprPtr cause, test());
          (void)cause;
        }
      }
      return s;
    }
    if (w == "global") {
      ++pos_;
      auto s = make_stmt(StmtKind::kGlobal, ln);
      do {
        if (op(",")) {
          ++pos_;
        }
        CL_ASSIGN_OR_RETURN(std::string n, expect_name("after 'global'"));
        s->names.push_back(ImportName{n, ""});
      } while (op(","));
      return s;
    }
    if (w == "nonlocal" || w == "exec") {
      return unsupported(fmt::format("{} statement", w));
    }
    if (w == "del") {
      ++pos_;
      auto s = make_stmt(StmtKind::kDel, ln);
      CL_ASSIGN_OR_RETURN(ExprPtr targets, testlist());
      CL_RETURN_IF_ERROR(check_target(*targets, "delete"));
      s->targets.push_back(std::move(targets));
      return s;
    }
    if (w == "assert") {
      ++pos_;
      auto s = make_stmt(StmtKind::kAssert, ln);
      CL_ASSIGN_OR_RETURN(s->value, test());
      if (op(",")) {
        ++pos_;
        CL_ASSIGN_OR_RETURN(ExprPtr message, test());
        (void)message;
      }
      return s;
    }
    if (w == "import") {
      return import_statement();
    }
    if (w == "from") {
      return from_import();
    }
    if (w == "print" && !op("(", 1) && !op("=", 1) && !op(".", 1)) {
      return print_statement();
    }
  }
  return expression_statement();
}

Result<StmtPtr> Parser::print_statement() {
  auto s = keyword_stmt(StmtKind::kPrint);
  if (op(">>")) {
    return unsupported("print >>file");
  }
  while (peek().kind != TokenKind::kNewline && !op(";")) {
    CL_ASSIGN_OR_RETURN(ExprPtr e, test());
    s->targets.push_back(std::move(e));
    if (!op(",")) {
      break;
    }
    ++pos_;
  }
  return s;
}

Result<std::string> Parser::dotted_name() {
  CL_ASSIGN_OR_RETURN(std::string name, expect_name("in an import"));
  while (op(".")) {
    ++pos_;
    CL_ASSIGN_OR_RETURN(std::string part, expect_name("in an import"));
    name += "." + part;
  }
  return name;
}

Result<std::string> Parser::optional_as() {
  if (!kw("as")) {
    return std::string();
  }
  ++pos_;
  return expect_name("after 'as'");
}

StmtPtr Parser::keyword_stmt(StmtKind kind) {
  auto s = make_stmt(kind, line());
  ++pos_;
  return s;
}

Status Parser::comma_separated(const std::function<Status()>& item) {
  do {
    if (op(",")) {
      ++pos_;
    }
    CL_RETURN_IF_ERROR(item());
  } while (op(","));
  return ok_status();
}

Result<StmtPtr> Parser::import_statement() {
  auto s = keyword_stmt(StmtKind::kImport);
  auto import_name = [&]() -> Status {
    ImportName n;
    CL_ASSIGN_OR_RETURN(n.name, dotted_name());
    CL_ASSIGN_OR_RETURN(n.as, optional_as());
    s->names.push_back(std::move(n));
    return ok_status();
  };
  CL_RETURN_IF_ERROR(comma_separated(import_name));
  return s;
}

Result<StmtPtr> Parser::from_import() {
  auto s = keyword_stmt(StmtKind::kFromImport);
  while (op(".") || op("...")) {
    s->text += toks_[pos_++].text;
  }
  if (!kw("import")) {
    CL_ASSIGN_OR_RETURN(std::string module, dotted_name());
    s->text += module;
  }
  if (!kw("import")) {
    return error(fmt::format("expected 'import', found {}", describe(peek())));
  }
  ++pos_;
  if (op("*")) {
    ++pos_;
    s->names.push_back(ImportName{"*", ""});
    return s;
  }
  bool paren = op("(");
  if (paren) {
    ++pos_;
  }
  while (true) {
    ImportName n;
    CL_ASSIGN_OR_RETURN(n.name, expect_name("in an import"));
    CL_ASSIGN_OR_RETURN(n.as, optional_as());
    s->names.push_back(std::move(n));
    if (!op(",")) {
      break;
    }
    ++pos_;
    if (paren && op(")")) {
      break;
    }
  }
  if (paren) {
    CL_RETURN_IF_ERROR(expect_op(")", "to close the import list"));
  }
  return s;
}

Status Parser::check_target(const Expr& e, std::string_view action) const {
  switch (e.kind) {
    case ExprKind::kName:
    case ExprKind::kAttribute:
    case ExprKind::kSubscript:
      return ok_status();
    case ExprKind::kTuple:
    case ExprKind::kList:
      for (const auto& item : e.items) {
        CL_RETURN_IF_ERROR(check_target(*item, action));
      }
      return ok_status();
    default:
      return script_error(source_, e.line, fmt::format("cannot {} this expression", action));
  }
}

Result<StmtPtr> Parser::expression_statement() {
  int ln = line();
  CL_ASSIGN_OR_RETURN(ExprPtr first, testlist());
  static constexpr std::array<std::string_view, 12> kAug = {
      "+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", ">>=", "<<="};
  for (std::string_view a : kAug) {
    if (op(a)) {
      if (first->kind != ExprKind::kName && first->kind != ExprKind::kAttribute &&
          first->kind != ExprKind::kSubscript) {
        return error("cannot use augmented assignment on this target");
      }
      ++pos_;
      auto s = make_stmt(StmtKind::kAugAssign, ln);
      s->text = std::string(a.substr(0, a.size() - 1));
      s->targets.push_back(std::move(first));
      CL_ASSIGN_OR_RETURN(s->value, testlist());
      return s;
    }
  }
  if (op(":")) {  // annotated assignment: the annotation is ignored
    ++pos_;
    CL_RETURN_IF_ERROR(check_target(*first, "annotate"));
    CL_ASSIGN_OR_RETURN(ExprPtr annotation, test());
    (void)annotation;
    if (!op("=")) {
      return make_stmt(StmtKind::kPass, ln);
    }
  }
  if (!op("=")) {
    if (op(":=")) {
      return unsupported("assignment expression ':='");
    }
    auto s = make_stmt(StmtKind::kExpr, ln);
    s->value = std::move(first);
    return s;
  }
  auto s = make_stmt(StmtKind::kAssign, ln);
  ExprPtr value = std::move(first);
  while (op("=")) {
    ++pos_;
    CL_RETURN_IF_ERROR(check_target(*value, "assign to"));
    s->targets.push_back(std::move(value));
    if (kw("yield")) {
      return unsupported("yield");
    }
    CL_ASSIGN_OR_RETURN(value, testlist());
  }
  s->value = std::move(value);
  return s;
}

Result<StmtPtr> Parser::if_statement() {
  auto s = make_stmt(StmtKind::kIf, line());
  ++pos_;  // "if" or "elif"
  CL_ASSIGN_OR_RETURN(s->value, test());
  CL_ASSIGN_OR_RETURN(s->body, block());
  if (kw("elif")) {
    CL_RETURN_IF_ERROR(push(s->orelse, if_statement()));
  } else if (kw("else")) {
    ++pos_;
    CL_ASSIGN_OR_RETURN(s->orelse, block());
  }
  return s;
}

Status Parser::optional_else(Stmt& s) {
  if (kw("else")) {
    ++pos_;
    CL_ASSIGN_OR_RETURN(s.orelse, block());
  }
  return ok_status();
}

Result<StmtPtr> Parser::loop_rest(StmtPtr s, Result<ExprPtr> value) {
  CL_ASSIGN_OR_RETURN(s->value, std::move(value));
  CL_ASSIGN_OR_RETURN(s->body, block());
  CL_RETURN_IF_ERROR(optional_else(*s));
  return s;
}

Result<StmtPtr> Parser::while_statement() {
  auto s = keyword_stmt(StmtKind::kWhile);
  return loop_rest(std::move(s), test());
}

Result<StmtPtr> Parser::for_statement() {
  auto s = keyword_stmt(StmtKind::kFor);
  CL_ASSIGN_OR_RETURN(ExprPtr target, target_list());
  CL_RETURN_IF_ERROR(check_target(*target, "assign to"));
  s->targets.push_back(std::move(target));
  if (!kw("in")) {
    return error(fmt::format("expected 'in', found {}", describe(peek())));
  }
  ++pos_;
  return loop_rest(std::move(s), testlist());
}

// `a, b` in `for a, b in ...`: bitwise-or level expressions (no `in` comparisons).
Result<ExprPtr> Parser::target_list() {
  return comma_list([this] { return binary(0); }, [this] { return kw("in"); });
}

Result<StmtPtr> Parser::try_statement() {
  auto s = keyword_stmt(StmtKind::kTry);
  CL_ASSIGN_OR_RETURN(s->body, block());
  while (kw("except")) {
    Handler h;
    h.line = line();
    ++pos_;
    if (!op(":")) {
      CL_ASSIGN_OR_RETURN(h.type, test());
      if (kw("as") || op(",")) {  // "except E, e:" is Python 2
        ++pos_;
        CL_ASSIGN_OR_RETURN(h.as, expect_name("for the exception"));
      }
    }
    CL_ASSIGN_OR_RETURN(h.body, block());
    s->handlers.push_back(std::move(h));
  }
  if (!s->handlers.empty()) {
    CL_RETURN_IF_ERROR(optional_else(*s));
  }
  if (kw("finally")) {
    ++pos_;
    CL_ASSIGN_OR_RETURN(s->finalbody, block());
  } else if (s->handlers.empty()) {
    return error("expected 'except' or 'finally' after a try block");
  }
  return s;
}

Result<StmtPtr> Parser::with_statement() {
  auto s = keyword_stmt(StmtKind::kWith);
  auto with_item = [&]() -> Status {
    WithItem item;
    CL_ASSIGN_OR_RETURN(item.context, test());
    if (kw("as")) {
      ++pos_;
      CL_ASSIGN_OR_RETURN(item.target, binary(0));
      CL_RETURN_IF_ERROR(check_target(*item.target, "assign to"));
    }
    s->items.push_back(std::move(item));
    return ok_status();
  };
  CL_RETURN_IF_ERROR(comma_separated(with_item));
  CL_ASSIGN_OR_RETURN(s->body, block());
  return s;
}

Result<StmtPtr> Parser::decorated() {
  std::vector<ExprPtr> decorators;
  while (op("@")) {
    ++pos_;
    CL_ASSIGN_OR_RETURN(ExprPtr d, test());
    decorators.push_back(std::move(d));
    if (peek().kind != TokenKind::kNewline) {
      return error(
          fmt::format("expected end of line after a decorator, found {}", describe(peek())));
    }
    ++pos_;
  }
  if (!kw("def") && !kw("class")) {
    return error("expected 'def' or 'class' after a decorator");
  }
  return definition(std::move(decorators));
}

Result<StmtPtr> Parser::definition(std::vector<ExprPtr> decorators) {
  bool is_class = kw("class");
  auto s = make_stmt(is_class ? StmtKind::kClass : StmtKind::kDef, line());
  ++pos_;
  s->decorators = std::move(decorators);
  CL_ASSIGN_OR_RETURN(s->text, expect_name(is_class ? "after 'class'" : "after 'def'"));
  if (is_class) {
    if (op("(")) {
      ++pos_;
      while (!op(")")) {
        if (peek().kind == TokenKind::kName && op("=", 1)) {  // metaclass=...
          pos_ += 2;
        }
        CL_ASSIGN_OR_RETURN(ExprPtr base, test());
        s->bases.push_back(std::move(base));
        if (!op(",")) {
          break;
        }
        ++pos_;
      }
      CL_RETURN_IF_ERROR(expect_op(")", "to close the base classes"));
    }
  } else {
    CL_RETURN_IF_ERROR(parameters(*s));
    if (op("->")) {
      ++pos_;
      CL_ASSIGN_OR_RETURN(ExprPtr annotation, test());
      (void)annotation;
    }
  }
  CL_ASSIGN_OR_RETURN(s->body, block());
  return s;
}

Status Parser::parameters(Stmt& s) {
  CL_RETURN_IF_ERROR(expect_op("(", "after the function name"));
  while (!op(")")) {
    Param p;
    if (op("*") || op("**")) {
      p.star = op("*") ? 1 : 2;
      ++pos_;
      if (p.star == 1 && (op(",") || op(")"))) {  // bare "*": keyword-only marker
        if (op(",")) {
          ++pos_;
        }
        continue;
      }
    } else if (op("/")) {  // positional-only marker
      ++pos_;
      if (op(",")) {
        ++pos_;
      }
      continue;
    } else if (op("(")) {
      return unsupported("tuple parameter");
    }
    CL_ASSIGN_OR_RETURN(p.name, expect_name("as a parameter"));
    if (op(":")) {
      ++pos_;
      CL_ASSIGN_OR_RETURN(ExprPtr annotation, test());
      (void)annotation;
    }
    if (op("=") && p.star == 0) {
      ++pos_;
      CL_ASSIGN_OR_RETURN(p.default_value, test());
    }
    for (const Param& other : s.params) {
      if (other.name == p.name) {
        return error(fmt::format("duplicate parameter '{}'", p.name));
      }
    }
    s.params.push_back(std::move(p));
    if (!op(",")) {
      break;
    }
    ++pos_;
  }
  return expect_op(")", "to close the parameters");
}

Result<Module> parse(std::string_view text, const std::string& source, const Limits& limits) {
  CL_ASSIGN_OR_RETURN(std::vector<Token> tokens, tokenize(text, source, limits));
  return Parser(std::move(tokens), source, limits).module();
}

}  // namespace chainlab::emulator::pyscript
