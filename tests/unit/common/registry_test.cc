#include "common/registry.h"

#include <gtest/gtest.h>

namespace chainlab {
namespace {

class Shape {
 public:
  virtual ~Shape() = default;
  virtual int sides() const = 0;
};

class Polygon final : public Shape {
 public:
  explicit Polygon(int n) : n_(n) {}
  int sides() const override { return n_; }

 private:
  int n_;
};

using ShapeRegistry = Registry<Shape, int>;

Result<std::unique_ptr<Shape>> make_polygon(int n) {
  if (n < 3) {
    return make_error(ErrorCode::kInvalidArgument, "a polygon needs 3 sides, not {}", n);
  }
  return std::unique_ptr<Shape>(std::make_unique<Polygon>(n));
}

TEST(Registry, CreatesByNameWithArguments) {
  ShapeRegistry registry("shape");
  ASSERT_TRUE(registry.add("polygon", make_polygon).ok());
  auto shape = registry.create("polygon", 5);
  ASSERT_TRUE(shape.ok()) << shape.error().message;
  EXPECT_EQ((*shape)->sides(), 5);
  // Each call is a new object.
  auto other = registry.create("polygon", 4);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(shape->get(), other->get());
  EXPECT_EQ((*other)->sides(), 4);
}

TEST(Registry, DuplicateNameIsAlreadyExistsAndKeepsTheFirst) {
  ShapeRegistry registry("shape");
  ASSERT_TRUE(registry.add("polygon", make_polygon).ok());
  Status again = registry.add("polygon", [](int) -> Result<std::unique_ptr<Shape>> {
    return std::unique_ptr<Shape>(std::make_unique<Polygon>(99));
  });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message, "shape 'polygon' is registered twice");
  EXPECT_EQ((*registry.create("polygon", 3))->sides(), 3);
  EXPECT_EQ(registry.names(), std::vector<std::string>{"polygon"});
}

TEST(Registry, UnknownNameIsInvalidArgumentListingTheKnownOnes) {
  ShapeRegistry registry("shape");
  ASSERT_TRUE(registry.add("triangle", [](int) { return make_polygon(3); }).ok());
  ASSERT_TRUE(registry.add("square", [](int) { return make_polygon(4); }).ok());
  auto missing = registry.create("circle", 0);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(missing.error().message, "unknown shape 'circle' (known: square, triangle)");

  ShapeRegistry empty("shape");
  auto none = empty.create("x", 0);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "unknown shape 'x' (known: )");
}

TEST(Registry, FactoryErrorsPassThrough) {
  ShapeRegistry registry("shape");
  ASSERT_TRUE(registry.add("polygon", make_polygon).ok());
  auto bad = registry.create("polygon", 2);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message, "a polygon needs 3 sides, not 2");
}

TEST(Registry, NamesAreSortedAndContainsAnswers) {
  ShapeRegistry registry("shape");
  for (const char* name : {"b", "c", "a"}) {
    ASSERT_TRUE(registry.add(name, make_polygon).ok());
  }
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(registry.contains("b"));
  EXPECT_FALSE(registry.contains("d"));
  EXPECT_EQ(registry.kind(), "shape");
}

// A reference argument reaches the factory as the same object (drivers get the run this way).
TEST(Registry, ReferenceArgumentsAreNotCopied) {
  Registry<Shape, int&> registry("counter");
  ASSERT_TRUE(registry
                  .add("count",
                       [](int& calls) -> Result<std::unique_ptr<Shape>> {
                         ++calls;
                         return make_polygon(3);
                       })
                  .ok());
  int calls = 0;
  ASSERT_TRUE(registry.create("count", calls).ok());
  ASSERT_TRUE(registry.create("count", calls).ok());
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace chainlab
