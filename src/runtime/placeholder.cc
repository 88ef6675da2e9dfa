// Placeholder until the compute drivers land.
namespace chainlab::runtime {}
