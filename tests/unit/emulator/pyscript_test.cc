// The Python-subset parser under the son-emu importer: tokens, every accepted construct, every
// refused one (with its line), and hostile input.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "emulator/pyscript.h"

namespace chainlab::emulator::pyscript {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string parse_error(const std::string& text, const Limits& limits = {}) {
  auto r = parse(text, "t.py", limits);
  return r.ok() ? std::string("ok") : r.error().message;
}

std::vector<TokenKind> kinds(const std::string& text) {
  auto r = tokenize(text, "t.py", Limits{});
  EXPECT_TRUE(r.ok()) << r.error().message;
  std::vector<TokenKind> out;
  for (const Token& t : r.value_or({})) {
    out.push_back(t.kind);
  }
  return out;
}

std::string single_string(const std::string& literal) {
  auto m = parse("x = " + literal + "\n", "t.py");
  EXPECT_TRUE(m.ok()) << m.error().message;
  if (!m.ok()) {
    return "";
  }
  const Expr& e = *m->body[0]->value;
  EXPECT_EQ(e.kind, ExprKind::kStr);
  return e.text;
}

const Expr& value_of(const Module& m, size_t i = 0) {
  return *m.body[i]->value;
}

TEST(PyscriptTest, IndentationBlankLinesCommentsAndContinuations) {
  using K = TokenKind;
  EXPECT_EQ(
      kinds("if a:\n    b\n\n    # c\n  \n    d\ne\n"),
      (std::vector<K>{K::kName, K::kName, K::kOp, K::kNewline, K::kIndent, K::kName, K::kNewline,
                      K::kName, K::kNewline, K::kDedent, K::kName, K::kNewline, K::kEnd}));
  // Brackets and backslashes continue a line; a tab indents to the next multiple of 8.
  EXPECT_EQ(
      kinds("f(1,\n  2)\nx = 1 + \\\n 2\n"),
      (std::vector<K>{K::kName, K::kOp, K::kNumber, K::kOp, K::kNumber, K::kOp, K::kNewline,
                      K::kName, K::kOp, K::kNumber, K::kOp, K::kNumber, K::kNewline, K::kEnd}));
  EXPECT_EQ(parse_error("if a:\n\tb\n        c\n"), "ok");
  EXPECT_EQ(parse_error("x = 1"), "ok");                           // no final newline
  EXPECT_EQ(parse_error("\xEF\xBB\xBFx = 1\r\ny = 2\r\n"), "ok");  // BOM and CRLF
}

TEST(PyscriptTest, StringLiterals) {
  EXPECT_EQ(single_string(R"("a\tb\n\x41\101\u00e9\\\"")"), "a\tb\nAA\xC3\xA9\\\"");
  EXPECT_EQ(single_string(R"(r"a\d\n")"), "a\\d\\n");
  EXPECT_EQ(single_string(R"('dc' "1" 'x')"), "dc1x");
  EXPECT_EQ(single_string("'''a\nb'''"), "a\nb");
  EXPECT_EQ(single_string(R"(u"x\q")"), "x\\q");  // unknown escapes stay
  EXPECT_EQ(single_string("'a\\\nb'"), "ab");     // escaped newline
  EXPECT_EQ(parse_error("x = 'abc\n"), "t.py:1: unterminated string");
  EXPECT_EQ(parse_error("\n\nx = '''abc\n\n"), "t.py:3: unterminated string");
  EXPECT_EQ(parse_error("x = f'{a}'\n"), "t.py:1: unsupported construct: f-string");
  EXPECT_EQ(parse_error("x = b'a' 'b'\n"), "t.py:1: cannot mix bytes and text literals");
  EXPECT_EQ(parse_error("x = '\\N{DASH}'\n"), "t.py:1: unsupported construct: \\N{...} escape");
  EXPECT_EQ(parse_error("x = '\\x4'\n"), "t.py:1: truncated \\x escape in a string");
  EXPECT_EQ(parse_error("x = '\\ud800'\n"), "t.py:1: invalid code point U+D800 in a string");
}

TEST(PyscriptTest, NumberLiterals) {
  auto m = parse("a = 0x1F\nb = 0o17\nc = 0b101\nd = 1_000\ne = 2.5e3\nf = .5\ng = 10L\n", "t");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(value_of(*m, 0).integer, 31);
  EXPECT_EQ(value_of(*m, 1).integer, 15);
  EXPECT_EQ(value_of(*m, 2).integer, 5);
  EXPECT_EQ(value_of(*m, 3).integer, 1000);
  EXPECT_EQ(value_of(*m, 4).number, 2500);
  EXPECT_EQ(value_of(*m, 5).number, 0.5);
  EXPECT_EQ(value_of(*m, 6).integer, 10);
  EXPECT_EQ(parse_error("x = 99999999999999999999\n"),
            "t.py:1: integer literal '99999999999999999999' does not fit in 64 bits");
  EXPECT_EQ(parse_error("x = 0777\n"),
            "t.py:1: unsupported construct: old-style octal literal '0777'");
  EXPECT_EQ(parse_error("x = 1j\n"), "t.py:1: unsupported construct: complex number literal");
  EXPECT_EQ(parse_error("x = 10ms\n"), "t.py:1: invalid number literal '10ms'");
  EXPECT_EQ(parse_error("x = 1e999\n"), "t.py:1: invalid number literal '1e999'");
}

TEST(PyscriptTest, EveryStatementKind) {
  const char* text = R"(import os, emuvim.dcemulator.net as n
from emuvim.api.tango import TangoLLCMEndpoint as T, llcm
from . import x
from m import (a,
               b,)
from m import *
@decorator(1)
def f(a, b=2, *args, c: int = 3, **kw) -> None:
    global g
    del a
    assert b, "message"
    return
class C(Base, metaclass=M):
    attr = 1
    def m(self): pass
if a:
    pass
elif b:
    pass
else:
    pass
for i, j in pairs:
    break
else:
    continue
while x: x -= 1
try:
    raise E("x") from None
except (A, B) as e:
    pass
except C, e:
    pass
except:
    pass
else:
    pass
finally:
    pass
with open(p) as f, lock:
    pass
print "a", b
print
a = b = c, d = 1, 2
x[1] = y.z = 3
n: int = 4
m: int
x = a if b else c
x = not a and b or c
x = a < b <= c != d in e not in f is g is not h
x = -a + b * c / d // e % f ** -g << 1 >> 2 & 3 | 4 ^ ~5
x = {"k": [1, (2,), ()], 3: {}}
x = s[1:], s[::2], s[1:2:3]
f(1, k=2,)
f(*a, **b)
)";
  auto m = parse(text, "all.py");
  ASSERT_TRUE(m.ok()) << m.error().message;
  std::vector<StmtKind> expected = {
      StmtKind::kImport,     StmtKind::kFromImport, StmtKind::kFromImport, StmtKind::kFromImport,
      StmtKind::kFromImport, StmtKind::kDef,        StmtKind::kClass,      StmtKind::kIf,
      StmtKind::kFor,        StmtKind::kWhile,      StmtKind::kTry,        StmtKind::kWith,
      StmtKind::kPrint,      StmtKind::kPrint,      StmtKind::kAssign,     StmtKind::kAssign,
      StmtKind::kAssign,     StmtKind::kPass,       StmtKind::kAssign,     StmtKind::kAssign,
      StmtKind::kAssign,     StmtKind::kAssign,     StmtKind::kAssign,     StmtKind::kAssign,
      StmtKind::kExpr,       StmtKind::kExpr};
  ASSERT_EQ(m->body.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(m->body[i]->kind, expected[i]) << "statement " << i;
  }
  const Stmt& def = *m->body[5];
  EXPECT_EQ(def.text, "f");
  ASSERT_EQ(def.params.size(), 5u);
  EXPECT_EQ(def.params[2].star, 1);
  EXPECT_EQ(def.params[4].star, 2);
  EXPECT_EQ(def.decorators.size(), 1u);
  const Stmt& elif = *m->body[7]->orelse[0];
  EXPECT_EQ(elif.kind, StmtKind::kIf);
  EXPECT_EQ(elif.orelse.size(), 1u);
  const Stmt& tri = *m->body[10];
  EXPECT_EQ(tri.handlers.size(), 3u);
  EXPECT_EQ(tri.handlers[1].as, "e");
  EXPECT_EQ(m->body[14]->targets.size(), 3u);  // a = b = c, d = 1, 2
  EXPECT_EQ(m->body[1]->names[0].as, "T");
  EXPECT_EQ(m->body[2]->text, ".");
  EXPECT_EQ(m->body[4]->names[0].name, "*");
  EXPECT_EQ(value_of(*m, 20).ops.size(), 7u);  // the comparison chain
}

