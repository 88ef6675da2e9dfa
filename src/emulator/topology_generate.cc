// Generated topologies: line, star, ring and tree (naming documented at Topology::generate).
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/topology.h"
#include "substrate/names.h"

namespace chainlab::emulator {

namespace {

constexpr int kMaxPops = 100'000;

// "line", "star", "ring", "tree": the generated topology's name before its PoP count.
std::string_view shape_name(Shape shape) {
  constexpr std::array<std::string_view, 4> kNames = {"line", "star", "ring", "tree"};
  static_assert(kNames.size() == static_cast<size_t>(Shape::kTree) + 1);
  return kNames[static_cast<size_t>(shape)];
}

}  // namespace

Result<Topology> Topology::generate(const GeneratorOptions& options) {
  const int n = options.pops;
  if (n < 1 || n > kMaxPops) {
    return make_error(ErrorCode::kInvalidArgument, "generate: pops {} is out of range 1..{}", n,
                      kMaxPops);
  }
  if (options.shape == Shape::kRing && n < 3) {
    return make_error(ErrorCode::kInvalidArgument, "generate: a ring needs at least 3 PoPs, not {}",
                      n);
  }
  if (options.shape == Shape::kTree && (options.fanout < 2 || options.fanout > 64)) {
    return make_error(ErrorCode::kInvalidArgument, "generate: fanout {} is out of range 2..64",
                      options.fanout);
  }
  // The longest PoP name must be valid too (the shortest is checked for the first character).
  if (auto s = substrate::validate_object_name(options.prefix + std::to_string(n), "PoP name");
      !s.ok()) {
    return std::move(s).error().context("generate: prefix");
  }
  if (auto s = validate_link_params(options.link); !s.ok()) {
    return std::move(s).error().context("generate: link");
  }

  Topology t;
  t.name = std::string(shape_name(options.shape)) + std::to_string(n);
  t.pops_.reserve(static_cast<size_t>(n));
  for (int i = 1; i <= n; ++i) {
    PopSpec pop;
    pop.name = options.prefix + std::to_string(i);
    CL_RETURN_IF_ERROR(t.add_pop(std::move(pop)));
  }
  auto link = [&](const std::string& a, const std::string& b) {
    LinkSpec l = options.link;
    l.a = a;
    l.b = b;
    return t.add_link(std::move(l));
  };
  auto pop_name = [&](int i) { return t.pops_[static_cast<size_t>(i)].name; };

  switch (options.shape) {
    case Shape::kLine:
    case Shape::kRing:
      for (int i = 0; i + 1 < n; ++i) {
        CL_RETURN_IF_ERROR(link(pop_name(i), pop_name(i + 1)));
      }
      if (options.shape == Shape::kRing) {
        CL_RETURN_IF_ERROR(link(pop_name(n - 1), pop_name(0)));
      }
      break;
    case Shape::kStar:
      CL_RETURN_IF_ERROR(t.add_switch(SwitchSpec{"hub"}));
      for (int i = 0; i < n; ++i) {
        CL_RETURN_IF_ERROR(link("hub", pop_name(i)));
      }
      break;
    case Shape::kTree: {
      // Level sizes from the leaves up: ceil(n / fanout), ceil(that / fanout), ..., 1.
      const int f = options.fanout;
      std::vector<int> sizes;
      int width = n;
      do {
        width = (width + f - 1) / f;
        sizes.push_back(width);
      } while (width > 1);
      const int depth = static_cast<int>(sizes.size());  // switch levels; root at depth 0
      auto switch_name = [](int d, int i) { return fmt::format("t{}-{}", d, i + 1); };
      for (int d = 0; d < depth; ++d) {
        int count = sizes[static_cast<size_t>(depth - 1 - d)];
        for (int i = 0; i < count; ++i) {
          CL_RETURN_IF_ERROR(t.add_switch(SwitchSpec{switch_name(d, i)}));
        }
      }
      for (int d = 1; d < depth; ++d) {
        int count = sizes[static_cast<size_t>(depth - 1 - d)];
        for (int i = 0; i < count; ++i) {
          CL_RETURN_IF_ERROR(link(switch_name(d - 1, i / f), switch_name(d, i)));
        }
      }
      for (int i = 0; i < n; ++i) {
        CL_RETURN_IF_ERROR(link(switch_name(depth - 1, i / f), pop_name(i)));
      }
      break;
    }
  }
  return t;
}

}  // namespace chainlab::emulator
