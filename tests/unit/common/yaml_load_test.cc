#include "common/yaml_load.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace chainlab {
namespace {

// A 10-level "billion laughs": ten lists of ten aliases of the level below (10^10 scalars).
std::string billion_laughs(int levels = 10) {
  std::string text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < levels; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) {
      text += (j ? ", " : "") + prev;
    }
    text += "]\n";
  }
  return text;
}

std::string nested_lists(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

TEST(YamlLoad, ParsesOrdinaryDocuments) {
  auto doc = load_yaml("name: x\nlist: [1, 2, {a: b}]\nanchor: &a {k: v}\nuse: *a\n", "t.yaml");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ((*doc)["name"].Scalar(), "x");
  EXPECT_EQ((*doc)["use"]["k"].Scalar(), "v");
  auto empty = load_yaml("", "t.yaml");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->IsNull());
}

TEST(YamlLoad, RefusesBillionLaughsQuickly) {
  std::string bomb = billion_laughs();
  ASSERT_LT(bomb.size(), 1024u);
  auto start = std::chrono::steady_clock::now();
  auto doc = load_yaml(bomb, "bomb.yaml");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(doc.error().message, "bomb.yaml: expands to more than 100000 nodes (aliases?)");
  EXPECT_LT(took, std::chrono::seconds(1));
  // Four levels (10^4 scalars plus the lists) is within the default limit; a lower one refuses it.
  EXPECT_TRUE(load_yaml(billion_laughs(4), "ok.yaml").ok());
  YamlLimits tight;
  tight.max_nodes = 5000;
  EXPECT_FALSE(load_yaml(billion_laughs(4), "ok.yaml", tight).ok());
}

TEST(YamlLoad, CountsEveryNodeOnce) {
  // 3 top-level keys with their values (a: 1 scalar; b: list of 3; c: alias of b) plus the map:
  // 1 + (1+1) + (1+1+3) + (1+1+3) = 13 nodes.
  YamlLimits limits;
  limits.max_nodes = 13;
  EXPECT_TRUE(load_yaml("a: 1\nb: &b [x, y, z]\nc: *b\n", "t", limits).ok());
  limits.max_nodes = 12;
  EXPECT_FALSE(load_yaml("a: 1\nb: &b [x, y, z]\nc: *b\n", "t", limits).ok());
}

TEST(YamlLoad, RefusesDeepNestingAlsoThroughAliases) {
  EXPECT_TRUE(load_yaml(nested_lists(64), "t").ok());
  auto deep = load_yaml(nested_lists(65), "deep.yaml");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("nested deeper than 64 levels"), std::string::npos)
      << deep.error().message;
  // 40 levels anchored, used 30 levels down: 70 once expanded.
  std::string text = "a: &deep " + nested_lists(40) + "\nb: " + std::string(30, '[') + "*deep" +
                     std::string(30, ']') + "\n";
  EXPECT_FALSE(load_yaml(text, "t").ok());
  // 100,000 levels: yaml-cpp's own guard or ours, never a stack overflow.
  EXPECT_FALSE(load_yaml(nested_lists(100'000), "t").ok());
}

TEST(YamlLoad, RefusesInvalidUtf8AndCycles) {
  auto bad = load_yaml("key: \"ok\"\nother: caf\xe9\n", "u.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "u.yaml: line 2, column 8: not valid UTF-8");
  EXPECT_FALSE(load_yaml("\xc0\xaf: x\n", "u.yaml").ok());  // overlong "/"
  EXPECT_TRUE(load_yaml("city: Paderborn\xc3\xa9\n", "u.yaml").ok());
  auto cycle = load_yaml("a: &a [x, *a]\n", "c.yaml");
  EXPECT_FALSE(cycle.ok());
}

TEST(YamlLoad, SyntaxErrorsCarryLineAndColumn) {
  auto r = load_yaml("a: [1, 2\nb: x\n", "s.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("s.yaml: not valid YAML: line ", 0), 0u) << r.error().message;
  EXPECT_FALSE(load_yaml("a: *nowhere\n", "s.yaml").ok());
}

TEST(YamlLoad, StopsWhenCancelled) {
  std::string big;
  for (int i = 0; i < 20'000; ++i) {
    big += "k" + std::to_string(i) + ": v\n";
  }
  Cancel cancel([] { return true; });
  YamlLimits limits;
  limits.cancel = &cancel;
  auto r = load_yaml(big, "big.yaml", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "big.yaml: interrupted");
}

}  // namespace
}  // namespace chainlab
