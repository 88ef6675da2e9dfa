#include "monitor/skewness.h"

#include <algorithm>
#include <cmath>

namespace chainlab::monitor {
namespace {

constexpr size_t kMaxSkewWatches = 1024;

}  // namespace

Status check_skew_resource(const std::string& resource) {
  if (resource != "cpu" && resource != "mem") {
    return make_error(ErrorCode::kInvalidArgument,
                      "resource_name '{}': the skewness monitor knows cpu and mem", resource);
  }
  return ok_status();
}

Result<bool> SkewWatches::add(const SkewWatch& watch) {
  std::lock_guard lock(mu_);
  if (std::find(watches_.begin(), watches_.end(), watch) != watches_.end()) {
    return false;
  }
  if (watches_.size() >= kMaxSkewWatches) {
    return make_error(ErrorCode::kResourceExhausted, "more than {} skewness monitors",
                      kMaxSkewWatches);
  }
  watches_.push_back(watch);
  return true;
}

bool SkewWatches::remove(const SkewWatch& watch) {
  std::lock_guard lock(mu_);
  auto it = std::find(watches_.begin(), watches_.end(), watch);
  if (it == watches_.end()) {
    return false;
  }
  watches_.erase(it);
  return true;
}

std::vector<SkewWatch> SkewWatches::list() const {
  std::lock_guard lock(mu_);
  return watches_;
}

std::optional<double> sample_skewness(const std::vector<double>& xs) {
  size_t n = xs.size();
  if (n < 3) {
    return std::nullopt;
  }
  double mean = 0;
  for (double x : xs) {
    mean += x;
  }
  mean /= static_cast<double>(n);
  double m2 = 0;
  double m3 = 0;
  for (double x : xs) {
    double d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= static_cast<double>(n);
  m3 /= static_cast<double>(n);
  if (m2 <= 1e-18 * std::max(1.0, mean * mean)) {
    return std::nullopt;  // no variation: skewmon divided by zero
  }
  double dn = static_cast<double>(n);
  return std::sqrt(dn * (dn - 1)) / (dn - 2) * m3 / std::pow(m2, 1.5);
}

std::vector<SkewValue> skew_values(const Sampler& sampler, const std::vector<SkewWatch>& watches,
                                   size_t window) {
  std::vector<SkewValue> out;
  for (const SkewWatch& w : watches) {
    std::string series =
        "instance/" + w.vnf + (w.resource == "cpu" ? std::string("/cpu") : std::string("/memory"));
    std::vector<Point> points = sampler.history(series);
    size_t from = points.size() > window ? points.size() - window : 0;
    std::vector<double> xs;
    for (size_t i = from; i < points.size(); ++i) {
      xs.push_back(points[i].value);
    }
    out.push_back({w, sample_skewness(xs)});
  }
  return out;
}

}  // namespace chainlab::monitor