TEST(PyscriptTest, RefusedConstructsNameTheirLine) {
  EXPECT_EQ(parse_error("\nx = lambda a: a\n"), "t.py:2: unsupported construct: lambda");
  EXPECT_EQ(parse_error("x = [a for a in b]\n"), "t.py:1: unsupported construct: comprehension");
  EXPECT_EQ(parse_error("x = {a: 1 for a in b}\n"), "t.py:1: unsupported construct: comprehension");
  EXPECT_EQ(parse_error("x = {1, 2}\n"), "t.py:1: unsupported construct: set literal");
  EXPECT_EQ(parse_error("f(a=1, *b)\n"),
            "t.py:1: iterable argument unpacking follows keyword argument");
  EXPECT_EQ(parse_error("f(a for a in b)\n"),
            "t.py:1: unsupported construct: generator expression");
  EXPECT_EQ(parse_error("def f():\n    yield 1\n"), "t.py:2: unsupported construct: yield");
  EXPECT_EQ(parse_error("def f():\n    nonlocal a\n"),
            "t.py:2: unsupported construct: nonlocal statement");
  EXPECT_EQ(parse_error("async def f(): pass\n"), "t.py:1: unsupported construct: async");
  EXPECT_EQ(parse_error("exec 'x'\n"), "t.py:1: unsupported construct: exec statement");
  EXPECT_EQ(parse_error("if (a := 1): pass\n"),
            "t.py:1: expected ')' to close the brackets, found ':='");
  EXPECT_EQ(parse_error("x = ...\n"), "t.py:1: unsupported construct: Ellipsis '...'");
  EXPECT_EQ(parse_error("x = `a`\n"), "t.py:1: unsupported construct: backquote repr");
  EXPECT_EQ(parse_error("print >>f, 'x'\n"), "t.py:1: unsupported construct: print >>file");
  EXPECT_EQ(parse_error("x = [*a]\n"), "t.py:1: unsupported construct: unpacking in a display");
  EXPECT_EQ(parse_error("def f((a, b)): pass\n"), "t.py:1: unsupported construct: tuple parameter");
  EXPECT_EQ(parse_error("x = a @ b\n"), "t.py:1: unsupported construct: matrix multiplication '@'");
}

