// Expressions of the Python-subset parser (pyscript_parser.h), with Python's precedence; tree
// heights are bounded (evaluating and destroying a tree recurses once per level).
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

#include "emulator/pyscript_parser.h"

namespace chainlab::emulator::pyscript {

// ---- expressions ----
// Sets the height of a node whose children are in place; too tall a tree is an error (its
// evaluation and destruction recurse once per level).
Status Parser::grown(Expr& e) const {
  int h = 0;
  for (const auto& item : e.items) {
    h = std::max(h, item ? item->height : 0);
  }
  for (const auto& k : e.keywords) {
    h = std::max(h, k.value->height);
  }
  e.height = h + 1;
  if (e.height > limits_.max_depth * 4) {
    return script_error(source_, e.line, "expression nested too deeply");
  }
  return ok_status();
}

Result<ExprPtr> Parser::comma_list(const std::function<Result<ExprPtr>()>& item,
                                   const std::function<bool()>& ends) {
  int ln = line();
  CL_ASSIGN_OR_RETURN(ExprPtr first, item());
  if (!op(",")) {
    return first;
  }
  auto tuple = make_expr(ExprKind::kTuple, ln);
  tuple->items.push_back(std::move(first));
  while (op(",")) {
    ++pos_;
    if (ends()) {
      break;
    }
    CL_ASSIGN_OR_RETURN(ExprPtr e, item());
    tuple->items.push_back(std::move(e));
  }
  CL_RETURN_IF_ERROR(grown(*tuple));
  return tuple;
}

// `a, b, c` (a tuple) or a single test.
Result<ExprPtr> Parser::testlist() {
  return comma_list([this] { return test(); },
                    [this] {
                      return peek().kind == TokenKind::kNewline || op("=") || op(")") || op(";") ||
                             op(":");
                    });
}

Result<ExprPtr> Parser::test_before_for(std::string_view what) {
  CL_ASSIGN_OR_RETURN(ExprPtr e, test());
  if (kw("for")) {
    return unsupported(what);
  }
  return e;
}

Result<ExprPtr> Parser::test() {
  Depth depth(*this);
  CL_RETURN_IF_ERROR(depth.check("expression"));
  if (kw("lambda")) {
    return unsupported("lambda");
  }
  if (kw("yield") || kw("await")) {
    return unsupported(peek().text);
  }
  int ln = line();
  CL_ASSIGN_OR_RETURN(ExprPtr body, or_test());
  if (!kw("if")) {
    return body;
  }
  ++pos_;
  auto e = make_expr(ExprKind::kIfExp, ln);
  CL_ASSIGN_OR_RETURN(ExprPtr cond, or_test());
  if (!kw("else")) {
    return error(
        fmt::format("expected 'else' in a conditional expression, found {}", describe(peek())));
  }
  ++pos_;
  CL_ASSIGN_OR_RETURN(ExprPtr orelse, test());
  e->items.push_back(std::move(body));
  e->items.push_back(std::move(cond));
  e->items.push_back(std::move(orelse));
  CL_RETURN_IF_ERROR(grown(*e));
  return e;
}

Result<ExprPtr> Parser::bool_op(std::string_view which) {
  int ln = line();
  Result<ExprPtr> left = which == "or" ? bool_op("and") : not_test();
  if (!left.ok()) {
    return left;
  }
  ExprPtr e = std::move(left).value();
  while (kw(which)) {
    ++pos_;
    Result<ExprPtr> right = which == "or" ? bool_op("and") : not_test();
    if (!right.ok()) {
      return right;
    }
    auto b = make_expr(ExprKind::kBoolOp, ln);
    b->text = std::string(which);
    b->items.push_back(std::move(e));
    b->items.push_back(std::move(right).value());
    CL_RETURN_IF_ERROR(grown(*b));
    e = std::move(b);
  }
  return e;
}

Result<ExprPtr> Parser::not_test() {
  Depth depth(*this);
  CL_RETURN_IF_ERROR(depth.check("expression"));
  if (kw("not")) {
    auto e = make_expr(ExprKind::kUnary, line());
    ++pos_;
    e->text = "not";
    CL_ASSIGN_OR_RETURN(ExprPtr operand, not_test());
    e->items.push_back(std::move(operand));
    CL_RETURN_IF_ERROR(grown(*e));
    return e;
  }
  return comparison();
}

// The comparison operator at the cursor ("" if none); advances past it.
std::string Parser::comparison_op() {
  static constexpr std::array<std::string_view, 7> kOps = {"<", ">", "==", ">=", "<=", "!=", "<>"};
  for (std::string_view o : kOps) {
    if (op(o)) {
      ++pos_;
      return o == "<>" ? "!=" : std::string(o);
    }
  }
  if (kw("in")) {
    ++pos_;
    return "in";
  }
  if (kw("not") && kw("in", 1)) {
    pos_ += 2;
    return "not in";
  }
  if (kw("is")) {
    ++pos_;
    if (kw("not")) {
      ++pos_;
      return "is not";
    }
    return "is";
  }
  return "";
}

Result<ExprPtr> Parser::comparison() {
  int ln = line();
  CL_ASSIGN_OR_RETURN(ExprPtr left, binary(0));
  ExprPtr cmp;
  while (true) {
    std::string o = comparison_op();
    if (o.empty()) {
      break;
    }
    if (!cmp) {
      cmp = make_expr(ExprKind::kCompare, ln);
      cmp->items.push_back(std::move(left));
    }
    CL_ASSIGN_OR_RETURN(ExprPtr right, binary(0));
    cmp->ops.push_back(std::move(o));
    cmp->items.push_back(std::move(right));
    CL_RETURN_IF_ERROR(grown(*cmp));
  }
  return cmp ? std::move(cmp) : std::move(left);
}

// Binary operators by precedence level: | ^ & (<< >>) (+ -) (* / // % @).
Result<ExprPtr> Parser::binary(int level) {
  static constexpr std::array<std::array<std::string_view, 5>, 6> kLevels = {{
      {"|"},
      {"^"},
      {"&"},
      {"<<", ">>"},
      {"+", "-"},
      {"*", "/", "//", "%", "@"},
  }};
  if (level == static_cast<int>(kLevels.size())) {
    return factor();
  }
  int ln = line();
  CL_ASSIGN_OR_RETURN(ExprPtr left, binary(level + 1));
  while (true) {
    std::string_view found;
    for (std::string_view o : kLevels[static_cast<size_t>(level)]) {
      if (!o.empty() && op(o)) {
        found = o;
      }
    }
    if (found.empty()) {
      return left;
    }
    if (found == "@") {
      return unsupported("matrix multiplication '@'");
    }
    ++pos_;
    CL_ASSIGN_OR_RETURN(ExprPtr right, binary(level + 1));
    auto b = make_expr(ExprKind::kBinary, ln);
    b->text = std::string(found);
    b->items.push_back(std::move(left));
    b->items.push_back(std::move(right));
    CL_RETURN_IF_ERROR(grown(*b));
    left = std::move(b);
  }
}

Result<ExprPtr> Parser::factor() {
  Depth depth(*this);
  CL_RETURN_IF_ERROR(depth.check("expression"));
  if (op("-") || op("+") || op("~")) {
    auto e = make_expr(ExprKind::kUnary, line());
    e->text = toks_[pos_++].text;
    CL_ASSIGN_OR_RETURN(ExprPtr operand, factor());
    e->items.push_back(std::move(operand));
    CL_RETURN_IF_ERROR(grown(*e));
    return e;
  }
  int ln = line();
  CL_ASSIGN_OR_RETURN(ExprPtr base, atom_expr());
  if (!op("**")) {
    return base;
  }
  ++pos_;
  CL_ASSIGN_OR_RETURN(ExprPtr exponent, factor());
  auto e = make_expr(ExprKind::kBinary, ln);
  e->text = "**";
  e->items.push_back(std::move(base));
  e->items.push_back(std::move(exponent));
  CL_RETURN_IF_ERROR(grown(*e));
  return e;
}

Result<ExprPtr> Parser::atom_expr() {
  CL_ASSIGN_OR_RETURN(ExprPtr e, atom());
  while (true) {
    int ln = line();
    if (op(".")) {
      ++pos_;
      auto a = make_expr(ExprKind::kAttribute, ln);
      CL_ASSIGN_OR_RETURN(a->text, expect_name("after '.'"));
      a->items.push_back(std::move(e));
      CL_RETURN_IF_ERROR(grown(*a));
      e = std::move(a);
    } else if (op("(")) {
      ++pos_;
      auto c = make_expr(ExprKind::kCall, ln);
      c->items.push_back(std::move(e));
      CL_RETURN_IF_ERROR(arguments(*c));
      CL_RETURN_IF_ERROR(grown(*c));
      e = std::move(c);
    } else if (op("[")) {
      ++pos_;
      auto s = make_expr(ExprKind::kSubscript, ln);
      s->items.push_back(std::move(e));
      CL_ASSIGN_OR_RETURN(ExprPtr index, subscript_index());
      s->items.push_back(std::move(index));
      CL_RETURN_IF_ERROR(expect_op("]", "to close the subscript"));
      CL_RETURN_IF_ERROR(grown(*s));
      e = std::move(s);
    } else {
      return e;
    }
  }
}

// `i`, `a, b` or a slice `lo:hi:step` (each part optional).
Result<ExprPtr> Parser::subscript_index() {
  int ln = line();
  ExprPtr lower;
  if (!op(":")) {
    CL_ASSIGN_OR_RETURN(lower, testlist());
    if (!op(":")) {
      return lower;
    }
  }
  auto slice = make_expr(ExprKind::kSlice, ln);
  slice->items.push_back(std::move(lower));
  for (int part = 0; part < 2 && op(":"); ++part) {
    ++pos_;
    ExprPtr bound;
    if (!op(":") && !op("]")) {
      CL_ASSIGN_OR_RETURN(bound, test());
    }
    slice->items.push_back(std::move(bound));
  }
  slice->items.resize(3);
  CL_RETURN_IF_ERROR(grown(*slice));
  return slice;
}

Status Parser::arguments(Expr& call) {
  while (!op(")")) {
    if (op("**")) {  // **mapping: a keyword named "**"
      ++pos_;
      Keyword k;
      k.name = "**";
      CL_ASSIGN_OR_RETURN(k.value, test());
      call.keywords.push_back(std::move(k));
    } else if (op("*")) {  // *iterable
      auto star = make_expr(ExprKind::kStarred, line());
      ++pos_;
      if (!call.keywords.empty()) {
        return error("iterable argument unpacking follows keyword argument");
      }
      CL_ASSIGN_OR_RETURN(ExprPtr value, test());
      star->items.push_back(std::move(value));
      CL_RETURN_IF_ERROR(grown(*star));
      call.items.push_back(std::move(star));
    } else if (peek().kind == TokenKind::kName && op("=", 1)) {
      Keyword k;
      k.name = toks_[pos_].text;
      pos_ += 2;
      CL_ASSIGN_OR_RETURN(k.value, test());
      for (const Keyword& other : call.keywords) {
        if (other.name == k.name) {
          return error(fmt::format("keyword argument '{}' repeated", k.name));
        }
      }
      call.keywords.push_back(std::move(k));
    } else {
      if (!call.keywords.empty()) {
        return error("positional argument follows keyword argument");
      }
      CL_ASSIGN_OR_RETURN(ExprPtr arg, test_before_for("generator expression"));
      call.items.push_back(std::move(arg));
    }
    if (!op(",")) {
      break;
    }
    ++pos_;
  }
  return expect_op(")", "to close the call");
}

Result<ExprPtr> Parser::number_literal(const Token& t) {
  const std::string& s = t.text;
  auto e = make_expr(ExprKind::kInt, t.line);
  auto bad = [&] { return error(fmt::format("invalid number literal '{}'", s)); };
  int base = 10;
  size_t skip = 0;
  if (s.size() > 2 && s[0] == '0') {
    char r = static_cast<char>(s[1] | 0x20);
    base = r == 'x' ? 16 : r == 'o' ? 8 : r == 'b' ? 2 : 10;
    skip = base == 10 ? 0 : 2;
  }
  bool is_float = base == 10 && s.find_first_of(".eE") != std::string::npos;
  if (is_float) {
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v)) {
      return bad();
    }
    e->kind = ExprKind::kFloat;
    e->number = v;
    return e;
  }
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data() + skip, s.data() + s.size(), v, base);
  if (ec == std::errc::result_out_of_range) {
    return error(fmt::format("integer literal '{}' does not fit in 64 bits", s));
  }
  if (ec != std::errc() || end != s.data() + s.size() || skip == s.size()) {
    return bad();
  }
  e->integer = v;
  return e;
}

