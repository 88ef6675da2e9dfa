// libFuzzer target: ESCAPE's NFFG (read_nffg, src/frontends/escape/nffg_*.cc: bounded, strict on
// the modelled fields, lossless on the rest), its translation to the embedding problem
// (nffg_embedding.cc) and the greedy embedding of the file's own request onto its own
// substrate.
//
// Input: a JSON document. Invariants: refusals are errors with a message, never kInternal; what
// parses is written by to_json and reads back to the same JSON; a translated request either
// fails validation with a message or embeds (accepted or refused with a constraint named); an
// accepted mapping written as a mapped NFFG reads back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "frontends/escape/nffg.h"
#include "frontends/escape/nffg_embedding.h"
#include "fuzz_util.h"
#include "orchestration/placement/embedding/greedy.h"

namespace chainlab::fuzz {
namespace {

namespace emb = orchestration::embedding;

// The file as both the substrate and the request (its own NFs are then reservations).
void check_embedding(const escape::Nffg& nffg) {
  auto p = escape::prepare(nffg, nffg);
  check_result(p, "prepare");
  if (!p.ok() || !p->embed) {
    return;
  }
  auto e = emb::make_greedy({})->embed(p->substrate, p->request);
  check_result(e, "greedy embed");
  if (!e.ok()) {
    return;
  }
  if (!e->accepted()) {
    check(!e->refusal.constraint.empty() && !e->refusal.message.empty(),
          "a refusal names its constraint");
    return;
  }
  auto mapped = escape::mapped_nffg(p->topo, nffg, p->substrate, p->request, *e->mapping);
  auto back = escape::read_nffg(escape::to_json(mapped).dump());
  check(back.ok(), "a mapped NFFG reads back", back.ok() ? "" : back.error().message);
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chainlab;
  auto nffg = escape::read_nffg(std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::check_result(nffg, "read_nffg");
  if (!nffg.ok()) {
    return 0;
  }
  auto json = escape::to_json(*nffg);
  auto again = escape::read_nffg(json.dump());
  fuzz::check(again.ok() && escape::to_json(*again) == json, "to_json then read_nffg is lossless",
              again.ok() ? "" : again.error().message);
  fuzz::check_embedding(*nffg);
  return 0;
}
