// Placeholder so the layer builds before its sources land.
namespace chainlab::emulator {}