// `(...)`, `[...]`, `{...}`: the elements up to `close`; a trailing comma is allowed.
Status Parser::elements(Expr& into, std::string_view close, bool& saw_comma) {
  saw_comma = false;
  while (!op(close)) {
    if (op("*") || op("**")) {
      return unsupported("unpacking in a display");
    }
    CL_ASSIGN_OR_RETURN(ExprPtr item, test_before_for("comprehension"));
    into.items.push_back(std::move(item));
    if (!op(",")) {
      break;
    }
    saw_comma = true;
    ++pos_;
  }
  return expect_op(close, "to close the brackets");
}

Result<ExprPtr> Parser::dict_or_set(int ln) {
  auto d = make_expr(ExprKind::kDict, ln);
  while (!op("}")) {
    if (op("**")) {
      return unsupported("'**' in a dict display");
    }
    CL_ASSIGN_OR_RETURN(ExprPtr key, test());
    if (!op(":")) {
      return unsupported(kw("for") ? "comprehension" : "set literal");
    }
    ++pos_;
    CL_ASSIGN_OR_RETURN(ExprPtr value, test_before_for("comprehension"));
    d->items.push_back(std::move(key));
    d->items.push_back(std::move(value));
    if (!op(",")) {
      break;
    }
    ++pos_;
  }
  CL_RETURN_IF_ERROR(expect_op("}", "to close the dict"));
  CL_RETURN_IF_ERROR(grown(*d));
  return d;
}

