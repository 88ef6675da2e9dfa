// How `chainlab embed` shows an embedding: tables of NFs, hops and requirements (delay used
// against the budget), or the refusal; and the same as JSON for scripts.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "orchestration/placement/embedding/problem.h"

namespace chainlab::cli {

std::string embedding_text(const orchestration::embedding::Substrate& s,
                           const orchestration::embedding::Request& r,
                           const orchestration::embedding::Embedding& e);
nlohmann::json embedding_json(const orchestration::embedding::Substrate& s,
                              const orchestration::embedding::Request& r,
                              const orchestration::embedding::Embedding& e);

}  // namespace chainlab::cli