TEST(PyscriptTest, SyntaxErrorsArePrecise) {
  EXPECT_EQ(parse_error("x = 1\n  y = 2\n"), "t.py:2: unexpected indent");
  EXPECT_EQ(parse_error("if a:\n    b\n  c\n"),
            "t.py:3: unindent does not match any outer indentation level");
  EXPECT_EQ(parse_error("if a:\nb\n"), "t.py:2: expected an indented block");
  EXPECT_EQ(parse_error("x = (1,\n 2\n"), "t.py:1: '(' is never closed");
  EXPECT_EQ(parse_error("x = 1)\n"), "t.py:1: unmatched ')'");
  EXPECT_EQ(parse_error("x = [1)\n"), "t.py:1: unmatched ')'");
  EXPECT_EQ(parse_error("if a\n    b\n"), "t.py:1: expected ':' before a block, found end of line");
  EXPECT_EQ(parse_error("x = 1 2\n"), "t.py:1: expected end of line, found '2'");
  EXPECT_EQ(parse_error("class = 1\n"), "t.py:1: expected a name after 'class', found '='");
  EXPECT_EQ(parse_error("x = if\n"), "t.py:1: unexpected keyword 'if'");
  EXPECT_EQ(parse_error("f(a=1, 2)\n"), "t.py:1: positional argument follows keyword argument");
  EXPECT_EQ(parse_error("f(a=1, a=2)\n"), "t.py:1: keyword argument 'a' repeated");
  EXPECT_EQ(parse_error("def f(a, a): pass\n"), "t.py:1: duplicate parameter 'a'");
  EXPECT_EQ(parse_error("1 = x\n"), "t.py:1: cannot assign to this expression");
  EXPECT_EQ(parse_error("f() += 1\n"), "t.py:1: cannot use augmented assignment on this target");
  EXPECT_EQ(parse_error("try:\n    pass\nx = 1\n"),
            "t.py:3: expected 'except' or 'finally' after a try block");
  EXPECT_EQ(parse_error("x = a if b\n"),
            "t.py:1: expected 'else' in a conditional expression, found end of line");
  EXPECT_EQ(parse_error("@d\nx = 1\n"), "t.py:2: expected 'def' or 'class' after a decorator");
  EXPECT_EQ(parse_error("x = $\n"), "t.py:1: unexpected character '$'");
  EXPECT_EQ(parse_error("x = 1 \\ 2\n"),
            "t.py:1: unexpected '\\' (a line continuation must end its line)");
}