Result<ExprPtr> Parser::atom() {
  const Token& t = peek();
  int ln = t.line;
  switch (t.kind) {
    case TokenKind::kNumber:
      ++pos_;
      return number_literal(t);
    case TokenKind::kString: {
      auto e = make_expr(ExprKind::kStr, ln);
      bool bytes = t.bytes;
      while (peek().kind == TokenKind::kString) {
        if (peek().bytes != bytes) {
          return error("cannot mix bytes and text literals");
        }
        e->text += toks_[pos_++].text;
      }
      return e;
    }
    case TokenKind::kName: {
      const std::string& w = t.text;
      if (w == "None" || w == "True" || w == "False") {
        ++pos_;
        auto e = make_expr(w == "None" ? ExprKind::kNone : ExprKind::kBool, ln);
        e->boolean = w == "True";
        return e;
      }
      if (is_keyword(w)) {
        return error(fmt::format("unexpected keyword '{}'", w));
      }
      ++pos_;
      auto e = make_expr(ExprKind::kName, ln);
      e->text = w;
      return e;
    }
    case TokenKind::kOp:
      break;
    default:
      return error(fmt::format("expected an expression, found {}", describe(t)));
  }
  if (op("(") || op("[")) {
    bool paren = op("(");
    ++pos_;
    if (paren && (kw("yield"))) {
      return unsupported("yield");
    }
    auto e = make_expr(paren ? ExprKind::kTuple : ExprKind::kList, ln);
    bool saw_comma = false;
    CL_RETURN_IF_ERROR(elements(*e, paren ? ")" : "]", saw_comma));
    if (paren && e->items.size() == 1 && !saw_comma) {
      return std::move(e->items[0]);  // parenthesised expression
    }
    CL_RETURN_IF_ERROR(grown(*e));
    return e;
  }
  if (op("{")) {
    ++pos_;
    return dict_or_set(ln);
  }
  if (op("...")) {
    return unsupported("Ellipsis '...'");
  }
  return error(fmt::format("expected an expression, found {}", describe(t)));
}

}  // namespace chainlab::emulator::pyscript