TEST(PyscriptTest, HostileInputGivesPreciseErrors) {
  EXPECT_EQ(parse_error(std::string("x = 1\ny = \0\n", 12)),
            "t.py:2: NUL byte: binary data, not a Python script");
  EXPECT_EQ(parse_error("x = 1\n\n# \xff\xfe\n"), "t.py:3: invalid UTF-8");
  EXPECT_EQ(parse_error("# \xc3\xa9t\xc3\xa9\nx = '\xc3\xa9'\n"),
            "ok");  // UTF-8 in comments, strings
  EXPECT_EQ(parse_error("\xc3\xa9 = 1\n"),
            "t.py:1: non-ASCII character outside a string or comment");
  Limits small;
  small.max_bytes = 100;
  EXPECT_EQ(parse_error(std::string(101, '#'), small),
            "t.py: 101 bytes is too large for a topology script (at most 100)");
  small.max_bytes = 1 << 20;
  small.max_tokens = 10;
  EXPECT_THAT(parse_error("x = 1 + 2 + 3 + 4 + 5\n", small), HasSubstr("more than 10 tokens"));
  EXPECT_EQ(parse_error("x = " + std::string(49, '(') + "1" + std::string(49, ')') + "\n"),
            "t.py:1: brackets nested more than 48 deep");
  EXPECT_EQ(parse_error("x = " + std::string(40, '(') + "1" + std::string(40, ')') + "\n"), "ok");
  EXPECT_EQ(parse_error("x = " + std::string(300, '-') + "1\n"),
            "t.py:1: expression nested too deeply");
  EXPECT_EQ(parse_error("x = " + std::string(300, '~') + "1\n"),
            "t.py:1: expression nested too deeply");
  std::string nested;
  for (int i = 0; i < 60; ++i) {
    nested += std::string(static_cast<size_t>(i), ' ') + "if a:\n";
  }
  nested += std::string(60, ' ') + "pass\n";
  EXPECT_THAT(parse_error(nested), HasSubstr("blocks nested more than 48 deep"));
  // Left-deep chains are built in loops but still make tall trees: bounded too.
  std::string chain = "x = a";
  for (int i = 0; i < 20000; ++i) {
    chain += " + a";
  }
  EXPECT_EQ(parse_error(chain + "\n"), "t.py:1: expression nested too deeply");
  std::string calls = "x = f";
  for (int i = 0; i < 20000; ++i) {
    calls += "()";
  }
  EXPECT_EQ(parse_error(calls + "\n"), "t.py:1: expression nested too deeply");
  std::string sum = "x = a";
  for (int i = 0; i < 150; ++i) {
    sum += " + a";
  }
  EXPECT_EQ(parse_error(sum + "\n"), "ok");
}

// Pseudo-random mutations of a real-looking script: whatever comes out, parse() returns a Module
// or an Error whose message names the source, and never crashes.
TEST(PyscriptTest, MutatedScriptsNeverCrash) {
  const std::string seed = R"(from emuvim.dcemulator.net import DCNetwork
def create_topology():
    net = DCNetwork(monitor=False, enable_learning=True)
    dc1 = net.addDatacenter("dc1", metadata={'a': [1, 2.5, (3,)]})
    for i in range(3):
        net.addLink(dc1, "s%d" % i, delay='10ms')
    if __name__ == '__main__': pass
    try:
        x = """doc""" + r'\d'
    except Exception as e:
        raise
)";
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  const std::string alphabet = "()[]{}:,.'\"\\\n \t#=+-*%@0123456789abcdefxyz_\xc3\xff";
  for (int round = 0; round < 3000; ++round) {
    std::string text = seed;
    int edits = 1 + static_cast<int>(next() % 8);
    for (int k = 0; k < edits && !text.empty(); ++k) {
      size_t at = next() % text.size();
      switch (next() % 3) {
        case 0:
          text.erase(at, 1 + next() % 5);
          break;
        case 1:
          text.insert(at, 1, alphabet[next() % alphabet.size()]);
          break;
        default:
          text[at] = alphabet[next() % alphabet.size()];
      }
    }
    auto r = parse(text, "m.py");
    if (!r.ok()) {
      EXPECT_THAT(r.error().message, StartsWith("m.py")) << text;
    }
  }
}

}  // namespace
}  // namespace chainlab::emulator::pyscript
